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
  sync_error: Schema.Boolean
})

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
    prices_hash, entity_hashes, deleted_at is not null as deleted, sync_error is not null as sync_error, updated_at`

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
  const findSummaries = SqlSchema.findAll({
    Request: AccountId,
    Result: SummaryRow,
    execute: (accountId) =>
      sql`select location_id, external_id, version, hash, deleted_at is not null as deleted,
          sync_error is not null as sync_error
          from spacesync.locations where account_id = ${accountId}`
  })

  const upsertHead = SqlSchema.single({
    // The head row as written: hashes and snapshot as the JSON text the caller already has.
    Request: Schema.Struct({
      ...Row.pick(
        "location_id",
        "account_id",
        "external_id",
        "version",
        "hash",
        "location_hash",
        "resources_hash",
        "prices_hash"
      ).fields,
      entity_hashes: Schema.String,
      snapshot: Schema.String
    }),
    Result: Schema.Struct({ updated_at: Schema.DateTimeUtcFromDate }),
    execute: (head) =>
      sql`insert into spacesync.locations ${sql.insert(head)}
        on conflict (location_id) do update set
          external_id = excluded.external_id, version = excluded.version, hash = excluded.hash,
          location_hash = excluded.location_hash, resources_hash = excluded.resources_hash,
          prices_hash = excluded.prices_hash, entity_hashes = excluded.entity_hashes,
          snapshot = excluded.snapshot, deleted_at = null, sync_error = null, sync_error_at = null,
          updated_at = now()
        returning updated_at`
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
          syncError: row.sync_error
        }))
      ),
      Effect.orDie,
      Effect.withSpan("SnapshotStore.summaries")
    )

  const save = (
    accountId: AccountId,
    input: LocationSnapshot.LocationSnapshot,
    precomputed?: ContentHash.SnapshotHashes
  ): Effect.Effect<SaveResult> =>
    Effect.gen(function*() {
      const snapshot = LocationSnapshot.normalize(input)
      const hashes = precomputed ?? ContentHash.snapshot(snapshot)
      const locationId = snapshot.location.id
      const previous = yield* lockHead(locationId)
      if (Option.isSome(previous) && previous.value.account_id !== accountId) {
        return yield* Effect.dieMessage(`Location ${locationId} belongs to another account`)
      }
      if (Option.isSome(previous) && previous.value.hash === hashes.hash && !previous.value.deleted) {
        const row = previous.value
        return {
          _tag: "Unchanged",
          current: {
            locationId,
            externalId: row.external_id,
            version: row.version,
            hash: row.hash,
            deleted: false,
            syncError: false
          }
        } as const
      }
      const version = Option.match(previous, { onNone: () => 1, onSome: (row) => row.version + 1 })
      const text = CanonicalJson.stringify(snapshot)
      const entityHashes = JSON.stringify(hashes.entities)
      const row = yield* upsertHead({
        location_id: locationId,
        account_id: accountId,
        external_id: snapshot.location.externalId,
        version,
        hash: hashes.hash,
        location_hash: hashes.location,
        resources_hash: hashes.resources,
        prices_hash: hashes.prices,
        entity_hashes: entityHashes,
        snapshot: text
      })
      yield* sql`insert into spacesync.location_versions ${
        sql.insert({ location_id: locationId, version, hash: hashes.hash, snapshot: text, deleted: false })
      }`
      return {
        _tag: "Saved",
        previous: Option.map(previous, toHead),
        current: {
          locationId,
          accountId,
          externalId: snapshot.location.externalId,
          version,
          hash: hashes.hash,
          hashes: { location: hashes.location, resources: hashes.resources, prices: hashes.prices },
          entityHashes: hashes.entities,
          snapshot,
          deleted: false,
          syncError: false,
          updatedAt: row.updated_at
        }
      } as const
    }).pipe(sql.withTransaction, Effect.orDie, Effect.withSpan("SnapshotStore.save"))

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

  return SnapshotStore.of({ get, summaries, save, markDeleted, recordError, clearError, history, atVersion })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<SnapshotStore, never, SqlClient.SqlClient> = Layer.effect(SnapshotStore, make)
