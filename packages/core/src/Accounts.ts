/**
 * Upstream accounts: one set of credentials for one management system, owned by an operator. Credentials
 * are validated against the adapter's schema when the account is created and stored encrypted
 * (`SecretBox`, bound to the account id). Each account carries its polling schedule and the outcome of
 * its last sync.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { AccountId, makeAccountId, OperatorId } from "@spacesync/adapter-kit/Ids"
import {
  Context,
  DateTime,
  Duration,
  Effect,
  Layer,
  Option,
  ParseResult,
  PubSub,
  Schedule,
  Schema,
  Stream
} from "effect"
import { Adapters, type UnknownAdapter } from "./Adapters.js"
import { SecretBox } from "./SecretBox.js"

/** The counts of one sync run. @since 0.1.0 */
export const SyncCounts = Schema.Struct({
  listed: Schema.Number,
  created: Schema.Number,
  updated: Schema.Number,
  deleted: Schema.Number,
  unchanged: Schema.Number,
  failed: Schema.Number
})
/** @since 0.1.0 */
export type SyncCounts = typeof SyncCounts.Type

/** @since 0.1.0 */
export const SyncOutcome = Schema.Literal("succeeded", "partial", "failed", "refused")
/** @since 0.1.0 */
export type SyncOutcome = typeof SyncOutcome.Type

/** The last sync of an account. @since 0.1.0 */
export interface LastSync {
  readonly outcome: SyncOutcome
  readonly startedAt: DateTime.Utc
  readonly finishedAt: DateTime.Utc
  readonly durationMillis: number
  readonly counts: SyncCounts
  readonly error: string | null
}

/**
 * How far a running sync has got: locations read (snapshots and failures), of `total` when the upstream
 * said how many there are. Written every few seconds while a long read runs; gone once it finishes.
 *
 * @since 0.1.0
 */
export const SyncProgress = Schema.Struct({
  mode: Schema.Literal("full", "changes", "targeted"),
  read: Schema.Number,
  total: Schema.NullOr(Schema.Number),
  startedAt: Schema.String,
  updatedAt: Schema.String
})
/** @since 0.1.0 */
export type SyncProgress = typeof SyncProgress.Type

/** @since 0.1.0 */
export interface Account {
  readonly accountId: AccountId
  readonly operatorId: OperatorId | null
  readonly name: string
  readonly adapter: string
  readonly pollIntervalSeconds: number
  readonly status: "active" | "paused"
  readonly pausedReason: string | null
  readonly lastSync: Option.Option<LastSync>
  /** Where the next read of changes starts (the last `Checkpoint` of a completed read), if any. */
  readonly syncCursor: string | null
  /** When the last complete full read finished. */
  readonly lastFullSyncAt: Option.Option<DateTime.Utc>
  /** The running sync's progress, while a long one runs. */
  readonly progress: Option.Option<SyncProgress>
  readonly createdAt: DateTime.Utc
}

/**
 * What a finished sync run records on its account.
 *
 * @since 0.1.0
 */
export interface SyncRecord extends LastSync {
  /**
   * The cursor to keep: a new one (`Some`), none (`Some(null)`: the read gave no checkpoint), or leave
   * it as it is (`None`: a targeted or failed run).
   */
  readonly cursor: Option.Option<string | null>
  /** The run was a complete full read (sets `lastFullSyncAt`). */
  readonly fullRead: boolean
}

/**
 * The credentials do not match the adapter's schema.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>()("InvalidCredentials", {
  adapter: Schema.String,
  message: Schema.String,
  errors: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String }))
}) {}

/**
 * No account with that id (for that operator).
 *
 * @since 0.1.0
 * @category errors
 */
export class AccountNotFound extends Schema.TaggedError<AccountNotFound>()("AccountNotFound", {
  accountId: Schema.String
}) {}

