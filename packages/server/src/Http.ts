/**
 * The HTTP server of the hub.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, HttpMiddleware, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import { Api } from "./Api.js"
import { HttpHealthLive } from "./Health/Http.js"
import { HubConfig } from "./HubConfig.js"

/** Every route of the API. @since 0.1.0 */
export const ApiLive = HttpApiBuilder.api(Api).pipe(Layer.provide(HttpHealthLive))

/**
 * Serves the API on the configured host and port.
 *
 * @since 0.1.0
 */
export const HttpLive = HttpApiBuilder.serve(HttpMiddleware.logger).pipe(
  Layer.provide(ApiLive),
  HttpServer.withLogAddress,
  Layer.provide(
    Layer.unwrapEffect(
      Effect.map(HubConfig, (config) => NodeHttpServer.layer(createServer, { host: config.host, port: config.port }))
    )
  )
)
