/**
 * The adapter contract: what an author writes to connect one management system. It is deliberately
 * small (an `@effect/ai`-style provider split): the adapter declares its credentials and supplies one
 * read, the canonical snapshots of an account's locations. Core does the rest: decoding against the
 * canonical schema, hub ids, hashing, change detection, persistence, events, scheduling, rate limiting
 * and retries.
 *
 * An adapter is a set of small capability specs under one id:
 * - `snapshots` (required): the account's locations as per-location results, for the whole account or
 *   for named locations, and optionally what changed since a cursor (incremental reads);
 * - `webhooks` (optional): verifying an upstream webhook and naming what it touches.
 * A later capability (live availability, bookings) is one more optional field with a spec of its own;
 * existing adapters do not change.
 *
 * Adapters are built by an Effect that resolves what they need (caches, token stores, configuration), so
 * what the hub's registry holds needs nothing but the `HttpClient` each call runs with: the hub provides
 * the account's client there (its outbound guard and per-account rate limit apply to every request).
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import { Chunk, Data, type Duration, Effect, Option, type Schema, Stream } from "effect"
import * as AdapterError from "./AdapterError.js"
import type { LocationSnapshotSource } from "./LocationSnapshot.js"

/**
 * The canonical snapshot of one location as plain data, with `externalId`s and no hub ids. Core decodes
 * it against `LocationSnapshotSource`: a mistake is an `InvalidData` error naming the path.
 *
 * @since 0.1.0
 */
export type SnapshotSource = typeof LocationSnapshotSource.Encoded

/** The context every adapter call runs in: the account's HTTP client, nothing else. @since 0.1.0 */
export type Context = HttpClient.HttpClient

/**
 * What a read covers: the whole account, or the named upstream locations (a targeted re-sync after an
 * upstream webhook).
 *
 * @since 0.1.0
 * @category models
 */
export type ReadRequest = Data.TaggedEnum<{
  All: {}
  Locations: { readonly externalIds: ReadonlyArray<string> }
}>

/** @since 0.1.0 */
export const ReadRequest = Data.taggedEnum<ReadRequest>()

/**
 * One element of a read:
 * - `Snapshot`: a location's canonical snapshot;
 * - `Unparsed`: a location read as JSON text that the adapter has not parsed yet, with the digest of that
 *   text: the engine recognizes a text it stored before by its digest alone, and parses only the others;
 * - `Failed`: that location could not be read (`InvalidData` naming the path, say): it is recorded
 *   against the location and the others still sync;
 * - `Deleted`: the upstream says the location was deleted (only in a read of changes);
 * - `Checkpoint`: a cursor from which a later read of changes may start. Core keeps the last one of a
 *   read that completes, in the sync's transaction.
 *
 * A failure of the read as a whole (credentials refused, a listing page that failed) is the stream's
 * error, never an element.
 *
 * @since 0.1.0
 * @category models
 */
export type ReadItem = Data.TaggedEnum<{
  Snapshot: {
    readonly source: SnapshotSource
    /**
     * Optional, for adapters that read sources as JSON text: `Digest.sha256Hex(JSON.stringify(source))`,
     * given only when `source` is plain JSON data (as `JSON.parse` builds it: no `undefined`, no class
     * instances) that is already canonical (`LocationSnapshot.isCanonicalSource`). The engine then
     * recognizes a source it has stored before by this digest, without checking or decoding it again.
     */
    readonly digest?: string | undefined
  }
  Unparsed: {
    readonly externalId: string
    /**
     * `Digest.sha256Hex` of the location's JSON text as read (any JSON text that parses to the same data
     * each time: equal digests must mean equal data).
     */
    readonly digest: string
    /**
     * Parses and checks the text: the location's `Snapshot` (its source canonical, as for a `Snapshot`
     * with a digest, and about `externalId`), or its `Failed`. Called at most once per read, and only when
     * the engine does not know the digest.
     */
    readonly parse: () => Data.TaggedEnum.Value<ReadItem, "Snapshot" | "Failed">
  }
  Failed: { readonly externalId: string | null; readonly error: AdapterError.AdapterError }
  Deleted: { readonly externalId: string }
  Checkpoint: { readonly cursor: string }
  /**
   * How many locations this read will yield (snapshots and failures), when the upstream says so before
   * the end: the engine reports "read N of total" while a long read runs. Optional, at most once.
   */
  Total: { readonly locations: number }
}>

