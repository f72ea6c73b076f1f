/**
 * OAuth 2.0 access tokens for upstream APIs: acquisition with the client-credentials or password grant
 * (or from a refresh token the operator supplied), refresh with the `refresh_token` grant (falling back to
 * a fresh acquisition when the refresh is refused), cached in memory per credential set.
 *
 * The cache is a value an adapter makes when it is built (`const tokens = yield* OAuthTokens.makeCache()`
 * inside its build Effect), so each hub and each test has its own; nothing lives in the process. It is an
 * Effect `Cache`: a token is reused until `expires_in` minus a skew has passed, and concurrent callers of
 * one credential set share one token request (single flight): while one request is in flight the others
 * wait for it and get its token, or its failure. A token endpoint that answers `invalid_grant`,
 * `invalid_client` or `unauthorized_client` (or 401/403) fails `Unauthorized`, so the hub pauses the
 * account.
 *
 * `tokens.source(grant)` gives a `TokenSource` for `UpstreamHttp.oauth`; the token request goes through the
 * `HttpClient` of the caller's context (the hub's outbound guard and rate limit apply to token URLs too).
 *
 * @since 0.1.0
 */
import { type HttpClient, HttpClientRequest } from "@effect/platform"
import {
  Cache,
  Cause,
  Clock,
  type Context,
  Duration,
  Effect,
  Either,
  Equal,
  Exit,
  Hash,
  Option,
  Redacted,
  Schema
} from "effect"
import * as AdapterError from "./AdapterError.js"
import * as Digest from "./Digest.js"
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
 * How token requests are made.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions {
  /** Lifetime assumed when the endpoint sends no `expires_in`. Default 1 hour. */
  readonly defaultLifetime?: Duration.DurationInput | undefined
  /** Client options for the token endpoint (timeouts, retries, throttling). */
  readonly http?: Omit<UpstreamHttp.Options, "baseUrl" | "auth" | "acceptStatus"> | undefined
}

/**
 * Tuning of a token cache.
 *
 * @since 0.1.0
 * @category models
 */
export interface CacheOptions extends RequestOptions {
  /** How many credential sets the cache holds; the least recently used goes first. Default 10,000. */
  readonly capacity?: number | undefined
  /** A token is renewed this long before it expires. Default 60 seconds (at most half its lifetime). */
  readonly skew?: Duration.DurationInput | undefined
}

/**
 * Per-grant options of a token cache.
 *
 * @since 0.1.0
 * @category models
 */
export interface GrantOptions {
  /** Cache key; default: `keyOf(grant)`. Grants with one key share their token. */
  readonly key?: string | undefined
}

/**
 * The tokens of an adapter: one per credential set, shared by concurrent callers, renewed before they
 * expire. Made by `makeCache` when the adapter is built.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenCache {
  /**
   * A token for `grant`: the cached one while it is fresh, else a refreshed or newly acquired one. The
   * token request goes through the `HttpClient` of the caller's context; concurrent callers of one
   * credential set share one request and its outcome, a failure included (failures are not kept).
   */
  readonly get: (
    grant: Grant,
    options?: GrantOptions
  ) => Effect.Effect<Token, AdapterError.AdapterError, HttpClient.HttpClient>
  /**
   * Forgets the access token `accessToken` of `grant` if it is still the cached one (the upstream
   * rejected it): a newer token that another caller already fetched stays. The refresh token is kept for
   * the next `get`.
   */
  readonly invalidate: (grant: Grant, accessToken: string, options?: GrantOptions) => Effect.Effect<void>
  /** A token source for `UpstreamHttp.oauth`: tokens of `grant` from this cache, invalidated on 401. */
  readonly source: (grant: Grant, options?: GrantOptions) => UpstreamHttp.TokenSource
  /** How many credential sets the cache holds (tokens, and requests in flight). */
  readonly size: Effect.Effect<number>
}

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
  // A JSON array keeps the parts apart whatever they contain.
  return Digest.sha256Hex(JSON.stringify(parts))
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
  options: RequestOptions = {}
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

/** The lookup key of a token: the grant's key, and what the lookup needs (equality is the key alone). */
class Lookup implements Equal.Equal {
  constructor(
    readonly key: string,
    readonly grant: Grant,
    /** The caller's context: its `HttpClient` (and span) for the token request. `undefined`: a probe. */
    readonly context: Context.Context<HttpClient.HttpClient> | undefined
  ) {}
  [Equal.symbol](that: Equal.Equal): boolean {
    return that instanceof Lookup && that.key === this.key
  }
  [Hash.symbol](): number {
    return Hash.string(this.key)
  }
}

/** A lookup's outcome; failures are values so that each one can be dropped as soon as it is seen. */
type Outcome = Either.Either<Token, AdapterError.AdapterError>

