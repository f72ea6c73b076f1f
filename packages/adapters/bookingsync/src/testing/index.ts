/**
 * Test support for the `bookingsync` adapter.
 *
 * @since 0.1.0
 */

/**
 * A BookingSync API v3 server on 127.0.0.1 (the conformance kit's simulator for `bookingsync`).
 *
 * @since 0.1.0
 */
export * as BookingSyncSimulator from "./BookingSyncSimulator.js"

/**
 * The simulator's seed data: accounts, rentals, rates, fees and taxes in BookingSync's shapes.
 *
 * @since 0.1.0
 */
export * as SeedData from "./SeedData.js"
