/**
 * The delivery queue in PostgreSQL: what delivery workers claim, complete and reap. It is a repository
 * (SQL only); `DeliveryWorker` decides what to send and what an outcome means.
 *
 * **Design.** `webhook_deliveries` holds only live deliveries. A worker claims due ones in batches, in one
 * statement: it picks the oldest due rows (at most `perEndpoint` minus what it already has in flight per
 * endpoint, skipping endpoints it has saturated, so one slow endpoint cannot fill a batch), locks them with
 * `FOR UPDATE SKIP LOCKED` (concurrent workers never wait on or double-claim a row), stamps a lease
 * (`claim_id`, `lease_expires_at`) and returns everything an attempt needs (URL, encrypted secrets, the
 * stored body). Completion is one statement per batch of results: finished deliveries are deleted and
 * moved to `webhook_delivery_log` (with the attempt that finished them), retries get their next due time
 * and their attempt goes to `webhook_attempts`, endpoint health is updated. A retry that a newer event of the same type for the same location (and connection)
 * has made stale is recorded as superseded instead. A completion only applies to rows still holding its `claim_id`; the reaper returns
 * rows whose lease expired (a worker that died) to the queue. No transaction is ever open across an HTTP
 * call: claims and completions are single statements.
 *
 * Round trips: one claim per batch, one completion per batch of results (plus the two statements of the
 * fan-out per `append`, in the change's transaction). Claims and completions commit asynchronously
 * (`synchronous_commit` off for those statements only): a database crash can only make a delivery be
 * sent again, never lose one.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Context, Duration, Effect, Layer, Option, Schedule, Schema, Stream } from "effect"
import { channel } from "./Fanout.js"
import type { ErrorClass } from "./OutboundGuard.js"
import * as Webhook from "./Webhook.js"

/** What caused an attempt. @since 0.1.0 */
export const Trigger = Schema.Literal("scheduled", "manual", "recover")
/** @since 0.1.0 */
export type Trigger = typeof Trigger.Type

/**
 * An endpoint secret as stored: SecretBox ciphertext (purpose `webhook-secrets`, context the endpoint id)
 * and, for a rotated-out secret, when it stops signing.
 *
 * @since 0.1.0
 */
export const StoredSecret = Schema.Struct({
  key: Schema.String,
  expiresAt: Schema.NullOr(Schema.String)
})
/** @since 0.1.0 */
export type StoredSecret = typeof StoredSecret.Type

/** A claimed delivery: everything one attempt needs. @since 0.1.0 */
export interface Claimed {
  readonly claimId: string
  /** Where the claimed row version lives (its `ctid`): completions find it without an index lookup. */
  readonly tid: string
  readonly deliveryId: Webhook.DeliveryId
  readonly endpointId: Webhook.EndpointId
  readonly eventId: Ids.EventId
  /** The number of this attempt (1 for the first). */
  readonly attempt: number
  /** How many retries of the schedule this delivery has used. */
  readonly scheduleStep: number
  readonly trigger: Trigger
  /** When the event was created (epoch milliseconds). */
  readonly eventCreatedAt: number
  readonly url: string
  readonly secrets: ReadonlyArray<StoredSecret>
  readonly body: string
}

/** The result of one attempt, to record. @since 0.1.0 */
export interface AttemptResult {
  readonly claimId: string
  /** `Claimed.tid`. */
  readonly tid: string
  readonly deliveryId: Webhook.DeliveryId
  readonly endpointId: Webhook.EndpointId
  readonly attempt: number
  readonly trigger: Trigger
  readonly url: string
  /** `retry` keeps it queued until `nextAttemptAt`; the others finish it. */
  readonly outcome: "succeeded" | "retry" | "failed"
  readonly attemptedAt: Date
  readonly durationMs: number
  readonly statusCode: number | null
  readonly responseExcerpt: string | null
  readonly errorClass: ErrorClass | null
  readonly errorMessage: string | null
  readonly nextAttemptAt: Date | null
  /** Why a failed delivery gave up. */
  readonly reason: string | null
}

