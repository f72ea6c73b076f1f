/**
 * The raw Nexudus admin REST API client (`https://spaces.nexudus.com/api/{module}/{entity}`), read with an
 * account user's bearer token. It knows nothing of the canonical model (see `NexudusNormalize`).
 *
 * - Auth: `POST /api/token`, form-encoded `grant_type=password&username=…&password=…`; the token (about 7
 *   days, `expires_in: 604799`) is cached by the adapter's `OAuthTokens` cache, refreshed with its
 *   `refresh_token` before it expires, and a 401 fetches a fresh one once. A refused password
 *   (`invalid_grant`, 400) is `Unauthorized`: the hub pauses the account.
 * - Listings are page-numbered: `page` (from 1), `size` (`pageSize`, the reference's maximum), `orderBy=Id`,
 *   `dir=1`; the envelope's `HasNextPage` (or `TotalPages`) says when to stop.
 * - Throttling: Nexudus answers **409** with "You must wait before accessing this url again." (the
 *   reference shows it as the status text with an empty body, and `Retry-After` in seconds), and some
 *   deployments **429** with a body "Wait N seconds" and maybe no `Retry-After`. Both are waited out for as
 *   long as the upstream asks (within `maxThrottleWait` in total). A 409 is throttling only with that
 *   message, or with an empty body and a `Retry-After`: any other 409 is a conflict, `Upstream` 409.
 *
 * @since 0.1.0
 */
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { AdapterError, HttpUrl, OAuthTokens, Pagination, UpstreamHttp } from "@spacesync/adapter-kit"
import { Chunk, Clock, Duration, Effect, Redacted, Schema, Stream } from "effect"
import * as NexudusSchemas from "./NexudusSchemas.js"

/**
 * An account's credentials: a Nexudus user with API access (its e-mail and password), and the shared
 * secret of the account's webhooks when the hub receives them.
 *
 * @since 0.1.0
 */
export const Credentials = Schema.Struct({
  baseUrl: Schema.optional(HttpUrl.HttpUrl),
  username: Schema.NonEmptyString,
  password: Schema.Redacted(Schema.NonEmptyString),
  webhookSecret: Schema.optional(Schema.Redacted(Schema.NonEmptyString))
})
/** @since 0.1.0 */
export type Credentials = typeof Credentials.Type

/** The real API's origin. @since 0.1.0 */
export const defaultBaseUrl = "https://spaces.nexudus.com"

/** Records per page: the maximum the REST reference gives (`size=25 (maximum=1000)`). @since 0.1.0 */
export const pageSize = 1000

/** The longest total wait for throttling answers within one request. @since 0.1.0 */
export const maxThrottleWait = Duration.seconds(60)

