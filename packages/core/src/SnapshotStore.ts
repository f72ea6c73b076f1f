/**
 * The snapshot store: the current canonical snapshot of every location, its content hashes and a version
 * that rises by one with every change, plus the history of past versions.
 *
 * Writes are transactional: the current row and its history row are written together or not at all,
 * and callers that must write more in the same transaction (change events, deliveries) wrap `save` in
 * their own `sql.withTransaction`.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { AccountId, LocationId } from "@spacesync/adapter-kit/Ids"
import * as LocationSnapshot from "@spacesync/adapter-kit/LocationSnapshot"
import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import * as CanonicalJson from "./CanonicalJson.js"
import * as ContentHash from "./ContentHash.js"
import { Typed } from "./internal/sql.js"

/** Data-set hashes of a stored snapshot. @since 0.1.0 */
export interface DataSetHashes {
  readonly location: ContentHash.Hash
  readonly resources: ContentHash.Hash
  readonly prices: ContentHash.Hash
}

/** What the store knows of a location without loading its snapshot. @since 0.1.0 */
export interface SnapshotSummary {
  readonly locationId: LocationId
  readonly externalId: string
  readonly version: number
  readonly hash: ContentHash.Hash
  readonly deleted: boolean
  /** The last sync recorded an error for this location (see `SyncEngine`). */
  readonly syncError: boolean
  /**
   * The fingerprint of the adapter source the current snapshot was derived from, when the writer gave one
   * (see `SyncEngine`); `null` when unknown.
   */
  readonly sourceFingerprint: string | null
}

/** A stored location: its current snapshot and everything known about it. @since 0.1.0 */
export interface StoredSnapshot extends SnapshotSummary {
  readonly accountId: AccountId
  readonly hashes: DataSetHashes
  /** Hash of every entity (location, resources, prices) by hub id: what change detection diffs. */
  readonly entityHashes: Readonly<Record<string, ContentHash.Hash>>
  readonly snapshot: LocationSnapshot.LocationSnapshot
  readonly updatedAt: DateTime.Utc
}

/** The problem a sync had with one location. @since 0.1.0 */
export interface LocationSyncError {
  readonly externalId: string | null
  readonly reason: string
  readonly message: string
  readonly path: ReadonlyArray<string | number> | null
}

/** One past (or the current) version of a location. @since 0.1.0 */
export interface SnapshotVersion {
  readonly locationId: LocationId
  readonly version: number
  readonly hash: ContentHash.Hash
  readonly deleted: boolean
  readonly recordedAt: DateTime.Utc
}

/** One location to store with `saveAll`. @since 0.1.0 */
export interface SaveInput {
  readonly snapshot: LocationSnapshot.LocationSnapshot
  /** Its hashes when the caller has them already (they must be `ContentHash.snapshot` of it). */
  readonly hashes?: ContentHash.SnapshotHashes | undefined
  /** With `hashes`: its canonical text, as `ContentHash.snapshotWithText` gives it. */
  readonly text?: string | undefined
  /** The fingerprint of the source it was derived from, stored with it (see `SnapshotSummary`). */
  readonly sourceFingerprint?: string | null | undefined
}

/** A location whose source changed without changing its snapshot (see `recordFingerprints`). @since 0.1.0 */
export interface FingerprintUpdate {
  readonly locationId: LocationId
  /** The snapshot hash the fingerprint belongs to: nothing is recorded if the stored hash is another. */
  readonly hash: ContentHash.Hash
  readonly sourceFingerprint: string
}

/**
 * The outcome of `save`: nothing changed, or a new version was written (with what was there before, so
 * the caller can tell what changed).
 *
 * @since 0.1.0
 */
export type SaveResult =
  | { readonly _tag: "Unchanged"; readonly current: SnapshotSummary }
  | {
    readonly _tag: "Saved"
    readonly previous: Option.Option<Omit<StoredSnapshot, "snapshot">>
    readonly current: StoredSnapshot
  }

/**
 * @since 0.1.0
 * @category tags
 */
