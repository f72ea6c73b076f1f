/**
 * @since 0.1.0
 */

/**
 * The `optix` adapter (`make`) and its credentials.
 *
 * @since 0.1.0
 */
export * as OptixAdapter from "./OptixAdapter.js"

/**
 * The typed GraphQL layer over Optix: `query(document, variables, schema)`, paged listings, errors.
 *
 * @since 0.1.0
 */
export * as OptixClient from "./OptixClient.js"

/**
 * The GraphQL documents the adapter sends, as constants.
 *
 * @since 0.1.0
 */
export * as OptixQueries from "./OptixQueries.js"

/**
 * Optix results (envelope, pages, locations, resources, plan templates, passes) as Schemas.
 *
 * @since 0.1.0
 */
export * as OptixSchemas from "./OptixSchemas.js"

/**
 * Optix payloads → canonical snapshots.
 *
 * @since 0.1.0
 */
export * as OptixNormalize from "./OptixNormalize.js"

/**
 * Optix webhooks: `sha1(client_id + secret + created_timestamp)`, form-encoded hints.
 *
 * @since 0.1.0
 */
export * as OptixWebhooks from "./OptixWebhooks.js"
