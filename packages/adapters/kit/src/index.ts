/**
 * @since 0.1.0
 */

/**
 * The adapter contract: what an author writes to connect a management system.
 *
 * @since 0.1.0
 */
export * as Adapter from "./Adapter.js"

/**
 * Long synchronous work in short slices, one turn of the event loop at a time.
 *
 * @since 0.1.0
 */
export * as Cooperative from "./Cooperative.js"

/**
 * SHA-256 in hex or bytes, the one digest of ids, hashes and stored token digests.
 *
 * @since 0.1.0
 */
export * as Digest from "./Digest.js"

/**
 * The typed error of adapters, with a reason core acts on.
 *
 * @since 0.1.0
 */
export * as AdapterError from "./AdapterError.js"

/**
 * The one schema of an absolute http(s) URL.
 *
 * @since 0.1.0
 */
export * as HttpUrl from "./HttpUrl.js"

/**
 * Branded ids and the derivation of hub ids from upstream ids.
 *
 * @since 0.1.0
 */
export * as Ids from "./Ids.js"

/**
 * The canonical `Location` schema and its parts.
 *
 * @since 0.1.0
 */
export * as Location from "./Location.js"

/**
 * A location with its resources and prices, and its normalization.
 *
 * @since 0.1.0
 */
export * as LocationSnapshot from "./LocationSnapshot.js"

/**
 * Money as decimal strings at the currency's ISO 4217 minor unit.
 *
 * @since 0.1.0
 */
export * as Money from "./Money.js"

/**
 * OAuth 2.0 tokens for upstream APIs (client credentials, password, refresh), cached per credential set.
 *
 * @since 0.1.0
 */
export * as OAuthTokens from "./OAuthTokens.js"

/**
 * Paginated upstream listings as Streams: page numbers, cursors and `Link` headers.
 *
 * @since 0.1.0
 */
export * as Pagination from "./Pagination.js"

/**
 * The canonical `Price` schema.
 *
 * @since 0.1.0
 */
export * as Price from "./Price.js"

/**
 * The canonical `Resource` schema.
 *
 * @since 0.1.0
 */
export * as Resource from "./Resource.js"

/**
 * The configured HTTP client of an adapter: base URL, auth, timeouts, retries, throttling, typed errors.
 *
 * @since 0.1.0
 */
export * as UpstreamHttp from "./UpstreamHttp.js"

/**
 * Replay protection for signed upstream webhooks with timestamps.
 *
 * @since 0.1.0
 */
export * as WebhookReplay from "./WebhookReplay.js"