export class SnapshotStore extends Context.Tag("@spacesync/core/SnapshotStore")<SnapshotStore, {
  /** The current snapshot of a location, deleted or not. */
  readonly get: (locationId: LocationId) => Effect.Effect<Option.Option<StoredSnapshot>>
  /** Every location of an account, without snapshots: the input of change detection. */
  readonly summaries: (accountId: AccountId) => Effect.Effect<ReadonlyArray<SnapshotSummary>>
  /**
   * Stores `snapshot` as the next version of its location unless its hash equals the current one.
   * A deleted location that comes back is restored with a new version.
   */
  readonly save: (
    accountId: AccountId,
    snapshot: LocationSnapshot.LocationSnapshot,
    hashes?: ContentHash.SnapshotHashes
  ) => Effect.Effect<SaveResult>
  /**
   * `save` for many locations at once, in one transaction and a few statements whatever their number (the
   * rows are locked in location id order); the results are in the order of `inputs`. Each input's
   * `sourceFingerprint` (or null) is stored with its new version.
   */
  readonly saveAll: (
    accountId: AccountId,
    inputs: ReadonlyArray<SaveInput>
  ) => Effect.Effect<ReadonlyArray<SaveResult>>
  /**
   * Records the source fingerprints of locations whose stored snapshot is still current (a source that
   * changed only in what the snapshot leaves out, or in key order): one statement; no new version.
   */
  readonly recordFingerprints: (updates: ReadonlyArray<FingerprintUpdate>) => Effect.Effect<void>
  /** Marks a location deleted as a new version (its last snapshot is kept). `None` if unknown or already deleted. */
  readonly markDeleted: (locationId: LocationId) => Effect.Effect<Option.Option<StoredSnapshot>>
  /** Records the problem the last sync had with a location (its snapshot stays as it was). */
  readonly recordError: (locationId: LocationId, error: LocationSyncError) => Effect.Effect<void>
  /** Clears a location's recorded sync problem. */
  readonly clearError: (locationId: LocationId) => Effect.Effect<void>
  /** Versions of a location, newest first. */
  readonly history: (
    locationId: LocationId,
    options?: { readonly limit?: number; readonly beforeVersion?: number }
  ) => Effect.Effect<ReadonlyArray<SnapshotVersion>>
  /** The snapshot of one version of a location. */
  readonly atVersion: (
    locationId: LocationId,
    version: number
  ) => Effect.Effect<Option.Option<SnapshotVersion & { readonly snapshot: LocationSnapshot.LocationSnapshot }>>
}>() {}

const Row = Schema.Struct({
  location_id: LocationId,
  account_id: AccountId,
  external_id: Schema.String,
  version: Schema.Number,
  hash: Schema.String,
  location_hash: Schema.String,
  resources_hash: Schema.String,
  prices_hash: Schema.String,
  entity_hashes: Schema.Record({ key: Schema.String, value: Schema.String }),
  snapshot: Schema.parseJson(LocationSnapshot.LocationSnapshot),
  deleted: Schema.Boolean,
  sync_error: Schema.Boolean,
  source_fingerprint: Schema.NullOr(Schema.String),
  updated_at: Schema.DateTimeUtcFromDate
})

const HeadRow = Schema.Struct({ ...Row.omit("snapshot").fields })

const VersionRow = Schema.Struct({
  location_id: LocationId,
  version: Schema.Number,
  hash: Schema.String,
  deleted: Schema.Boolean,
  recorded_at: Schema.DateTimeUtcFromDate
})

const SummaryRow = Schema.Struct({
  location_id: LocationId,
  external_id: Schema.String,
  version: Schema.Number,
  hash: Schema.String,
  deleted: Schema.Boolean,
  sync_error: Schema.Boolean,
  source_fingerprint: Schema.NullOr(Schema.String)
})

const WrittenRow = Schema.Struct({ location_id: LocationId, updated_at: Schema.DateTimeUtcFromDate })

const toHead = (row: typeof HeadRow.Type): Omit<StoredSnapshot, "snapshot"> => ({
  locationId: row.location_id,
  accountId: row.account_id,
  externalId: row.external_id,
  version: row.version,
  hash: row.hash,
  hashes: { location: row.location_hash, resources: row.resources_hash, prices: row.prices_hash },
  entityHashes: row.entity_hashes,
  deleted: row.deleted,
  syncError: row.sync_error,
  sourceFingerprint: row.source_fingerprint,
  updatedAt: row.updated_at
})

const toVersion = (row: typeof VersionRow.Type): SnapshotVersion => ({
  locationId: row.location_id,
  version: row.version,
  hash: row.hash,
  deleted: row.deleted,
  recordedAt: row.recorded_at
})