/**
 * Constructors and matchers of `ReadItem`.
 *
 * @since 0.1.0
 */
export const ReadItem = Data.taggedEnum<ReadItem>()

/** A location's result: its snapshot or its failure. @since 0.1.0 */
export type LocationResult = Data.TaggedEnum.Value<ReadItem, "Snapshot" | "Unparsed" | "Failed">

/**
 * The required capability: reading snapshots.
 *
 * @since 0.1.0
 * @category models
 */
export interface Snapshots<Credentials> {
  /**
   * The snapshots of the account's locations (`All`), or of the named ones (`Locations`), as
   * per-location results. For `All`, a stream that completes is the complete listing: core deletes
   * what it did not yield (within its safety bounds). For `Locations`, a named location the upstream
   * does not have is a `Failed` element.
   */
  readonly read: (
    credentials: Credentials,
    request: ReadRequest
  ) => Stream.Stream<ReadItem, AdapterError.AdapterError, Context>
  /**
   * What changed since `cursor` (a `Checkpoint` of an earlier read): changed locations' snapshots, the
   * `externalId`s of locations the upstream deleted, and a new `Checkpoint`. A cursor the upstream no
   * longer accepts fails `CursorRejected`: core then runs a full read. Absent: every poll is a full read.
   */
  readonly changes?:
    | ((credentials: Credentials, cursor: string) => Stream.Stream<ReadItem, AdapterError.AdapterError, Context>)
    | undefined
}

/** An upstream webhook as received by the hub. @since 0.1.0 */
export interface WebhookRequest {
  readonly method: string
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body, exactly as received (signatures are computed over it). */
  readonly body: Uint8Array
}

/**
 * What an upstream webhook is about: all of the account, some locations, none (an event that is verified
 * and acknowledged but touches nothing spacesync reads), or the account itself being gone upstream
 * (`Pause`: the hub pauses the account with the reason, until its operator acts).
 *
 * @since 0.1.0
 */
export type WebhookTargets = Data.TaggedEnum<{
  All: {}
  Locations: { readonly externalIds: ReadonlyArray<string> }
  Nothing: {}
  Pause: { readonly reason: string }
}>

/** @since 0.1.0 */
export const WebhookTargets = Data.taggedEnum<WebhookTargets>()

/**
 * The optional capability: upstream webhooks.
 *
 * @since 0.1.0
 * @category models
 */
export interface Webhooks<Credentials> {
  /**
   * Verifies an upstream webhook with the system's signature scheme (constant-time comparison, stale
   * timestamps refused where the scheme has them) and names what it touches. Fails `Unauthorized`
   * when the request is not authentic. The body is only a hint: core re-reads the named locations.
   */
  readonly verify: (
    request: WebhookRequest,
    credentials: Credentials
  ) => Effect.Effect<WebhookTargets, AdapterError.AdapterError>
  /**
   * For systems that send every account's webhooks to one URL per application (BookingSync): the
   * upstream account a request names (`None`: it names none), and the upstream account of a set of
   * credentials. The hub verifies the request with every account whose key matches.
   */
  readonly accountKey?: {
    readonly fromRequest: (request: WebhookRequest) => Option.Option<string>
    readonly fromCredentials: (credentials: Credentials) => string
  } | undefined
}

/**
 * An adapter for one management system.
 *
 * @since 0.1.0
 * @category models
 */
