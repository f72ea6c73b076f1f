/**
 * A platform's webhook endpoints: create (the `whsec_…` secret is returned once and stored encrypted with
 * `SecretBox`, purpose `webhook-secrets`, bound to the endpoint id), read, update, delete, rotate the
 * secret (the previous one keeps signing for 24 hours), the deliveries and their attempts, resending one
 * delivery and recovering every failed delivery since a time.
 *
 * Everything is scoped by platform: another platform's endpoint or delivery is "not found", exactly like
 * one that does not exist. Writes to the webhook tables are `DeliveryQueue`'s statements (their one
 * writer); this module validates, encrypts, reads and shapes what platforms see.
 *
 * @since 0.1.0
 */
import { HttpApiSchema } from "@effect/platform"
import { SqlClient, SqlSchema } from "@effect/sql"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Context, type DateTime, Duration, Effect, Layer, Option, Schema } from "effect"
import type * as ConfigError from "effect/ConfigError"
import * as DeliveryQueue from "./DeliveryQueue.js"
import * as EventLog from "./EventLog.js"
import { orDie, Typed } from "./internal/sql.js"
import * as OutboundGuard from "./OutboundGuard.js"
import { SecretBox } from "./SecretBox.js"
import * as Webhook from "./Webhook.js"

/**
 * An endpoint as platforms see it. `eventTypes` `null` means every event type. A disabled endpoint says
 * why and since when.
 *
 * @since 0.1.0
 */
