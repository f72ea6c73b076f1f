import {
  FetchHttpClient,
  HttpApiBuilder,
  HttpApiClient,
  HttpClient,
  HttpClientRequest,
  HttpServer
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type * as Adapter from "@spacesync/adapter-kit/Adapter"
import { SecretBox } from "@spacesync/core"
import { TestDatabase, TestEngine } from "@spacesync/core/testing"
import { ConfigProvider, Effect, Layer } from "effect"
import { Api } from "../../src/Api.js"
import { ApiLive, DocsLive, makeServer, middleware, ServicesLive } from "../../src/Http.js"
import * as Hub from "../../src/Hub.js"
import { HubConfig } from "../../src/HubConfig.js"
import { migrationSets } from "../../src/Migrations.js"

export const adminToken = "sk_admin_test_token_0123456789"

/** The hub's configuration for tests: a fixed admin token, private targets allowed (receivers on 127.0.0.1). */
export const testConfig = (extra: Record<string, string> = {}) =>
  Layer.setConfigProvider(
    ConfigProvider.fromMap(
      new Map(Object.entries({
        SPACESYNC_ADMIN_TOKEN: adminToken,
        SPACESYNC_ALLOW_PRIVATE_TARGETS: "true",
        ...extra
      }))
    ).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
  )

/**
 * The whole hub API in this process on a random loopback port, with its own database, the given adapters
 * and the real HTTP stack. Provides `HttpServer` (for its address) and everything the hub runs on.
 */
export const layer = (
  adapters: ReadonlyArray<Adapter.Build>,
  config: Record<string, string> = {},
  options: { readonly migrated?: boolean } = {}
) => {
  const hubConfig = Layer.effect(
    HubConfig,
    Effect.map(HttpServer.HttpServer, (server) => {
      const address = server.address as HttpServer.TcpAddress
      return { host: "127.0.0.1", port: address.port, publicUrl: `http://127.0.0.1:${address.port}` }
    })
  )
  // One hub per test file: the API's module-level layers are shared by every hub built in one process.
  return HttpApiBuilder.serve(middleware).pipe(
    Layer.provide(DocsLive),
    Layer.provide(ApiLive),
    Layer.provideMerge(ServicesLive),
    Layer.provideMerge(Hub.coreServices(adapters)),
    Layer.provideMerge(Layer.mergeAll(hubConfig, SecretBox.layer(TestEngine.testSecretKey))),
    Layer.provideMerge(NodeHttpServer.layer(makeServer, { host: "127.0.0.1", port: 0 })),
    Layer.provideMerge(TestDatabase.layer(options.migrated === false ? [] : migrationSets)),
    Layer.provide(testConfig(config))
  )
}

/** The hub's base URL. */
export const baseUrl = Effect.map(HubConfig, (config) => config.publicUrl)

/** A typed client of the hub, authenticated with `token` when given. */
export const client = (token?: string) =>
  Effect.gen(function*() {
    const url = yield* baseUrl
    return yield* HttpApiClient.make(Api, {
      baseUrl: url,
      transformClient: token === undefined ? undefined : HttpClient.mapRequest(HttpClientRequest.bearerToken(token))
    })
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** A raw request to the hub (for status codes, headers and bodies the typed client does not expose). */
export const fetchHub = (path: string, init: RequestInit = {}) =>
  Effect.flatMap(baseUrl, (url) =>
    Effect.promise(async () => {
      const response = await fetch(`${url}${path}`, init)
      const text = await response.text()
      let json: any = undefined
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      return { status: response.status, headers: response.headers, text, json }
    }))

/** A client-credentials token request (client_secret_post) for `platform`'s credentials. */
export const tokenRequest = (platform: { readonly clientId: string; readonly clientSecret: string }): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({
    grant_type: "client_credentials",
    client_id: platform.clientId,
    client_secret: platform.clientSecret
  }).toString()
})
