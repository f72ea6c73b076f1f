/**
 * The sync engine: for one account, read its locations' snapshots through the adapter's one read
 * (`Adapter.Snapshots`), decode each, hash it, compare with the stored snapshot and write each changed
 * location's new version, its history row and its change events (which fan out in that same transaction).
 * Changed locations that arrive together share a transaction (up to 64, written with
 * `SnapshotStore.saveAll` in a few statements); one that arrives alone gets its own. Unchanged data writes
 * and emits nothing, and a source seen before is not derived or hashed again: each version is stored with
 * the fingerprint of its source, loaded with the account's summaries in one query (see also
 * `hashCacheSize`).
 *
 * Three kinds of run go through the same adapter read:
 * - **full**: `read(All)`; a read that completes is the complete listing, so what it did not yield is
 *   deleted (see the safety rules). Its last `Checkpoint` becomes the account's cursor.
 * - **changes**: for adapters with `changes`, when the account has a cursor and its last full read is
 *   younger than `fullSyncInterval`: only what changed since the cursor, deletions only from the
 *   upstream's own `Deleted` elements. A rejected cursor (`CursorRejected`) falls back to a full read.
 * - **targeted**: `read(Locations)` for the named locations (after an upstream webhook); never deletes
 *   by absence and leaves the cursor as it is.
 * The cursor, the deletions and the run's record are written in one transaction when the read completes.
 *
 * Safety rules:
 * - Deletions by absence only after a complete, successful full read, and never when a failed element
 *   could not be attributed to a location; a read that would delete more than `maxDeleteShare` of the
 *   account's known locations (and at least two) is refused and reported.
 * - One bad location (`InvalidData`) is recorded as that location's sync error and does not stop the
 *   others; nothing of it is written.
 * - `Unauthorized` pauses the account and records why.
 *
 * The engine runs a sync when asked; `Scheduler` decides when, and makes sure only one process syncs an
 * account at a time.
 *
 * @since 0.1.0
 */
import { HttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Adapter } from "@spacesync/adapter-kit"
import { AdapterError } from "@spacesync/adapter-kit/AdapterError"
import * as Cooperative from "@spacesync/adapter-kit/Cooperative"
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import type { AccountId, LocationId } from "@spacesync/adapter-kit/Ids"
import * as LocationSnapshot from "@spacesync/adapter-kit/LocationSnapshot"
import {
  Array as Arr,
  Chunk,
  Clock,
  Config,
  Context,
  DateTime,
  Duration,
  Effect,
  Either,
  Fiber,
  Layer,
  Option,
  ParseResult,
  RateLimiter,
  RcMap,
  Schema,
  Stream
} from "effect"
import { type Account, Accounts, type SyncCounts, type SyncOutcome } from "./Accounts.js"
import { Adapters } from "./Adapters.js"
import * as ContentHash from "./ContentHash.js"
import * as EventLog from "./EventLog.js"
import { type FingerprintUpdate, SnapshotStore, type SnapshotSummary, type StoredSnapshot } from "./SnapshotStore.js"

/** What a run reads. @since 0.1.0 */
export interface SyncOptions {
  /** Only these upstream locations. */
  readonly locations?: ReadonlyArray<string> | undefined
  /** A full read even when the account could read only what changed. */
  readonly full?: boolean | undefined
}

/** The kind of read a run made. @since 0.1.0 */
export type SyncMode = "full" | "changes" | "targeted"

/** A problem with one location in a sync run. @since 0.1.0 */
export interface LocationError {
  readonly externalId: string | null
  readonly reason: AdapterError["reason"]
  readonly message: string
  readonly path: ReadonlyArray<string | number> | null
}

/** What a sync run did. @since 0.1.0 */
export interface SyncReport {
  readonly accountId: AccountId
  readonly outcome: SyncOutcome
  /** What was read: the whole account, what changed since the cursor, or named locations. */
  readonly mode: SyncMode
  readonly startedAt: DateTime.Utc
  readonly durationMillis: number
  readonly counts: SyncCounts
  /** The events this run appended, in order. */
  readonly events: ReadonlyArray<EventLog.StoredEvent>
  readonly errors: ReadonlyArray<LocationError>
  /** Set when the run refused to delete locations. */
  readonly refusedDeletions: ReadonlyArray<string>
}

/**
 * A sync could not run, or the upstream failed it as a whole (the account's last sync records it too).
 *
 * @since 0.1.0
 * @category errors
 */