/** What creating an account takes. @since 0.1.0 */
export interface NewAccount {
  readonly operatorId?: OperatorId | undefined
  readonly name: string
  readonly adapter: string
  /** Plain data, validated against the adapter's credentials schema. */
  readonly credentials: unknown
  readonly pollIntervalSeconds?: number | undefined
}

/**
 * The channel schedulers `LISTEN` on: a sync request notifies it (delivered at commit).
 *
 * @since 0.1.0
 * @category constants
 */
export const syncRequestedChannel = "spacesync_sync_requested"

/** Default polling interval. @since 0.1.0 */
export const defaultPollIntervalSeconds = 300

/**
 * @since 0.1.0
 * @category tags
 */
export class Accounts extends Context.Tag("@spacesync/core/Accounts")<Accounts, {
  readonly create: (input: NewAccount) => Effect.Effect<Account, InvalidCredentials | UnknownAdapter>
  /** An account; with `operatorId`, only if it belongs to that operator. */
  readonly get: (accountId: AccountId, operatorId?: OperatorId) => Effect.Effect<Option.Option<Account>>
  readonly list: (operatorId?: OperatorId) => Effect.Effect<ReadonlyArray<Account>>
  /** Every account of one adapter. */
  readonly listByAdapter: (adapter: string) => Effect.Effect<ReadonlyArray<Account>>
  /** The decrypted, decoded credentials of an account, as its adapter's schema types them. */
  readonly credentials: (
    accountId: AccountId
  ) => Effect.Effect<{ readonly account: Account; readonly credentials: unknown }, AccountNotFound | UnknownAdapter>
  /**
   * Records the outcome of a sync run (and the cursor it leaves). Callers that write more in the same
   * transaction wrap it in theirs.
   */
  readonly recordSync: (accountId: AccountId, record: SyncRecord) => Effect.Effect<void>
  /** Records how far the running sync has got (`recordSync` clears it). */
  readonly recordProgress: (accountId: AccountId, progress: SyncProgress) => Effect.Effect<void>
  /**
   * Claims up to `limit` accounts that are due (their poll time has come, or a sync was requested) and
   * not leased, for `owner`, for `lease`; each claim takes the pending request with it (the named
   * locations of a request that came before the poll time; `null`: everything).
   */
  readonly claimDue: (
    owner: string,
    lease: Duration.Duration,
    limit: number
  ) => Effect.Effect<ReadonlyArray<{ readonly accountId: AccountId; readonly locations: ReadonlyArray<string> | null }>>
  /** Claims one account for `owner` unless another holds a live lease on it. */
  readonly claim: (accountId: AccountId, owner: string, lease: Duration.Duration) => Effect.Effect<boolean>
  /** Extends `owner`'s lease; false when `owner` no longer holds it. */
  readonly renewLease: (accountId: AccountId, owner: string, lease: Duration.Duration) => Effect.Effect<boolean>
  /** Ends `owner`'s lease and schedules the next poll at the account's interval, ±10 %. */
  readonly releaseLease: (accountId: AccountId, owner: string) => Effect.Effect<void>
  /**
   * Asks for a sync as soon as possible, of the named locations (accumulated with a pending request) or
   * of everything.
   */
  readonly requestSync: (
    accountId: AccountId,
    locations: ReadonlyArray<string> | "all"
  ) => Effect.Effect<void, AccountNotFound>
  /**
   * A signal each time a sync was requested: in this process, and in any process while the database
   * client can `LISTEN` (on `syncRequestedChannel`; a request notifies it at commit). Reconnects after
   * errors; schedulers also find requests at their next tick.
   */
  readonly syncRequests: Stream.Stream<void>
  /** Pauses polling with a reason (e.g. upstream credentials rejected). */
  readonly pause: (accountId: AccountId, reason: string) => Effect.Effect<void>
  /** Resumes a paused account and schedules a sync now. */
  readonly resume: (accountId: AccountId) => Effect.Effect<void, AccountNotFound>
  readonly delete: (accountId: AccountId, operatorId?: OperatorId) => Effect.Effect<void, AccountNotFound>
}>() {}

