/**
 * @since 0.1.0
 */

/**
 * The `bookingsync` adapter (`make`) and its credentials.
 *
 * @since 0.1.0
 */
export * as BookingSyncAdapter from "./BookingSyncAdapter.js"

/**
 * The raw BookingSync API v3 client: client-credentials token, paged collections, throttling headers.
 *
 * @since 0.1.0
 */
export * as BookingSyncClient from "./BookingSyncClient.js"

/**
 * BookingSync payloads (accounts, rentals, rates, fees, taxes, webhook bodies) as Schemas.
 *
 * @since 0.1.0
 */
export * as BookingSyncSchemas from "./BookingSyncSchemas.js"

/**
 * BookingSync payloads → canonical snapshots.
 *
 * @since 0.1.0
 */
export * as BookingSyncNormalize from "./BookingSyncNormalize.js"

/**
 * BookingSync webhooks: `X-Content-Signature` verification, event targets, `accountKey`.
 *
 * @since 0.1.0
 */
export * as BookingSyncWebhooks from "./BookingSyncWebhooks.js"
