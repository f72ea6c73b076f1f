/**
 * Test support for code built on spacesync: databases per test file, the sync engine on one, and an
 * in-memory upstream. The adapter conformance kit is in `@spacesync/adapter-kit/testing`.
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