/** The origin of the credentials' API. @since 0.1.0 */
export const baseUrlOf = (credentials: Credentials): string =>
  (credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")

/**
 * A collection the adapter reads: its path under the base URL and its entity name (the prefix of its
 * filters, `from_Tariff_UpdatedOn=…`).
 *
 * @since 0.1.0
 */
export const collections = {
  businesses: { path: "/api/sys/businesses", entity: "Business" },
  simpletimezones: { path: "/api/sys/simpletimezones", entity: "SimpleTimeZone" },
  taxrates: { path: "/api/sys/taxrates", entity: "TaxRate" },
  resources: { path: "/api/spaces/resources", entity: "Resource" },
  tariffs: { path: "/api/billing/tariffs", entity: "Tariff" },
  products: { path: "/api/billing/products", entity: "Product" },
  extraservices: { path: "/api/billing/extraservices", entity: "ExtraService" }
} as const

/** @since 0.1.0 */
export type Collection = keyof typeof collections

/** The password grant of the credentials. @since 0.1.0 */
export const grantOf = (credentials: Credentials): OAuthTokens.Grant => ({
  grantType: "password",
  tokenUrl: `${baseUrlOf(credentials)}/api/token`,
  username: credentials.username,
  password: credentials.password
})

const throttleMessage = /you must wait before accessing this url again/i
const waitSeconds = /wait\s+(\d+(?:\.\d+)?)\s*second/i

/**
 * Whether a 409 or 429 answer is Nexudus' "slow down", and for how long (milliseconds; `undefined`:
 * not said). `null`: not throttling (a 409 conflict).
 *
 * @since 0.1.0
 */
export const throttling = (
  status: number,
  retryAfter: string | undefined,
  body: string,
  nowMillis: number
): { readonly retryAfterMillis: number | undefined } | null => {
  const header = UpstreamHttp.parseRetryAfter(retryAfter, nowMillis)
  const inBody = waitSeconds.exec(body)
  const fromBody = inBody === null ? undefined : Math.round(Number(inBody[1]) * 1000)
  if (status === 429) return { retryAfterMillis: header ?? fromBody }
  if (status !== 409) return null
  if (throttleMessage.test(body)) return { retryAfterMillis: header ?? fromBody }
  return body.trim() === "" && header !== undefined ? { retryAfterMillis: header } : null
}

/**
 * The raw client of one account's credentials.
 *
 * @since 0.1.0
 * @category models
 */
export interface NexudusClient {
  readonly credentials: Credentials
  /** Every record of a collection (all pages), undecoded; `filters` are added to the query. */
  readonly list: (
    collection: Collection,
    filters?: Readonly<Record<string, string>>
  ) => Effect.Effect<ReadonlyArray<unknown>, AdapterError.AdapterError>
}

const accepted = (status: number) =>
  (status >= 200 && status < 300) || status === 304 || status === 409 || status === 429

/**
 * Makes the client of `credentials` from the `HttpClient` of the context, with tokens from `tokens`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  credentials: Credentials,
  tokens: OAuthTokens.TokenCache
): Effect.Effect<NexudusClient, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const base = yield* HttpClient.HttpClient
    const baseUrl = baseUrlOf(credentials)
    const grant = grantOf(credentials)
    const http = UpstreamHttp.fromClient(base, {
      baseUrl,
      auth: UpstreamHttp.oauth(tokens.source(grant)),
      // 409 and 429 come back as responses: whether a 409 is throttling depends on its body.
      acceptStatus: accepted,
      rateLimit: false
    })

    const settle = (response: HttpClientResponse.HttpClientResponse) =>
      Effect.gen(function*() {
        if (response.status !== 409 && response.status !== 429) return response
        const body = yield* Effect.orElseSucceed(response.text, () => "")
        const now = yield* Clock.currentTimeMillis
        const what = `${UpstreamHttp.describeRequest(response.request)} answered ${response.status}`
        const throttled = throttling(response.status, response.headers["retry-after"], body, now)
        if (throttled === null) {
          return yield* AdapterError.upstream(response.status, `${what}: ${body.replace(/\s+/g, " ").slice(0, 200)}`)
        }
        return yield* AdapterError.rateLimited(`${what}: throttled`, throttled.retryAfterMillis)
      })

    const execute = (request: HttpClientRequest.HttpClientRequest) =>
      Effect.flatMap(http.execute(request), settle).pipe(
        Effect.retry(UpstreamHttp.waitOutSchedule({ maxTotal: maxThrottleWait }))
      )

    const list = (collection: Collection, filters: Readonly<Record<string, string>> = {}) => {
      const { path } = collections[collection]
      const decode = UpstreamHttp.schemaJson(NexudusSchemas.Page, { prefix: [collection] })
      return Effect.map(
        Stream.runCollect(Pagination.pageNumber({
          pageSize,
          fetch: (page) =>
            Effect.gen(function*() {
              const response = yield* execute(HttpClientRequest.get(`${baseUrl}${path}`, {
                urlParams: { ...filters, page: String(page), size: String(pageSize), orderBy: "Id", dir: "1" }
              }))
              const body = yield* decode(response)
              return {
                items: body.Records,
                hasNext: body.HasNextPage ?? undefined,
                totalPages: body.TotalPages ?? undefined
              }
            })
        })),
        Chunk.toReadonlyArray
      )
    }
    return { credentials, list }
  })

/**
 * A token for the credentials (acquired, refreshed or cached): what `check` asks for. A refused password
 * is `Unauthorized`.
 *
 * @since 0.1.0
 */
export const token = (
  credentials: Credentials,
  tokens: OAuthTokens.TokenCache
): Effect.Effect<Redacted.Redacted<string>, AdapterError.AdapterError, HttpClient.HttpClient> =>
  Effect.map(tokens.get(grantOf(credentials)), (t) => t.accessToken)

/**
 * The token cache options of the adapter: token requests wait out 409/429 throttling like every other
 * request.
 *
 * @since 0.1.0
 */
export const tokenCacheOptions: OAuthTokens.CacheOptions = {
  defaultLifetime: Duration.days(7),
  http: { throttleStatuses: [409], rateLimit: { maxTotal: maxThrottleWait } }
}
