/**
 * The `feed` adapter: an account's upstream is one canonical JSON document (see `FeedDocument`) at an
 * http(s) URL or, where the hub allows it, a file under `SPACESYNC_FEED_ROOT` (see `FeedSource`).
 *
 * It is the adapter for operators whose management system spacesync does not support (they export the
 * feed themselves) and the reference for adapter authors: credentials as a Schema with secrets
 * `Redacted`, a raw reader (`FeedSource`) split from the normalizer (`FeedDocument`), every failure an
 * `AdapterError` with a reason the hub acts on, and all HTTP through `UpstreamHttp`.
 *
 * Because the whole account is one document, its read is `Adapter.wholeDocument`: a sync reads the feed
 * once and yields every location (or, for a malformed entry, that location's `InvalidData` failure). The
 * feed is read as bytes: each entry is given `Unparsed` with the digest of its text, so a sync parses only
 * the entries the hub has not stored as they are (`FeedDocument.entriesOfText`).
 *
 * @since 0.1.0
 */
import { Adapter, HttpUrl } from "@spacesync/adapter-kit"
import { Effect, Schema } from "effect"
import * as FeedDocument from "./FeedDocument.js"
import * as FeedSource from "./FeedSource.js"

const isFileUrl = (value: string) => {
  try {
    return new URL(value).protocol === "file:"
  } catch {
    return false
  }
}

const FeedUrl = Schema.String.pipe(
  Schema.filter((value) =>
    HttpUrl.isHttpUrl(value) || isFileUrl(value) || "Expected an absolute http(s) or file:// URL"
  ),
  Schema.annotations({ identifier: "FeedUrl", examples: ["https://example.com/spacesync-feed.json"] })
)

// Headers the adapter sets itself, or that would break the exchange.
const reservedHeaders = new Set(["host", "content-length", "transfer-encoding", "connection", "if-none-match"])

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

const Headers = Schema.Record({ key: Schema.String, value: Schema.Redacted(Schema.String) }).pipe(
  Schema.filter((headers) => {
    for (const name of Object.keys(headers)) {
      if (!headerName.test(name)) return `${JSON.stringify(name)} is not an HTTP header name`
      if (reservedHeaders.has(name.toLowerCase())) return `The header ${name} cannot be set`
    }
    return true
  })
)

/**
 * `{url, headers?}`: the feed's URL and extra request headers (e.g. `Authorization`), whose values are
 * secrets: `Redacted` once decoded, so they never reach a log.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Credentials = Schema.Struct({
  url: FeedUrl,
  headers: Schema.optionalWith(Headers, { exact: true })
}).annotations({ identifier: "FeedCredentials" })
/** @since 0.1.0 */
export type Credentials = typeof Credentials.Type

/**
 * Builds the adapter. Its document cache (the last `ETag` and body of each http(s) feed) and its index of
 * entry texts are its own: each hub, or test, that builds the adapter has them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Adapter.Adapter<Credentials>> = Effect.sync(() => {
  const cache = FeedSource.makeCache()
  // The externalIds of entry texts seen before: such an entry is not even parsed to be listed.
  const index = FeedDocument.makeTextIndex()
  const load = (credentials: Credentials) => FeedSource.readBytes(credentials, { cache })
  return Adapter.make<Credentials>({
    id: "feed",
    name: "Canonical JSON feed",
    credentials: Credentials,
    check: (credentials) => Effect.asVoid(Effect.flatMap(load(credentials), FeedDocument.entriesOfText(index))),
    snapshots: { read: Adapter.wholeDocument({ load, entries: FeedDocument.entriesOfText(index) }) }
  })
})
