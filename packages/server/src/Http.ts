/**
 * The hub's HTTP server: every API group with its services, problem+json errors, request ids and logs,
 * `/openapi.json`, `/docs` and `/metrics`.
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, HttpApiScalar, type HttpApp, HttpMiddleware, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Connections, Operators, Platforms } from "@spacesync/core"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import * as AccessTokens from "./AccessTokens.js"
import { HttpAdminLive } from "./Admin/Http.js"
import * as AdminToken from "./AdminToken.js"
import { Api } from "./Api.js"
import { AdminAuthLive, OperatorAuthLive, PlatformAuthLive } from "./Auth.js"
import * as ContentTypes from "./ContentTypes.js"
import { problemJson } from "./Errors.js"
import { HttpHealthLive } from "./Health/Http.js"
import { HubConfig } from "./HubConfig.js"
import { MetricsLive, observe } from "./Metrics.js"
import { HttpOAuthLive } from "./OAuth/Http.js"
import { HttpOperatorLive } from "./Operator/Http.js"
import { HttpPlatformLive } from "./Platform/Http.js"
import { PlatformDocsLive } from "./PlatformDocs.js"
import * as RateLimits from "./RateLimits.js"
import { HttpUpstreamLive } from "./Upstream/Http.js"
import { HttpWebhooksLive } from "./Webhooks/Http.js"

/** Core's tenancy services and the server's own (tokens, auth, rate limits). @since 0.1.0 */
export const ServicesLive = Layer.mergeAll(AdminAuthLive, OperatorAuthLive, PlatformAuthLive).pipe(
  Layer.provideMerge(Layer.mergeAll(
    AdminToken.layer,
    AccessTokens.layer,
    Operators.layer,
    Platforms.layer,
    Connections.layer(),
    RateLimits.layer
  ))
)

/** Every route of the API. @since 0.1.0 */
export const ApiLive = HttpApiBuilder.api(Api).pipe(
  Layer.provide([
    HttpHealthLive,
    HttpAdminLive,
    HttpOperatorLive,
    HttpOAuthLive,
    HttpPlatformLive,
    HttpUpstreamLive,
    HttpWebhooksLive
  ])
)

/** `/openapi.json`, `/docs` (Scalar, served from the installed package: no CDN) and `/metrics`. @since 0.1.0 */
export const DocsLive = Layer.mergeAll(
  HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" }),
  HttpApiScalar.layer({ path: "/docs" }),
  MetricsLive,
  PlatformDocsLive
)

/**
 * The HTTP app's middleware: a request id and metrics around JSON request logs (which carry the id), and
 * problem+json for every error response.
 *
 * @since 0.1.0
 */
export const middleware = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  observe(HttpMiddleware.logger(problemJson(ContentTypes.guard(app))))

/**
 * The Node server, with deadlines: the request's headers within 15 s and its whole body within 30 s of
 * the request's start (Node answers 408 and closes the connection otherwise), so a client that stops
 * sending mid-body cannot hold a connection open. Handling time after the body is not limited (an
 * operator's synchronous sync may take minutes).
 *
 * @since 0.1.0
 */
export const makeServer = () => {
  const server = createServer()
  server.headersTimeout = 15_000
  server.requestTimeout = 30_000
  return server
}

/**
 * Serves the API on the configured host and port.
 *
 * @since 0.1.0
 */
export const HttpLive = HttpApiBuilder.serve(middleware).pipe(
  Layer.provide(DocsLive),
  Layer.provide(ApiLive),
  HttpServer.withLogAddress,
  Layer.provide(
    Layer.unwrapEffect(
      Effect.map(HubConfig, (config) => NodeHttpServer.layer(makeServer, { host: config.host, port: config.port }))
    )
  )
)