export class SyncError extends Schema.TaggedError<SyncError>()("SyncError", {
  reason: Schema.Literal("AccountNotFound", "AccountPaused", "UnknownAdapter", "Adapter"),
  accountId: Schema.String,
  message: Schema.String,
  adapterError: Schema.optional(AdapterError)
}) {}

/** Engine settings. @since 0.1.0 */
export interface SyncEngineOptions {
  /** Largest share of known locations one listing may delete (default 0.5). */
  readonly maxDeleteShare: number
  /** Snapshots fetched at once per account when the adapter does not say (default 4). */
  readonly defaultConcurrency: number
  /**
   * Locations whose last computed snapshot hash is kept with a fingerprint of its source, so that an
   * unchanged source is not hashed again (default 100,000, about 25 MB; 0 disables it).
   */
  readonly hashCacheSize: number
  /**
   * For adapters with incremental reads: the longest time between two full reads (default 24 hours).
   * A full read also runs whenever the account has no cursor or the upstream rejects it.
   */
  readonly fullSyncInterval: Duration.Duration
  /**
   * How often a running sync records its progress on the account and logs it (default 5 seconds); a
   * sync that finishes sooner records none.
   */
  readonly progressInterval: Duration.Duration
}

/** @since 0.1.0 */
export const defaultOptions: SyncEngineOptions = {
  maxDeleteShare: 0.5,
  defaultConcurrency: 4,
  hashCacheSize: 100_000,
  fullSyncInterval: Duration.hours(24),
  progressInterval: Duration.seconds(5)
}

/** @since 0.1.0 */
export const SyncEngineConfig: Config.Config<SyncEngineOptions> = Config.all({
  maxDeleteShare: Config.number("SPACESYNC_MAX_DELETE_SHARE").pipe(
    Config.validate({ message: "must be between 0 and 1", validation: (n) => n >= 0 && n <= 1 }),
    Config.withDefault(defaultOptions.maxDeleteShare)
  ),
  defaultConcurrency: Config.integer("SPACESYNC_SYNC_CONCURRENCY").pipe(
    Config.withDefault(defaultOptions.defaultConcurrency)
  ),
  hashCacheSize: Config.integer("SPACESYNC_SYNC_HASH_CACHE").pipe(
    Config.validate({ message: "must be 0 or more", validation: (n) => n >= 0 }),
    Config.withDefault(defaultOptions.hashCacheSize)
  ),
  fullSyncInterval: Config.duration("SPACESYNC_FULL_SYNC_INTERVAL").pipe(
    Config.withDefault(defaultOptions.fullSyncInterval)
  ),
  progressInterval: Config.duration("SPACESYNC_SYNC_PROGRESS_INTERVAL").pipe(
    Config.withDefault(defaultOptions.progressInterval)
  )
})

/**
 * @since 0.1.0
 * @category tags
 */
export class SyncEngine extends Context.Tag("@spacesync/core/SyncEngine")<SyncEngine, {
  /**
   * Syncs an account now: only the named upstream locations (no deletions by absence then), or the
   * account (what changed since its cursor, or everything: see the module doc), or with `full`
   * everything whatever the cursor. The caller makes sure no other run of the same account overlaps
   * (see `Scheduler`).
   */
  readonly sync: (accountId: AccountId, options?: SyncOptions) => Effect.Effect<SyncReport, SyncError>
}>() {}

type Changes = { created: Array<string>; updated: Array<string>; deleted: Array<string> }

const diffIds = (
  prefix: string,
  before: Readonly<Record<string, string>> | undefined,
  after: Readonly<Record<string, string>>
): Changes => {
  const changes: Changes = { created: [], updated: [], deleted: [] }
  for (const [id, hash] of Object.entries(after)) {
    if (!id.startsWith(prefix)) continue
    const old = before?.[id]
    if (old === undefined) changes.created.push(id)
    else if (old !== hash) changes.updated.push(id)
  }
  if (before !== undefined) {
    for (const id of Object.keys(before)) {
      if (id.startsWith(prefix) && after[id] === undefined) changes.deleted.push(id)
    }
  }
  changes.created.sort()
  changes.updated.sort()
  changes.deleted.sort()
  return changes
}

const isEmpty = (c: Changes) => c.created.length === 0 && c.updated.length === 0 && c.deleted.length === 0

/**
 * The events of one new version of a location: what changed in each data set.
 *
 * @since 0.1.0
 */