const Row = Schema.Struct({
  account_id: AccountId,
  operator_id: Schema.NullOr(OperatorId),
  name: Schema.String,
  adapter: Schema.String,
  credentials: Schema.String,
  poll_interval_seconds: Schema.Number,
  status: Schema.Literal("active", "paused"),
  paused_reason: Schema.NullOr(Schema.String),
  last_sync_outcome: Schema.NullOr(SyncOutcome),
  last_sync_started_at: Schema.NullOr(Schema.DateTimeUtcFromDate),
  last_sync_finished_at: Schema.NullOr(Schema.DateTimeUtcFromDate),
  last_sync_duration_ms: Schema.NullOr(Schema.Number),
  last_sync_counts: Schema.NullOr(SyncCounts),
  last_sync_error: Schema.NullOr(Schema.String),
  sync_cursor: Schema.NullOr(Schema.String),
  last_full_sync_at: Schema.NullOr(Schema.DateTimeUtcFromDate),
  sync_progress: Schema.NullOr(SyncProgress),
  created_at: Schema.DateTimeUtcFromDate
})

const toAccount = (row: typeof Row.Type): Account => ({
  accountId: row.account_id,
  operatorId: row.operator_id,
  name: row.name,
  adapter: row.adapter,
  pollIntervalSeconds: row.poll_interval_seconds,
  status: row.status,
  pausedReason: row.paused_reason,
  lastSync: row.last_sync_outcome !== null && row.last_sync_started_at !== null && row.last_sync_finished_at !== null
    ? Option.some({
      outcome: row.last_sync_outcome,
      startedAt: row.last_sync_started_at,
      finishedAt: row.last_sync_finished_at,
      durationMillis: row.last_sync_duration_ms ?? 0,
      counts: row.last_sync_counts ?? { listed: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 },
      error: row.last_sync_error
    })
    : Option.none(),
  syncCursor: row.sync_cursor,
  lastFullSyncAt: Option.fromNullable(row.last_full_sync_at),
  progress: Option.fromNullable(row.sync_progress),
  createdAt: row.created_at
})

