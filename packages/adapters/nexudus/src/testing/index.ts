/**
 * Test support for the `nexudus` adapter.
 *
 * @since 0.1.0
 */

/**
 * A Nexudus admin REST API server (token endpoint, businesses, time zones, resources, resource types,
 * booking rates, tariffs, products and tax rates) on 127.0.0.1 (the conformance kit's simulator for
 * `nexudus`), with signed webhooks.
 *
 * @since 0.1.0
 */
export * as NexudusSimulator from "./NexudusSimulator.js"

/**
 * The simulator's seed data: businesses, simple time zones, resource types, resources, booking rates
 * (extra services), tariffs, products and tax rates in the shapes the Nexudus admin REST API returns.
 *
 * @since 0.1.0
 */
export * as SeedData from "./SeedData.js"