/** Current queue figures of one endpoint. @since 0.1.0 */
export interface EndpointDepth {
  readonly endpointId: Webhook.EndpointId
  /** Deliveries waiting, leased or waiting for a retry. */
  readonly depth: number
  /** Of those, how many are due now and not leased. */
  readonly due: number
  /** Age in seconds of the oldest due delivery (0 when none is due). */
  readonly oldestDueSeconds: number
}

/**
 * @since 0.1.0
 * @category tags
 */
export class DeliveryQueue extends Context.Tag("@spacesync/core/DeliveryQueue")<DeliveryQueue, {
  /** Claims up to `limit` due deliveries under a new lease. */
  readonly claim: (options: {
    readonly claimId: string
    readonly limit: number
    readonly perEndpoint: number
    /** Deliveries the caller already has in flight, per endpoint. */
    readonly inFlight: ReadonlyMap<string, number>
    readonly lease: Duration.DurationInput
  }) => Effect.Effect<ReadonlyArray<Claimed>>
  /**
   * Records attempts. Returns the endpoints of this batch that have now been failing for longer than
   * `disableAfter` (the caller disables them).
   */
  readonly complete: (
    results: ReadonlyArray<AttemptResult>,
    options: { readonly disableAfter: Duration.DurationInput }
  ) => Effect.Effect<ReadonlyArray<Webhook.EndpointId>>
  /**
   * Returns deliveries whose lease expired to the queue (how many), and drops parked deliveries whose
   * endpoint no longer exists.
   */
  readonly reap: Effect.Effect<number>
  /**
   * Disables an endpoint with a reason, and fails its queued deliveries (they can be recovered later).
   * `false` when it was not enabled.
   */
  readonly disableEndpoint: (endpointId: Webhook.EndpointId, reason: string) => Effect.Effect<boolean>
  /** Queue figures per endpoint that has queued deliveries. */
  readonly depths: Effect.Effect<ReadonlyArray<EndpointDepth>>
  /**
   * A signal each time deliveries were queued (`LISTEN`). Empty when the database client cannot listen
   * (workers then rely on polling); reconnects after errors.
   */
  readonly notifications: Stream.Stream<void>
}>() {}

// Ids in claimed rows were checked when they were queued; this is the hottest decode, so they are read
// as strings here.
const ClaimedRow = Schema.Struct({
  tid: Schema.String,
  delivery_id: Schema.String,
  endpoint_id: Schema.String,
  event_id: Schema.String,
  attempts: Schema.Number,
  schedule_step: Schema.Number,
  trigger: Trigger,
  event_created_at: Schema.DateFromSelf,
  url: Schema.String,
  secrets: Schema.Array(StoredSecret),
  body: Schema.String
})
const decodeClaimed = Schema.decodeUnknown(Schema.Array(ClaimedRow))

const DepthRow = Schema.Struct({
  endpoint_id: Webhook.EndpointId,
  depth: Schema.Number,
  due: Schema.Number,
  oldest_due_seconds: Schema.Number
})

const seconds = (duration: Duration.DurationInput) => Duration.toMillis(duration) / 1000

