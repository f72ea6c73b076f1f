/**
 * Test support for the `officernd` adapter.
 *
 * @since 0.1.0
 */

/**
 * An OfficeRnD Flex API v2 server (identity and API) on 127.0.0.1 (the conformance kit's simulator for
 * `officernd`).
 *
 * @since 0.1.0
 */
export * as OfficeRnDSimulator from "./OfficeRnDSimulator.js"

/**
 * The simulator's seed data: locations, resources, resource rates, plans and taxes in OfficeRnD's shapes.
 *
 * @since 0.1.0
 */
export * as SeedData from "./SeedData.js"