/** Paths and messages of a decode failure. @since 0.1.0 */
export const issuesOf = (error: ParseResult.ParseError) =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message
  }))

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const adapters = yield* Adapters
  const box = yield* SecretBox

  const columns = sql`account_id, operator_id, name, adapter, credentials, poll_interval_seconds, status,
    paused_reason, last_sync_outcome, last_sync_started_at, last_sync_finished_at, last_sync_duration_ms,
    last_sync_counts, last_sync_error, sync_cursor, last_full_sync_at, sync_progress, created_at`

  const findOne = SqlSchema.findOne({
    Request: Schema.Struct({ accountId: AccountId, operatorId: Schema.NullOr(OperatorId) }),
    Result: Row,
    execute: ({ accountId, operatorId }) =>
      sql`select ${columns} from spacesync.accounts where account_id = ${accountId}
          ${operatorId === null ? sql`` : sql`and operator_id = ${operatorId}`}`
  })

  const get = (accountId: AccountId, operatorId?: OperatorId) =>
    findOne({ accountId, operatorId: operatorId ?? null }).pipe(Effect.map(Option.map(toAccount)), Effect.orDie)

  const create = (input: NewAccount) =>
    Effect.gen(function*() {
      const adapter = yield* adapters.get(input.adapter)
      const credentials = yield* Schema.decodeUnknown(adapter.credentials, {
        onExcessProperty: "error",
        errors: "all"
      })(
        input.credentials
      ).pipe(
        Effect.mapError((error) =>
          new InvalidCredentials({
            adapter: adapter.id,
            message: `Invalid credentials for adapter "${adapter.id}"`,
            errors: issuesOf(error).map((i) => ({
              ...i,
              path: i.path === "" ? "credentials" : `credentials.${i.path}`
            }))
          })
        )
      )
      const encoded = yield* Schema.encode(adapter.credentials)(credentials).pipe(Effect.orDie)
      const accountId = makeAccountId()
      const pollIntervalSeconds = input.pollIntervalSeconds ?? defaultPollIntervalSeconds
      yield* sql`insert into spacesync.accounts ${
        sql.insert({
          account_id: accountId,
          operator_id: input.operatorId ?? null,
          name: input.name,
          adapter: adapter.id,
          credentials: box.encrypt("credentials", JSON.stringify(encoded), accountId),
          poll_interval_seconds: pollIntervalSeconds
        })
      }`.pipe(Effect.orDie)
      return Option.getOrThrow(yield* get(accountId))
    }).pipe(Effect.withSpan("Accounts.create"))

  const list = (operatorId?: OperatorId) =>
    SqlSchema.findAll({
      Request: Schema.NullOr(OperatorId),
      Result: Row,
      execute: (op) =>
        sql`select ${columns} from spacesync.accounts ${op === null ? sql`` : sql`where operator_id = ${op}`}
            order by created_at, account_id`
    })(operatorId ?? null).pipe(Effect.map((rows) => rows.map(toAccount)), Effect.orDie)

  const findByAdapter = SqlSchema.findAll({
    Request: Schema.String,
    Result: Row,
    execute: (adapter) =>
      sql`select ${columns} from spacesync.accounts where adapter = ${adapter} order by created_at, account_id`
  })
  const listByAdapter = (adapter: string) =>
    findByAdapter(adapter).pipe(Effect.map((rows) => rows.map(toAccount)), Effect.orDie)

  const credentials = (accountId: AccountId) =>
    Effect.gen(function*() {
      const row = yield* findOne({ accountId, operatorId: null }).pipe(
        Effect.orDie,
        Effect.flatten,
        Effect.mapError(() => new AccountNotFound({ accountId }))
      )
      const adapter = yield* adapters.get(row.adapter)
      const plaintext = yield* box.decrypt("credentials", row.credentials, accountId).pipe(Effect.orDie)
      const decoded = yield* Schema.decodeUnknown(Schema.parseJson(adapter.credentials))(plaintext).pipe(Effect.orDie)
      return { account: toAccount(row), credentials: decoded }
    })

  const writeSync = SqlSchema.void({
    Request: Schema.Struct({
      accountId: AccountId,
      outcome: SyncOutcome,
      startedAt: Schema.DateTimeUtcFromDate,
      finishedAt: Schema.DateTimeUtcFromDate,
      durationMillis: Schema.Number,
      counts: Schema.parseJson(SyncCounts),
      error: Schema.NullOr(Schema.String),
      keepCursor: Schema.Boolean,
      cursor: Schema.NullOr(Schema.String),
      fullRead: Schema.Boolean
    }),
    execute: (r) =>
      sql`update spacesync.accounts set last_sync_outcome = ${r.outcome},
          last_sync_started_at = ${r.startedAt}, last_sync_finished_at = ${r.finishedAt},
          last_sync_duration_ms = ${r.durationMillis}, last_sync_counts = ${r.counts},
          last_sync_error = ${r.error},
          sync_cursor = case when ${r.keepCursor} then sync_cursor else ${r.cursor} end,
          last_full_sync_at = case when ${r.fullRead} then ${r.finishedAt} else last_full_sync_at end,
          sync_progress = null, updated_at = now()
          where account_id = ${r.accountId}`
  })

  const recordSync = (accountId: AccountId, record: SyncRecord) =>
    writeSync({
      accountId,
      outcome: record.outcome,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      durationMillis: record.durationMillis,
      counts: record.counts,
      error: record.error,
      keepCursor: Option.isNone(record.cursor),
      cursor: Option.getOrNull(record.cursor),
      fullRead: record.fullRead
    }).pipe(Effect.orDie)

  const writeProgress = SqlSchema.void({
    Request: Schema.Struct({
      accountId: AccountId,
      progress: Schema.parseJson(SyncProgress),
      startedAt: Schema.DateTimeUtcFromDate
    }),
    // A write that arrives after its run was recorded (the run's start is then the last sync's) is dropped.
    execute: (r) =>
      sql`update spacesync.accounts set sync_progress = ${r.progress}::jsonb where account_id = ${r.accountId}
          and (last_sync_started_at is null or last_sync_started_at < ${r.startedAt})`
  })

  const recordProgress = (accountId: AccountId, progress: SyncProgress) =>
    writeProgress({ accountId, progress, startedAt: DateTime.unsafeMake(progress.startedAt) }).pipe(Effect.orDie)

  const LeaseRequest = Schema.Struct({ accountId: AccountId, owner: Schema.String, lease: Schema.String })
  const leaseInterval = (lease: Duration.Duration) => `${Duration.toMillis(lease)} milliseconds`

  // The claimed rows' request columns are read before the update clears them.
  const claimDueRows = SqlSchema.findAll({
    Request: Schema.Struct({ owner: Schema.String, lease: Schema.String, limit: Schema.Number }),
    Result: Schema.Struct({ account_id: AccountId, requested_locations: Schema.NullOr(Schema.Array(Schema.String)) }),
    execute: ({ lease, limit, owner }) =>
      sql`with due as (
          select account_id, requested_locations, sync_requested_at from spacesync.accounts
          where status = 'active'
            and (next_sync_at <= now() or sync_requested_at is not null)
            and (lease_expires_at is null or lease_expires_at < now())
          order by coalesce(sync_requested_at, next_sync_at)
          limit ${limit}
          for update skip locked
        )
        update spacesync.accounts a set lease_owner = ${owner},
          lease_expires_at = now() + ${lease}::interval,
          sync_requested_at = null, requested_locations = null
        from due where a.account_id = due.account_id
        returning a.account_id,
          case when due.sync_requested_at is not null and a.next_sync_at > now() then due.requested_locations
               else null end as requested_locations`
  })
  const claimDue = (owner: string, lease: Duration.Duration, limit: number) =>
    claimDueRows({ owner, lease: leaseInterval(lease), limit }).pipe(
      Effect.map((rows) => rows.map((row) => ({ accountId: row.account_id, locations: row.requested_locations }))),
      Effect.orDie
    )

  const Updated = Schema.Struct({ account_id: AccountId })
  const claimRow = SqlSchema.findOne({
    Request: LeaseRequest,
    Result: Updated,
    execute: ({ accountId, lease, owner }) =>
      sql`update spacesync.accounts set lease_owner = ${owner},
          lease_expires_at = now() + ${lease}::interval,
          sync_requested_at = null, requested_locations = null
        where account_id = ${accountId} and (lease_expires_at is null or lease_expires_at < now())
        returning account_id`
  })
  const claim = (accountId: AccountId, owner: string, lease: Duration.Duration) =>
    claimRow({ accountId, owner, lease: leaseInterval(lease) }).pipe(Effect.map(Option.isSome), Effect.orDie)

  const renewRow = SqlSchema.findOne({
    Request: LeaseRequest,
    Result: Updated,
    execute: ({ accountId, lease, owner }) =>
      sql`update spacesync.accounts set lease_expires_at = now() + ${lease}::interval
        where account_id = ${accountId} and lease_owner = ${owner} returning account_id`
  })
  const renewLease = (accountId: AccountId, owner: string, lease: Duration.Duration) =>
    renewRow({ accountId, owner, lease: leaseInterval(lease) }).pipe(Effect.map(Option.isSome), Effect.orDie)

  const releaseRow = SqlSchema.void({
    Request: Schema.Struct({ accountId: AccountId, owner: Schema.String }),
    execute: ({ accountId, owner }) =>
      sql`update spacesync.accounts set lease_owner = null, lease_expires_at = null,
          next_sync_at = now() + make_interval(secs => poll_interval_seconds * (0.9 + random() * 0.2))
        where account_id = ${accountId} and lease_owner = ${owner}`
  })
  const releaseLease = (accountId: AccountId, owner: string) => releaseRow({ accountId, owner }).pipe(Effect.orDie)

  const requestRow = SqlSchema.findOne({
    Request: Schema.Struct({ accountId: AccountId, all: Schema.Boolean, locations: Schema.Array(Schema.String) }),
    Result: Updated,
    execute: ({ accountId, all, locations }) =>
      sql`with updated as (update spacesync.accounts set
          requested_locations = case
            when ${all} then null
            when sync_requested_at is not null and requested_locations is null then null
            else array(select distinct unnest(coalesce(requested_locations, '{}'::text[]) || ${locations}::text[]))
          end,
          sync_requested_at = coalesce(sync_requested_at, now())
        where account_id = ${accountId} returning account_id)
        select account_id, pg_notify(${syncRequestedChannel}, account_id) from updated`
  })
  // Requests made in this process (the embedded database cannot LISTEN; with PostgreSQL the notification
  // also comes back, and a scheduler coalesces the two).
  const requested = yield* PubSub.sliding<void>(1)
  const requestSync = (accountId: AccountId, locations: ReadonlyArray<string> | "all") =>
    requestRow({ accountId, all: locations === "all", locations: locations === "all" ? [] : [...locations] }).pipe(
      Effect.orDie,
      Effect.flatMap(Option.match({
        onNone: () => Effect.fail(new AccountNotFound({ accountId })),
        onSome: () => Effect.asVoid(PubSub.publish(requested, undefined))
      }))
    )

  const pause = (accountId: AccountId, reason: string) =>
    sql`update spacesync.accounts set status = 'paused', paused_reason = ${reason}, paused_at = now(),
        updated_at = now() where account_id = ${accountId}`.pipe(Effect.asVoid, Effect.orDie)

  const resume = (accountId: AccountId) =>
    sql<{ account_id: string }>`update spacesync.accounts set status = 'active', paused_reason = null,
        paused_at = null, next_sync_at = now(), updated_at = now()
        where account_id = ${accountId} returning account_id`.pipe(
      Effect.orDie,
      Effect.flatMap((rows) => rows.length === 0 ? Effect.fail(new AccountNotFound({ accountId })) : Effect.void)
    )

  const remove = (accountId: AccountId, operatorId?: OperatorId) =>
    sql<{ account_id: string }>`delete from spacesync.accounts where account_id = ${accountId}
        ${operatorId === undefined ? sql`` : sql`and operator_id = ${operatorId}`} returning account_id`.pipe(
      Effect.orDie,
      Effect.flatMap((rows) => rows.length === 0 ? Effect.fail(new AccountNotFound({ accountId })) : Effect.void)
    )

  const pg = yield* Effect.serviceOption(PgClient.PgClient)
  const notified: Stream.Stream<void> = Option.match(pg, {
    onNone: () => Stream.empty,
    onSome: (client) =>
      client.listen(syncRequestedChannel).pipe(
        Stream.as(undefined as void),
        Stream.tapErrorCause((cause) =>
          Effect.logWarning("LISTEN for sync requests failed; polling only until it reconnects", cause)
        ),
        Stream.retry(Schedule.exponential("1 second").pipe(Schedule.union(Schedule.spaced("30 seconds")))),
        Stream.catchAllCause(() => Stream.empty)
      )
  })
  const syncRequests = Stream.merge(Stream.fromPubSub(requested), notified)

  return Accounts.of({
    create,
    get,
    list,
    listByAdapter,
    credentials,
    recordSync,
    recordProgress,
    claimDue,
    claim,
    renewLease,
    releaseLease,
    requestSync,
    syncRequests,
    pause,
    resume,
    delete: remove
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Accounts, never, SqlClient.SqlClient | Adapters | SecretBox> = Layer.effect(
  Accounts,
  make
)
