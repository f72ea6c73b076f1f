/**
 * The raw BookingSync API v3 client: an OAuth client-credentials token, requests, pagination and the
 * upstream's throttling headers. It knows nothing of the canonical model (see `BookingSyncNormalize`).
 *
 * - Token: `POST {baseUrl}/oauth/token` (`grant_type=client_credentials`), cached per credential set by the
 *   adapter's `OAuthTokens` cache; a 401 renews it once.
 * - API: `{baseUrl}/api/v3`. Collections are paged with `page` and `per_page=100`; the next page is the
 *   `Link: rel="next"` target's page (or, without a `Link` header, `X-Total-Pages`).
 * - Throttling: BookingSync answers 429 with `X-RateLimit-Reset` (unix seconds) rather than
 *   `Retry-After`; the client turns the one into the other so that `UpstreamHttp` waits it out (within
 *   its bounded budget). A response with `X-RateLimit-Remaining: 0` makes the client wait until the reset
 *   before it hands the response over, so the next request is not refused.
 *
 * @since 0.1.0
 */
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { AdapterError, HttpUrl, type OAuthTokens, Pagination, UpstreamHttp } from "@spacesync/adapter-kit"
import { Clock, Duration, Effect, Option, Schema, type Stream } from "effect"
import * as BookingSyncSchemas from "./BookingSyncSchemas.js"

/**
 * An account's credentials: the application's client id and secret (the token reads every account that
 * authorized the application) and the one account this hub account keeps to.
 *
 * @since 0.1.0
 */
export const Credentials = Schema.Struct({
  baseUrl: Schema.optional(HttpUrl.HttpUrl),
  clientId: Schema.NonEmptyString,
  clientSecret: Schema.Redacted(Schema.NonEmptyString),
  accountId: Schema.Union(Schema.NonEmptyString, Schema.Int.pipe(Schema.positive())).pipe(
    Schema.transform(Schema.String, { strict: true, decode: String, encode: (s) => s })
  )
})
/** @since 0.1.0 */
export type Credentials = typeof Credentials.Type

/** The real service. @since 0.1.0 */
export const defaultBaseUrl = "https://www.bookingsync.com"

/** Records per page (the API's cap). @since 0.1.0 */
export const perPage = 100

/** The longest the client waits out throttling in one request (`X-RateLimit-Reset`, `Retry-After`). @since 0.1.0 */
export const maxThrottleWait: Duration.Duration = Duration.minutes(2)

