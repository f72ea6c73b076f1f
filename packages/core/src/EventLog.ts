/**
 * The event log: every change event, in one table, ordered by a cursor (`seq`) that never skips an event.
 *
 * **Why the cursor never skips.** A plain sequence hands out numbers at insert time, but transactions
 * commit in any order: a reader could see seq 11 committed while 10 is still in flight, move its cursor
 * past 10, and miss it forever. `append` therefore takes a transaction-scoped advisory lock right before it
 * draws numbers from `spacesync.event_seq` and holds it until its transaction commits, so event-writing
 * transactions commit in `seq` order: once a reader sees `seq = n`, every event below `n` is visible too.
 * The lock is taken as late as possible (after the snapshot write), so only the short tail of a sync
 * transaction is serialized.
 *
 * `append` also calls `Fanout` in the same transaction: the event, its addressing and its deliveries are
 * written together or not at all (no dual writes).
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { Typed } from "./internal/sql.js"

/** @since 0.1.0 */
export const EventType = Schema.Literal(
  "connection.activated",
  "connection.revoked",
  "location.created",
  "location.updated",
  "location.deleted",
  "resources.updated",
  "pricing.updated"
)
/** @since 0.1.0 */
export type EventType = typeof EventType.Type

/** The ids of one data set that an event is about. @since 0.1.0 */
export const Changes = Schema.Struct({
  created: Schema.Array(Schema.String),
  updated: Schema.Array(Schema.String),
  deleted: Schema.Array(Schema.String)
})
/** @since 0.1.0 */
export type Changes = typeof Changes.Type

/** @since 0.1.0 */
export const noChanges: Changes = { created: [], updated: [], deleted: [] }

/** An event to append. @since 0.1.0 */
export interface NewEvent {
  readonly type: EventType
  readonly accountId?: Ids.AccountId | undefined
  readonly locationId?: Ids.LocationId | undefined
  /** Set for events addressed to one connection only (its activation, revocation, full resync). */
  readonly connectionId?: Ids.ConnectionId | undefined
  /** The location's snapshot version the event belongs to. */
  readonly version?: number | undefined
  readonly changes: Changes
  readonly fullResync?: boolean | undefined
}

/** A stored event. @since 0.1.0 */
export interface StoredEvent {
  readonly seq: number
  readonly eventId: Ids.EventId
  readonly type: EventType
  readonly accountId: Ids.AccountId | null
  readonly locationId: Ids.LocationId | null
  readonly connectionId: Ids.ConnectionId | null
  readonly version: number | null
  readonly changes: Changes
  readonly fullResync: boolean
  readonly createdAt: DateTime.Utc
}

/**
 * Addresses new events to their recipients (platforms, webhook endpoints). Called by `EventLog.append`
 * inside the transaction that writes the events.
 *
 * @since 0.1.0
 * @category tags
 */
export class Fanout extends Context.Tag("@spacesync/core/Fanout")<Fanout, {
  readonly fanOut: (events: ReadonlyArray<StoredEvent>) => Effect.Effect<void>
}>() {}

/**
 * A fan-out that addresses nobody (for an embedding app that only reads the log).
 *
 * @since 0.1.0
 * @category layers
 */
export const FanoutNone: Layer.Layer<Fanout> = Layer.succeed(Fanout, Fanout.of({ fanOut: () => Effect.void }))

/**
 * @since 0.1.0
 * @category tags
 */
export class EventLog extends Context.Tag("@spacesync/core/EventLog")<EventLog, {
  /**
   * Appends events in order and fans them out, in the caller's transaction (or its own). Returns them
   * with their `seq` and ids.
   */
  readonly append: (events: ReadonlyArray<NewEvent>) => Effect.Effect<ReadonlyArray<StoredEvent>>
  /** Events with `seq > after`, oldest first. */
  readonly after: (after: number, limit: number) => Effect.Effect<ReadonlyArray<StoredEvent>>
  /** The events of one location, oldest first. */
  readonly forLocation: (locationId: Ids.LocationId) => Effect.Effect<ReadonlyArray<StoredEvent>>
}>() {}