export class Endpoint extends Schema.Class<Endpoint>("WebhookEndpoint")({
  id: Webhook.EndpointId,
  platformId: Ids.PlatformId,
  url: Schema.String,
  eventTypes: Schema.NullOr(Schema.Array(EventLog.EventType)),
  description: Schema.NullOr(Schema.String),
  status: Schema.Literal("enabled", "disabled"),
  disabledReason: Schema.NullOr(Schema.String),
  disabledAt: Schema.NullOr(Schema.DateTimeUtc),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}

/** How an attempt failed. @since 0.1.0 */
export const ErrorClass = Schema.Literal("timeout", "dns", "connection", "tls", "http", "refused_target")

/**
 * One delivery attempt: what was sent where, what came back (at most 4 KB of the body), how it failed,
 * and when the next attempt is due.
 *
 * @since 0.1.0
 */
export class Attempt extends Schema.Class<Attempt>("WebhookAttempt")({
  attempt: Schema.Number,
  trigger: DeliveryQueue.Trigger,
  url: Schema.String,
  attemptedAt: Schema.DateTimeUtc,
  durationMs: Schema.Number,
  statusCode: Schema.NullOr(Schema.Number),
  responseExcerpt: Schema.NullOr(Schema.String),
  errorClass: Schema.NullOr(ErrorClass),
  errorMessage: Schema.NullOr(Schema.String),
  nextAttemptAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

/** Where a delivery stands. @since 0.1.0 */
export const DeliveryStatus = Schema.Literal("pending", "succeeded", "failed", "superseded")
/** @since 0.1.0 */
export type DeliveryStatus = typeof DeliveryStatus.Type

/**
 * The delivery of one event to one endpoint, with its attempts. `pending` covers waiting, in flight and
 * waiting for a retry (`nextAttemptAt`); a `superseded` delivery names the newer event that replaced it.
 *
 * @since 0.1.0
 */
export class Delivery extends Schema.Class<Delivery>("WebhookDelivery")({
  id: Webhook.DeliveryId,
  endpointId: Webhook.EndpointId,
  eventId: Ids.EventId,
  eventType: EventLog.EventType,
  connectionId: Ids.ConnectionId,
  locationId: Schema.NullOr(Ids.LocationId),
  status: DeliveryStatus,
  attemptCount: Schema.Number,
  nextAttemptAt: Schema.NullOr(Schema.DateTimeUtc),
  createdAt: Schema.DateTimeUtc,
  finishedAt: Schema.NullOr(Schema.DateTimeUtc),
  lastStatusCode: Schema.NullOr(Schema.Number),
  lastErrorClass: Schema.NullOr(ErrorClass),
  reason: Schema.NullOr(Schema.String),
  supersededBy: Schema.NullOr(Ids.EventId),
  attempts: Schema.Array(Attempt)
}) {}

/**
 * No endpoint with this id belongs to the platform.
 *
 * @since 0.1.0
 */
export class EndpointNotFound extends Schema.TaggedError<EndpointNotFound>()(
  "EndpointNotFound",
  { endpointId: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

/**
 * No delivery with this id belongs to the platform.
 *
 * @since 0.1.0
 */
export class DeliveryNotFound extends Schema.TaggedError<DeliveryNotFound>()(
  "DeliveryNotFound",
  { deliveryId: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

/**
 * An endpoint URL that cannot be used: not an absolute `http(s)` URL, or (without
 * `SPACESYNC_ALLOW_PRIVATE_TARGETS`) one naming a loopback, private or metadata address. Addresses behind
 * host names are checked again at every connection.
 *
 * @since 0.1.0
 */
export class InvalidEndpoint extends Schema.TaggedError<InvalidEndpoint>()(
  "InvalidEndpoint",
  { reason: Schema.Literal("InvalidUrl", "RefusedTarget"), message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** What a platform gives to create an endpoint. @since 0.1.0 */
export interface CreateInput {
  readonly url: string
  /** Omitted, `null` or empty: every event type. */
  readonly eventTypes?: ReadonlyArray<EventLog.EventType> | null | undefined
  readonly description?: string | null | undefined
}

/** A partial update; `enabled: false` disables (queued deliveries fail, recoverable later). @since 0.1.0 */
export interface UpdateInput {
  readonly url?: string | undefined
  readonly eventTypes?: ReadonlyArray<EventLog.EventType> | null | undefined
  readonly description?: string | null | undefined
  readonly enabled?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class WebhookEndpoints extends Context.Tag("@spacesync/core/WebhookEndpoints")<WebhookEndpoints, {
  /** Creates an endpoint; its secret is returned here only. */
  readonly create: (
    platformId: Ids.PlatformId,
    input: CreateInput
  ) => Effect.Effect<{ readonly endpoint: Endpoint; readonly secret: string }, InvalidEndpoint>
  /**
   * Creates endpoints in one statement: all of them, or none when a URL is invalid. Their secrets are
   * returned here only, in the order of `inputs`.
   */
  readonly createMany: (
    platformId: Ids.PlatformId,
    inputs: ReadonlyArray<CreateInput>
  ) => Effect.Effect<ReadonlyArray<{ readonly endpoint: Endpoint; readonly secret: string }>, InvalidEndpoint>
  readonly get: (platformId: Ids.PlatformId, endpointId: string) => Effect.Effect<Endpoint, EndpointNotFound>
  /** The platform's endpoints, oldest first. */
  readonly list: (platformId: Ids.PlatformId) => Effect.Effect<ReadonlyArray<Endpoint>>
  readonly update: (
    platformId: Ids.PlatformId,
    endpointId: string,
    input: UpdateInput
  ) => Effect.Effect<Endpoint, EndpointNotFound | InvalidEndpoint>
  /** Deletes the endpoint with its deliveries and attempts. */
  readonly delete: (platformId: Ids.PlatformId, endpointId: string) => Effect.Effect<void, EndpointNotFound>
  /** A new secret; the previous one keeps signing for 24 hours. */
  readonly rotateSecret: (
    platformId: Ids.PlatformId,
    endpointId: string
  ) => Effect.Effect<{ readonly secret: string }, EndpointNotFound>
  /** Deliveries of an endpoint, newest first, with their attempts. */
  readonly deliveries: (
    platformId: Ids.PlatformId,
    endpointId: string,
    options?: {
      readonly status?: DeliveryStatus | undefined
      /** Only deliveries created before this time. */
      readonly before?: DateTime.Utc | undefined
      /**
       * Only deliveries after this one in the listing's order (newest first): the `id` of the last delivery of
       * the previous page. Pages on (created time, id), so deliveries created together are neither skipped
       * nor repeated.
       */
      readonly cursor?: string | undefined
      /** 1..500, default 50. */
      readonly limit?: number | undefined
    }
  ) => Effect.Effect<ReadonlyArray<Delivery>, EndpointNotFound>
  readonly delivery: (platformId: Ids.PlatformId, deliveryId: string) => Effect.Effect<Delivery, DeliveryNotFound>
  /**
   * Sends a delivery again now: a finished one gets one more (manual) attempt; a pending one that is
   * waiting for a retry is moved to now.
   */
  readonly resend: (platformId: Ids.PlatformId, deliveryId: string) => Effect.Effect<Delivery, DeliveryNotFound>
  /** Re-queues every failed delivery of the endpoint created at or after `since`; how many. */
  readonly recover: (
    platformId: Ids.PlatformId,
    endpointId: string,
    since: DateTime.Utc
  ) => Effect.Effect<{ readonly requeued: number }, EndpointNotFound>
}>() {}

/** Settings of the store. @since 0.1.0 */
/** @since 0.1.0 */
export interface Options {
  /** Accept endpoint URLs naming private addresses (default false). */
  readonly allowPrivateTargets?: boolean | undefined
  /** How long a rotated-out secret keeps signing (default 24 hours). */
  readonly previousSecretTtl?: Duration.DurationInput | undefined
}

const EndpointRow = Schema.Struct({
  endpoint_id: Webhook.EndpointId,
  platform_id: Ids.PlatformId,
  url: Schema.String,
  event_types: Schema.NullOr(Schema.Array(EventLog.EventType)),
  description: Schema.NullOr(Schema.String),
  status: Schema.Literal("enabled", "disabled"),
  disabled_reason: Schema.NullOr(Schema.String),
  disabled_at: Schema.NullOr(Schema.DateTimeUtcFromDate),
  created_at: Schema.DateTimeUtcFromDate,
  updated_at: Schema.DateTimeUtcFromDate
})

const toEndpoint = (row: typeof EndpointRow.Type) =>
  new Endpoint({
    id: row.endpoint_id,
    platformId: row.platform_id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    status: row.status,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  })

const DeliveryRow = Schema.Struct({
  delivery_id: Webhook.DeliveryId,
  endpoint_id: Webhook.EndpointId,
  event_id: Ids.EventId,
  event_type: EventLog.EventType,
  connection_id: Ids.ConnectionId,
  location_id: Schema.NullOr(Ids.LocationId),
  status: DeliveryStatus,
  attempts: Schema.Number,
  next_attempt_at: Schema.NullOr(Schema.DateTimeUtcFromDate),
  created_at: Schema.DateTimeUtcFromDate,
  finished_at: Schema.NullOr(Schema.DateTimeUtcFromDate),
  last_status_code: Schema.NullOr(Schema.Number),
  last_error_class: Schema.NullOr(ErrorClass),
  reason: Schema.NullOr(Schema.String),
  superseded_by: Schema.NullOr(Ids.EventId)
})

const AttemptRow = Schema.Struct({
  delivery_id: Webhook.DeliveryId,
  attempt: Schema.Number,
  trigger: DeliveryQueue.Trigger,
  url: Schema.String,
  attempted_at: Schema.DateTimeUtcFromDate,
  duration_ms: Schema.Number,
  status_code: Schema.NullOr(Schema.Number),
  response_excerpt: Schema.NullOr(Schema.String),
  error_class: Schema.NullOr(ErrorClass),
  error_message: Schema.NullOr(Schema.String),
  next_attempt_at: Schema.NullOr(Schema.DateTimeUtcFromDate)
})

/**
 * Checks an endpoint URL at save time (the guard checks again at every connection); the URL is kept as
 * given.
 *
 * @since 0.1.0
 */
export const validateUrl = (url: string, allowPrivateTargets: boolean): Effect.Effect<string, InvalidEndpoint> => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return Effect.fail(new InvalidEndpoint({ reason: "InvalidUrl", message: "The URL is not an absolute URL" }))
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return Effect.fail(new InvalidEndpoint({ reason: "InvalidUrl", message: "The URL must be http or https" }))
  }
  if (url.length > 2048) {
    return Effect.fail(new InvalidEndpoint({ reason: "InvalidUrl", message: "The URL is longer than 2048 characters" }))
  }
  if (!allowPrivateTargets) {
    const host = parsed.hostname.toLowerCase()
    const reason = OutboundGuard.classify(host)
    if (reason !== undefined || host === "localhost" || host.endsWith(".localhost")) {
      return Effect.fail(
        new InvalidEndpoint({
          reason: "RefusedTarget",
          message: `The URL names a ${reason ?? "loopback"} address, which webhooks may not target`
        })
      )
    }
  }
  return Effect.succeed(url)
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const box = yield* SecretBox
    const allowPrivate = options.allowPrivateTargets ?? false
    const previousTtl = Duration.toMillis(options.previousSecretTtl ?? Duration.hours(24))

    const columns = sql`endpoint_id, platform_id, url, event_types, description, status, disabled_reason,
      disabled_at, created_at, updated_at`
    const Scope = Schema.Struct({ platformId: Ids.PlatformId, endpointId: Schema.String })
    const Touched = Schema.Struct({ endpoint_id: Schema.String })

    const findEndpoint = orDie(SqlSchema.findOne({
      Request: Scope,
      Result: EndpointRow,
      execute: (r) =>
        sql`select ${columns} from spacesync.webhook_endpoints
          where endpoint_id = ${r.endpointId} and platform_id = ${r.platformId}`
    }))
    const findEndpoints = orDie(SqlSchema.findAll({
      Request: Ids.PlatformId,
      Result: EndpointRow,
      execute: (platformId) =>
        sql`select ${columns} from spacesync.webhook_endpoints where platform_id = ${platformId}
          order by webhook_endpoints.created_at, webhook_endpoints.endpoint_id`
    }))
    const lockSecrets = orDie(SqlSchema.findOne({
      Request: Scope,
      Result: Schema.Struct({ secrets: Schema.Array(DeliveryQueue.StoredSecret) }),
      execute: (r) =>
        sql`select secrets from spacesync.webhook_endpoints
          where endpoint_id = ${r.endpointId} and platform_id = ${r.platformId} for update`
    }))
    const insert = orDie(SqlSchema.single({
      Request: Typed<Parameters<typeof DeliveryQueue.insertEndpoint>[1]>(),
      Result: EndpointRow,
      execute: (row) => DeliveryQueue.insertEndpoint(sql, row, columns)
    }))
    const insertMany = orDie(SqlSchema.findAll({
      Request: Typed<ReadonlyArray<Parameters<typeof DeliveryQueue.insertEndpoint>[1]>>(),
      Result: EndpointRow,
      execute: (rows) => DeliveryQueue.insertEndpoints(sql, rows, columns)
    }))
    const updateSettings = orDie(SqlSchema.void({
      Request: Typed<Parameters<typeof DeliveryQueue.updateEndpoint>[1]>(),
      execute: (input) => DeliveryQueue.updateEndpoint(sql, input)
    }))
    const enable = orDie(SqlSchema.void({
      Request: Scope,
      execute: (r) => DeliveryQueue.enableEndpoint(sql, r.platformId, r.endpointId)
    }))
    const disable = orDie(SqlSchema.void({
      Request: Schema.Struct({ endpointId: Schema.String, reason: Schema.String }),
      execute: (r) => DeliveryQueue.disableEndpoint(sql, r.endpointId, r.reason)
    }))
    const deleteOne = orDie(SqlSchema.findOne({
      Request: Scope,
      Result: Touched,
      execute: (r) => DeliveryQueue.deleteEndpoint(sql, r.platformId, r.endpointId)
    }))
    const writeSecrets = orDie(SqlSchema.void({
      Request: Schema.Struct({
        endpointId: Schema.String,
        secrets: Schema.parseJson(Schema.Array(DeliveryQueue.StoredSecret))
      }),
      execute: (r) => DeliveryQueue.replaceSecrets(sql, r.endpointId, r.secrets)
    }))

    const notFound = (endpointId: string) =>
      new EndpointNotFound({ endpointId, message: `No webhook endpoint ${endpointId}` })

    const find = (platformId: Ids.PlatformId, endpointId: string) =>
      findEndpoint({ platformId, endpointId }).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.fail(notFound(endpointId)),
          onSome: (row) => Effect.succeed(toEndpoint(row))
        }))
      )

    // A new endpoint's row and its secret (returned once).
    const newEndpoint = (platformId: Ids.PlatformId, input: CreateInput) =>
      Effect.map(validateUrl(input.url, allowPrivate), (url) => {
        const id = Webhook.makeEndpointId()
        const secret = Webhook.generateSecret()
        const secrets: ReadonlyArray<DeliveryQueue.StoredSecret> = [
          { key: box.encrypt("webhook-secrets", secret, id), expiresAt: null }
        ]
        const row = {
          endpoint_id: id,
          platform_id: platformId,
          url,
          event_types: input.eventTypes === undefined || input.eventTypes === null || input.eventTypes.length === 0
            ? null
            : [...new Set(input.eventTypes)],
          description: input.description ?? null,
          secrets: JSON.stringify(secrets)
        }
        return { row, secret }
      })

    const create = (platformId: Ids.PlatformId, input: CreateInput) =>
      Effect.gen(function*() {
        const { row, secret } = yield* newEndpoint(platformId, input)
        return { endpoint: toEndpoint(yield* insert(row)), secret }
      }).pipe(Effect.withSpan("WebhookEndpoints.create"))

    const createMany = (platformId: Ids.PlatformId, inputs: ReadonlyArray<CreateInput>) =>
      Effect.gen(function*() {
        if (inputs.length === 0) return []
        const created = yield* Effect.forEach(inputs, (input) => newEndpoint(platformId, input))
        const rows = new Map((yield* insertMany(created.map((c) => c.row))).map((row) => [row.endpoint_id, row]))
        return created.map((c) => ({ endpoint: toEndpoint(rows.get(c.row.endpoint_id)!), secret: c.secret }))
      }).pipe(Effect.withSpan("WebhookEndpoints.createMany"))

    const list = (platformId: Ids.PlatformId) =>
      findEndpoints(platformId).pipe(Effect.map((rows) => rows.map(toEndpoint)))

    const update = (platformId: Ids.PlatformId, endpointId: string, input: UpdateInput) =>
      Effect.gen(function*() {
        const current = yield* find(platformId, endpointId)
        const url = input.url === undefined ? current.url : yield* validateUrl(input.url, allowPrivate)
        const eventTypes = input.eventTypes === undefined
          ? current.eventTypes
          : input.eventTypes === null || input.eventTypes.length === 0
          ? null
          : [...new Set(input.eventTypes)]
        const description = input.description === undefined ? current.description : input.description
        yield* updateSettings({ platformId, endpointId, url, eventTypes, description })
        if (input.enabled === false && current.status === "enabled") {
          yield* disable({ endpointId, reason: "Disabled by the platform" })
        } else if (input.enabled === true && current.status === "disabled") {
          yield* enable({ platformId, endpointId })
        }
        return yield* find(platformId, endpointId)
      }).pipe(sql.withTransaction, Effect.catchTag("SqlError", Effect.die), Effect.withSpan("WebhookEndpoints.update"))

    const remove = (platformId: Ids.PlatformId, endpointId: string) =>
      deleteOne({ platformId, endpointId }).pipe(
        Effect.flatMap((row) => Option.isNone(row) ? Effect.fail(notFound(endpointId)) : Effect.void),
        Effect.withSpan("WebhookEndpoints.delete")
      )

    const rotateSecret = (platformId: Ids.PlatformId, endpointId: string) =>
      Effect.gen(function*() {
        const row = yield* lockSecrets({ platformId, endpointId })
        if (Option.isNone(row)) return yield* notFound(endpointId)
        const now = Date.now()
        const expiresAt = new Date(now + previousTtl).toISOString()
        const secret = Webhook.generateSecret()
        const secrets: Array<DeliveryQueue.StoredSecret> = [
          { key: box.encrypt("webhook-secrets", secret, endpointId), expiresAt: null },
          ...row.value.secrets
            .filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now)
            .map((s) => s.expiresAt === null ? { key: s.key, expiresAt } : s)
        ]
        yield* writeSecrets({ endpointId, secrets })
        return { secret }
      }).pipe(
        sql.withTransaction,
        Effect.catchTag("SqlError", Effect.die),
        Effect.withSpan("WebhookEndpoints.rotateSecret")
      )

    // Deliveries as platforms see them: the live ones in the queue (`pending`), the finished ones in the log.
    const deliveryColumns = sql`delivery_id, endpoint_id, event_id, event_type, connection_id, location_id, status,
      attempts, next_attempt_at, created_at, finished_at, last_status_code, last_error_class, reason, superseded_by`
    const allDeliveries = sql`(
      select delivery_id, endpoint_id, platform_id, event_id, event_type, connection_id, location_id,
        'pending' as status, attempts, case when claim_id is null then due_at end as next_attempt_at, created_at,
        null::timestamptz as finished_at, last_status_code, last_error_class, null::text as reason,
        null::text as superseded_by
      from spacesync.webhook_deliveries
      union all
      select delivery_id, endpoint_id, platform_id, event_id, event_type, connection_id, location_id, status,
        attempts, null::timestamptz, created_at, finished_at, last_status_code, last_error_class, reason,
        superseded_by
      from spacesync.webhook_delivery_log
    ) d`

    const findDeliveries = orDie(SqlSchema.findAll({
      Request: Schema.Struct({
        platformId: Ids.PlatformId,
        endpointId: Schema.String,
        status: Schema.NullOr(DeliveryStatus),
        before: Schema.NullOr(Schema.DateFromSelf),
        cursor: Schema.NullOr(Schema.String),
        limit: Schema.Number
      }),
      Result: DeliveryRow,
      execute: (r) =>
        sql`select ${deliveryColumns} from ${allDeliveries}
          where d.endpoint_id = ${r.endpointId} and d.platform_id = ${r.platformId}
            and (${r.status}::text is null or d.status = ${r.status})
            and (${r.before}::timestamptz is null or d.created_at < ${r.before})
            and (${r.cursor}::text is null or (d.created_at, d.delivery_id) < (
              select c.created_at, c.delivery_id from (
                select created_at, delivery_id, endpoint_id from spacesync.webhook_deliveries
                union all
                select created_at, delivery_id, endpoint_id from spacesync.webhook_delivery_log
              ) c
              where c.delivery_id = ${r.cursor} and c.endpoint_id = ${r.endpointId} limit 1))
          order by d.created_at desc, d.delivery_id desc
          limit ${r.limit}`
    }))
    const findDelivery = orDie(SqlSchema.findAll({
      Request: Schema.Struct({ platformId: Ids.PlatformId, deliveryId: Schema.String }),
      Result: DeliveryRow,
      execute: (r) =>
        sql`select ${deliveryColumns} from ${allDeliveries}
          where d.delivery_id = ${r.deliveryId} and d.platform_id = ${r.platformId}`
    }))
    const findAttempts = orDie(SqlSchema.findAll({
      Request: Schema.Array(Schema.String),
      Result: AttemptRow,
      execute: (ids) =>
        sql`
          select delivery_id, attempt, trigger, url, attempted_at, duration_ms, status_code, response_excerpt,
            error_class, error_message, next_attempt_at
          from (
            select delivery_id, attempt, trigger, url, attempted_at, duration_ms, status_code, response_excerpt,
              error_class, error_message, next_attempt_at, attempt_id as ordinal
            from spacesync.webhook_attempts where delivery_id = any(${ids}::text[])
            union all
            select delivery_id, final_attempt, final_trigger, final_url, final_attempted_at, final_duration_ms,
              last_status_code, final_response_excerpt, last_error_class, final_error_message, null::timestamptz,
              null::bigint
            from spacesync.webhook_delivery_log
            where delivery_id = any(${ids}::text[]) and final_attempt is not null
          ) a
          order by a.attempted_at, a.ordinal nulls last`
    }))
    const runResend = orDie(SqlSchema.void({
      Request: Schema.Struct({ platformId: Ids.PlatformId, deliveryId: Schema.String }),
      execute: (r) => DeliveryQueue.resend(sql, r.platformId, r.deliveryId)
    }))
    const runRecover = orDie(SqlSchema.single({
      Request: Schema.Struct({ platformId: Ids.PlatformId, endpointId: Schema.String, since: Schema.DateFromSelf }),
      Result: Schema.Struct({ requeued: Schema.Number }),
      execute: (r) => DeliveryQueue.recover(sql, r.platformId, r.endpointId, r.since)
    }))

    const withAttempts = (rows: ReadonlyArray<typeof DeliveryRow.Type>) =>
      Effect.gen(function*() {
        if (rows.length === 0) return []
        const attempts = yield* findAttempts(rows.map((r) => r.delivery_id))
        const byDelivery = new Map<string, Array<Attempt>>()
        for (const a of attempts) {
          const list = byDelivery.get(a.delivery_id) ?? []
          list.push(
            new Attempt({
              attempt: a.attempt,
              trigger: a.trigger,
              url: a.url,
              attemptedAt: a.attempted_at,
              durationMs: a.duration_ms,
              statusCode: a.status_code,
              responseExcerpt: a.response_excerpt,
              errorClass: a.error_class,
              errorMessage: a.error_message,
              nextAttemptAt: a.next_attempt_at
            })
          )
          byDelivery.set(a.delivery_id, list)
        }
        return rows.map((r) =>
          new Delivery({
            id: r.delivery_id,
            endpointId: r.endpoint_id,
            eventId: r.event_id,
            eventType: r.event_type,
            connectionId: r.connection_id,
            locationId: r.location_id,
            status: r.status,
            attemptCount: r.attempts,
            nextAttemptAt: r.next_attempt_at,
            createdAt: r.created_at,
            finishedAt: r.finished_at,
            lastStatusCode: r.last_status_code,
            lastErrorClass: r.last_error_class,
            reason: r.reason,
            supersededBy: r.superseded_by,
            attempts: byDelivery.get(r.delivery_id) ?? []
          })
        )
      })

    const deliveries = (
      platformId: Ids.PlatformId,
      endpointId: string,
      options: {
        readonly status?: DeliveryStatus | undefined
        readonly before?: DateTime.Utc | undefined
        readonly cursor?: string | undefined
        readonly limit?: number | undefined
      } = {}
    ) =>
      Effect.gen(function*() {
        yield* find(platformId, endpointId)
        const rows = yield* findDeliveries({
          platformId,
          endpointId,
          status: options.status ?? null,
          before: options.before === undefined ? null : new Date(options.before.epochMillis),
          cursor: options.cursor ?? null,
          limit: Math.min(500, Math.max(1, Math.floor(options.limit ?? 50)))
        })
        return yield* withAttempts(rows)
      }).pipe(Effect.withSpan("WebhookEndpoints.deliveries"))

    const deliveryNotFound = (deliveryId: string) =>
      new DeliveryNotFound({ deliveryId, message: `No delivery ${deliveryId}` })

    const delivery = (platformId: Ids.PlatformId, deliveryId: string) =>
      Effect.gen(function*() {
        const rows = yield* findDelivery({ platformId, deliveryId })
        if (rows.length === 0) return yield* deliveryNotFound(deliveryId)
        return (yield* withAttempts(rows))[0]!
      })

    const resend = (platformId: Ids.PlatformId, deliveryId: string) =>
      Effect.zipRight(runResend({ platformId, deliveryId }), delivery(platformId, deliveryId)).pipe(
        Effect.withSpan("WebhookEndpoints.resend")
      )

    const recover = (platformId: Ids.PlatformId, endpointId: string, since: DateTime.Utc) =>
      Effect.gen(function*() {
        yield* find(platformId, endpointId)
        return yield* runRecover({ platformId, endpointId, since: new Date(since.epochMillis) })
      }).pipe(Effect.withSpan("WebhookEndpoints.recover"))

    return WebhookEndpoints.of({
      create,
      createMany,
      get: find,
      list,
      update,
      delete: remove,
      rotateSecret,
      deliveries,
      delivery,
      resend,
      recover
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<WebhookEndpoints, never, SqlClient.SqlClient | SecretBox> =>
  Layer.effect(WebhookEndpoints, make(options))

/**
 * The store with `SPACESYNC_ALLOW_PRIVATE_TARGETS` from the environment.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<WebhookEndpoints, ConfigError.ConfigError, SqlClient.SqlClient | SecretBox> =
  Layer.unwrapEffect(
    Effect.map(OutboundGuard.AllowPrivateTargets, (allowPrivateTargets) => layer({ allowPrivateTargets }))
  )
