/**
 * Test support for the `cobot` adapter.
 *
 * @since 0.1.0
 */

/**
 * A Cobot server (API 2 and the plan catalogue, resources and webhook subscriptions of API 1) on
 * 127.0.0.1 (the conformance kit's simulator for `cobot`).
 *
 * @since 0.1.0
 */
export * as CobotSimulator from "./CobotSimulator.js"

/**
 * The simulator's seed data: spaces, space profiles, resources with inline pricing, products, drop-in pass
 * templates (API 2) and plans (API 1) in Cobot's shapes.
 *
 * @since 0.1.0
 */
export * as SeedData from "./SeedData.js"