export const changeEvents = (
  previous: Option.Option<{ readonly entityHashes: Readonly<Record<string, string>>; readonly deleted: boolean }>,
  current: StoredSnapshot
): Array<EventLog.NewEvent> => {
  const base = { accountId: current.accountId, locationId: current.locationId, version: current.version }
  const before = Option.match(previous, {
    onNone: () => undefined,
    onSome: (p) => (p.deleted ? undefined : p.entityHashes)
  })
  const events: Array<EventLog.NewEvent> = []
  if (before === undefined) {
    events.push({
      ...base,
      type: "location.created",
      changes: { created: [current.locationId], updated: [], deleted: [] }
    })
  } else if (before[current.locationId] !== current.entityHashes[current.locationId]) {
    events.push({
      ...base,
      type: "location.updated",
      changes: { created: [], updated: [current.locationId], deleted: [] }
    })
  }
  const resources = diffIds("res_", before, current.entityHashes)
  if (!isEmpty(resources)) events.push({ ...base, type: "resources.updated", changes: resources })
  const prices = diffIds("prc_", before, current.entityHashes)
  if (!isEmpty(prices)) events.push({ ...base, type: "pricing.updated", changes: prices })
  return events
}

type LocationResult = Adapter.LocationResult

// Canonical sources skip the schema (see `LocationSnapshot.decodeSource`); anything else gets its first error.
const decodeSource = LocationSnapshot.decodeSource({ errors: "first" })

// The most new versions written in one transaction (a few statements each, whatever their number). Building
// and sending a transaction's statements is synchronous work between two turns of the event loop: with
// 256 (about 3 MB of snapshots) it held other work of the process back for 20–50 ms at a time; with 64 the
// first load is as fast (four times the statements, each a quarter of the size) and a delivery running
// beside it waits less (p99 2.8–3.8 s instead of 4.4–5.1 s in `pnpm bench mixed`).
const writeBatchSize = 64
// The most listed items decoded and hashed before their new versions are written.
const groupSize = 512
// Preparing a location (decoding, hub ids, hashing) is synchronous CPU work of up to a few milliseconds:
// after a slice of it (`Cooperative.sliceMillis`), the sync waits for a turn of the event loop of its own
// (HTTP requests, deliveries, database replies of other work in the same process run meanwhile) before it
// goes on. Short slices, one per turn however many groups are being prepared, keep a delivery's round trips
// (claim, request, completion) from waiting behind a sync for long: each waits for one slice at most.

const byLocationId = (
  a: { readonly snapshot: LocationSnapshot.LocationSnapshot },
  b: { readonly snapshot: LocationSnapshot.LocationSnapshot }
) => (a.snapshot.location.id < b.snapshot.location.id ? -1 : a.snapshot.location.id > b.snapshot.location.id ? 1 : 0)

// A fingerprint of a decoded source: the SHA-256 of its JSON text, keys in the order given. A decoded source
// is plain JSON data, so equal fingerprints mean equal data, and for the same location (whose id fixes
// the account) equal data means the same snapshot and hash. Another key order only gives another
// fingerprint: a recomputation, never a missed change. Fingerprints are stored with each new version
// (`SnapshotSummary.sourceFingerprint`), so they outlive the process: the prefix names the derivation
// (`fromSource`, normalization, `ContentHash`), and must change whenever what a source maps to does,
// so that fingerprints stored by an older hub are recomputed instead of trusted.
// The fingerprint is taken of the source's digest (`Adapter.ReadItem.Snapshot.digest`, which an adapter
// that reads JSON text may give, else computed here), so that either gives the same fingerprint.
const fingerprintPrefix = "spacesync-source-1\n"
const fingerprintOf = (digest: string): string => sha256Hex(fingerprintPrefix + digest)
const sourceFingerprint = (source: LocationSnapshot.LocationSnapshotSource): string =>
  fingerprintOf(sha256Hex(JSON.stringify(source)))

/**
 * The snapshot hash last computed for each location, with the fingerprint of the source it was computed
 * from: a pure function's results (see `sourceFingerprint`), so reusing one is the same as recomputing
 * it. Every listed location is still fetched and decoded; what an unchanged source skips is deriving
 * its ids and hashing its entities (about two thirds of the work). Holds up to `capacity` locations,
 * dropping the least recently computed; 0 disables it. The fingerprint stored with each location's
 * current version does the same from the database (also after a restart); this cache adds the sources
 * hashed in this process whose stored fingerprint is another.
 */
