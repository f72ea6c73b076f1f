/**
 * The raw Cobot client: API 2 (JSON:API, `https://api.cobot.me`) and API 1 (`https://{subdomain}.cobot.me/api`)
 * with the account's bearer token. It knows nothing of the canonical model (see `CobotNormalize`).
 *
 * - With `baseUrl` (a simulator, a proxy) both APIs are on that one origin: API 2 at `{baseUrl}/…`, API 1
 *   at `{baseUrl}/api/…`.
 * - A 401 is `Unauthorized` (a revoked token pauses the account); 429 with `Retry-After` is waited out by
 *   `UpstreamHttp`.
 * - API 2 listings are paged with `page[number]` and `page[size]=200` (the API's maximum).
 *
 * @since 0.1.0
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { type AdapterError, HttpUrl, Pagination, UpstreamHttp } from "@spacesync/adapter-kit"
import { Chunk, Effect, Option, Schema, Stream } from "effect"
import * as CobotSchemas from "./CobotSchemas.js"

/** An account's credentials: one Cobot space, named by its subdomain. @since 0.1.0 */
export const Credentials = Schema.Struct({
  baseUrl: Schema.optional(HttpUrl.HttpUrl),
  subdomain: Schema.NonEmptyString.pipe(Schema.pattern(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)),
  accessToken: Schema.Redacted(Schema.NonEmptyString)
})
/** @since 0.1.0 */
export type Credentials = typeof Credentials.Type

/** The real API 2. @since 0.1.0 */
export const defaultApi2Url = "https://api.cobot.me"

/** Records per page: the API's maximum. @since 0.1.0 */
export const pageSize = 200

const trim = (url: string) => url.replace(/\/+$/, "")

/** The API 2 root of the credentials. @since 0.1.0 */
export const api2UrlOf = (credentials: Credentials): string => trim(credentials.baseUrl ?? defaultApi2Url)

/** The API 1 root of the credentials' space. @since 0.1.0 */
export const api1UrlOf = (credentials: Credentials): string =>
  credentials.baseUrl === undefined
    ? `https://${credentials.subdomain}.cobot.me/api`
    : `${trim(credentials.baseUrl)}/api`

/**
 * The raw client of one account's credentials.
 *
 * @since 0.1.0
 * @category models
 */
export interface CobotClient {
  readonly credentials: Credentials
  /**
   * API 2 `GET /user?include=adminOf`: the id of the space of the subdomain among those the token
   * administers; `None` when it administers no such space (the space is gone, or is not the token's).
   */
  readonly spaceId: Effect.Effect<Option.Option<string>, AdapterError.AdapterError>
  /** API 2 `GET /spaces/{id}`. */
  readonly space: (id: string) => Effect.Effect<CobotSchemas.Space, AdapterError.AdapterError>
  /** API 2 `GET /space_profiles/{id}` (the profile has the space's id). */
  readonly spaceProfile: (id: string) => Effect.Effect<CobotSchemas.SpaceProfile, AdapterError.AdapterError>
  /** API 2 `GET /spaces/{id}/resources?filter[usage]=all`, every page, undecoded. */
  readonly resources: (id: string) => Effect.Effect<ReadonlyArray<unknown>, AdapterError.AdapterError>
  /** API 1 `GET /plans` (with `read_plans`, hidden plans too), undecoded. */
  readonly plans: Effect.Effect<ReadonlyArray<unknown>, AdapterError.AdapterError>
}

const User = Schema.Struct({
  included: Schema.optional(Schema.Array(Schema.Struct({
    id: Schema.String,
    type: Schema.String,
    attributes: Schema.optional(Schema.Struct({ subdomain: Schema.optional(Schema.NullOr(Schema.String)) }))
  })))
})

/**
 * Makes the client of `credentials` from the `HttpClient` of the context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (credentials: Credentials): Effect.Effect<CobotClient, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const base = yield* HttpClient.HttpClient
    const auth = UpstreamHttp.bearer(credentials.accessToken)
    const api2 = UpstreamHttp.fromClient(base, {
      baseUrl: api2UrlOf(credentials),
      auth,
      headers: { accept: "application/vnd.api+json" }
    })
    const api1 = UpstreamHttp.fromClient(base, { baseUrl: api1UrlOf(credentials), auth })
    const id = (value: string) => encodeURIComponent(value)
    const spaceId = Effect.map(
      UpstreamHttp.executeJson(
        api2,
        HttpClientRequest.get(`${api2UrlOf(credentials)}/user`, { urlParams: { include: "adminOf" } }),
        User
      ),
      (user) =>
        Option.map(
          Option.fromNullable(
            (user.included ?? []).find((s) => s.type === "spaces" && s.attributes?.subdomain === credentials.subdomain)
          ),
          (space) => space.id
        )
    )
    const space = (spaceId: string) =>
      Effect.flatMap(
        api2.execute(HttpClientRequest.get(`${api2UrlOf(credentials)}/spaces/${id(spaceId)}`)),
        UpstreamHttp.schemaJson(CobotSchemas.Space, { prefix: ["spaces", spaceId], externalId: spaceId })
      )
    const spaceProfile = (spaceId: string) =>
      Effect.flatMap(
        api2.execute(HttpClientRequest.get(`${api2UrlOf(credentials)}/space_profiles/${id(spaceId)}`)),
        UpstreamHttp.schemaJson(CobotSchemas.SpaceProfile, { prefix: ["space_profiles", spaceId], externalId: spaceId })
      )
    const resources = (spaceId: string) => {
      const decode = UpstreamHttp.schemaJson(CobotSchemas.Page, { prefix: ["resources"], externalId: spaceId })
      return Effect.map(
        Stream.runCollect(Pagination.pageNumber({
          pageSize,
          fetch: (page) =>
            Effect.gen(function*() {
              const response = yield* api2.execute(
                HttpClientRequest.get(`${api2UrlOf(credentials)}/spaces/${id(spaceId)}/resources`, {
                  urlParams: { "filter[usage]": "all", "page[number]": String(page), "page[size]": String(pageSize) }
                })
              )
              const body = yield* decode(response)
              return { items: body.data, totalPages: body.meta?.totalPages }
            })
        })),
        Chunk.toReadonlyArray
      )
    }
    const plans = UpstreamHttp.executeJson(
      api1,
      HttpClientRequest.get(`${api1UrlOf(credentials)}/plans`),
      Schema.Array(Schema.Unknown)
    )
    return { credentials, spaceId, space, spaceProfile, resources, plans }
  })
