/**
 * @since 0.1.0
 */

/**
 * The `feed` adapter and its credentials.
 *
 * @since 0.1.0
 */
export * as FeedAdapter from "./FeedAdapter.js"

/**
 * The canonical JSON feed document and how its entries are checked.
 *
 * @since 0.1.0
 */
export * as FeedDocument from "./FeedDocument.js"

/**
 * Reading a feed over http(s) (with `ETag`) or from `SPACESYNC_FEED_ROOT`.
 *
 * @since 0.1.0
 */
export * as FeedSource from "./FeedSource.js"

/**
 * Finding a feed's entries in its bytes without parsing the whole document.
 *
 * @since 0.1.0
 */
export * as FeedText from "./FeedText.js"
