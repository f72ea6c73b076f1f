/**
 * Test support for adapter authors: the conformance kit, sample data and a loopback server for
 * simulators. The conformance kit runs the real sync engine, so it needs `@spacesync/core` (a peer
 * dependency of this entry, installed as a dev dependency of the adapter) and `@effect/vitest`.
 *
 * @since 0.1.0
 */

/**
 * The adapter conformance kit: one call runs the standard suite against an adapter and its simulator.
 *
 * @since 0.1.0
 */
export * as AdapterConformance from "./AdapterConformance.js"

/**
 * Deterministic canonical sample data.
 *
 * @since 0.1.0
 */
export * as Fixtures from "./Fixtures.js"

/**
 * A `node:http` server on 127.0.0.1 for upstream simulators and client tests.
 *
 * @since 0.1.0
 */
export * as LoopbackServer from "./LoopbackServer.js"

/**
 * Recorded upstream exchanges with secrets scrubbed: record them from a simulator, replay them as the
 * adapter's `HttpClient`.
 *
 * @since 0.1.0
 */
export * as FixtureReplay from "./FixtureReplay.js"

/**
 * Golden files of an adapter's normalized snapshots.
 *
 * @since 0.1.0
 */
export * as Golden from "./Golden.js"