export interface Adapter<Credentials = any> {
  /** The id operators use in `POST /operator/accounts` (`nexudus`, `feed`, …). */
  readonly id: string
  /** A human name for the system. */
  readonly name: string
  /**
   * The credentials an account of this system needs. Secrets should be `Schema.Redacted` so they never
   * reach a log. Account creation validates against it.
   */
  readonly credentials: Schema.Schema<Credentials, any>
  /**
   * The upstream's documented rate limit. Core enforces it per account on every request the adapter
   * makes, shared by all of that account's concurrent work.
   */
  readonly rateLimit?: { readonly limit: number; readonly interval: Duration.DurationInput } | undefined
  /** Succeeds when the credentials work; fails `Unauthorized` when they do not. */
  readonly check: (credentials: Credentials) => Effect.Effect<void, AdapterError.AdapterError, Context>
  /** Reading snapshots (required). */
  readonly snapshots: Snapshots<Credentials>
  /** Upstream webhooks (absent: the system sends none, or spacesync does not take them). */
  readonly webhooks?: Webhooks<Credentials> | undefined
}

/**
 * Declares an adapter (an identity function that fixes the types).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <Credentials>(adapter: Adapter<Credentials>): Adapter<Credentials> => adapter

/**
 * How an adapter is built: the adapter itself, or an Effect that builds it from what it needs. The hub's
 * registry runs the Effect once, when it starts.
 *
 * @since 0.1.0
 * @category models
 */
export type Build<R = never> = Adapter | Effect.Effect<Adapter, never, R>

/**
 * What building `B` requires.
 *
 * @since 0.1.0
 */
export type BuildContext<B> = B extends Effect.Effect<any, any, infer R> ? R : never

/**
 * Builds an adapter.
 *
 * @since 0.1.0
 * @category constructors
 */
export const build = <R>(adapter: Build<R>): Effect.Effect<Adapter, never, R> =>
  Effect.isEffect(adapter) ? adapter : Effect.succeed(adapter)

/** What a listing names: enough to fetch the location's snapshot. @since 0.1.0 */
export interface LocationRef {
  readonly externalId: string
  readonly name?: string | undefined
}

// A location's own failure: bad data, or (when it was named) not there. Anything else fails the read.
const isLocationFailure = (error: AdapterError.AdapterError, named: boolean) =>
  error.reason === "InvalidData" || (named && error.reason === "Upstream" && error.status === 404)

/**
 * The usual REST read: a (paged) listing of the account's locations, then each location's detail with
 * bounded concurrency. For `Locations`, the named locations are fetched without listing. A fetch that
 * fails `InvalidData` (or, for a named location, 404) is that location's `Failed` element; any other
 * failure fails the read.
 *
 * @since 0.1.0
 * @category constructors
 */
export const listThenFetch = <Credentials, Ref extends LocationRef = LocationRef>(options: {
  readonly list: (credentials: Credentials) => Stream.Stream<Ref, AdapterError.AdapterError, Context>
  readonly fetch: (
    credentials: Credentials,
    location: Ref | LocationRef
  ) => Effect.Effect<SnapshotSource, AdapterError.AdapterError, Context>
  /** Details fetched at once for one account (default 4). */
  readonly concurrency?: number | undefined
}): Snapshots<Credentials>["read"] =>
(credentials, request) => {
  const concurrency = options.concurrency ?? 4
  const refs: Stream.Stream<Ref | LocationRef, AdapterError.AdapterError, Context> = ReadRequest.$is("All")(request)
    ? options.list(credentials)
    : Stream.fromIterable(request.externalIds.map((externalId) => ({ externalId })))
  const named = request._tag === "Locations"
  return Stream.mapEffect(
    refs,
    (ref) =>
      options.fetch(credentials, ref).pipe(
        Effect.map((source): ReadItem => ReadItem.Snapshot({ source })),
        Effect.catchIf(
          (error) => isLocationFailure(error, named),
          (error) =>
            Effect.succeed(
              ReadItem.Failed({ externalId: ref.externalId, error: withExternalId(error, ref.externalId) })
            )
        )
      ),
    { concurrency }
  )
}

