import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, type Scope, TestClock } from "effect"
import * as OAuthTokens from "../src/OAuthTokens.js"
import * as LoopbackServer from "../src/testing/LoopbackServer.js"
import * as UpstreamHttp from "../src/UpstreamHttp.js"

/**
 * A token endpoint: issues `tok-1`, `tok-2`, … (and `ref-n` refresh tokens when asked to), records the
 * form of every request, and answers with `reply` when one is set.
 */
const tokenServer = (options: {
  readonly expiresIn?: number
  readonly refresh?: boolean
  readonly delayMillis?: number
  readonly reply?: (form: URLSearchParams) => LoopbackServer.Response | undefined
} = {}) =>
  Effect.gen(function*() {
    const forms: Array<URLSearchParams> = []
    let issued = 0
    const server = yield* LoopbackServer.make(async (request) => {
      const form = new URLSearchParams(request.body)
      forms.push(form)
      if (options.delayMillis !== undefined) await new Promise((r) => setTimeout(r, options.delayMillis))
      const custom = options.reply?.(form)
      if (custom !== undefined) return custom
      issued++
      return {
        body: {
          access_token: `tok-${issued}`,
          token_type: "bearer",
          expires_in: options.expiresIn ?? 3600,
          ...(options.refresh ? { refresh_token: `ref-${issued}` } : {})
        }
      }
    })
    return { server, forms, tokenUrl: `${server.url}/oauth/token` }
  })

/** Each test gets its own token store and the fetch client. */
const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient | Scope.Scope>) =>
  effect.pipe(
    Effect.provideService(OAuthTokens.TokenStore, OAuthTokens.makeStore()),
    Effect.provide(FetchHttpClient.layer),
    Effect.scoped
  )

const clientCredentials = (tokenUrl: string, extra: Partial<OAuthTokens.Grant> = {}): OAuthTokens.Grant => ({
  grantType: "client_credentials",
  tokenUrl,
  clientId: "client-1",
  clientSecret: Redacted.make("secret-1"),
  scope: "flex.space.locations.read",
  ...extra
} as OAuthTokens.Grant)