const makeHashCache = (capacity: number) => {
  const entries = new Map<LocationId, { readonly fingerprint: string; readonly hash: ContentHash.Hash }>()
  return {
    enabled: capacity > 0,
    get: (locationId: LocationId, fingerprint: string): ContentHash.Hash | undefined => {
      const entry = entries.get(locationId)
      return entry !== undefined && entry.fingerprint === fingerprint ? entry.hash : undefined
    },
    set: (locationId: LocationId, fingerprint: string, hash: ContentHash.Hash): void => {
      if (capacity <= 0) return
      entries.delete(locationId)
      entries.set(locationId, { fingerprint, hash })
      if (entries.size > capacity) entries.delete(entries.keys().next().value!)
    }
  }
}

/**
 * Where a run's time goes, in wall-clock milliseconds: decoding (schema and hub ids), hashing, and the
 * database. Decoding and hashing are synchronous, so their durations are exact. Statements run
 * concurrently (and while the next locations are decoded), so the database's share is the time during
 * which at least one of the run's statements was in flight, less the decoding and hashing done meanwhile:
 * the three never count the same millisecond twice.
 */
const makeStageClock = () => {
  const cpu = { decodeMillis: 0, hashMillis: 0 }
  let inFlight = 0
  let since = 0
  let database = 0
  let overlap = 0
  return {
    cpu: (stage: keyof typeof cpu, millis: number) => {
      cpu[stage] += millis
      if (inFlight > 0) overlap += millis
    },
    database: <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.suspend(() => {
        if (inFlight++ === 0) since = performance.now()
        return Effect.ensuring(
          effect,
          Effect.sync(() => {
            if (--inFlight === 0) database += performance.now() - since
          })
        )
      }),
    millis: () => ({
      decodeMillis: Math.round(cpu.decodeMillis),
      hashMillis: Math.round(cpu.hashMillis),
      databaseMillis: Math.round(database - overlap)
    })
  }
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Partial<SyncEngineOptions> = {}) =>
  Effect.gen(function*() {
    const settings = { ...defaultOptions, ...options }
    const hashCache = makeHashCache(settings.hashCacheSize)
    const sql = yield* SqlClient.SqlClient
    const store = yield* SnapshotStore
    const log = yield* EventLog.EventLog
    const accounts = yield* Accounts
    const adapters = yield* Adapters
    const context = yield* Effect.context<HttpClient.HttpClient>()

    // One limiter per (account, limit), shared by all of the account's concurrent requests.
    const limiters = yield* RcMap.make({
      lookup: (key: string) => {
        const [, limit, millis] = key.split("|")
        return RateLimiter.make({ limit: Number(limit), interval: Duration.millis(Number(millis)) })
      },
      idleTimeToLive: "5 minutes"
    })

    /**
     * The HTTP client an account's adapter runs with: every request it makes (listing pages, snapshots,
     * feed downloads) passes the account's limiter, one per (account, limit) and shared by all of that
     * account's concurrent work.
     */
    const accountContext = (accountId: AccountId, adapter: Adapter.Adapter) =>
      Effect.gen(function*() {
        if (adapter.rateLimit === undefined) return context
        const key = `${accountId}|${adapter.rateLimit.limit}|${Duration.toMillis(adapter.rateLimit.interval)}`
        const limiter = yield* RcMap.get(limiters, key)
        const client = Context.get(context, HttpClient.HttpClient)
        return Context.make(HttpClient.HttpClient, HttpClient.transform(client, (effect) => limiter(effect)))
      })

    /** Which read a run makes: targeted when locations are named; else changes when the account may. */
    const chooseMode = (
      account: Account,
      adapter: Adapter.Adapter,
      targeted: boolean,
      nowMillis: number
    ): SyncMode => {
      if (targeted) return "targeted"
      if (adapter.snapshots.changes === undefined || account.syncCursor === null) return "full"
      return Option.match(account.lastFullSyncAt, {
        onNone: () => "full",
        onSome: (at) =>
          nowMillis - DateTime.toEpochMillis(at) < Duration.toMillis(settings.fullSyncInterval) ? "changes" : "full"
      })
    }

    const sync = (accountId: AccountId, runOptions?: SyncOptions) =>
      Effect.gen(function*() {
        const startedMillis = yield* Clock.currentTimeMillis
        const startedAt = DateTime.unsafeMake(startedMillis)
        const { account, credentials } = yield* accounts.credentials(accountId).pipe(
          Effect.mapError((error) =>
            error._tag === "AccountNotFound"
              ? new SyncError({ reason: "AccountNotFound", accountId, message: `No account ${accountId}` })
              : new SyncError({ reason: "UnknownAdapter", accountId, message: error.message })
          )
        )
        if (account.status === "paused") {
          return yield* new SyncError({
            reason: "AccountPaused",
            accountId,
            message: `Account ${accountId} is paused: ${account.pausedReason ?? "no reason recorded"}`
          })
        }
        const adapter = yield* adapters.get(account.adapter).pipe(
          Effect.mapError((e) => new SyncError({ reason: "UnknownAdapter", accountId, message: e.message }))
        )
        const clientContext = yield* accountContext(accountId, adapter)

        const stages = makeStageClock()
        const known = new Map<string, SnapshotSummary>()
        for (const summary of yield* stages.database(store.summaries(accountId))) {
          known.set(summary.externalId, summary)
        }

        const counts = { listed: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 }
        const events: Array<EventLog.StoredEvent> = []
        const errors: Array<LocationError> = []
        // What the current read saw: the locations it named, whether a failure named none, the
        // deletions the upstream listed and its last checkpoint.
        let seen = new Set<string>()
        let unattributedFailure = false
        let upstreamDeleted = new Set<string>()
        let checkpoint: string | null = null
        // How far the current read has got, recorded and logged every `progressInterval` by `reporter`.
        const progress = { read: 0, total: null as number | null }

        const fail = (externalId: string | null, error: AdapterError) =>
          Effect.gen(function*() {
            counts.failed++
            if (externalId === null) unattributedFailure = true
            const entry: LocationError = {
              externalId,
              reason: error.reason,
              message: error.message,
              path: error.path ?? null
            }
            errors.push(entry)
            const stored = externalId === null ? undefined : known.get(externalId)
            if (stored !== undefined) yield* stages.database(store.recordError(stored.locationId, entry))
          })

        // What one read location needs once it is decoded and hashed: nothing (unchanged), a failure to
        // record, a stale sync error to clear, or a new version to write.
        type Step =
          | { readonly _tag: "Failed"; readonly externalId: string | null; readonly error: AdapterError }
          | { readonly _tag: "ClearError"; readonly locationId: LocationId }
          | {
            readonly _tag: "Write"
            readonly previous: SnapshotSummary | undefined
            readonly snapshot: LocationSnapshot.LocationSnapshot
            readonly hashes: ContentHash.SnapshotHashes
            readonly text: string
            readonly sourceFingerprint: string
          }

        const invalid = (externalId: string | null, message: string, path: ReadonlyArray<string | number>): Step => ({
          _tag: "Failed",
          externalId,
          error: new AdapterError({
            reason: "InvalidData",
            message,
            path,
            ...(externalId === null ? {} : { externalId })
          })
        })

        const unchanged = (previous: SnapshotSummary): Step | undefined => {
          counts.unchanged++
          return previous.syncError ? { _tag: "ClearError", locationId: previous.locationId } : undefined
        }

        // Decoding, hub ids and hashing are synchronous CPU work: an unchanged location costs no effect and
        // no database round trip. An unchanged source (its fingerprint stored with the current version, or
        // cached) is not even derived or hashed. A source that changed without changing the snapshot gets its
        // new fingerprint added to `fingerprints`, recorded with the group's writes.
        // Whether `fingerprint` is that of the source of `current`'s stored version, or of a source this process
        // hashed to `current`'s hash; the latter's fingerprint is then noted to be recorded.
        const isKnown = (current: SnapshotSummary, fingerprint: string, fingerprints: Array<FingerprintUpdate>) => {
          if (current.sourceFingerprint === fingerprint) return true
          if (!hashCache.enabled || hashCache.get(current.locationId, fingerprint) !== current.hash) return false
          fingerprints.push({ locationId: current.locationId, hash: current.hash, sourceFingerprint: fingerprint })
          return true
        }

        const prepare = (read: LocationResult, fingerprints: Array<FingerprintUpdate>): Step | undefined => {
          counts.listed++
          const externalId = Adapter.externalIdOf(read)
          if (externalId !== null) seen.add(externalId)
          let mark = performance.now()
          const lap = (stage: "decodeMillis" | "hashMillis") => {
            const now = performance.now()
            stages.cpu(stage, now - mark)
            mark = now
          }
          // A location the adapter gives as unparsed text: recognized by its digest, else parsed now (into a
          // source with that digest: equal texts are equal sources).
          let item: Exclude<LocationResult, { readonly _tag: "Unparsed" }>
          if (read._tag === "Unparsed") {
            const summary = known.get(read.externalId)
            if (
              summary !== undefined && !summary.deleted && isKnown(summary, fingerprintOf(read.digest), fingerprints)
            ) {
              lap("hashMillis")
              return unchanged(summary)
            }
            const parsed = read.parse()
            lap("decodeMillis")
            item = parsed._tag === "Snapshot"
              ? Adapter.ReadItem.Snapshot({ source: parsed.source, digest: read.digest })
              : parsed
          } else {
            item = read
          }
          if (item._tag === "Failed") return { _tag: "Failed", externalId, error: item.error }
          // A source whose digest the adapter gives is recognized before it is even decoded.
          const given = item.digest === undefined || externalId === null ? undefined : fingerprintOf(item.digest)
          if (given !== undefined && externalId !== null) {
            const summary = known.get(externalId)
            if (summary !== undefined && !summary.deleted && isKnown(summary, given, fingerprints)) {
              lap("hashMillis")
              return unchanged(summary)
            }
          }
          // A source given with its digest is canonical already (see `ReadItem.Snapshot`): validated once, by
          // the adapter.
          const decoded = given !== undefined
            ? Either.right(item.source as LocationSnapshot.LocationSnapshotSource)
            : decodeSource(item.source)
          lap("decodeMillis")
          if (Either.isLeft(decoded)) {
            const [issue] = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
            return invalid(
              externalId,
              issue?.message ?? "Invalid snapshot",
              issue?.path.map((p) => (typeof p === "number" ? p : String(p))) ?? []
            )
          }
          const sourceId = decoded.right.location.externalId
          const previous = known.get(sourceId)
          const current = previous === undefined || previous.deleted ? undefined : previous
          // The same source as the stored version's, or as when this location was last hashed: its hash is known.
          const fingerprint = given !== undefined && decoded.right === item.source
            ? given
            : sourceFingerprint(decoded.right)
          // (A given fingerprint of this very source was looked up above already.)
          if (current !== undefined && given !== fingerprint) {
            const isSame = isKnown(current, fingerprint, fingerprints)
            lap("hashMillis")
            if (isSame) return unchanged(current)
          }
          const snapshot = LocationSnapshot.fromSource(accountId, decoded.right)
          lap("decodeMillis")
          if (Either.isLeft(snapshot)) return invalid(sourceId, snapshot.left.message, snapshot.left.path)
          const { hashes, text } = ContentHash.snapshotWithText(snapshot.right)
          hashCache.set(snapshot.right.location.id, fingerprint, hashes.hash)
          lap("hashMillis")
          if (current !== undefined && current.hash === hashes.hash) {
            fingerprints.push({ locationId: current.locationId, hash: current.hash, sourceFingerprint: fingerprint })
            return unchanged(current)
          }
          return { _tag: "Write", previous, snapshot: snapshot.right, hashes, text, sourceFingerprint: fingerprint }
        }

        // New versions of locations that arrive together are written in one transaction: their snapshots
        // and history rows (`saveAll`: a few statements for the whole batch), then all their events (which
        // fan out in that same transaction). The event log's commit-order lock and the commit are paid once
        // per batch instead of once per location.
        const write = (steps: ReadonlyArray<Extract<Step, { _tag: "Write" }>>) =>
          Effect.gen(function*() {
            const written = yield* Effect.gen(function*() {
              const changes: Array<EventLog.NewEvent> = []
              // In location id order: events in a stable order (`saveAll` locks rows in that order anyway).
              const sorted = [...steps].sort(byLocationId)
              const results = yield* store.saveAll(
                accountId,
                sorted.map((step) => ({
                  snapshot: step.snapshot,
                  hashes: step.hashes,
                  text: step.text,
                  sourceFingerprint: step.sourceFingerprint
                }))
              )
              for (const result of results) {
                if (result._tag === "Saved") changes.push(...changeEvents(result.previous, result.current))
              }
              return yield* log.append(changes)
            }).pipe(sql.withTransaction, Effect.orDie, stages.database)
            for (const step of steps) {
              if (step.previous === undefined || step.previous.deleted) counts.created++
              else counts.updated++
            }
            events.push(...written)
          })

        // A group of read elements: locations prepared, failures recorded, errors cleared, deletions and
        // checkpoints noted, then the new versions written in batches.
        const apply = (items: ReadonlyArray<Adapter.ReadItem>): Effect.Effect<void> =>
          Effect.gen(function*() {
            const writes: Array<Extract<Step, { _tag: "Write" }>> = []
            const fingerprints: Array<FingerprintUpdate> = []
            const slices = Cooperative.makeSlices()
            for (const item of items) {
              if (item._tag === "Checkpoint") {
                checkpoint = item.cursor
                continue
              }
              if (item._tag === "Deleted") {
                upstreamDeleted.add(item.externalId)
                continue
              }
              if (item._tag === "Total") {
                progress.total = item.locations
                continue
              }
              progress.read++
              if (slices.due()) yield* slices.next
              const step = prepare(item, fingerprints)
              if (step === undefined) continue
              if (step._tag === "Write") writes.push(step)
              else if (step._tag === "Failed") yield* fail(step.externalId, step.error)
              else yield* stages.database(store.clearError(step.locationId))
            }
            if (fingerprints.length > 0) yield* stages.database(store.recordFingerprints(fingerprints))
            for (const batch of Arr.chunksOf(writes, writeBatchSize)) yield* write(batch)
          })

        const consume = (items: Stream.Stream<Adapter.ReadItem, AdapterError, HttpClient.HttpClient>) => {
          progress.read = 0
          progress.total = null
          seen = new Set()
          unattributedFailure = false
          upstreamDeleted = new Set()
          checkpoint = null
          return items.pipe(
            Stream.provideContext(clientContext),
            // Elements that arrive together (a feed's listing comes in chunks of thousands) are handled in
            // groups of up to `groupSize`, several at once, which keeps decoding and writing interleaved;
            // nothing waits for more elements to arrive (one that arrives alone is a group of one).
            Stream.mapChunks((chunk) => Chunk.unsafeFromArray(Arr.chunksOf(Chunk.toReadonlyArray(chunk), groupSize))),
            Stream.mapEffect(apply, { concurrency: settings.defaultConcurrency }),
            Stream.runDrain,
            Effect.either
          )
        }

        let mode = runOptions?.full === true && runOptions.locations === undefined
          ? "full"
          : chooseMode(account, adapter, runOptions?.locations !== undefined, startedMillis)

        const reported = { read: -1, total: null as number | null }
        const reportProgress = Effect.gen(function*() {
          if (reported.read === progress.read && reported.total === progress.total) return
          reported.read = progress.read
          reported.total = progress.total
          const now = yield* Clock.currentTimeMillis
          yield* accounts.recordProgress(accountId, {
            mode,
            read: progress.read,
            total: progress.total,
            startedAt: DateTime.formatIso(startedAt),
            updatedAt: new Date(now).toISOString()
          })
          yield* Effect.logInfo(
            progress.total === null
              ? `Sync progress: ${progress.read} locations read`
              : `Sync progress: ${progress.read} of ${progress.total} locations read`
          ).pipe(Effect.annotateLogs({ accountId, mode, read: progress.read, total: progress.total }))
        })
        const reporter = yield* Effect.sleep(settings.progressInterval).pipe(
          Effect.zipRight(reportProgress),
          Effect.forever,
          Effect.forkScoped
        )
        let read = yield* consume(
          mode === "targeted"
            ? adapter.snapshots.read(
              credentials,
              Adapter.ReadRequest.Locations({ externalIds: runOptions!.locations! })
            )
            : mode === "changes"
            ? adapter.snapshots.changes!(credentials, account.syncCursor!)
            : adapter.snapshots.read(credentials, Adapter.ReadRequest.All())
        )
        if (mode === "changes" && Either.isLeft(read) && read.left.reason === "CursorRejected") {
          yield* Effect.logInfo("The upstream rejected the sync cursor; reading everything").pipe(
            Effect.annotateLogs({ accountId, reason: read.left.message })
          )
          mode = "full"
          read = yield* consume(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
        }

        const activeCount = () => [...known.values()].filter((s) => !s.deleted).length

        const finish = (
          outcome: SyncOutcome,
          error: string | null,
          refused: ReadonlyArray<string>,
          gone: ReadonlyArray<SnapshotSummary>
        ) =>
          Effect.gen(function*() {
            yield* Fiber.interrupt(reporter)
            const finishedMillis = yield* Clock.currentTimeMillis
            const durationMillis = finishedMillis - startedMillis
            const completed = outcome !== "failed"
            // Deletions, the cursor and the run's record: one transaction.
            const deletedEvents = yield* Effect.gen(function*() {
              const changes: Array<EventLog.NewEvent> = []
              for (const summary of gone) {
                const deleted = yield* store.markDeleted(summary.locationId)
                if (Option.isNone(deleted)) continue
                counts.deleted++
                changes.push({
                  type: "location.deleted",
                  accountId,
                  locationId: summary.locationId,
                  version: deleted.value.version,
                  changes: { created: [], updated: [], deleted: [summary.locationId] }
                })
              }
              const appended = yield* log.append(changes)
              yield* accounts.recordSync(accountId, {
                outcome,
                startedAt,
                finishedAt: DateTime.unsafeMake(finishedMillis),
                durationMillis,
                counts: { ...counts },
                error,
                cursor: completed && mode !== "targeted" ? Option.some(checkpoint) : Option.none(),
                fullRead: completed && mode === "full"
              })
              return appended
            }).pipe(sql.withTransaction, Effect.orDie, stages.database)
            events.push(...deletedEvents)
            const report: SyncReport = {
              accountId,
              outcome,
              mode,
              startedAt,
              durationMillis,
              counts: { ...counts },
              events,
              errors,
              refusedDeletions: refused
            }
            const millis = stages.millis()
            yield* Effect.annotateCurrentSpan({ outcome, mode, ...counts, ...millis })
            yield* Effect.logInfo("Sync finished").pipe(
              Effect.annotateLogs({ accountId, outcome, mode, durationMillis, ...counts, ...millis })
            )
            return report
          })

        if (Either.isLeft(read)) {
          const error = read.left
          if (error.reason === "Unauthorized") {
            yield* accounts.pause(accountId, `Upstream rejected the credentials: ${error.message}`)
          }
          yield* finish("failed", `${error.reason}: ${error.message}`, [], [])
          return yield* new SyncError({
            reason: "Adapter",
            accountId,
            message: `Sync failed: ${error.reason}: ${error.message}`,
            adapterError: error
          })
        }

        // What this run deletes: what the upstream said it deleted, and, after a complete full read,
        // what it no longer lists (within the safety bounds).
        const gone = new Map<string, SnapshotSummary>()
        for (const externalId of upstreamDeleted) {
          const summary = known.get(externalId)
          if (summary !== undefined && !summary.deleted) gone.set(externalId, summary)
        }
        let refused: ReadonlyArray<string> = []
        let refusal: string | null = null
        if (mode === "full") {
          const absent = [...known.values()].filter((s) => !s.deleted && !seen.has(s.externalId))
          if (absent.length > 0 && unattributedFailure) {
            refused = absent.map((s) => s.externalId)
            refusal = `Kept ${absent.length} unlisted location(s): a failed element named no location`
          } else if (absent.length >= 2 && absent.length > settings.maxDeleteShare * activeCount()) {
            refused = absent.map((s) => s.externalId)
            refusal = `Refused to delete ${absent.length} of ${activeCount()} locations`
          } else {
            for (const summary of absent) gone.set(summary.externalId, summary)
          }
          if (refused.length > 0) {
            yield* Effect.logWarning("Refused to delete locations").pipe(
              Effect.annotateLogs({ accountId, wouldDelete: refused.length, known: activeCount() })
            )
          }
        }
        const outcome: SyncOutcome = refused.length > 0 ? "refused" : counts.failed > 0 ? "partial" : "succeeded"
        return yield* finish(
          outcome,
          refusal ?? (counts.failed > 0 ? `${counts.failed} location(s) failed` : null),
          refused,
          [...gone.values()]
        )
      }).pipe(Effect.scoped, Effect.withSpan("SyncEngine.sync", { attributes: { accountId } }))

    return SyncEngine.of({ sync })
  })

/** The engine's account (for callers that already hold one). @since 0.1.0 */
export type { Account }

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Partial<SyncEngineOptions> = {}): Layer.Layer<
  SyncEngine,
  never,
  SqlClient.SqlClient | SnapshotStore | EventLog.EventLog | Accounts | Adapters | HttpClient.HttpClient
> => Layer.scoped(SyncEngine, make(options))

/**
 * The engine with settings from the environment (`SPACESYNC_MAX_DELETE_SHARE`, `SPACESYNC_SYNC_CONCURRENCY`,
 * `SPACESYNC_SYNC_HASH_CACHE`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = Layer.unwrapEffect(Effect.map(SyncEngineConfig, layer))