const withExternalId = (error: AdapterError.AdapterError, externalId: string) =>
  error.externalId === externalId ? error : AdapterError.withExternalId(error, externalId)

/**
 * The read of a system that returns the whole account in one document (a feed): load it, then yield its
 * entries. For `Locations`, only the named entries, and a `Failed` (404) for a named one the document
 * does not have.
 *
 * @since 0.1.0
 * @category constructors
 */
export const wholeDocument = <Credentials, Document>(options: {
  readonly load: (credentials: Credentials) => Effect.Effect<Document, AdapterError.AdapterError, Context>
  /** Each location of the document: its snapshot, or its failure (`InvalidData` with its `externalId`). */
  readonly entries: (document: Document) => Effect.Effect<Iterable<LocationResult>, AdapterError.AdapterError>
}): Snapshots<Credentials>["read"] =>
(credentials, request) =>
  Stream.unwrap(Effect.gen(function*() {
    const entries = yield* Effect.flatMap(options.load(credentials), options.entries)
    if (request._tag === "All") {
      const all = Chunk.fromIterable(entries)
      return Stream.fromChunk(Chunk.prepend(all, ReadItem.Total({ locations: Chunk.size(all) })))
    }
    const wanted = new Set(request.externalIds)
    const found = new Set<string>()
    const picked = Chunk.fromIterable(entries).pipe(Chunk.filter((entry) => {
      const externalId = externalIdOf(entry)
      if (externalId === null || !wanted.has(externalId)) return false
      found.add(externalId)
      return true
    }))
    const missing = request.externalIds.filter((id) => !found.has(id)).map((externalId) =>
      ReadItem.Failed({
        externalId,
        error: new AdapterError.AdapterError({
          reason: "Upstream",
          status: 404,
          message: `The upstream has no location ${JSON.stringify(externalId)}`,
          externalId
        })
      })
    )
    return Stream.concat(Stream.fromChunk(picked), Stream.fromIterable(missing))
  }))

/**
 * A location's result from the Effect that builds its snapshot: `Snapshot`, or `Failed` with the error
 * about `externalId` (so one bad location does not fail the read).
 *
 * @since 0.1.0
 */
export const locationResult = <R>(
  externalId: string,
  source: Effect.Effect<SnapshotSource, AdapterError.AdapterError, R>
): Effect.Effect<LocationResult, never, R> =>
  Effect.match(source, {
    onSuccess: (snapshot): LocationResult => ReadItem.Snapshot({ source: snapshot }),
    onFailure: (error): LocationResult => ReadItem.Failed({ externalId, error: withExternalId(error, externalId) })
  })

/**
 * The upstream id of the location a read element is about, when it names one.
 *
 * @since 0.1.0
 */
export const externalIdOf = (item: ReadItem): string | null => {
  switch (item._tag) {
    case "Snapshot": {
      const id = (item.source as { readonly location?: { readonly externalId?: unknown } } | undefined)?.location
        ?.externalId
      return typeof id === "string" && id !== "" ? id : null
    }
    case "Unparsed":
      return item.externalId
    case "Failed":
      return item.externalId ?? item.error.externalId ?? null
    case "Deleted":
      return item.externalId
    case "Checkpoint":
    case "Total":
      return null
  }
}

/**
 * A `Checkpoint` element at the end of `stream`, with the cursor `cursor` computes once the stream is
 * done (e.g. the upstream's clock read when the read began).
 *
 * @since 0.1.0
 */
export const withCheckpoint = <E, R, E2, R2>(
  stream: Stream.Stream<ReadItem, E, R>,
  cursor: Effect.Effect<Option.Option<string>, E2, R2>
): Stream.Stream<ReadItem, E | E2, R | R2> =>
  Stream.concat(
    stream,
    Stream.fromIterableEffect(Effect.map(
      cursor,
      Option.match({
        onNone: () => [],
        onSome: (value) => [ReadItem.Checkpoint({ cursor: value })]
      })
    ))
  )
