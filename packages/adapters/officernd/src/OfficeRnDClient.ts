/**
 * The raw OfficeRnD Flex API v2 client: an OAuth client-credentials token, requests and cursor
 * pagination. It knows nothing of the canonical model (see `OfficeRnDNormalize`).
 *
 * - Token: `POST {identityUrl}/oauth/token`, form-encoded `grant_type=client_credentials` with `scope`;
 *   tokens last one hour and come without a refresh token. They are cached by the adapter's
 *   `OAuthTokens` cache; a 401 mid-sync renews the token once, then fails `Unauthorized`.
 * - API: `{baseUrl}/api/v2/organizations/{organization}`. Listings are paged with `$limit=50` (the API's
 *   maximum, never exceeded) and `$cursorNext`; the envelope is `{results, cursorNext, …}`.
 * - Throttling: 429 with `Retry-After`, waited out by `UpstreamHttp`.
 *
 * @since 0.1.0
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { type AdapterError, HttpUrl, Money, type OAuthTokens, Pagination, UpstreamHttp } from "@spacesync/adapter-kit"
import { Effect, Option, Schema, type Stream } from "effect"
import * as OfficeRnDSchemas from "./OfficeRnDSchemas.js"

/**
 * An account's credentials. OfficeRnD states no currency anywhere in API v2, so the organization's
 * currency is part of the credentials (ISO 4217).
 *
 * @since 0.1.0
 */
export const Credentials = Schema.Struct({
  baseUrl: Schema.optional(HttpUrl.HttpUrl),
  identityUrl: Schema.optional(HttpUrl.HttpUrl),
  organization: Schema.NonEmptyString,
  clientId: Schema.NonEmptyString,
  clientSecret: Schema.Redacted(Schema.NonEmptyString),
  webhookSecret: Schema.optional(Schema.Redacted(Schema.NonEmptyString)),
  currency: Money.CurrencyCode
})
/** @since 0.1.0 */
export type Credentials = typeof Credentials.Type

/** The real API. @since 0.1.0 */
export const defaultBaseUrl = "https://app.officernd.com"

/** The real identity server (token endpoint). @since 0.1.0 */
export const defaultIdentityUrl = "https://identity.officernd.com"

/** The scopes a read needs. @since 0.1.0 */
export const scope = [
  "flex.space.locations.read",
  "flex.space.resources.read",
  "flex.space.resource-types.read",
  "flex.billing.resource-rates.read",
  "flex.billing.plans.read",
  "flex.billing.tax-rates.read",
  "flex.billing.revenue-accounts.read"
].join(" ")

/** Records per page: the API's maximum (it refuses more). @since 0.1.0 */
export const pageSize = 50

const trim = (url: string) => url.replace(/\/+$/, "")

/** The API root of the credentials' organization. @since 0.1.0 */
export const apiUrlOf = (credentials: Credentials): string =>
  `${trim(credentials.baseUrl ?? defaultBaseUrl)}/api/v2/organizations/${encodeURIComponent(credentials.organization)}`

/** The client-credentials grant of an account's credentials. @since 0.1.0 */
export const grantOf = (credentials: Credentials): OAuthTokens.Grant => ({
  grantType: "client_credentials",
  tokenUrl: `${trim(credentials.identityUrl ?? defaultIdentityUrl)}/oauth/token`,
  clientId: credentials.clientId,
  clientSecret: credentials.clientSecret,
  scope
})

/** The collections a read lists. @since 0.1.0 */
export const collections = [
  "locations",
  "resource-types",
  "resources",
  "resource-rates",
  "plans",
  "tax-rates",
  "revenue-accounts"
] as const
/** @since 0.1.0 */
export type Collection = typeof collections[number]

/**
 * The raw client of one account's credentials.
 *
 * @since 0.1.0
 * @category models
 */
export interface OfficeRnDClient {
  readonly credentials: Credentials
  /** Every record of a collection, undecoded, page by page (`$limit=50`, `$cursorNext`). */
  readonly list: (collection: Collection) => Stream.Stream<unknown, AdapterError.AdapterError>
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
): Effect.Effect<OfficeRnDClient, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const http = UpstreamHttp.fromClient(yield* HttpClient.HttpClient, {
      baseUrl: apiUrlOf(credentials),
      auth: UpstreamHttp.oauth(tokens.source(grantOf(credentials)))
    })
    const list: OfficeRnDClient["list"] = (collection) => {
      const decode = UpstreamHttp.schemaJson(OfficeRnDSchemas.Page, { prefix: [collection] })
      return Pagination.cursor({
        fetch: (cursor) =>
          Effect.gen(function*() {
            const urlParams: Record<string, string> = { $limit: String(pageSize) }
            if (Option.isSome(cursor)) urlParams.$cursorNext = cursor.value
            const response = yield* http.execute(HttpClientRequest.get(`/${collection}`, { urlParams }))
            const page = yield* decode(response)
            return { items: page.results, next: page.cursorNext }
          })
      })
    }
    return { credentials, list }
  })
