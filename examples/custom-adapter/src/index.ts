/** The `deskbase` adapter (`make`) and its credentials. */
export * as DeskBaseAdapter from "./DeskBaseAdapter.js"
/** The raw DeskBase client: API key header, paged sites, one site's detail. */
export * as DeskBaseClient from "./DeskBaseClient.js"
/** DeskBase payloads → canonical snapshots. */
export * as DeskBaseNormalize from "./DeskBaseNormalize.js"
/** DeskBase payloads as Schemas. */
export * as DeskBaseSchemas from "./DeskBaseSchemas.js"
/** DeskBase webhooks: HMAC signatures with a timestamp. */
export * as DeskBaseWebhooks from "./DeskBaseWebhooks.js"
