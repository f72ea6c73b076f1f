/**
 * Where a feed comes from, read as bytes (or parsed as one JSON document).
 *
 * - **http(s)**: through the upstream client of core (`UpstreamHttp`: the hub's outbound guard, timeouts,
 *   retries, `Retry-After`), with the account's extra headers (kept `Redacted`, never traced). The last
 *   `ETag` and body of each feed are kept in memory: the next read sends `If-None-Match` and a 304
 *   reuses the body without downloading it again.
 * - **file://**: only when the hub sets `SPACESYNC_FEED_ROOT`, and only for regular files inside that
 *   folder. The URL may not contain `.` or `..` segments, and the real path (symlinks resolved) must stay
 *   inside the real root. Anything else is refused with `Unauthorized`: the account's credentials name a
 *   feed this hub will not read, so the hub pauses the account with that message instead of retrying.
 *
 * @since 0.1.0
 */
import { HttpClientRequest } from "@effect/platform"
import type { HttpClient } from "@effect/platform"
import { AdapterError, Digest, UpstreamHttp } from "@spacesync/adapter-kit"
import { Config, Effect, Option, Redacted } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * `SPACESYNC_FEED_ROOT`: the folder from which `file://` feeds may be read. Unset (or empty): none.
 *
 * @since 0.1.0
 * @category config
 */
export const FeedRoot: Config.Config<Option.Option<string>> = Config.string("SPACESYNC_FEED_ROOT").pipe(
  Config.withDescription("Folder from which file:// feeds may be read; unset: file:// feeds are refused"),
  Config.option,
  Config.map(Option.filter((root) => root.trim() !== ""))
)

/**
 * `SPACESYNC_FEED_MAX_BYTES`: the largest feed the hub reads (http(s) body or file). Default 32 MiB; a
 * feed of 10,000 locations with 50 resources and prices each is about 120 MB.
 *
 * @since 0.1.0
 * @category config
 */
export const FeedMaxBytes: Config.Config<number> = Config.integer("SPACESYNC_FEED_MAX_BYTES").pipe(
  Config.withDescription("Largest feed read, in bytes (default 32 MiB)"),
  Config.validate({ message: "must be a positive number of bytes", validation: (n) => n > 0 }),
  Config.withDefault(UpstreamHttp.defaultMaxBodyBytes)
)

/** Where and how to read a feed. @since 0.1.0 */
export interface Location {
  readonly url: string
  readonly headers?: Readonly<Record<string, Redacted.Redacted<string>>> | undefined
}

/** Tuning of feed reads. @since 0.1.0 */
export interface ReadOptions {
  /** Bound on one download, body included. Default 30 seconds. */
  readonly timeout?: UpstreamHttp.Options["timeout"]
  /** Largest feed accepted. Default `SPACESYNC_FEED_MAX_BYTES` (32 MiB). */
  readonly maxBytes?: number | undefined
  /** Where http(s) documents are kept for `If-None-Match` (absent: every read downloads). */
  readonly cache?: Cache | undefined
}

interface Cached {
  readonly etag: string
  readonly body: Body
}

/**
 * A feed as read: its bytes, and what it is (the request or file, for messages).
 *
 * @since 0.1.0
 * @category models
 */
export interface Body {
  readonly bytes: Uint8Array
  readonly what: string
}

/**
 * The last `ETag` and body of recently read http(s) feeds (least recently used dropped first).
 *
 * @since 0.1.0
 * @category models
 */
export interface Cache {
  readonly get: (key: string) => Cached | undefined
  readonly set: (key: string, value: Cached) => void
  readonly delete: (key: string) => void
}

/**
 * A fresh cache holding up to `maxEntries` documents.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCache = (maxEntries = 256): Cache => {
  const entries = new Map<string, Cached>()
  return {
    get: (key) => {
      const value = entries.get(key)
      if (value !== undefined) {
        entries.delete(key)
        entries.set(key, value)
      }
      return value
    },
    set: (key, value) => {
      entries.delete(key)
      entries.set(key, value)
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
    },
    delete: (key) => void entries.delete(key)
  }
}

// The same URL read with other headers (another account's token) may well be another document.
const cacheKey = (feed: Location) => {
  const parts = [feed.url]
  for (const name of Object.keys(feed.headers ?? {}).sort()) {
    parts.push(name.toLowerCase(), Redacted.value(feed.headers![name]!))
  }
  return Digest.sha256Hex(parts.join("\u0000"))
}

const refuse = (why: string) => AdapterError.unauthorized(`file:// feed refused: ${why}`)

const isInside = (root: string, candidate: string) => {
  const relative = path.relative(root, candidate)
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative)
}

const fsError = (what: string) => (error: unknown) => {
  const code = (error as { code?: unknown })?.code
  return AdapterError.unavailable(`${what}${typeof code === "string" ? ` (${code})` : ""}`)
}

/**
 * The real path of a `file://` feed URL inside `root`, or a refusal (`Unauthorized`) when it is not
 * inside. A missing file is `Unavailable`.
 *
 * @since 0.1.0
 */
