/**
 * The delivery queue in PostgreSQL: what delivery workers claim, complete and reap. It is a repository
 * (SQL only); `DeliveryWorker` decides what to send and what an outcome means.
 *
 * **One writer.** This module is the only one that writes the webhook tables: `webhook_endpoints`,
 * `webhook_deliveries`, `webhook_delivery_log` and `webhook_attempts`. Its service serves the workers;
 * its `@internal` statements serve `Fanout` (queueing, inside the fan-out's one statement) and
 * `WebhookEndpoints` (the platforms' API: endpoint rows, resend, recovery), which compose them and decode
 * what they return.
 *
 * **Design.** `webhook_deliveries` holds only live deliveries. A worker claims due ones in batches, in one
 * statement: it picks the oldest due rows of each platform (read per platform through the
 * (platform_id, due_at) index, so one platform's backlog never hides another's; platforms take turns in a
 * batch, each within what the worker lets it have in flight), at most `perEndpoint` minus what it already
 * has in flight per endpoint (skipping endpoints it has saturated, so one slow endpoint cannot fill a
 * batch), locks them with
 * `FOR UPDATE SKIP LOCKED` (concurrent workers never wait on or double-claim a row), stamps a lease
 * (`claim_id`, `lease_expires_at`) and returns everything an attempt needs (URL, encrypted secrets, the
 * stored body). Completion is one statement per batch of results: finished deliveries are deleted and
 * moved to `webhook_delivery_log` (with the attempt that finished them), retries get their next due time
 * and their attempt goes to `webhook_attempts`, endpoint health is updated. A completion only applies to
 * rows still holding its `claim_id`; the reaper returns rows whose lease expired (a worker that died) to
 * the queue. No transaction is ever open across an HTTP call: claims and completions are single
 * statements.
 *
 * **Superseding.** Only the newest event per (endpoint, connection, location, event type) is worth
 * sending. When deliveries are queued, an older one of the same key that is still waiting (not claimed)
 * is moved to the log as `superseded` by the newest event, and so is an older one queued in the same
 * batch; a claimed one whose attempt asks for a retry is superseded at completion if a newer event of its
 * key has reached its connection meanwhile. The rule is written here only (`supersedeKey`, `enqueue`,
 * `complete`).
 *
 * Round trips: one claim per batch, one completion per batch of results (plus the two statements of the
 * fan-out per `append`, in the change's transaction). Claims and completions commit asynchronously
 * (`synchronous_commit` off for those statements only): a database crash can only make a delivery be
 * sent again, never lose one.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema, type Statement } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import type * as Ids from "@spacesync/adapter-kit/Ids"
import { Context, Duration, Effect, Layer, Option, Schedule, Schema, Stream } from "effect"
import { orDie, Typed } from "./internal/sql.js"
import type { ErrorClass } from "./OutboundGuard.js"
import * as Webhook from "./Webhook.js"

/** The channel workers `LISTEN` on; queueing notifies it (delivered at commit). @since 0.1.0 */
export const channel = "spacesync_webhook_deliveries"

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
  readonly platformId: Ids.PlatformId
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
    /**
     * How many more deliveries each platform may have claimed (platforms not listed:
     * `platformDefault`); a platform at 0 is skipped without reading its deliveries.
     */
    readonly platformFree?: ReadonlyMap<string, number> | undefined
    /** What a platform not in `platformFree` may have claimed at most (default `limit`). */
    readonly platformDefault?: number | undefined
    /** Finished attempts of the caller not written yet (their rows are still leased). */
    readonly unwritten?: number | undefined
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
  platform_id: Schema.String,
  event_id: Schema.String,
  attempts: Schema.Number,
  schedule_step: Schema.Number,
  trigger: Trigger,
  event_created_at: Schema.DateFromSelf,
  url: Schema.String,
  secrets: Schema.Array(StoredSecret),
  body: Schema.String
})

const DepthRow = Schema.Struct({
  endpoint_id: Webhook.EndpointId,
  depth: Schema.Number,
  due: Schema.Number,
  oldest_due_seconds: Schema.Number
})

