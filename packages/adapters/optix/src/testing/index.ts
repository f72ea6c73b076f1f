/**
 * Test support for the `optix` adapter.
 *
 * @since 0.1.0
 */

/**
 * An Optix GraphQL server (`POST /graphql`, executed by graphql-js against a verbatim subset of Optix's
 * schema) on 127.0.0.1, with Optix's webhooks (the conformance kit's simulator for `optix`).
 *
 * @since 0.1.0
 */
export * as OptixSimulator from "./OptixSimulator.js"

/**
 * The simulator's seed data: an organization with its currency, tax rates and units, locations, resource
 * types, resources with `prices[]`, plan templates and products, in Optix's field names.
 *
 * @since 0.1.0
 */
export * as SeedData from "./SeedData.js"

/**
 * The SDL the simulator serves (a verbatim subset of Optix's published schema).
 *
 * @since 0.1.0
 */
export * as OptixSchema from "./OptixSchema.graphql.js"
