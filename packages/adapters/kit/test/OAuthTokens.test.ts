import { FetchHttpClient, HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Redacted, type Scope, TestClock } from "effect"
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

/** Token requests go through the fetch client; each test makes its own token cache. */
const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient | Scope.Scope>) =>
  effect.pipe(Effect.provide(FetchHttpClient.layer), Effect.scoped)

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
      const tokens = yield* OAuthTokens.makeCache()
      const grant = clientCredentials(tokenUrl)
      const first = yield* tokens.get(grant)
      const second = yield* tokens.get(grant)
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
      const tokens = yield* OAuthTokens.makeCache()
      yield* tokens.get(clientCredentials(tokenUrl, { clientAuthentication: "client_secret_basic" }))
      expect(server.requests[0]!.headers.authorization).toBe(
        `Basic ${Buffer.from("client-1:secret-1").toString("base64")}`
      )
      expect(forms[0]!.get("client_secret")).toBeNull()
    })))

  it.effect("a token is renewed once it is within the skew of its expiry", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({ expiresIn: 300 })
      const tokens = yield* OAuthTokens.makeCache({ skew: "60 seconds" })
      const grant = clientCredentials(tokenUrl)
      expect(Redacted.value((yield* tokens.get(grant)).accessToken)).toBe("tok-1")
      yield* TestClock.adjust("239 seconds")
      expect(Redacted.value((yield* tokens.get(grant)).accessToken)).toBe("tok-1")
      yield* TestClock.adjust("2 seconds")
      expect(Redacted.value((yield* tokens.get(grant)).accessToken)).toBe("tok-2")
      expect(forms).toHaveLength(2)
    })))

  it.effect("the skew is at most half of a short lifetime", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({ expiresIn: 60 })
      const tokens = yield* OAuthTokens.makeCache({ skew: "5 minutes" })
      const grant = clientCredentials(tokenUrl)
      yield* tokens.get(grant)
      yield* TestClock.adjust("29 seconds")
      expect(Redacted.value((yield* tokens.get(grant)).accessToken)).toBe("tok-1")
      yield* TestClock.adjust("2 seconds")
      expect(Redacted.value((yield* tokens.get(grant)).accessToken)).toBe("tok-2")
      expect(forms).toHaveLength(2)
    })))

  it.effect("password grant with refresh: an expired token is refreshed with the refresh_token grant", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({ expiresIn: 120, refresh: true })
      const tokens = yield* OAuthTokens.makeCache()
      const grant: OAuthTokens.Grant = {
        grantType: "password",
        tokenUrl,
        username: "ann@example.com",
        password: Redacted.make("pw"),
        params: { totp: "123456" }
      }
      yield* tokens.get(grant)
      yield* TestClock.adjust("10 minutes")
      const refreshed = yield* tokens.get(grant)
      expect(Redacted.value(refreshed.accessToken)).toBe("tok-2")
      expect(Object.fromEntries(forms[0]!)).toEqual({
        grant_type: "password",
        username: "ann@example.com",
        password: "pw",
        totp: "123456"
      })
      expect(forms[1]!.get("grant_type")).toBe("refresh_token")
      expect(forms[1]!.get("refresh_token")).toBe("ref-1")
      // The rotated refresh token is the one used next.
      yield* TestClock.adjust("10 minutes")
      yield* tokens.get(grant)
      expect(forms[2]!.get("refresh_token")).toBe("ref-2")
    })))

  it.effect("a refresh token the endpoint does not rotate is kept", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({
        expiresIn: 120,
        reply: (form) =>
          form.get("grant_type") === "password"
            ? { body: { access_token: "first", expires_in: 120, refresh_token: "only-ref" } }
            : undefined
      })
      const tokens = yield* OAuthTokens.makeCache()
      const grant: OAuthTokens.Grant = { grantType: "password", tokenUrl, username: "ann", password: "pw" }
      yield* tokens.get(grant)
      yield* TestClock.adjust("10 minutes")
      yield* tokens.get(grant)
      yield* TestClock.adjust("10 minutes")
      yield* tokens.get(grant)
      expect(forms.map((f) => [f.get("grant_type"), f.get("refresh_token")])).toEqual([
        ["password", null],
        ["refresh_token", "only-ref"],
        ["refresh_token", "only-ref"]
      ])
    })))

  it.effect("a refused refresh falls back to a fresh acquisition", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({
        expiresIn: 120,
        refresh: true,
        reply: (form) =>
          form.get("grant_type") === "refresh_token" ? { status: 400, body: { error: "invalid_grant" } } : undefined
      })
      const tokens = yield* OAuthTokens.makeCache()
      const grant: OAuthTokens.Grant = { grantType: "password", tokenUrl, username: "ann", password: "pw" }
      yield* tokens.get(grant)
      yield* TestClock.adjust("10 minutes")
      const token = yield* tokens.get(grant)
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
      const tokens = yield* OAuthTokens.makeCache()
      const badClient = yield* Effect.flip(tokens.get(clientCredentials(tokenUrl, { clientId: "bad-client" })))
      expect([badClient.reason, badClient.message]).toEqual(["Unauthorized", expect.stringContaining("invalid_client")])
      const badPassword = yield* Effect.flip(
        tokens.get({ grantType: "password", tokenUrl, username: "wrong", password: "x" })
      )
      expect(badPassword.reason).toBe("Unauthorized")
      const unsupported = yield* Effect.flip(tokens.get(clientCredentials(tokenUrl)))
      expect([unsupported.reason, unsupported.status]).toEqual(["Upstream", 400])
    })))

  it.effect("a failure is not kept: the next caller asks the endpoint again", () =>
    run(Effect.gen(function*() {
      let refuse = true
      const { forms, tokenUrl } = yield* tokenServer({
        reply: () => refuse ? { status: 400, body: { error: "invalid_client" } } : undefined
      })
      const tokens = yield* OAuthTokens.makeCache()
      const grant = clientCredentials(tokenUrl)
      expect((yield* Effect.flip(tokens.get(grant))).reason).toBe("Unauthorized")
      refuse = false
      // Same instant (the TestClock does not move): the failure must not be served from the cache.
      expect(Redacted.value((yield* tokens.get(grant)).accessToken)).toBe("tok-1")
      expect(forms).toHaveLength(2)
    })))

  it.live("concurrent callers share one token request", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({ delayMillis: 100 })
      const tokens = yield* OAuthTokens.makeCache()
      const grant = clientCredentials(tokenUrl)
      const got = yield* Effect.all(Array.from({ length: 8 }, () => tokens.get(grant)), { concurrency: 8 })
      expect(new Set(got.map((t) => Redacted.value(t.accessToken)))).toEqual(new Set(["tok-1"]))
      expect(forms).toHaveLength(1)
    })))

  it.live("concurrent callers share one failure too", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({
        delayMillis: 100,
        reply: () => ({ status: 401, body: { error: "invalid_client" } })
      })
      const tokens = yield* OAuthTokens.makeCache()
      const grant = clientCredentials(tokenUrl)
      const results = yield* Effect.all(
        Array.from({ length: 5 }, () => Effect.flip(tokens.get(grant))),
        { concurrency: 5 }
      )
      expect(results.map((e) => e.reason)).toEqual(Array(5).fill("Unauthorized"))
      expect(forms).toHaveLength(1)
    })))

  it.live("a caller waiting for an interrupted caller's request makes its own", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({ delayMillis: 200 })
      const tokens = yield* OAuthTokens.makeCache()
      const grant = clientCredentials(tokenUrl)
      const first = yield* Effect.fork(tokens.get(grant))
      yield* Effect.sleep("50 millis")
      const waiting = yield* Effect.fork(tokens.get(grant))
      yield* Effect.sleep("50 millis")
      yield* Fiber.interrupt(first)
      const token = yield* Fiber.join(waiting)
      expect(Redacted.value(token.accessToken)).toMatch(/^tok-\d$/)
      expect(forms).toHaveLength(2)
    })))

  it.effect("credential sets are cached apart", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      const tokens = yield* OAuthTokens.makeCache()
      const a = yield* tokens.get(clientCredentials(tokenUrl))
      const b = yield* tokens.get(clientCredentials(tokenUrl, { clientSecret: "other-secret" }))
      expect(Redacted.value(a.accessToken)).not.toBe(Redacted.value(b.accessToken))
      expect(forms).toHaveLength(2)
    })))

  it.effect("two caches (two hubs, two tests) never share a token", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      const grant = clientCredentials(tokenUrl)
      const one = yield* OAuthTokens.makeCache()
      const other = yield* OAuthTokens.makeCache()
      expect(Redacted.value((yield* one.get(grant)).accessToken)).toBe("tok-1")
      expect(Redacted.value((yield* other.get(grant)).accessToken)).toBe("tok-2")
      expect(Redacted.value((yield* one.get(grant)).accessToken)).toBe("tok-1")
      expect(forms).toHaveLength(2)
    })))

  it.effect("the cache holds at most `capacity` credential sets, dropping the least recently used", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      const tokens = yield* OAuthTokens.makeCache({ capacity: 2 })
      const grants = ["a", "b", "c"].map((secret) => clientCredentials(tokenUrl, { clientSecret: secret }))
      for (const grant of grants) yield* tokens.get(grant)
      expect(yield* tokens.size).toBe(2)
      yield* tokens.get(grants[2]!)
      expect(forms).toHaveLength(3)
      yield* tokens.get(grants[0]!)
      expect(forms).toHaveLength(4)
    })))

  it.effect("invalidate drops only the token that was rejected", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      const tokens = yield* OAuthTokens.makeCache()
      const grant = clientCredentials(tokenUrl)
      yield* tokens.get(grant)
      yield* tokens.invalidate(grant, "tok-1")
      expect(Redacted.value((yield* tokens.get(grant)).accessToken)).toBe("tok-2")
      // A late report about the old token leaves the new one alone.
      yield* tokens.invalidate(grant, "tok-1")
      expect(Redacted.value((yield* tokens.get(grant)).accessToken)).toBe("tok-2")
      expect(forms).toHaveLength(2)
    })))

  it.live("UpstreamHttp.oauth: a 401 invalidates the token and the request is sent once more with a new one", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      // The API rejects tok-1 (say, revoked early) and accepts anything else.
      const api = yield* LoopbackServer.make((request) =>
        request.headers.authorization === "Bearer tok-1" ? { status: 401 } : { body: { ok: true } }
      )
      const tokens = yield* OAuthTokens.makeCache()
      const client = yield* UpstreamHttp.make({
        baseUrl: api.url,
        auth: UpstreamHttp.oauth(tokens.source(clientCredentials(tokenUrl)))
      })
      const response = yield* client.get("/locations")
      expect(response.status).toBe(200)
      expect(api.requests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"])
      expect(forms).toHaveLength(2)
      // The fresh token is cached for the next request.
      yield* client.get("/locations")
      expect(forms).toHaveLength(2)
    })))

  it.live("UpstreamHttp.oauth: concurrent requests rejected with one token fetch one new token", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer({ delayMillis: 50 })
      const api = yield* LoopbackServer.make((request) =>
        request.headers.authorization === "Bearer tok-1" ? { status: 401 } : { body: { ok: true } }
      )
      const tokens = yield* OAuthTokens.makeCache()
      const client = yield* UpstreamHttp.make({
        baseUrl: api.url,
        auth: UpstreamHttp.oauth(tokens.source(clientCredentials(tokenUrl)))
      })
      const responses = yield* Effect.all(Array.from({ length: 6 }, () => client.get("/locations")), {
        concurrency: 6
      })
      expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200))
      expect(forms).toHaveLength(2)
    })))

  it.live("UpstreamHttp.oauth: the token request goes through the caller's HttpClient, not the builder's", () =>
    Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      const api = yield* LoopbackServer.make(() => ({ body: { ok: true } }))
      // The cache is made where no HttpClient exists; each call brings its own (as the hub does per account).
      const tokens = yield* OAuthTokens.makeCache()
      const seen: Array<string> = []
      const guarded = HttpClient.HttpClient.pipe(
        Effect.map(HttpClient.tapRequest((request) => Effect.sync(() => seen.push(request.url)))),
        Effect.provide(FetchHttpClient.layer)
      )
      const client = yield* Effect.flatMap(
        guarded,
        (base) =>
          Effect.provideService(
            UpstreamHttp.make({
              baseUrl: api.url,
              auth: UpstreamHttp.oauth(tokens.source(clientCredentials(tokenUrl)))
            }),
            HttpClient.HttpClient,
            base
          )
      )
      yield* client.get("/locations")
      expect(seen).toContain(tokenUrl)
      expect(forms).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("UpstreamHttp.oauth: a token that keeps being rejected fails Unauthorized after one renewal", () =>
    run(Effect.gen(function*() {
      const { forms, tokenUrl } = yield* tokenServer()
      const api = yield* LoopbackServer.make(() => ({ status: 401 }))
      const tokens = yield* OAuthTokens.makeCache()
      const client = yield* UpstreamHttp.make({
        baseUrl: api.url,
        auth: UpstreamHttp.oauth(tokens.source(clientCredentials(tokenUrl)))
      })
      const error = yield* Effect.flip(client.get("/locations"))
      expect(error.reason).toBe("Unauthorized")
      expect(api.requests).toHaveLength(2)
      expect(forms).toHaveLength(2)
    })))
})