interface ClaimRequest {
  readonly claimId: string
  readonly limit: number
  readonly perEndpoint: number
  readonly inFlight: ReadonlyMap<string, number>
  readonly platformFree?: ReadonlyMap<string, number> | undefined
  readonly platformDefault?: number | undefined
  readonly unwritten?: number | undefined
  readonly lease: Duration.DurationInput
}

interface CompleteRequest {
  readonly results: ReadonlyArray<AttemptResult>
  readonly disableAfter: Duration.DurationInput
}

const seconds = (duration: Duration.DurationInput) => Duration.toMillis(duration) / 1000

// Postgres text cannot hold NUL; response bodies are arbitrary bytes decoded as UTF-8.
const clean = (text: string | null) => text === null ? null : text.replaceAll("\u0000", "\uFFFD")

// Claims, completions and reaping commit without waiting for the WAL flush (only these statements: it
// is set for their own transaction). A crash of the database server may forget the last few of them;
// the deliveries concerned are then simply sent again (delivery is at least once), never lost: a row
// only leaves the queue in the same transaction that records its outcome.
const asyncCommit = (sql: SqlClient.SqlClient) => sql`set_config('synchronous_commit', 'off', true) as async_commit`

// The columns of a log row, in the one list every move to the log uses.
const logColumns = (sql: SqlClient.SqlClient) =>
  sql`delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id, event_created_at,
    created_at, status, attempts, last_attempt_at, last_status_code, last_error_class, reason, superseded_by,
    final_attempt, final_trigger, final_url, final_attempted_at, final_duration_ms, final_response_excerpt,
    final_error_message`

/**
 * Moves finished deliveries to the log: `source` (a CTE or a subquery) has every log column. `final_*`
 * is the attempt that finished the delivery (null when none did); `finished_at` is now.
 */
const logFinished = (sql: SqlClient.SqlClient, source: Statement.Fragment) =>
  sql`insert into spacesync.webhook_delivery_log (${logColumns(sql)})
    select ${logColumns(sql)} from ${source}
    returning 1`

