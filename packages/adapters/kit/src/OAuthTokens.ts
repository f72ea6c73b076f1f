/**
 * OAuth 2.0 access tokens for upstream APIs: acquisition with the client-credentials or password grant
 * (or from a refresh token the operator supplied), refresh with the `refresh_token` grant (falling back to
 * a fresh acquisition when the refresh is refused), cached in memory per credential set.
 *
 * A token is reused until `expires_in` minus a skew has passed. Concurrent callers of one credential set
 * share one token request (single flight): while one request is in flight the others wait for it and get
 * its token, or its failure. A token endpoint that answers `invalid_grant`, `invalid_client` or
 * `unauthorized_client` (or 401/403) fails `Unauthorized`, so the hub pauses the account.
 *
 * `source(grant)` gives a `TokenSource` for `UpstreamHttp.oauth`; the token request goes through the
 * `HttpClient` of the context (the hub's outbound guard applies to token URLs too).
 *
 * @since 0.1.0
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Clock, Context, Duration, Effect, Option, Redacted, Schema } from "effect"
import { createHash } from "node:crypto"
import * as AdapterError from "./AdapterError.js"
import * as UpstreamHttp from "./UpstreamHttp.js"

/**
 * An access token and what is known about its lifetime.
 *
 * @since 0.1.0
 * @category models
 */
export interface Token {
  readonly accessToken: Redacted.Redacted<string>
  readonly tokenType: string
  /** Epoch milliseconds when it was issued. */
  readonly issuedAt: number
  /** Epoch milliseconds when it expires; `undefined`: used until rejected. */
  readonly expiresAt: number | undefined
  readonly refreshToken: Redacted.Redacted<string> | undefined
  readonly scope: string | undefined
}

/** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). @since 0.1.0 */
export type ClientAuthentication = "client_secret_post" | "client_secret_basic"

interface GrantBase {
  readonly tokenUrl: string
  readonly scope?: string | undefined
  /** Extra form fields (e.g. Nexudus's `totp`). */
  readonly params?: Readonly<Record<string, string>> | undefined
  readonly clientAuthentication?: ClientAuthentication | undefined
}

/**
 * How a token is acquired.
 *
 * @since 0.1.0
 * @category models
 */
export type Grant =
  | GrantBase & {
    readonly grantType: "client_credentials"
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string> | string
  }
  | GrantBase & {
    readonly grantType: "password"
    readonly username: string
    readonly password: Redacted.Redacted<string> | string
    readonly clientId?: string | undefined
    readonly clientSecret?: Redacted.Redacted<string> | string | undefined
  }
  | GrantBase & {
    readonly grantType: "refresh_token"
    readonly refreshToken: Redacted.Redacted<string> | string
    readonly clientId?: string | undefined
    readonly clientSecret?: Redacted.Redacted<string> | string | undefined
  }

/**
 * Tuning of a token source.
 *
 * @since 0.1.0
 * @category models
 */
export interface SourceOptions {
  /** Cache key; default: a digest of the token URL, grant, client and secrets. */
  readonly key?: string | undefined
  /** A token is renewed this long before it expires. Default 60 seconds (at most half its lifetime). */
  readonly skew?: Duration.DurationInput | undefined
  /** Lifetime assumed when the endpoint sends no `expires_in`. Default 1 hour. */
  readonly defaultLifetime?: Duration.DurationInput | undefined
  /** Client options for the token endpoint (timeouts, retries, throttling). */
  readonly http?: Omit<UpstreamHttp.Options, "baseUrl" | "auth" | "acceptStatus"> | undefined
}

interface Entry {
  readonly semaphore: Effect.Semaphore
  token: Token | undefined
  /** Callers currently waiting for or holding the semaphore. */
  users: number
  /** How many token requests have finished. */
  finished: number
  /** The failure of the last request (its number), shared with the callers that waited for it. */
  failure: { readonly request: number; readonly error: AdapterError.AdapterError } | undefined
}

/**
 * The in-memory token store. One per process by default; tests may provide their own.
 *
 * @since 0.1.0
 * @category models
 */
export interface Store {
  readonly entry: (key: string) => Entry
  readonly clear: () => void
  readonly size: () => number
}

/**
 * A fresh, empty store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore = (options: { readonly maxEntries?: number } = {}): Store => {
  const maxEntries = options.maxEntries ?? 10_000
  const entries = new Map<string, Entry>()
  return {
    entry: (key) => {
      let entry = entries.get(key)
      if (entry === undefined) {
        if (entries.size >= maxEntries) {
          // Drop the oldest entry that nobody is using (Map iterates in insertion order).
          for (const [oldKey, old] of entries) {
            if (old.users === 0) {
              entries.delete(oldKey)
              break
            }
          }
        }
        entry = {
          semaphore: Effect.unsafeMakeSemaphore(1),
          token: undefined,
          users: 0,
          finished: 0,
          failure: undefined
        }
        entries.set(key, entry)
      }
      return entry
    },
    clear: () => entries.clear(),
    size: () => entries.size
  }
}

/**
 * The token store in use: a process-wide default, replaceable per fiber (tests provide a fresh one).
 *
 * @since 0.1.0
 * @category tags
 */