/** @since 0.1.0 */
export const EventRow = Schema.Struct({
  seq: Schema.NumberFromString,
  event_id: Ids.EventId,
  type: EventType,
  account_id: Schema.NullOr(Ids.AccountId),
  location_id: Schema.NullOr(Ids.LocationId),
  connection_id: Schema.NullOr(Ids.ConnectionId),
  version: Schema.NullOr(Schema.Number),
  changes: Changes,
  full_resync: Schema.Boolean,
  created_at: Schema.DateTimeUtcFromDate
})

/** @since 0.1.0 */
export const fromRow = (row: typeof EventRow.Type): StoredEvent => ({
  seq: row.seq,
  eventId: row.event_id,
  type: row.type,
  accountId: row.account_id,
  locationId: row.location_id,
  connectionId: row.connection_id,
  version: row.version,
  changes: row.changes,
  fullResync: row.full_resync,
  createdAt: row.created_at
})

// The advisory lock key that orders event commits (see the module comment).
const commitOrderLock = 0x5e9_e7e

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const fanout = yield* Fanout

  // seq is a bigint: read it as text (exact), and always order by the column, never by this alias.
  const columns = sql`seq::text as seq, event_id, type, account_id, location_id, connection_id, version, changes,
    full_resync, created_at`

  const lockCommitOrder = SqlSchema.void({
    Request: Schema.Void,
    execute: () => sql`select pg_advisory_xact_lock(${commitOrderLock})`
  })
  // seq defaults to nextval('spacesync.event_seq'), drawn here under the commit-order lock.
  const insert = SqlSchema.findAll({
    Request: Typed<ReadonlyArray<Record<string, unknown>>>(),
    Result: EventRow,
    execute: (rows) => sql`insert into spacesync.events ${sql.insert(rows)} returning ${columns}`
  })

  const append = (events: ReadonlyArray<NewEvent>) =>
    events.length === 0 ? Effect.succeed([]) : Effect.gen(function*() {
      yield* lockCommitOrder(undefined)
      const rows = yield* insert(events.map((event) => ({
        event_id: Ids.makeEventId(),
        type: event.type,
        account_id: event.accountId ?? null,
        location_id: event.locationId ?? null,
        connection_id: event.connectionId ?? null,
        version: event.version ?? null,
        changes: JSON.stringify(event.changes),
        full_resync: event.fullResync ?? false
      })))
      const stored = rows.map(fromRow).sort((a, b) => a.seq - b.seq)
      yield* fanout.fanOut(stored)
      return stored
    }).pipe(sql.withTransaction, Effect.orDie, Effect.withSpan("EventLog.append"))

  const findAfter = SqlSchema.findAll({
    Request: Schema.Struct({ cursor: Schema.Number, limit: Schema.Number }),
    Result: EventRow,
    execute: (req) =>
      sql`select ${columns} from spacesync.events where events.seq > ${req.cursor} order by events.seq limit ${req.limit}`
  })
  const findForLocation = SqlSchema.findAll({
    Request: Ids.LocationId,
    Result: EventRow,
    execute: (id) => sql`select ${columns} from spacesync.events where location_id = ${id} order by events.seq`
  })

  const after = (cursor: number, limit: number) =>
    findAfter({ cursor, limit }).pipe(Effect.map((rows) => rows.map(fromRow)), Effect.orDie)

  const forLocation = (locationId: Ids.LocationId) =>
    findForLocation(locationId).pipe(Effect.map((rows) => rows.map(fromRow)), Effect.orDie)

  return EventLog.of({ append, after, forLocation })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<EventLog, never, SqlClient.SqlClient | Fanout> = Layer.effect(EventLog, make)