export const resolveFile = (url: string, root: string): Effect.Effect<string, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    // `new URL` would silently resolve "..": check the raw segments first (encoded forms included).
    const segments = url.replace(/^file:/i, "").split(/[/\\]/)
    for (const segment of segments) {
      let decoded: string
      try {
        decoded = decodeURIComponent(segment)
      } catch {
        return yield* Effect.fail(refuse("the path is not valid percent-encoding"))
      }
      if (decoded === ".." || decoded === "." || /[/\\]/.test(decoded) || decoded.includes("\u0000")) {
        return yield* Effect.fail(refuse("\".\" and \"..\" path segments are not allowed"))
      }
    }
    const parsed = yield* Effect.try({ try: () => new URL(url), catch: () => refuse("not a URL") })
    if (parsed.protocol !== "file:") return yield* Effect.fail(refuse("not a file:// URL"))
    if (parsed.hostname !== "" && parsed.hostname !== "localhost") {
      return yield* Effect.fail(refuse("remote hosts are not allowed"))
    }
    if (parsed.search !== "" || parsed.hash !== "") return yield* Effect.fail(refuse("no query or fragment allowed"))
    const target = yield* Effect.try({ try: () => fileURLToPath(parsed), catch: () => refuse("not a local path") })
    const lexicalRoot = path.resolve(root)
    if (!isInside(lexicalRoot, target)) {
      return yield* Effect.fail(refuse("the path is outside SPACESYNC_FEED_ROOT"))
    }
    const realRoot = yield* Effect.tryPromise({
      try: () => fs.realpath(lexicalRoot),
      catch: fsError("SPACESYNC_FEED_ROOT is not readable")
    })
    const realTarget = yield* Effect.tryPromise({
      try: () => fs.realpath(target),
      catch: fsError(`Feed file ${target} not found`)
    })
    if (!isInside(realRoot, realTarget)) {
      return yield* Effect.fail(refuse("the path leads outside SPACESYNC_FEED_ROOT (symbolic link)"))
    }
    return realTarget
  })

const readFile = (url: string, options: ReadOptions) =>
  Effect.gen(function*() {
    const root = yield* Effect.orDie(FeedRoot)
    if (Option.isNone(root)) {
      return yield* Effect.fail(refuse("this hub does not set SPACESYNC_FEED_ROOT"))
    }
    const file = yield* resolveFile(url, root.value)
    const maxBytes = options.maxBytes ?? (yield* Effect.orDie(FeedMaxBytes))
    const stat = yield* Effect.tryPromise({ try: () => fs.stat(file), catch: fsError(`Feed file ${file} unreadable`) })
    if (!stat.isFile()) return yield* Effect.fail(AdapterError.unavailable(`Feed ${file} is not a regular file`))
    if (stat.size > maxBytes) {
      return yield* Effect.fail(AdapterError.invalidData([], `Feed ${file} is larger than ${maxBytes} bytes`))
    }
    const bytes = yield* Effect.tryPromise({
      try: () => fs.readFile(file),
      catch: fsError(`Feed file ${file} unreadable`)
    }).pipe(Effect.withSpan("FeedSource.fetch"))
    return { bytes, what: `Feed ${file}` } satisfies Body
  })

const readHttp = (feed: Location, options: ReadOptions) =>
  Effect.gen(function*() {
    const cache = options.cache
    const key = cacheKey(feed)
    const cached = cache?.get(key)
    const client = yield* UpstreamHttp.make({
      auth: feed.headers === undefined ? undefined : UpstreamHttp.headers(feed.headers),
      timeout: options.timeout,
      maxBodyBytes: options.maxBytes ?? (yield* Effect.orDie(FeedMaxBytes))
    })
    let request = HttpClientRequest.get(feed.url)
    if (cached !== undefined) request = HttpClientRequest.setHeader(request, "if-none-match", cached.etag)
    const response = yield* client.execute(request).pipe(Effect.withSpan("FeedSource.fetch"))
    if (response.status === 304) {
      if (cached !== undefined) return cached.body
      return yield* Effect.fail(
        AdapterError.upstream(304, `${UpstreamHttp.describeRequest(request)} answered 304 to an unconditional request`)
      )
    }
    const bytes = yield* UpstreamHttp.bytes(response).pipe(
      // What was cached is stale now: never answer a later 304 with it.
      Effect.tapError(() => Effect.sync(() => cache?.delete(key)))
    )
    const body: Body = { bytes, what: UpstreamHttp.describeRequest(request) }
    const etag = response.headers["etag"]
    if (etag !== undefined && etag !== "") cache?.set(key, { etag, body })
    else cache?.delete(key)
    return body
  })

/**
 * Reads a feed's bytes. An http(s) body is kept in `cache` with its `ETag`, and a 304 answers with it (a
 * malformed document then fails the same way again, as the upstream says it did not change).
 *
 * @since 0.1.0
 */
export const readBytes = (
  feed: Location,
  options: ReadOptions = {}
): Effect.Effect<Body, AdapterError.AdapterError, HttpClient.HttpClient> => {
  const scheme = feed.url.slice(0, feed.url.indexOf(":") + 1).toLowerCase()
  if (scheme === "file:") return readFile(feed.url, options)
  if (scheme === "http:" || scheme === "https:") return readHttp(feed, options)
  return Effect.fail(AdapterError.unauthorized(`Unsupported feed URL scheme ${JSON.stringify(scheme)}`))
}

/**
 * Reads and parses a feed as one document, and checks it with `validate`.
 *
 * @since 0.1.0
 */
export const read = (
  feed: Location,
  options: ReadOptions & {
    readonly validate?: (document: unknown) => Effect.Effect<unknown, AdapterError.AdapterError>
  } = {}
): Effect.Effect<unknown, AdapterError.AdapterError, HttpClient.HttpClient> =>
  readBytes(feed, options).pipe(
    Effect.flatMap((body) => parse(body)),
    Effect.tap(options.validate ?? Effect.succeed)
  )

/**
 * Parses a feed's bytes as one JSON document (a UTF-8 byte order mark is ignored); a syntax error is
 * `InvalidData` at the root.
 *
 * @since 0.1.0
 */
export const parse = (body: Body): Effect.Effect<unknown, AdapterError.AdapterError> =>
  UpstreamHttp.parseJson(new TextDecoder().decode(body.bytes), body.what).pipe(Effect.withSpan("FeedSource.parse"))
