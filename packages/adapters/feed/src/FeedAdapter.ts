/**
 * The `feed` adapter: an account's upstream is one canonical JSON document (see `FeedDocument`) at an
 * http(s) URL or, where the hub allows it, a file under `SPACESYNC_FEED_ROOT` (see `FeedSource`).
 *
 * It is the adapter for operators whose management system spacesync does not support (they export the
 * feed themselves) and the reference for adapter authors: credentials as a Schema with secrets
 * `Redacted`, a raw reader (`FeedSource`) split from the normalizer (`FeedDocument`), every failure an
 * `AdapterError` with a reason the hub acts on, and all HTTP through `UpstreamHttp`.
 *
 * Because the whole account is one document, it implements `snapshots`: a full sync reads the feed once
 * and yields every location (or, for a malformed entry, an `InvalidData` error naming that location).
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError } from "@spacesync/adapter-kit"
import { Effect, Schema, Stream } from "effect"
import * as FeedDocument from "./FeedDocument.js"
import * as FeedSource from "./FeedSource.js"

const FeedUrl = Schema.String.pipe(
  Schema.filter((value) => {
    try {
      const url = new URL(value)
      return ["http:", "https:", "file:"].includes(url.protocol) || "Expected an http(s) or file:// URL"
    } catch {
      return "Expected an absolute http(s) or file:// URL"
    }
  }),
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

const readEntries = (credentials: Credentials) =>
  FeedSource.read(credentials, { validate: FeedDocument.topLevel }).pipe(Effect.flatMap(FeedDocument.entries))

/**
 * The adapter.
 *
 * @since 0.1.0
 */
export const adapter: Adapter.Adapter<Credentials> = Adapter.make<Credentials>({
  id: "feed",
  name: "Canonical JSON feed",
  credentials: Credentials,
  check: (credentials) => Effect.asVoid(FeedSource.read(credentials, { validate: FeedDocument.topLevel })),
  locations: (credentials) =>
    Stream.unwrap(
      FeedSource.read(credentials, { validate: FeedDocument.topLevel }).pipe(
        Effect.flatMap(FeedDocument.refs),
        Effect.map(Stream.fromIterable)
      )
    ),
  snapshot: (credentials, location) =>
    Effect.flatMap(readEntries(credentials), (entries) => {
      for (const entry of entries) {
        if (entry instanceof AdapterError.AdapterError) {
          if (entry.externalId === location.externalId) return Effect.fail(entry)
        } else if (entry.location.externalId === location.externalId) {
          return Effect.succeed(entry)
        }
      }
      return Effect.fail(
        AdapterError.upstream(404, `The feed has no location with externalId ${JSON.stringify(location.externalId)}`)
      )
    }),
  snapshots: (credentials) => Stream.unwrap(Effect.map(readEntries(credentials), Stream.fromIterable))
})
