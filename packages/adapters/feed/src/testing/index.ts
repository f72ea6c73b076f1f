/**
 * Test support for the `feed` adapter.
 *
 * @since 0.1.0
 */

/**
 * A canonical feed server on 127.0.0.1 (the conformance kit's simulator for `feed`).
 *
 * @since 0.1.0
 */
export * as FeedSimulator from "./FeedSimulator.js"
