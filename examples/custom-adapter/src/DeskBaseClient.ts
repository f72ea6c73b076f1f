/**
 * The raw DeskBase client: the API key header on every request, the paged listing of sites and one
 * site's detail. It knows nothing of the canonical model (see `DeskBaseNormalize`).
 *
 * `UpstreamHttp` does the hard parts: 401/403 become `Unauthorized`, 429 with `Retry-After` is waited
 * out, 5xx and transport errors are retried, and requests never leave `baseUrl`'s origin.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { type AdapterError, HttpUrl, Pagination, UpstreamHttp } from "@spacesync/adapter-kit"
import { Effect, Schema, type Stream } from "effect"
import * as DeskBaseSchemas from "./DeskBaseSchemas.js"

/** What an operator enters to connect a DeskBase account. Secrets are `Redacted`: they never reach a log. */
export const Credentials = Schema.Struct({
  /** The API's root; only for a sandbox, a proxy or the simulator. */
  baseUrl: Schema.optional(HttpUrl.HttpUrl),
  apiKey: Schema.Redacted(Schema.NonEmptyString),
  /** The secret DeskBase signs webhooks with; without it the account takes no webhooks. */
  webhookSecret: Schema.optional(Schema.Redacted(Schema.NonEmptyString))
})
export type Credentials = typeof Credentials.Type

export const defaultBaseUrl = "https://api.deskbase.example"

/** Sites per page: DeskBase's maximum. */
export const pageSize = 50

export interface DeskBaseClient {
  /** Every site of the account, page after page. */
  readonly sites: Stream.Stream<DeskBaseSchemas.SiteSummary, AdapterError.AdapterError>
  /** One site with its rooms and rates. */
  readonly site: (id: string) => Effect.Effect<DeskBaseSchemas.Site, AdapterError.AdapterError>
}

/** The client of one account, made from the `HttpClient` the hub provides. */
export const make = (credentials: Credentials): Effect.Effect<DeskBaseClient, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const baseUrl = (credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
    const client = UpstreamHttp.fromClient(yield* HttpClient.HttpClient, {
      baseUrl,
      auth: UpstreamHttp.headers({ "x-api-key": credentials.apiKey })
    })

    const sites = Pagination.pageNumber({
      fetch: (page) =>
        Effect.map(
          UpstreamHttp.executeJson(
            client,
            HttpClientRequest.get(`${baseUrl}/v1/sites`, {
              urlParams: { page: String(page), per_page: String(pageSize) }
            }),
            DeskBaseSchemas.SitesPage
          ),
          (body) => ({ items: body.data, totalPages: body.meta.total_pages })
        )
    })

    const site = (id: string) =>
      Effect.flatMap(
        client.execute(HttpClientRequest.get(`${baseUrl}/v1/sites/${encodeURIComponent(id)}`)),
        UpstreamHttp.schemaJson(DeskBaseSchemas.Site, { prefix: ["sites", id], externalId: id })
      )

    return { sites, site }
  })