describe("OAuthTokens", () => {
  it.effect("client credentials: one token request, then the cached token", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      const grant = clientCredentials(tokenUrl)
      const first = yield* OAuthTokens.get(grant)
      const second = yield* OAuthTokens.get(grant)
      expect(Redacted.value(first.accessToken)).toBe("tok-1")
      expect(Redacted.value(second.accessToken)).toBe("tok-1")
      expect(forms).toHaveLength(1)
      expect(Object.fromEntries(forms[0]!)).toEqual({
        grant_type: "client_credentials",
        client_id: "client-1",
        client_secret: "secret-1",
        scope: "flex.space.locations.read"
      })
    })))

  it.effect("client_secret_basic authenticates the client with HTTP Basic", () =>
    run(Effect.gen(function*() {
      const { server, forms, tokenUrl } = yield* tokenServer()
      yield* OAuthTokens.get(clientCredentials(tokenUrl, { clientAuthentication: "client_secret_basic" }))
      expect(server.requests[0]!.headers.authorization).toBe(
        `Basic ${Buffer.from("client-1:secret-1").toString("base64")}`
      )
      expect(forms[0]!.get("client_secret")).toBeNull()
    })))

  it.effect("a token is renewed once it is within the skew of its expiry", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({ expiresIn: 300 })
      const grant = clientCredentials(tokenUrl)
      expect(Redacted.value((yield* OAuthTokens.get(grant, { skew: "60 seconds" })).accessToken)).toBe("tok-1")
      yield* TestClock.adjust("239 seconds")
      expect(Redacted.value((yield* OAuthTokens.get(grant, { skew: "60 seconds" })).accessToken)).toBe("tok-1")
      yield* TestClock.adjust("2 seconds")
      expect(Redacted.value((yield* OAuthTokens.get(grant, { skew: "60 seconds" })).accessToken)).toBe("tok-2")
      expect(forms).toHaveLength(2)
    })))

  it.effect("password grant with refresh: an expired token is refreshed with the refresh_token grant", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({ expiresIn: 120, refresh: true })
      const grant: OAuthTokens.Grant = {
        grantType: "password",
        tokenUrl,
        username: "ann@example.com",
        password: Redacted.make("pw"),
        params: { totp: "123456" }
      }
      yield* OAuthTokens.get(grant)
      yield* TestClock.adjust("10 minutes")
      const refreshed = yield* OAuthTokens.get(grant)
      expect(Redacted.value(refreshed.accessToken)).toBe("tok-2")
      expect(Object.fromEntries(forms[0]!)).toEqual({
        grant_type: "password",
        username: "ann@example.com",
        password: "pw",
        totp: "123456"
      })
      expect(forms[1]!.get("grant_type")).toBe("refresh_token")
      expect(forms[1]!.get("refresh_token")).toBe("ref-1")
    })))

  it.effect("a refused refresh falls back to a fresh acquisition", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({
        expiresIn: 120,
        refresh: true,
        reply: (form) =>
          form.get("grant_type") === "refresh_token" ? { status: 400, body: { error: "invalid_grant" } } : undefined
      })
      const grant: OAuthTokens.Grant = { grantType: "password", tokenUrl, username: "ann", password: "pw" }
      yield* OAuthTokens.get(grant)
      yield* TestClock.adjust("10 minutes")
      const token = yield* OAuthTokens.get(grant)
      expect(Redacted.value(token.accessToken)).toBe("tok-2")
      expect(forms.map((f) => f.get("grant_type"))).toEqual(["password", "refresh_token", "password"])
    })))

  it.effect("invalid_grant and invalid_client are Unauthorized; other OAuth errors are Upstream", () =>
    run(Effect.gen(function*() {
      const { tokenUrl } = yield* tokenServer({
        reply: (form) =>
          form.get("client_id") === "bad-client"
            ? { status: 401, body: { error: "invalid_client" } }
            : form.get("username") === "wrong"
            ? { status: 400, body: { error: "invalid_grant", error_description: "Bad password" } }
            : { status: 400, body: { error: "unsupported_grant_type" } }
      })
      const badClient = yield* Effect.flip(OAuthTokens.get(clientCredentials(tokenUrl, { clientId: "bad-client" })))
      expect([badClient.reason, badClient.message]).toEqual(["Unauthorized", expect.stringContaining("invalid_client")])
      const badPassword = yield* Effect.flip(
        OAuthTokens.get({ grantType: "password", tokenUrl, username: "wrong", password: "x" })
      )
      expect(badPassword.reason).toBe("Unauthorized")
      const unsupported = yield* Effect.flip(OAuthTokens.get(clientCredentials(tokenUrl)))
      expect([unsupported.reason, unsupported.status]).toEqual(["Upstream", 400])
    })))

  it.live("concurrent callers share one token request", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({ delayMillis: 100 })
      const grant = clientCredentials(tokenUrl)
      const tokens = yield* Effect.all(Array.from({ length: 8 }, () => OAuthTokens.get(grant)), { concurrency: 8 })
      expect(new Set(tokens.map((t) => Redacted.value(t.accessToken)))).toEqual(new Set(["tok-1"]))
      expect(forms).toHaveLength(1)
    })))

  it.live("concurrent callers share one failure too", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({
        delayMillis: 100,
        reply: () => ({ status: 401, body: { error: "invalid_client" } })
      })
      const grant = clientCredentials(tokenUrl)
      const results = yield* Effect.all(
        Array.from({ length: 5 }, () => Effect.flip(OAuthTokens.get(grant))),
        { concurrency: 5 }
      )
      expect(results.map((e) => e.reason)).toEqual(Array(5).fill("Unauthorized"))
      expect(forms).toHaveLength(1)
    })))

  it.effect("credential sets are cached apart", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      const a = yield* OAuthTokens.get(clientCredentials(tokenUrl))
      const b = yield* OAuthTokens.get(clientCredentials(tokenUrl, { clientSecret: "other-secret" }))
      expect(Redacted.value(a.accessToken)).not.toBe(Redacted.value(b.accessToken))
      expect(forms).toHaveLength(2)
    })))

  it.live("UpstreamHttp.oauth: a 401 invalidates the token and the request is sent once more with a new one", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      // The API rejects tok-1 (say, revoked early) and accepts anything else.
      const api = yield* LoopbackServer.make((request) =>
        request.headers.authorization === "Bearer tok-1" ? { status: 401 } : { body: { ok: true } }
      )
      const client = yield* UpstreamHttp.make({
        baseUrl: api.url,
        auth: UpstreamHttp.oauth(OAuthTokens.source(clientCredentials(tokenUrl)))
      })
      const response = yield* client.get("/locations")
      expect(response.status).toBe(200)
      expect(api.requests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"])
      expect(forms).toHaveLength(2)
      // The fresh token is cached for the next request.
      yield* client.get("/locations")
      expect(forms).toHaveLength(2)
    })))

  it.live("UpstreamHttp.oauth: a token that keeps being rejected fails Unauthorized after one renewal", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      const api = yield* LoopbackServer.make(() => ({ status: 401 }))
      const client = yield* UpstreamHttp.make({
        baseUrl: api.url,
        auth: UpstreamHttp.oauth(OAuthTokens.source(clientCredentials(tokenUrl)))
      })
      const error = yield* Effect.flip(client.get("/locations"))
      expect(error.reason).toBe("Unauthorized")
      expect(api.requests).toHaveLength(2)
      expect(forms).toHaveLength(2)
    })))
})