// Postgres text cannot hold NUL; response bodies are arbitrary bytes decoded as UTF-8.
const clean = (text: string | null) => text === null ? null : text.replaceAll("\u0000", "\uFFFD")

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const pg = yield* Effect.serviceOption(PgClient.PgClient)
  // Claims, completions and reaping commit without waiting for the WAL flush (only these statements: it
  // is set for their own transaction). A crash of the database server may forget the last few of them;
  // the deliveries concerned are then simply sent again (delivery is at least once), never lost: a row
  // only leaves the queue in the same transaction that records its outcome.
  const asyncCommit = sql`set_config('synchronous_commit', 'off', true) as async_commit`

  const claim = (options: {
    readonly claimId: string
    readonly limit: number
    readonly perEndpoint: number
    readonly inFlight: ReadonlyMap<string, number>
    readonly lease: Duration.DurationInput
  }) =>
    Effect.gen(function*() {
      const busy = [...options.inFlight].filter(([, n]) => n > 0)
      const saturated = busy.filter(([, n]) => n >= options.perEndpoint).map(([id]) => id)
      // The scan reads the oldest due rows in order (the due_at index), leased ones included, and drops
      // those after the limit: filtering on claim_id inside the scan would make the planner guess its
      // selectivity (a queue's statistics are always stale) and choose a bitmap scan and a sort of every
      // due row. Leased rows are at most what is in flight, so the window only needs that much slack.
      // Deliveries of a disabled endpoint found on the way (queued while it was being disabled, or
      // recovered while disabled) are parked (due 'infinity') until it is enabled again, so that they
      // never fill the window.
      // Leased rows keep their place at the head of the due order until they finish; this worker's own
      // are counted, twice as many are allowed for other workers'.
      const leased = busy.reduce((sum, [, n]) => sum + n, 0)
      const scan = options.limit * 2 + leased * 3 + 128
      const rows = yield* sql`
        with busy (endpoint_id, free) as (
          select * from unnest(${busy.map(([id]) => id)}::text[], ${
        busy.map(([, n]) => Math.max(0, options.perEndpoint - n))
      }::int[])
        ),
        scanned as (
          select q.tid, q.endpoint_id, q.due_at, coalesce(e.status = 'enabled', false) as enabled
          from (
            select d.ctid as tid, d.endpoint_id, d.due_at, d.claim_id
            from spacesync.webhook_deliveries d
            where d.due_at <= now() and d.endpoint_id <> all(${saturated}::text[])
            order by d.due_at
            limit ${scan}
          ) q
          left join spacesync.webhook_endpoints e on e.endpoint_id = q.endpoint_id
          where q.claim_id is null
        ),
        candidates as (
          select s.tid, s.endpoint_id, s.due_at,
            row_number() over (partition by s.endpoint_id order by s.due_at, s.tid) as rank
          from scanned s
          where s.enabled
        ),
        picked as (
          select c.tid from candidates c
          left join busy b on b.endpoint_id = c.endpoint_id
          where c.rank <= coalesce(b.free, ${options.perEndpoint})
          order by c.due_at
          limit ${options.limit}
        ),
        parked as (
          update spacesync.webhook_deliveries d set due_at = 'infinity'
          where d.ctid = any(array(
            select p.ctid from spacesync.webhook_deliveries p
            where p.ctid = any(array(select tid from scanned where not enabled)) and p.claim_id is null
            for update of p skip locked
          ))
          returning 1
        ),
        locked as (
          select d.ctid as tid from spacesync.webhook_deliveries d
          where d.ctid = any(array(select tid from picked)) and d.claim_id is null
          for update of d skip locked
        ),
        claimed as (
          update spacesync.webhook_deliveries d
          set claim_id = ${options.claimId},
            lease_expires_at = now() + make_interval(secs => ${seconds(options.lease)}),
            attempts = d.attempts + 1,
            last_attempt_at = now()
          where d.ctid = any(array(select tid from locked))
          returning d.ctid, d.delivery_id, d.endpoint_id, d.platform_id, d.seq, d.connection_id, d.event_id,
            d.attempts, d.schedule_step, d.trigger, d.event_created_at
        )
        select c.ctid::text as tid, c.delivery_id, c.endpoint_id, c.event_id, c.attempts, c.schedule_step, c.trigger,
          c.event_created_at, e.url, e.secrets, pe.body, ${asyncCommit}
        from claimed c
        join spacesync.webhook_endpoints e on e.endpoint_id = c.endpoint_id
        join spacesync.platform_events pe
          on pe.platform_id = c.platform_id and pe.seq = c.seq and pe.connection_id = c.connection_id`
      const decoded = yield* decodeClaimed(rows)
      return decoded.map((row): Claimed => ({
        claimId: options.claimId,
        tid: row.tid,
        deliveryId: row.delivery_id as Webhook.DeliveryId,
        endpointId: row.endpoint_id as Webhook.EndpointId,
        eventId: row.event_id as Ids.EventId,
        attempt: row.attempts,
        scheduleStep: row.schedule_step,
        trigger: row.trigger,
        eventCreatedAt: row.event_created_at.getTime(),
        url: row.url,
        secrets: row.secrets,
        body: row.body
      }))
    }).pipe(Effect.orDie, Effect.withSpan("DeliveryQueue.claim"))

  const complete = (
    results: ReadonlyArray<AttemptResult>,
    options: { readonly disableAfter: Duration.DurationInput }
  ) =>
    Effect.gen(function*() {
      if (results.length === 0) return []
      const ids = results.map((r) => r.deliveryId)
      // A claimed row is only changed by its own completion (or removed): its ctid still finds it. If it
      // was reaped and claimed again, the claim id no longer matches and nothing happens.
      const tids = results.map((r) => r.tid)
      const health = new Map<string, boolean>()
      for (const r of results) {
        health.set(r.endpointId, (health.get(r.endpointId) ?? false) || r.outcome === "succeeded")
      }
      const rows = yield* sql<{ stale: ReadonlyArray<string> }>`
        with r (delivery_id, claim_id, endpoint_id, outcome, attempt, trigger, url, attempted_at, duration_ms,
          status_code, response_excerpt, error_class, error_message, next_attempt_at, reason) as (
          select * from unnest(
            ${ids}::text[], ${results.map((r) => r.claimId)}::text[],
            ${results.map((r) => r.endpointId)}::text[], ${results.map((r) => r.outcome)}::text[],
            ${results.map((r) => r.attempt)}::int[], ${results.map((r) => r.trigger)}::text[],
            ${results.map((r) => r.url)}::text[], ${results.map((r) => r.attemptedAt)}::timestamptz[],
            ${results.map((r) => Math.round(r.durationMs))}::int[], ${results.map((r) => r.statusCode)}::int[],
            ${results.map((r) => clean(r.responseExcerpt))}::text[], ${results.map((r) => r.errorClass)}::text[],
            ${results.map((r) => clean(r.errorMessage))}::text[], ${results.map((r) => r.nextAttemptAt)}::timestamptz[],
            ${results.map((r) => r.reason)}::text[]
          )
        ),
        owned as (
          select r.delivery_id, r.next_attempt_at, r.status_code, r.error_class, r.reason, r.attempt, r.trigger, r.url,
            r.attempted_at, r.duration_ms, r.response_excerpt, r.error_message,
            case when r.outcome = 'retry' then (
              select e.event_id from spacesync.events e
              join spacesync.platform_events pe
                on pe.platform_id = d.platform_id and pe.seq = e.seq and pe.connection_id = d.connection_id
              where e.location_id = d.location_id and e.type = d.event_type and e.seq > d.seq
              order by e.seq desc limit 1
            ) end as superseded_by,
            r.outcome as requested
          from spacesync.webhook_deliveries d join r on r.delivery_id = d.delivery_id and r.claim_id = d.claim_id
          where d.ctid = any(${tids}::tid[])
        ),
        decided as (
          select o.*, case when o.superseded_by is not null then 'superseded' else o.requested end as outcome
          from owned o
        ),
        finished as (
          delete from spacesync.webhook_deliveries d using decided f
          where d.ctid = any(${tids}::tid[]) and d.delivery_id = f.delivery_id and f.outcome <> 'retry'
          returning d.delivery_id, d.endpoint_id, d.platform_id, d.seq, d.connection_id, d.event_id, d.event_type,
            d.location_id, d.event_created_at, d.created_at, d.attempts, d.last_attempt_at, f.outcome, f.status_code,
            f.error_class, f.reason, f.superseded_by, f.attempt, f.trigger, f.url, f.attempted_at, f.duration_ms,
            f.response_excerpt, f.error_message
        ),
        logged as (
          insert into spacesync.webhook_delivery_log (delivery_id, endpoint_id, platform_id, seq, connection_id,
            event_id, event_type, location_id, event_created_at, created_at, status, attempts, last_attempt_at,
            last_status_code, last_error_class, reason, superseded_by, final_attempt, final_trigger, final_url,
            final_attempted_at, final_duration_ms, final_response_excerpt, final_error_message)
          select delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id,
            event_created_at, created_at, outcome, attempts, last_attempt_at, status_code, error_class, reason,
            superseded_by, attempt, trigger, url, attempted_at, duration_ms, response_excerpt, error_message
          from finished
          returning 1
        ),
        retried as (
          update spacesync.webhook_deliveries d
          set claim_id = null, lease_expires_at = null, due_at = f.next_attempt_at, schedule_step = d.schedule_step + 1,
            trigger = 'scheduled', last_status_code = f.status_code, last_error_class = f.error_class
          from decided f
          where d.ctid = any(${tids}::tid[]) and d.delivery_id = f.delivery_id and f.outcome = 'retry'
          returning 1
        ),
        attempts as (
          insert into spacesync.webhook_attempts (delivery_id, endpoint_id, attempt, trigger, url, attempted_at,
            duration_ms, status_code, response_excerpt, error_class, error_message, next_attempt_at)
          select r.delivery_id, r.endpoint_id, r.attempt, r.trigger, r.url, r.attempted_at, r.duration_ms,
            r.status_code, r.response_excerpt, r.error_class, r.error_message,
            case when f.outcome = 'retry' then r.next_attempt_at end
          from r left join decided f on f.delivery_id = r.delivery_id
          -- The attempt that finishes a delivery is kept in its log row. One whose lease was lost is
          -- logged here (unless its endpoint was deleted meanwhile).
          where f.outcome = 'retry' or (f.delivery_id is null
            and exists (select 1 from spacesync.webhook_endpoints e where e.endpoint_id = r.endpoint_id))
          returning 1
        ),
        hp (endpoint_id, succeeded) as (
          select * from unnest(${[...health.keys()]}::text[], ${[...health.values()]}::bool[])
        ),
        health_locked as (
          select e.endpoint_id, hp.succeeded from spacesync.webhook_endpoints e join hp on hp.endpoint_id = e.endpoint_id
          where (hp.succeeded and (e.failing_since is not null or e.last_success_at is null
              or e.last_success_at < now() - interval '1 minute'))
            or (not hp.succeeded and e.failing_since is null)
          order by e.endpoint_id
          for no key update of e
        ),
        healed as (
          update spacesync.webhook_endpoints e
          set failing_since = case when l.succeeded then null else now() end,
            last_success_at = case when l.succeeded then now() else e.last_success_at end
          from health_locked l where e.endpoint_id = l.endpoint_id
          returning 1
        )
        select array(
          select e.endpoint_id from spacesync.webhook_endpoints e join hp on hp.endpoint_id = e.endpoint_id
          where not hp.succeeded and e.status = 'enabled'
            and e.failing_since < now() - make_interval(secs => ${seconds(options.disableAfter)})
        ) as stale,
        (select count(*) from logged) + (select count(*) from retried) + (select count(*) from attempts)
          + (select count(*) from healed) as written, ${asyncCommit}`
      return (rows[0]?.stale ?? []) as ReadonlyArray<Webhook.EndpointId>
    }).pipe(Effect.orDie, Effect.withSpan("DeliveryQueue.complete"))

  const reap = sql<{ count: number }>`
    with reaped as (
      update spacesync.webhook_deliveries d set claim_id = null, lease_expires_at = null, due_at = now()
      where d.delivery_id in (
        select delivery_id from spacesync.webhook_deliveries
        where claim_id is not null and lease_expires_at < now()
        for update skip locked
      )
      returning 1
    ),
    orphans as (
      delete from spacesync.webhook_deliveries d
      where d.due_at = 'infinity'
        and not exists (select 1 from spacesync.webhook_endpoints e where e.endpoint_id = d.endpoint_id)
    )
    select count(*)::int as count, ${asyncCommit} from reaped`.pipe(
    Effect.map((rows) => rows[0]?.count ?? 0),
    Effect.orDie,
    Effect.withSpan("DeliveryQueue.reap")
  )

  const disableEndpoint = (endpointId: Webhook.EndpointId, reason: string) =>
    disable(sql, endpointId, reason).pipe(Effect.orDie, Effect.withSpan("DeliveryQueue.disableEndpoint"))

  const depths = sql`
    select endpoint_id, count(*)::int as depth,
      count(*) filter (where due_at <= now() and claim_id is null)::int as due,
      coalesce(extract(epoch from now() - min(due_at) filter (where due_at <= now() and claim_id is null)), 0)::float8
        as oldest_due_seconds
    from spacesync.webhook_deliveries group by endpoint_id`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.Array(DepthRow))),
    Effect.map((rows) =>
      rows.map((row): EndpointDepth => ({
        endpointId: row.endpoint_id,
        depth: row.depth,
        due: row.due,
        oldestDueSeconds: row.oldest_due_seconds
      }))
    ),
    Effect.orDie
  )

  const notifications: Stream.Stream<void> = Option.match(pg, {
    onNone: () => Stream.empty,
    onSome: (client) =>
      client.listen(channel).pipe(
        Stream.as(undefined as void),
        Stream.tapErrorCause((cause) => Effect.logWarning("LISTEN failed; polling only until it reconnects", cause)),
        Stream.retry(Schedule.exponential("1 second").pipe(Schedule.union(Schedule.spaced("30 seconds")))),
        Stream.catchAllCause(() => Stream.empty)
      )
  })

  return DeliveryQueue.of({ claim, complete, reap, disableEndpoint, depths, notifications })
})

