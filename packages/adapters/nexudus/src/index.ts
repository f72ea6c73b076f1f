/**
 * @since 0.1.0
 */

/**
 * The `nexudus` adapter (`make`), its credentials and its cursors.
 *
 * @since 0.1.0
 */
export * as NexudusAdapter from "./NexudusAdapter.js"

/**
 * The raw Nexudus admin REST client: password-grant tokens, page-numbered listings, 409/429 throttling.
 *
 * @since 0.1.0
 */
export * as NexudusClient from "./NexudusClient.js"

/**
 * Nexudus payloads (businesses, simple time zones, tax rates, resources, tariffs, products, extra services,
 * webhook bodies) as Schemas.
 *
 * @since 0.1.0
 */
export * as NexudusSchemas from "./NexudusSchemas.js"

/**
 * Nexudus payloads → canonical snapshots.
 *
 * @since 0.1.0
 */
export * as NexudusNormalize from "./NexudusNormalize.js"

/**
 * Windows time-zone ids → IANA zones (CLDR), and country names → ISO codes.
 *
 * @since 0.1.0
 */
export * as NexudusTimeZones from "./NexudusTimeZones.js"

/**
 * Nexudus webhooks: `X-Nexudus-Hook-Signature` (uppercase hex HMAC-SHA256 of the raw body).
 *
 * @since 0.1.0
 */
export * as NexudusWebhooks from "./NexudusWebhooks.js"
