/**
 * @since 0.1.0
 */

/**
 * The `cobot` adapter (`make`) and its credentials.
 *
 * @since 0.1.0
 */
export * as CobotAdapter from "./CobotAdapter.js"

/**
 * The raw Cobot client: API 2 and API 1 with a bearer token, page-numbered listings.
 *
 * @since 0.1.0
 */
export * as CobotClient from "./CobotClient.js"

/**
 * Cobot payloads (spaces, space profiles, resources, plans, webhook bodies) as Schemas.
 *
 * @since 0.1.0
 */
export * as CobotSchemas from "./CobotSchemas.js"

/**
 * Cobot payloads → canonical snapshots.
 *
 * @since 0.1.0
 */
export * as CobotNormalize from "./CobotNormalize.js"

/**
 * Cobot webhooks: unsigned hints, checked against the account's space.
 *
 * @since 0.1.0
 */
export * as CobotWebhooks from "./CobotWebhooks.js"