export class TokenStore extends Context.Reference<TokenStore>()("@spacesync/core/OAuthTokens/TokenStore", {
  defaultValue: (): Store => makeStore()
}) {}

const reveal = (value: Redacted.Redacted<string> | string): string =>
  Redacted.isRedacted(value) ? Redacted.value(value) : value

/**
 * The default cache key of a grant: a SHA-256 over everything that identifies the credential set, so
 * two accounts with different secrets never share a token.
 *
 * @since 0.1.0
 */
export const keyOf = (grant: Grant): string => {
  const parts: Array<string> = [grant.grantType, grant.tokenUrl, grant.scope ?? "", JSON.stringify(grant.params ?? {})]
  switch (grant.grantType) {
    case "client_credentials":
      parts.push(grant.clientId, reveal(grant.clientSecret))
      break
    case "password":
      parts.push(grant.username, reveal(grant.password), grant.clientId ?? "", reveal(grant.clientSecret ?? ""))
      break
    case "refresh_token":
      parts.push(reveal(grant.refreshToken), grant.clientId ?? "", reveal(grant.clientSecret ?? ""))
      break
  }
  const hash = createHash("sha256")
  for (const part of parts) hash.update(part).update("\u0000")
  return hash.digest("base64url")
}

const TokenResponse = Schema.Struct({
  access_token: Schema.NonEmptyString,
  token_type: Schema.optional(Schema.String),
  expires_in: Schema.optional(Schema.Union(Schema.Number, Schema.NumberFromString)),
  refresh_token: Schema.optional(Schema.NullOr(Schema.String)),
  scope: Schema.optional(Schema.NullOr(Schema.String))
})

const ErrorResponse = Schema.Struct({
  error: Schema.String,
  error_description: Schema.optional(Schema.NullOr(Schema.String))
})

/** OAuth error codes that mean "these credentials do not work". */
const refusals = new Set(["invalid_grant", "invalid_client", "unauthorized_client", "access_denied"])

const clientOf = (grant: Grant): { readonly id: string; readonly secret: string | undefined } | undefined => {
  if (grant.grantType === "client_credentials") return { id: grant.clientId, secret: reveal(grant.clientSecret) }
  return grant.clientId === undefined
    ? undefined
    : { id: grant.clientId, secret: grant.clientSecret === undefined ? undefined : reveal(grant.clientSecret) }
}

/**
 * One request to the token endpoint with `fields` (the grant's fields), authenticating the client as the
 * grant says. Not cached.
 *
 * @since 0.1.0
 * @category requests
 */
export const requestToken = (
  grant: Grant,
  fields: Readonly<Record<string, string>>,
  options: SourceOptions = {}
): Effect.Effect<Token, AdapterError.AdapterError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* UpstreamHttp.make({
      ...options.http,
      // Error answers of a token endpoint are 400/401 with an OAuth error body: read them here.
      acceptStatus: (status) => (status >= 200 && status < 300) || status === 400 || status === 401 || status === 403
    })
    const body: Record<string, string> = { ...grant.params, ...fields }
    if (grant.scope !== undefined) body.scope = grant.scope
    const credentials = clientOf(grant)
    let request = HttpClientRequest.post(grant.tokenUrl).pipe(HttpClientRequest.acceptJson)
    if (credentials !== undefined) {
      if (grant.clientAuthentication === "client_secret_basic") {
        request = HttpClientRequest.basicAuth(
          request,
          encodeURIComponent(credentials.id),
          encodeURIComponent(credentials.secret ?? "")
        )
      } else {
        body.client_id = credentials.id
        if (credentials.secret !== undefined) body.client_secret = credentials.secret
      }
    }
    const response = yield* client.execute(HttpClientRequest.bodyUrlParams(request, body))
    const what = `Token endpoint ${UpstreamHttp.describeRequest(response.request)}`
    if (response.status >= 200 && response.status < 300) {
      const decoded = yield* UpstreamHttp.schemaJson(TokenResponse)(response)
      const now = yield* Clock.currentTimeMillis
      const lifetime = decoded.expires_in !== undefined && Number.isFinite(decoded.expires_in) && decoded.expires_in > 0
        ? decoded.expires_in * 1000
        : Duration.toMillis(options.defaultLifetime ?? Duration.hours(1))
      return {
        accessToken: Redacted.make(decoded.access_token),
        tokenType: decoded.token_type ?? "Bearer",
        issuedAt: now,
        expiresAt: now + lifetime,
        refreshToken: typeof decoded.refresh_token === "string" && decoded.refresh_token !== ""
          ? Redacted.make(decoded.refresh_token)
          : undefined,
        scope: decoded.scope ?? undefined
      } satisfies Token
    }
    const error = yield* UpstreamHttp.json(response).pipe(
      Effect.flatMap(Schema.decodeUnknown(ErrorResponse)),
      Effect.option
    )
    const code = Option.map(error, (e) => e.error)
    if (response.status === 401 || response.status === 403 || Option.exists(code, (c) => refusals.has(c))) {
      return yield* Effect.fail(
        new AdapterError.AdapterError({
          reason: "Unauthorized",
          status: response.status,
          message: `${what} refused the credentials${
            Option.match(code, { onNone: () => "", onSome: (c) => ` (${c})` })
          }`
        })
      )
    }
    return yield* Effect.fail(
      AdapterError.upstream(
        response.status,
        `${what} answered ${response.status}${Option.match(code, { onNone: () => "", onSome: (c) => ` (${c})` })}`
      )
    )
  }).pipe(Effect.withSpan("OAuthTokens.requestToken", { attributes: { grantType: grant.grantType } }))

