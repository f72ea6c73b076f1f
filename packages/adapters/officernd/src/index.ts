/**
 * @since 0.1.0
 */

/**
 * The `officernd` adapter (`make`) and its credentials.
 *
 * @since 0.1.0
 */
export * as OfficeRnDAdapter from "./OfficeRnDAdapter.js"

/**
 * The raw OfficeRnD Flex API v2 client: client-credentials token, cursor-paged collections.
 *
 * @since 0.1.0
 */
export * as OfficeRnDClient from "./OfficeRnDClient.js"

/**
 * OfficeRnD payloads (locations, resources, rates, plans, taxes, webhook bodies) as Schemas.
 *
 * @since 0.1.0
 */
export * as OfficeRnDSchemas from "./OfficeRnDSchemas.js"

/**
 * OfficeRnD payloads → canonical snapshots.
 *
 * @since 0.1.0
 */
export * as OfficeRnDNormalize from "./OfficeRnDNormalize.js"

/**
 * OfficeRnD webhooks: `officernd-signature` verification and event targets.
 *
 * @since 0.1.0
 */
export * as OfficeRnDWebhooks from "./OfficeRnDWebhooks.js"