/**
 * A token cache (see `TokenCache`), built on Effect's `Cache`: one lookup per credential set at a time
 * (single flight), a token kept until `expires_in` minus the skew, failures not kept, at most `capacity`
 * credential sets. An adapter makes one when it is built (`const tokens = yield* OAuthTokens.makeCache()`),
 * so every hub and test that builds the adapter has its own tokens.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCache = (options: CacheOptions = {}): Effect.Effect<TokenCache> =>
  Effect.gen(function*() {
    const capacity = Math.max(1, options.capacity ?? 10_000)
    const skew = Duration.toMillis(options.skew ?? Duration.seconds(60))
    /** The latest refresh token per key: it outlives the access token it came with. */
    const refreshTokens = new Map<string, Redacted.Redacted<string>>()
    const remember = (key: string, refreshToken: Redacted.Redacted<string> | undefined) => {
      refreshTokens.delete(key)
      if (refreshToken === undefined) return
      refreshTokens.set(key, refreshToken)
      // Bounded like the cache: the least recently stored goes first (a Map iterates in insertion order).
      if (refreshTokens.size > capacity) refreshTokens.delete(refreshTokens.keys().next().value!)
    }

    const lookup = (lookup: Lookup): Effect.Effect<Outcome> => {
      if (lookup.context === undefined) return Effect.dieMessage("OAuthTokens: a probe key was looked up")
      const { grant, key } = lookup
      const acquire = requestToken(grant, acquireFields(grant), options)
      const previous = refreshTokens.get(key)
      const fetched = previous === undefined ? acquire : requestToken(
        grant,
        { grant_type: "refresh_token", refresh_token: Redacted.value(previous) },
        options
      ).pipe(
        // Keep a refresh token the endpoint did not rotate.
        Effect.map((token): Token => token.refreshToken === undefined ? { ...token, refreshToken: previous } : token),
        // A refused or broken refresh falls back to a fresh acquisition (and its refresh token is dropped);
        // an unreachable endpoint does not.
        Effect.catchIf(
          (error) => error.reason !== "Unavailable" && error.reason !== "RateLimited",
          () => Effect.zipRight(Effect.sync(() => remember(key, undefined)), acquire)
        )
      )
      return fetched.pipe(
        Effect.tap((token) => Effect.sync(() => remember(key, token.refreshToken))),
        Effect.either,
        Effect.provide(lookup.context)
      )
    }

    const cache = yield* Cache.makeWith({
      capacity,
      lookup,
      timeToLive: (exit: Exit.Exit<Outcome>) => {
        if (Exit.isFailure(exit) || Either.isLeft(exit.value)) return Duration.zero
        const token = exit.value.right
        if (token.expiresAt === undefined) return Duration.infinity
        const lifetime = token.expiresAt - token.issuedAt
        return Duration.millis(Math.max(0, lifetime - Math.min(skew, lifetime / 2)))
      }
    })

    const getByKey = (
      key: string,
      grant: Grant
    ): Effect.Effect<Token, AdapterError.AdapterError, HttpClient.HttpClient> =>
      Effect.flatMap(Effect.context<HttpClient.HttpClient>(), (context) => {
        const lookupKey = new Lookup(key, grant, context)
        const attempt: Effect.Effect<Outcome> = Effect.catchAllCause(
          cache.get(lookupKey),
          // The caller whose request we waited for was interrupted (not us): make the request ourselves.
          (cause) => Cause.isInterruptedOnly(cause) ? Effect.suspend(() => attempt) : Effect.failCause(cause)
        )
        return Effect.flatMap(attempt, (outcome) =>
          Either.isRight(outcome)
            ? Effect.succeed(outcome.right)
            // Everyone who waited for this request shares its failure; the next caller asks again.
            : Effect.zipRight(
              cache.invalidateWhen(lookupKey, (cached) => cached === outcome),
              Effect.fail(outcome.left)
            ))
      })

    const invalidateByKey = (key: string, grant: Grant, accessToken: string): Effect.Effect<void> =>
      cache.invalidateWhen(
        new Lookup(key, grant, undefined),
        (cached) => Either.isRight(cached) && Redacted.value(cached.right.accessToken) === accessToken
      )

    return {
      get: (grant, grantOptions = {}) => getByKey(grantOptions.key ?? keyOf(grant), grant),
      invalidate: (grant, accessToken, grantOptions = {}) =>
        invalidateByKey(grantOptions.key ?? keyOf(grant), grant, accessToken),
      source: (grant, grantOptions = {}) => {
        const key = grantOptions.key ?? keyOf(grant)
        return {
          get: getByKey(key, grant),
          invalidate: (accessToken) => invalidateByKey(key, grant, accessToken)
        }
      },
      size: cache.size
    } satisfies TokenCache
  })