/**
 * Disables an endpoint and moves its queued deliveries to the log as failed (rows another transaction
 * holds right now are skipped: they are being sent or superseded). One statement.
 *
 * @internal
 */
export const disable = (sql: SqlClient.SqlClient, endpointId: string, reason: string) =>
  sql<{ disabled: number }>`
    with ep as (
      update spacesync.webhook_endpoints
      set status = 'disabled', disabled_reason = ${reason}, disabled_at = now(), updated_at = now()
      where endpoint_id = ${endpointId} and status = 'enabled'
      returning endpoint_id
    ),
    moved as (
      delete from spacesync.webhook_deliveries d
      where d.endpoint_id in (select endpoint_id from ep)
        and d.delivery_id in (
          select delivery_id from spacesync.webhook_deliveries where endpoint_id = ${endpointId}
          for update skip locked
        )
      returning d.*
    ),
    logged as (
      insert into spacesync.webhook_delivery_log (delivery_id, endpoint_id, platform_id, seq, connection_id,
        event_id, event_type, location_id, event_created_at, created_at, status, attempts, last_attempt_at,
        last_status_code, last_error_class, reason)
      select delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id,
        event_created_at, created_at, 'failed', attempts, last_attempt_at, last_status_code, last_error_class,
        ${`endpoint disabled: ${reason}`}
      from moved
      returning 1
    )
    select (select count(*) from ep)::int as disabled, (select count(*) from logged)::int as failed`.pipe(
    Effect.map((rows) => (rows[0]?.disabled ?? 0) > 0)
  )

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<DeliveryQueue, never, SqlClient.SqlClient> = Layer.effect(DeliveryQueue, make)