/** The log columns of a queue row that finishes without an attempt of its own (failed, superseded). */
const unattempted = (
  sql: SqlClient.SqlClient,
  outcome: {
    readonly status: "failed" | "superseded"
    readonly reason: Statement.Fragment | string | null
    readonly supersededBy: Statement.Fragment | null
  }
) =>
  sql`delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id, event_created_at,
    created_at, ${outcome.status}::text as status, attempts, last_attempt_at, last_status_code, last_error_class,
    ${outcome.reason}::text as reason, ${outcome.supersededBy ?? null}::text as superseded_by,
    null::int as final_attempt, null::text as final_trigger, null::text as final_url,
    null::timestamptz as final_attempted_at, null::int as final_duration_ms, null::text as final_response_excerpt,
    null::text as final_error_message`

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const pg = yield* Effect.serviceOption(PgClient.PgClient)

  const claimQuery = SqlSchema.findAll({
    Request: Typed<ClaimRequest>(),
    Result: ClaimedRow,
    execute: (options) => {
      const busy = [...options.inFlight].filter(([, n]) => n > 0)
      const saturated = busy.filter(([, n]) => n >= options.perEndpoint).map(([id]) => id)
      const platforms = [...(options.platformFree ?? [])]
      const full = platforms.filter(([, n]) => n <= 0).map(([id]) => id)
      const platformDefault = Math.max(0, options.platformDefault ?? options.limit)
      // Each platform's due deliveries are read on their own, oldest first (the (platform_id, due_at)
      // index), so a platform with a deep backlog never hides another platform's deliveries behind it,
      // and a platform at its share is not read at all. Within a platform the scan reads the oldest due
      // rows in order, leased ones included, and drops those after the limit: filtering on claim_id
      // inside the scan would make the planner guess its selectivity (a queue's statistics are always
      // stale) and choose a bitmap scan and a sort of every due row. Leased rows are at most what is in
      // flight, so the window only needs that much slack: this worker's own are counted, twice as many
      // are allowed for other workers'.
      // Deliveries of a disabled endpoint found on the way (queued while it was being disabled, or
      // recovered while disabled) are parked (due 'infinity') until it is enabled again, so that they
      // never fill the window.
      const leased = busy.reduce((sum, [, n]) => sum + n, 0)
      const slack = leased * 3 + (options.unwritten ?? 0) + 128
      const scan = options.limit * 2 + slack
      return sql`
        with busy (endpoint_id, free) as (
          select * from unnest(${busy.map(([id]) => id)}::text[], ${
        busy.map(([, n]) => Math.max(0, options.perEndpoint - n))
      }::int[])
        ),
        pf (platform_id, free) as (
          select * from unnest(${platforms.map(([id]) => id)}::text[], ${
        platforms.map(([, n]) => Math.max(0, n))
      }::int[])
        ),
        scanned as (
          select q.tid, q.endpoint_id, q.platform_id, q.due_at, coalesce(e.status = 'enabled', false) as enabled
          from spacesync.platforms p
          cross join lateral (
            select d.ctid as tid, d.endpoint_id, d.platform_id, d.due_at, d.claim_id
            from spacesync.webhook_deliveries d
            where d.platform_id = p.platform_id and d.due_at <= now()
              and d.endpoint_id <> all(${saturated}::text[])
            order by d.due_at
            limit least(${scan}, coalesce((select pf.free from pf where pf.platform_id = p.platform_id), ${platformDefault})
              * 2 + ${slack})
          ) q
          left join spacesync.webhook_endpoints e on e.endpoint_id = q.endpoint_id
          where p.platform_id <> all(${full}::text[]) and q.claim_id is null
        ),
        candidates as (
          select s.tid, s.endpoint_id, s.platform_id, s.due_at,
            row_number() over (partition by s.endpoint_id order by s.due_at, s.tid) as rank
          from scanned s
          where s.enabled
        ),
        allowed as (
          select c.tid, c.platform_id, c.due_at,
            row_number() over (partition by c.platform_id order by c.due_at, c.tid) as platform_rank
          from candidates c
          left join busy b on b.endpoint_id = c.endpoint_id
          where c.rank <= coalesce(b.free, ${options.perEndpoint})
        ),
        picked as (
          -- Round robin between platforms: every platform's oldest first, then their second oldest, ...
          select a.tid from allowed a
          left join pf on pf.platform_id = a.platform_id
          where a.platform_rank <= coalesce(pf.free, ${platformDefault})
          order by a.platform_rank, a.due_at
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
        select c.ctid::text as tid, c.delivery_id, c.endpoint_id, c.platform_id, c.event_id, c.attempts,
          c.schedule_step, c.trigger, c.event_created_at, e.url, e.secrets, pe.body, ${asyncCommit(sql)}
        from claimed c
        join spacesync.webhook_endpoints e on e.endpoint_id = c.endpoint_id
        join spacesync.platform_events pe
          on pe.platform_id = c.platform_id and pe.seq = c.seq and pe.connection_id = c.connection_id`
    }
  })

  const claim = (options: ClaimRequest) =>
    claimQuery(options).pipe(
      Effect.map((rows) =>
        rows.map((row): Claimed => ({
          claimId: options.claimId,
          tid: row.tid,
          deliveryId: row.delivery_id as Webhook.DeliveryId,
          endpointId: row.endpoint_id as Webhook.EndpointId,
          platformId: row.platform_id as Ids.PlatformId,
          eventId: row.event_id as Ids.EventId,
          attempt: row.attempts,
          scheduleStep: row.schedule_step,
          trigger: row.trigger,
          eventCreatedAt: row.event_created_at.getTime(),
          url: row.url,
          secrets: row.secrets,
          body: row.body
        }))
      ),
      Effect.orDie,
      Effect.withSpan("DeliveryQueue.claim")
    )

  const completeQuery = SqlSchema.single({
    Request: Typed<CompleteRequest>(),
    Result: Schema.Struct({ stale: Schema.Array(Webhook.EndpointId) }),
    execute: ({ disableAfter, results }) => {
      const ids = results.map((r) => r.deliveryId)
      // A claimed row is only changed by its own completion (or removed): its ctid still finds it. If it
      // was reaped and claimed again, the claim id no longer matches and nothing happens.
      const tids = results.map((r) => r.tid)
      const health = new Map<string, boolean>()
      for (const r of results) {
        health.set(r.endpointId, (health.get(r.endpointId) ?? false) || r.outcome === "succeeded")
      }
      return sql`
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
            -- Superseding, at completion: a retry is not worth it once a newer event of its key reached its
            -- connection.
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
            d.location_id, d.event_created_at, d.created_at, f.outcome as status, d.attempts, d.last_attempt_at,
            f.status_code as last_status_code, f.error_class as last_error_class, f.reason, f.superseded_by,
            f.attempt as final_attempt, f.trigger as final_trigger, f.url as final_url,
            f.attempted_at as final_attempted_at, f.duration_ms as final_duration_ms,
            f.response_excerpt as final_response_excerpt, f.error_message as final_error_message
        ),
        logged as (${logFinished(sql, sql`finished`)}),
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
        -- Endpoint rows are only written when their health changes (failing starts or ends, the first
        -- success): a fan-out to 10,000 endpoints does not rewrite 10,000 endpoint rows.
        hp (endpoint_id, succeeded) as (
          select * from unnest(${[...health.keys()]}::text[], ${[...health.values()]}::bool[])
        ),
        health_locked as (
          select e.endpoint_id, hp.succeeded from spacesync.webhook_endpoints e join hp on hp.endpoint_id = e.endpoint_id
          where (hp.succeeded and (e.failing_since is not null or e.last_success_at is null))
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
            and e.failing_since < now() - make_interval(secs => ${seconds(disableAfter)})
        ) as stale,
        (select count(*) from logged) + (select count(*) from retried) + (select count(*) from attempts)
          + (select count(*) from healed) as written, ${asyncCommit(sql)}`
    }
  })

  const complete = (
    results: ReadonlyArray<AttemptResult>,
    options: { readonly disableAfter: Duration.DurationInput }
  ): Effect.Effect<ReadonlyArray<Webhook.EndpointId>> =>
    results.length === 0
      ? Effect.succeed([])
      : completeQuery({ results, disableAfter: options.disableAfter }).pipe(
        Effect.map((row) => row.stale),
        Effect.orDie,
        Effect.withSpan("DeliveryQueue.complete")
      )

  const reapQuery = SqlSchema.single({
    Request: Schema.Void,
    Result: Schema.Struct({ count: Schema.Number }),
    execute: () =>
      sql`
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
        select count(*)::int as count, ${asyncCommit(sql)} from reaped`
  })
  const reap = reapQuery(undefined).pipe(
    Effect.map((row) => row.count),
    Effect.orDie,
    Effect.withSpan("DeliveryQueue.reap")
  )

  const disableQuery = SqlSchema.single({
    Request: Schema.Struct({ endpointId: Webhook.EndpointId, reason: Schema.String }),
    Result: Schema.Struct({ disabled: Schema.Number }),
    execute: ({ endpointId, reason }) => disableEndpoint(sql, endpointId, reason)
  })
  const disable = (endpointId: Webhook.EndpointId, reason: string) =>
    disableQuery({ endpointId, reason }).pipe(
      Effect.map((row) => row.disabled > 0),
      Effect.orDie,
      Effect.withSpan("DeliveryQueue.disableEndpoint")
    )

  const depths = orDie(SqlSchema.findAll({
    Request: Schema.Void,
    Result: DepthRow,
    execute: () =>
      sql`
        select endpoint_id, count(*)::int as depth,
          count(*) filter (where due_at <= now() and claim_id is null)::int as due,
          coalesce(extract(epoch from now() - min(due_at) filter (where due_at <= now() and claim_id is null)), 0)::float8
            as oldest_due_seconds
        from spacesync.webhook_deliveries group by endpoint_id`
  }))(undefined).pipe(
    Effect.map((rows) =>
      rows.map((row): EndpointDepth => ({
        endpointId: row.endpoint_id,
        depth: row.depth,
        due: row.due,
        oldestDueSeconds: row.oldest_due_seconds
      }))
    )
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

  return DeliveryQueue.of({ claim, complete, reap, disableEndpoint: disable, depths, notifications })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<DeliveryQueue, never, SqlClient.SqlClient> = Layer.effect(DeliveryQueue, make)

// ---------------------------------------------------------------------------------------------------------
// Statements other modules compose or run (the only SQL that writes the webhook tables outside this
// module's service). Each returns the statement; its caller decodes what it returns.
// ---------------------------------------------------------------------------------------------------------

/**
 * A delivery to queue: one event for one endpoint.
 *
 * @internal
 */
export interface NewDelivery {
  readonly endpointId: Webhook.EndpointId
  readonly platformId: Ids.PlatformId
  readonly connectionId: Ids.ConnectionId
  readonly seq: number
  readonly eventId: Ids.EventId
  readonly eventType: string
  readonly locationId: Ids.LocationId | null
  readonly eventCreatedAt: Date
}

/**
 * What superseding compares: deliveries with the same key, for a location, replace each other.
 *
 * @internal
 */
export const supersedeKey = (delivery: NewDelivery): string | undefined =>
  delivery.locationId === null
    ? undefined
    : `${delivery.endpointId}\u0000${delivery.connectionId}\u0000${delivery.locationId}\u0000${delivery.eventType}`

/**
 * One statement that runs the caller's own CTEs (`before`, e.g. the fan-out's feed rows), then queues
 * `deliveries` (in event order) and notifies the workers when it queued any. Superseding: of several
 * deliveries of one key in `deliveries`, only the newest is queued, the others go to the log as
 * `superseded` by it; waiting (unclaimed) deliveries of an older event of that key too.
 *
 * @internal
 */
export const enqueue = (
  sql: SqlClient.SqlClient,
  before: Statement.Fragment,
  deliveries: ReadonlyArray<NewDelivery>
) => {
  const newest = new Map<string, NewDelivery>()
  for (const delivery of deliveries) {
    const key = supersedeKey(delivery)
    if (key !== undefined) newest.set(key, delivery)
  }
  const supersededBy = deliveries.map((delivery) => {
    const key = supersedeKey(delivery)
    const winner = key === undefined ? delivery : newest.get(key)!
    return winner === delivery ? null : winner.eventId
  })
  return sql`
    with ${before},
    nd as (
      select u.*, now() as created_at, 0 as attempts, null::timestamptz as last_attempt_at,
        null::int as last_status_code, null::text as last_error_class
      from unnest(
        ${deliveries.map(() => Webhook.makeDeliveryId())}::text[], ${deliveries.map((d) => d.endpointId)}::text[],
        ${deliveries.map((d) => d.platformId)}::text[], ${deliveries.map((d) => d.seq)}::bigint[],
        ${deliveries.map((d) => d.connectionId)}::text[], ${deliveries.map((d) => d.eventId)}::text[],
        ${deliveries.map((d) => d.eventType)}::text[], ${deliveries.map((d) => d.locationId)}::text[],
        ${deliveries.map((d) => d.eventCreatedAt)}::timestamptz[], ${supersededBy}::text[]
      ) as u (delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id,
        event_created_at, superseded_by)
    ),
    old as (
      delete from spacesync.webhook_deliveries d using nd
      where nd.superseded_by is null and nd.location_id is not null
        and d.endpoint_id = nd.endpoint_id and d.location_id = nd.location_id
        and d.event_type = nd.event_type and d.connection_id = nd.connection_id
        and d.seq < nd.seq and d.claim_id is null
      returning d.*, nd.event_id as superseded_by
    ),
    logged as (${
    logFinished(
      sql,
      sql`(
        select ${unattempted(sql, { status: "superseded", reason: null, supersededBy: sql`superseded_by` })} from old
        union all
        select ${unattempted(sql, { status: "superseded", reason: null, supersededBy: sql`superseded_by` })} from nd
        where superseded_by is not null
      ) superseded`
    )
  }),
    queued as (
      insert into spacesync.webhook_deliveries (delivery_id, endpoint_id, platform_id, seq, connection_id, event_id,
        event_type, location_id, event_created_at)
      select delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id,
        event_created_at
      from nd where superseded_by is null
      returning 1
    ),
    notified as (
      select pg_notify(${channel}, 'queued') from (select 1) one where exists (select 1 from queued)
    )
    select (select count(*) from logged)::int as superseded, (select count(*) from notified)::int as notified`
}

/**
 * Inserts an endpoint row (`row`: its columns), returning `returning`.
 *
 * @internal
 */
export const insertEndpoint = (
  sql: SqlClient.SqlClient,
  row: {
    readonly endpoint_id: string
    readonly platform_id: string
    readonly url: string
    readonly event_types: ReadonlyArray<string> | null
    readonly description: string | null
    readonly secrets: string
  },
  returning: Statement.Fragment
) => sql`insert into spacesync.webhook_endpoints ${sql.insert({ ...row })} returning ${returning}`

/**
 * Inserts endpoint rows (`rows`: their columns) in one statement, returning `returning` for each.
 *
 * @internal
 */
export const insertEndpoints = (
  sql: SqlClient.SqlClient,
  rows: ReadonlyArray<Parameters<typeof insertEndpoint>[1]>,
  returning: Statement.Fragment
) =>
  sql`insert into spacesync.webhook_endpoints (endpoint_id, platform_id, url, event_types, description, secrets)
    select u.endpoint_id, u.platform_id, u.url,
      case when u.event_types is null then null else array(select jsonb_array_elements_text(u.event_types)) end,
      u.description, u.secrets
    from unnest(
      ${rows.map((r) => r.endpoint_id)}::text[], ${rows.map((r) => r.platform_id)}::text[],
      ${rows.map((r) => r.url)}::text[],
      ${rows.map((r) => r.event_types === null ? null : JSON.stringify(r.event_types))}::jsonb[],
      ${rows.map((r) => r.description)}::text[], ${rows.map((r) => r.secrets)}::jsonb[]
    ) as u (endpoint_id, platform_id, url, event_types, description, secrets)
    returning ${returning}`

/**
 * Updates the settings of the platform's endpoint.
 *
 * @internal
 */
export const updateEndpoint = (
  sql: SqlClient.SqlClient,
  input: {
    readonly platformId: string
    readonly endpointId: string
    readonly url: string
    readonly eventTypes: ReadonlyArray<string> | null
    readonly description: string | null
  }
) =>
  sql`update spacesync.webhook_endpoints
    set url = ${input.url}, event_types = ${input.eventTypes === null ? null : [...input.eventTypes]}::text[],
      description = ${input.description}, updated_at = now()
    where endpoint_id = ${input.endpointId} and platform_id = ${input.platformId}
    returning endpoint_id`

/**
 * Replaces the stored secrets (JSON of `StoredSecret`s) of an endpoint.
 *
 * @internal
 */
export const replaceSecrets = (sql: SqlClient.SqlClient, endpointId: string, secrets: string) =>
  sql`update spacesync.webhook_endpoints set secrets = ${secrets}::jsonb, updated_at = now()
    where endpoint_id = ${endpointId}
    returning endpoint_id`

/**
 * Deletes the platform's endpoint (a trigger deletes its deliveries and attempts with it).
 *
 * @internal
 */
export const deleteEndpoint = (sql: SqlClient.SqlClient, platformId: string, endpointId: string) =>
  sql`delete from spacesync.webhook_endpoints where endpoint_id = ${endpointId} and platform_id = ${platformId}
    returning endpoint_id`

/**
 * Enables the platform's endpoint; deliveries parked while it was disabled (recovered, or queued as it
 * was disabled) are due now.
 *
 * @internal
 */
export const enableEndpoint = (sql: SqlClient.SqlClient, platformId: string, endpointId: string) =>
  sql`
    with enabled as (
      update spacesync.webhook_endpoints
      set status = 'enabled', disabled_reason = null, disabled_at = null, failing_since = null, updated_at = now()
      where endpoint_id = ${endpointId} and platform_id = ${platformId}
      returning endpoint_id
    ),
    unparked as (
      update spacesync.webhook_deliveries set due_at = now()
      where endpoint_id = ${endpointId} and due_at = 'infinity'
      returning 1
    )
    select (select count(*) from enabled)::int as enabled,
      (select count(*) from (select pg_notify(${channel}, 'enabled') from unparked limit 1) n)::int as notified`

/**
 * Disables an endpoint with a reason and moves its queued deliveries to the log as failed (rows another
 * transaction holds right now are skipped: they are being sent or superseded). One statement; `disabled`
 * is 0 when it was not enabled.
 *
 * @internal
 */
export const disableEndpoint = (sql: SqlClient.SqlClient, endpointId: string, reason: string) =>
  sql`
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
    logged as (${
    logFinished(
      sql,
      sql`(select ${
        unattempted(sql, { status: "failed", reason: `endpoint disabled: ${reason}`, supersededBy: null })
      } from moved) failed`
    )
  })
    select (select count(*) from ep)::int as disabled, (select count(*) from logged)::int as failed`

// A schedule step past every schedule: a resent or recovered delivery gets exactly one attempt.
const noRetries = 1_000_000

/**
 * Puts finished deliveries (`finished`: a CTE of log rows just deleted) back in the queue, due now, for
 * one attempt with `trigger`; their final attempt moves to the attempts table.
 */
const requeue = (sql: SqlClient.SqlClient, finished: string, trigger: "manual" | "recover") =>
  sql`
    kept as (
      insert into spacesync.webhook_attempts (delivery_id, endpoint_id, attempt, trigger, url, attempted_at,
        duration_ms, status_code, response_excerpt, error_class, error_message)
      select delivery_id, endpoint_id, final_attempt, final_trigger, final_url, final_attempted_at,
        final_duration_ms, last_status_code, final_response_excerpt, last_error_class, final_error_message
      from ${sql(finished)} where final_attempt is not null
      returning 1
    ),
    moved as (
      insert into spacesync.webhook_deliveries (delivery_id, endpoint_id, platform_id, seq, connection_id, event_id,
        event_type, location_id, event_created_at, created_at, due_at, attempts, schedule_step, trigger,
        last_attempt_at, last_status_code, last_error_class)
      select delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id,
        event_created_at, created_at, now(), attempts, ${noRetries}, ${trigger}, last_attempt_at, last_status_code,
        last_error_class
      from ${sql(finished)}
      returning 1
    )`

/**
 * Sends the platform's delivery again now: a finished one goes back to the queue for one more (manual)
 * attempt; a pending one waiting for a retry is due now. Nothing when it is neither (unknown, or in
 * flight).
 *
 * @internal
 */
export const resend = (sql: SqlClient.SqlClient, platformId: string, deliveryId: string) =>
  sql`
    with pending as (
      update spacesync.webhook_deliveries set due_at = now(), trigger = 'manual'
      where delivery_id = ${deliveryId} and platform_id = ${platformId} and claim_id is null
      returning 1
    ),
    finished as (
      delete from spacesync.webhook_delivery_log
      where delivery_id = ${deliveryId} and platform_id = ${platformId}
      returning *
    ),
    ${requeue(sql, "finished", "manual")},
    notified as (
      select pg_notify(${channel}, 'resend') where exists (select 1 from pending) or exists (select 1 from moved)
    )
    select (select count(*) from moved)::int as moved, (select count(*) from pending)::int as updated,
      (select count(*) from notified)::int as notified`

/**
 * Puts every failed delivery of the platform's endpoint created at or after `since` back in the queue, for
 * one attempt each; `requeued` says how many.
 *
 * @internal
 */
export const recover = (sql: SqlClient.SqlClient, platformId: string, endpointId: string, since: Date) =>
  sql`
    with failed as (
      delete from spacesync.webhook_delivery_log
      where endpoint_id = ${endpointId} and platform_id = ${platformId} and status = 'failed'
        and created_at >= ${since}
      returning *
    ),
    ${requeue(sql, "failed", "recover")},
    notified as (select pg_notify(${channel}, 'recover') where exists (select 1 from moved))
    select (select count(*) from moved)::int as requeued, (select count(*) from notified)::int as notified`
