/**
 * Test support for code built on spacesync: databases per test file, and (with the sync engine) the
 * adapter conformance kit.
 *
 * @since 0.1.0
 */

/**
 * A fresh, migrated database per test file, on the local server or an in-memory PGlite.
 *
 * @since 0.1.0
 */
export * as TestDatabase from "./TestDatabase.js"

/**
 * Deterministic canonical sample data.
 *
 * @since 0.1.0
 */
export * as Fixtures from "./Fixtures.js"

/**
 * An in-memory upstream and its adapter.
 *
 * @since 0.1.0
 */
export * as MemoryUpstream from "./MemoryUpstream.js"

/**
 * The sync engine and its services on a fresh test database.
 *
 * @since 0.1.0
 */
export * as TestEngine from "./TestEngine.js"

/**
 * A `node:http` server on 127.0.0.1 for upstream simulators and client tests.
 *
 * @since 0.1.0
 */
export * as LoopbackServer from "./LoopbackServer.js"

/**
 * The adapter conformance kit: one call runs the standard suite against an adapter and its simulator.
 *
 * @since 0.1.0
 */
export * as AdapterConformance from "./AdapterConformance.js"