const acquireFields = (grant: Grant): Record<string, string> => {
  switch (grant.grantType) {
    case "client_credentials":
      return { grant_type: "client_credentials" }
    case "password":
      return { grant_type: "password", username: grant.username, password: reveal(grant.password) }
    case "refresh_token":
      return { grant_type: "refresh_token", refresh_token: reveal(grant.refreshToken) }
  }
}

/**
 * A token for `grant`: the cached one while it is fresh, else a refreshed or newly acquired one.
 *
 * @since 0.1.0
 * @category tokens
 */
export const get = (
  grant: Grant,
  options: SourceOptions = {}
): Effect.Effect<Token, AdapterError.AdapterError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const store = yield* TokenStore
    const entry = store.entry(options.key ?? keyOf(grant))
    const skew = Duration.toMillis(options.skew ?? Duration.seconds(60))
    const isFresh = (token: Token | undefined, now: number): boolean =>
      token !== undefined &&
      (token.expiresAt === undefined || now < token.expiresAt - Math.min(skew, (token.expiresAt - token.issuedAt) / 2))
    const now = yield* Clock.currentTimeMillis
    if (isFresh(entry.token, now)) return entry.token!
    const seen = entry.finished
    const flight = entry.semaphore.withPermits(1)(Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      if (isFresh(entry.token, now)) return entry.token!
      // Someone else's request ran while we waited for it, and failed: share its outcome.
      if (entry.failure !== undefined && entry.failure.request > seen) return yield* Effect.fail(entry.failure.error)
      const previous = entry.token
      const acquire = requestToken(grant, acquireFields(grant), options)
      const fetched = previous?.refreshToken === undefined
        ? acquire
        : requestToken(
          grant,
          { grant_type: "refresh_token", refresh_token: Redacted.value(previous.refreshToken) },
          options
        )
          .pipe(
            // A refused or broken refresh falls back to a fresh acquisition; an unreachable endpoint does not.
            Effect.catchIf((error) => error.reason !== "Unavailable" && error.reason !== "RateLimited", () => acquire)
          )
      return yield* fetched.pipe(
        Effect.tap((token) =>
          Effect.sync(() => {
            // Keep a refresh token the endpoint did not rotate.
            entry.token = token.refreshToken === undefined && previous?.refreshToken !== undefined
              ? { ...token, refreshToken: previous.refreshToken }
              : token
            entry.failure = undefined
          })
        ),
        Effect.map(() => entry.token!),
        Effect.tapError((error) => Effect.sync(() => (entry.failure = { request: entry.finished + 1, error }))),
        Effect.ensuring(Effect.sync(() => entry.finished++))
      )
    }))
    return yield* Effect.acquireUseRelease(
      Effect.sync(() => entry.users++),
      () => flight,
      () => Effect.sync(() => entry.users--)
    )
  })

/**
 * Forgets the access token `accessToken` of `grant` if it is still the cached one (the upstream rejected
 * it); its refresh token is kept for the next `get`.
 *
 * @since 0.1.0
 * @category tokens
 */
export const invalidate = (grant: Grant, accessToken: string, options: Pick<SourceOptions, "key"> = {}) =>
  Effect.gen(function*() {
    const store = yield* TokenStore
    const entry = store.entry(options.key ?? keyOf(grant))
    if (entry.token !== undefined && Redacted.value(entry.token.accessToken) === accessToken) {
      entry.token = { ...entry.token, expiresAt: 0 }
    }
  })

/**
 * A token source for `UpstreamHttp.oauth`: cached tokens of `grant`, invalidated on 401.
 *
 * @since 0.1.0
 * @category tokens
 */
export const source = (grant: Grant, options: SourceOptions = {}): UpstreamHttp.TokenSource => {
  const key = options.key ?? keyOf(grant)
  const withKey = { ...options, key }
  return {
    get: get(grant, withKey),
    invalidate: (accessToken) => invalidate(grant, accessToken, withKey)
  }
}