/**
 * The store over the `spacesync.locations` and `spacesync.location_versions` tables.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient

  const columns = sql`location_id, account_id, external_id, version, hash, location_hash, resources_hash,
    prices_hash, entity_hashes, deleted_at is not null as deleted, sync_error is not null as sync_error,
    source_fingerprint, updated_at`

  const findRow = SqlSchema.findOne({
    Request: LocationId,
    Result: Row,
    execute: (id) => sql`select ${columns}, snapshot from spacesync.locations where location_id = ${id}`
  })
  const lockHead = SqlSchema.findOne({
    Request: LocationId,
    Result: HeadRow,
    execute: (id) => sql`select ${columns} from spacesync.locations where location_id = ${id} for update`
  })
  // Always in location id order: concurrent writers lock rows in one global order, so never in a cycle.
  const lockHeads = SqlSchema.findAll({
    Request: Schema.Array(LocationId),
    Result: HeadRow,
    execute: (ids) =>
      sql`select ${columns} from spacesync.locations where location_id = any(${ids}::text[])
          order by location_id for update`
  })
  const findSummaries = SqlSchema.findAll({
    Request: AccountId,
    Result: SummaryRow,
    execute: (accountId) =>
      sql`select location_id, external_id, version, hash, deleted_at is not null as deleted,
          sync_error is not null as sync_error, source_fingerprint
          from spacesync.locations where account_id = ${accountId}`
  })

  /** A new version of one location as written: hashes and snapshot as the JSON text the caller already has. */
  interface HeadInput {
    readonly location_id: LocationId
    readonly account_id: AccountId
    readonly external_id: string
    readonly version: number
    readonly hash: string
    readonly location_hash: string
    readonly resources_hash: string
    readonly prices_hash: string
    readonly entity_hashes: string
    readonly snapshot: string
    readonly source_fingerprint: string | null
  }
  // New versions of any number of locations, each named once: their current rows and history rows in one
  // statement, every value its own parameter (the snapshot text is sent once, for both tables).
  const writeHeads = SqlSchema.findAll({
    Request: Typed<ReadonlyArray<HeadInput>>(),
    Result: WrittenRow,
    execute: (heads) =>
      sql`with input (location_id, account_id, external_id, version, hash, location_hash, resources_hash,
          prices_hash, entity_hashes, snapshot, source_fingerprint) as (
          values ${
        sql.join(",", false)(heads.map((h) =>
          sql`(${h.location_id}, ${h.account_id}, ${h.external_id}, ${h.version}, ${h.hash}, ${h.location_hash},
              ${h.resources_hash}, ${h.prices_hash}, ${h.entity_hashes}, ${h.snapshot}, ${h.source_fingerprint})`
        ))
      }
        ),
        heads as (
          insert into spacesync.locations (location_id, account_id, external_id, version, hash, location_hash,
            resources_hash, prices_hash, entity_hashes, snapshot, source_fingerprint)
          select location_id, account_id, external_id, version::integer, hash, location_hash, resources_hash,
            prices_hash, entity_hashes::jsonb, snapshot, source_fingerprint
          from input
          on conflict (location_id) do update set
            external_id = excluded.external_id, version = excluded.version, hash = excluded.hash,
            location_hash = excluded.location_hash, resources_hash = excluded.resources_hash,
            prices_hash = excluded.prices_hash, entity_hashes = excluded.entity_hashes,
            snapshot = excluded.snapshot, source_fingerprint = excluded.source_fingerprint, deleted_at = null,
            sync_error = null, sync_error_at = null, updated_at = now()
          returning location_id, updated_at
        ),
        versions as (
          insert into spacesync.location_versions (location_id, version, hash, snapshot, deleted)
          select location_id, version::integer, hash, snapshot, false from input
        )
        select location_id, updated_at from heads`
  })
  const updateFingerprints = SqlSchema.void({
    Request: Typed<ReadonlyArray<FingerprintUpdate>>(),
    execute: (updates) =>
      sql`update spacesync.locations l set source_fingerprint = u.fingerprint
          from (values ${
        sql.join(",", false)(updates.map((u) => sql`(${u.locationId}, ${u.hash}, ${u.sourceFingerprint})`))
      }) as u (location_id, hash, fingerprint)
          where l.location_id = u.location_id and l.hash = u.hash and l.deleted_at is null`
  })
  const markHeadDeleted = SqlSchema.single({
    Request: Schema.Struct({ locationId: LocationId, version: Schema.Number }),
    Result: Schema.Struct({ snapshot: Schema.String, updated_at: Schema.DateTimeUtcFromDate }),
    execute: ({ locationId, version }) =>
      sql`update spacesync.locations set version = ${version}, deleted_at = now(), updated_at = now()
          where location_id = ${locationId} returning snapshot, updated_at`
  })
  const setSyncError = SqlSchema.void({
    Request: Schema.Struct({ locationId: LocationId, error: Schema.NullOr(Schema.String) }),
    execute: ({ error, locationId }) =>
      sql`update spacesync.locations set sync_error = ${error}, sync_error_at = ${error === null ? null : sql`now()`}
          where location_id = ${locationId}`
  })

  const recordError = (locationId: LocationId, error: LocationSyncError) =>
    setSyncError({ locationId, error: JSON.stringify(error) }).pipe(Effect.orDie)

  const clearError = (locationId: LocationId) => setSyncError({ locationId, error: null }).pipe(Effect.orDie)

  const get = (locationId: LocationId) =>
    findRow(locationId).pipe(
      Effect.map(Option.map((row) => ({ ...toHead(row), snapshot: row.snapshot }))),
      Effect.orDie,
      Effect.withSpan("SnapshotStore.get")
    )

  const summaries = (accountId: AccountId) =>
    findSummaries(accountId).pipe(
      Effect.map((rows) =>
        rows.map((row): SnapshotSummary => ({
          locationId: row.location_id,
          externalId: row.external_id,
          version: row.version,
          hash: row.hash,
          deleted: row.deleted,
          syncError: row.sync_error,
          sourceFingerprint: row.source_fingerprint
        }))
      ),
      Effect.orDie,
      Effect.withSpan("SnapshotStore.summaries")
    )

  interface SaveItem {
    readonly locationId: LocationId
    readonly snapshot: LocationSnapshot.LocationSnapshot
    readonly hashes: ContentHash.SnapshotHashes
    readonly text: string | undefined
    readonly sourceFingerprint: string | null
  }

  // Items in runs that name each location at most once (a location named twice is written twice, in order).
  const distinctRuns = (items: ReadonlyArray<SaveItem>) => {
    const runs: Array<Array<SaveItem>> = []
    let run: Array<SaveItem> = []
    let ids = new Set<LocationId>()
    for (const item of items) {
      if (ids.has(item.locationId)) {
        runs.push(run)
        run = []
        ids = new Set()
      }
      ids.add(item.locationId)
      run.push(item)
    }
    if (run.length > 0) runs.push(run)
    return runs
  }

  // One run: one statement locks the current rows, one writes every new version.
  const saveRun = (accountId: AccountId, run: ReadonlyArray<SaveItem>) =>
    Effect.gen(function*() {
      const locked = yield* lockHeads(run.map((item) => item.locationId))
      const previousById = new Map(locked.map((row) => [row.location_id, row]))
      const results: Array<SaveResult | undefined> = []
      const heads: Array<HeadInput> = []
      for (const { hashes, locationId, snapshot, sourceFingerprint, text } of run) {
        const previous = previousById.get(locationId)
        if (previous !== undefined && previous.account_id !== accountId) {
          return yield* Effect.dieMessage(`Location ${locationId} belongs to another account`)
        }
        if (previous !== undefined && previous.hash === hashes.hash && !previous.deleted) {
          results.push({
            _tag: "Unchanged",
            current: {
              locationId,
              externalId: previous.external_id,
              version: previous.version,
              hash: previous.hash,
              deleted: false,
              syncError: false,
              sourceFingerprint: previous.source_fingerprint
            }
          })
          continue
        }
        heads.push({
          location_id: locationId,
          account_id: accountId,
          external_id: snapshot.location.externalId,
          version: previous === undefined ? 1 : previous.version + 1,
          hash: hashes.hash,
          location_hash: hashes.location,
          resources_hash: hashes.resources,
          prices_hash: hashes.prices,
          entity_hashes: JSON.stringify(hashes.entities),
          snapshot: text ?? CanonicalJson.stringify(snapshot),
          source_fingerprint: sourceFingerprint
        })
        results.push(undefined)
      }
      const written = heads.length === 0
        ? new Map<LocationId, DateTime.Utc>()
        : new Map((yield* writeHeads(heads)).map((row) => [row.location_id, row.updated_at]))
      let next = 0
      return results.map((result, i): SaveResult => {
        if (result !== undefined) return result
        const head = heads[next++]!
        const { hashes, snapshot } = run[i]!
        const previous = previousById.get(head.location_id)
        return {
          _tag: "Saved",
          previous: previous === undefined ? Option.none() : Option.some(toHead(previous)),
          current: {
            locationId: head.location_id,
            accountId,
            externalId: head.external_id,
            version: head.version,
            hash: hashes.hash,
            hashes: { location: hashes.location, resources: hashes.resources, prices: hashes.prices },
            entityHashes: hashes.entities,
            snapshot,
            deleted: false,
            syncError: false,
            sourceFingerprint: head.source_fingerprint,
            updatedAt: written.get(head.location_id)!
          }
        }
      })
    })

  const saveAll = (accountId: AccountId, inputs: ReadonlyArray<SaveInput>): Effect.Effect<ReadonlyArray<SaveResult>> =>
    Effect.gen(function*() {
      const items = inputs.map((input): SaveItem => {
        const snapshot = LocationSnapshot.normalize(input.snapshot)
        const given = input.hashes === undefined
          ? ContentHash.snapshotWithText(snapshot)
          : { hashes: input.hashes, text: input.text }
        return {
          locationId: snapshot.location.id,
          snapshot,
          hashes: given.hashes,
          text: given.text,
          sourceFingerprint: input.sourceFingerprint ?? null
        }
      })
      const results: Array<SaveResult> = []
      for (const run of distinctRuns(items)) results.push(...(yield* saveRun(accountId, run)))
      return results
    }).pipe(sql.withTransaction, Effect.orDie, Effect.withSpan("SnapshotStore.saveAll"))

  const save = (
    accountId: AccountId,
    input: LocationSnapshot.LocationSnapshot,
    precomputed?: ContentHash.SnapshotHashes
  ): Effect.Effect<SaveResult> =>
    saveAll(accountId, [{ snapshot: input, hashes: precomputed }]).pipe(
      Effect.map((results) => results[0]!),
      Effect.withSpan("SnapshotStore.save")
    )

  const recordFingerprints = (updates: ReadonlyArray<FingerprintUpdate>) =>
    updates.length === 0 ? Effect.void : updateFingerprints(updates).pipe(
      Effect.orDie,
      Effect.withSpan("SnapshotStore.recordFingerprints")
    )

  const markDeleted = (locationId: LocationId): Effect.Effect<Option.Option<StoredSnapshot>> =>
    Effect.gen(function*() {
      const current = yield* lockHead(locationId)
      if (Option.isNone(current) || current.value.deleted) return Option.none()
      const version = current.value.version + 1
      const row = yield* markHeadDeleted({ locationId, version })
      yield* sql`insert into spacesync.location_versions ${
        sql.insert({
          location_id: locationId,
          version,
          hash: current.value.hash,
          snapshot: row.snapshot,
          deleted: true
        })
      }`
      const snapshot = yield* Schema.decode(Schema.parseJson(LocationSnapshot.LocationSnapshot))(row.snapshot)
      return Option.some({
        ...toHead(current.value),
        version,
        deleted: true,
        snapshot,
        updatedAt: row.updated_at
      })
    }).pipe(sql.withTransaction, Effect.orDie, Effect.withSpan("SnapshotStore.markDeleted"))

  const history = (locationId: LocationId, options?: { readonly limit?: number; readonly beforeVersion?: number }) =>
    SqlSchema.findAll({
      Request: LocationId,
      Result: VersionRow,
      execute: (id) =>
        sql`select location_id, version, hash, deleted, recorded_at from spacesync.location_versions
            where location_id = ${id}
            ${options?.beforeVersion !== undefined ? sql`and version < ${options.beforeVersion}` : sql``}
            order by version desc limit ${Math.min(Math.max(options?.limit ?? 100, 1), 1000)}`
    })(locationId).pipe(
      Effect.map((rows) => rows.map(toVersion)),
      Effect.orDie,
      Effect.withSpan("SnapshotStore.history")
    )

  const VersionWithSnapshot = Schema.Struct({
    ...VersionRow.fields,
    snapshot: Schema.parseJson(LocationSnapshot.LocationSnapshot)
  })
  const atVersion = (locationId: LocationId, version: number) =>
    SqlSchema.findOne({
      Request: Schema.Struct({ locationId: LocationId, version: Schema.Number }),
      Result: VersionWithSnapshot,
      execute: (req) =>
        sql`select location_id, version, hash, deleted, recorded_at, snapshot from spacesync.location_versions
            where location_id = ${req.locationId} and version = ${req.version}`
    })({ locationId, version }).pipe(
      Effect.map(Option.map((row) => ({ ...toVersion(row), snapshot: row.snapshot }))),
      Effect.orDie,
      Effect.withSpan("SnapshotStore.atVersion")
    )

  return SnapshotStore.of({
    get,
    summaries,
    save,
    saveAll,
    recordFingerprints,
    markDeleted,
    recordError,
    clearError,
    history,
    atVersion
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<SnapshotStore, never, SqlClient.SqlClient> = Layer.effect(SnapshotStore, make)