/** The origin the credentials name (`baseUrl` without a trailing slash). @since 0.1.0 */
export const originOf = (credentials: Credentials): string =>
  (credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")

/** The client-credentials grant of an account's credentials. @since 0.1.0 */
export const grantOf = (credentials: Credentials): OAuthTokens.Grant => ({
  grantType: "client_credentials",
  tokenUrl: `${originOf(credentials)}/oauth/token`,
  clientId: credentials.clientId,
  clientSecret: credentials.clientSecret
})

/** The header BookingSync sends with the server's clock when a listing was answered. @since 0.1.0 */
export const syncedAtHeader = "x-updated-since-request-synced-at"

const rateLimitHeaders = (base: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transformResponse(base, (effect) =>
    Effect.flatMap(effect, (response) =>
      Effect.gen(function*() {
        const reset = Number(response.headers["x-ratelimit-reset"])
        if (!Number.isFinite(reset) || reset <= 0) return response
        const now = yield* Clock.currentTimeMillis
        // The reset is in whole seconds: wait at least one, so the window has turned when we come back.
        const waitMillis = Math.max(1000, reset * 1000 - now)
        if (response.status === 429 && response.headers["retry-after"] === undefined) {
          const body = yield* Effect.orElseSucceed(response.arrayBuffer, () => new ArrayBuffer(0))
          const headers = new globalThis.Headers(Object.entries(response.headers))
          headers.set("retry-after", String(Math.ceil(waitMillis / 1000)))
          return HttpClientResponse.fromWeb(response.request, new Response(body, { status: 429, headers }))
        }
        if (
          response.status >= 200 && response.status < 300 && response.headers["x-ratelimit-remaining"] === "0" &&
          waitMillis <= Duration.toMillis(maxThrottleWait)
        ) {
          yield* Effect.sleep(Duration.millis(waitMillis))
        }
        return response
      })))

/**
 * The raw client of one account's credentials.
 *
 * @since 0.1.0
 * @category models
 */
export interface BookingSyncClient {
  readonly credentials: Credentials
  /** `GET /accounts/{accountId}`: the account, and the server's clock when it answered. */
  readonly account: Effect.Effect<
    { readonly account: BookingSyncSchemas.Account; readonly syncedAt: Option.Option<string> },
    AdapterError.AdapterError
  >
  /**
   * Every page of a collection (`rentals`, `rates`, …), requested one at a time with `per_page=100`,
   * with `updated_since` when given. Each page carries the `X-Updated-Since-Request-Synced-At` it came
   * with.
   */
  readonly list: (
    collection: string,
    options?: { readonly updatedSince?: string | undefined }
  ) => Stream.Stream<
    BookingSyncSchemas.Page & { readonly syncedAt: Option.Option<string> },
    AdapterError.AdapterError
  >
}

/**
 * Makes the client of `credentials` from the `HttpClient` of the context, with tokens from `tokens`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  credentials: Credentials,
  tokens: OAuthTokens.TokenCache
): Effect.Effect<BookingSyncClient, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    // Token requests go through this client too (`UpstreamHttp` hands it to the token source).
    const base = rateLimitHeaders(yield* HttpClient.HttpClient)
    const http = UpstreamHttp.fromClient(base, {
      baseUrl: `${originOf(credentials)}/api/v3`,
      auth: UpstreamHttp.oauth(tokens.source(grantOf(credentials))),
      rateLimit: { maxTotal: maxThrottleWait }
    })
    const AccountPage = BookingSyncSchemas.Page("accounts")
    const account = Effect.gen(function*() {
      const response = yield* http.get(`/accounts/${encodeURIComponent(credentials.accountId)}`)
      const page = yield* UpstreamHttp.schemaJson(AccountPage)(response)
      const decoded = yield* Effect.forEach(
        page.records,
        (record, i) => UpstreamHttp.decodeUnknown(BookingSyncSchemas.Account, { prefix: ["accounts", i] })(record)
      )
      const found = decoded.find((a) => String(a.id) === credentials.accountId)
      if (found === undefined) {
        return yield* AdapterError.unauthorized(
          `BookingSync account ${credentials.accountId} is not among the accounts that authorized the application`
        )
      }
      return { account: found, syncedAt: UpstreamHttp.header(response, syncedAtHeader) }
    })

    const list: BookingSyncClient["list"] = (collection, options = {}) => {
      const decode = UpstreamHttp.schemaJson(BookingSyncSchemas.Page(collection), { prefix: [collection] })
      return Pagination.pageNumber({
        pageSize: perPage,
        fetch: (page) =>
          Effect.gen(function*() {
            const urlParams: Record<string, string> = { page: String(page), per_page: String(perPage) }
            if (options.updatedSince !== undefined) urlParams.updated_since = options.updatedSince
            const response = yield* http.execute(HttpClientRequest.get(`/${collection}`, { urlParams }))
            const body = yield* decode(response)
            const link = response.headers["link"]
            const totalPages = Number(response.headers["x-total-pages"])
            const hasNext = link !== undefined
              ? Option.isSome(Pagination.nextLink(link, response.request.url))
              : Number.isInteger(totalPages)
              ? page < totalPages
              : undefined
            return {
              items: [{ ...body, syncedAt: UpstreamHttp.header(response, syncedAtHeader) }],
              hasNext: hasNext ?? body.records.length >= perPage
            }
          })
      })
    }

    return { credentials, account, list }
  })
