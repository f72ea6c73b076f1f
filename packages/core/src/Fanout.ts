/**
 * The fan-out of new events, inside the transaction that appends them (`EventLog.append` calls it), so
 * the change, its events, their addressing and their deliveries commit together or not at all.
 *
 * For each event:
 * - its **recipients**: the platform of `connectionId` when the event names a connection, otherwise every
 *   platform with an **active** connection covering the event's location (one recipient per connection);
 * - one `platform_events` row per recipient with the exact webhook body (text): the events feed of that
 *   platform, whether it has webhook endpoints or not;
 * - one queued delivery for every **enabled** endpoint of that platform whose event-type filter matches.
 *   A newer event of the same type for the same location (and connection) supersedes a delivery of an
 *   older one still waiting for that endpoint: the older one is recorded as `superseded`, not dropped.
 *
 * It costs two statements per `append`, however many events and recipients: one reads the recipients
 * and matching endpoints, one writes feed rows, supersedes, queues and notifies the workers
 * (`pg_notify`, delivered at commit).
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Effect, Layer, Schema } from "effect"
import * as EventLog from "./EventLog.js"
import { HubUrls } from "./HubUrls.js"
import * as Webhook from "./Webhook.js"

/** The channel workers `LISTEN` on; fan-out notifies it when it queued deliveries. @since 0.1.0 */
export const channel = "spacesync_webhook_deliveries"

const Recipient = Schema.Struct({
  seq: Schema.NumberFromString,
  platform_id: Ids.PlatformId,
  connection_id: Ids.ConnectionId,
  listing_id: Schema.NullOr(Schema.String),
  resource_map: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  endpoint_ids: Schema.Array(Webhook.EndpointId)
})

interface NewDelivery {
  readonly deliveryId: Webhook.DeliveryId
  readonly endpointId: Webhook.EndpointId
  readonly platformId: Ids.PlatformId
  readonly event: EventLog.StoredEvent
  readonly connectionId: Ids.ConnectionId
  supersededBy: Ids.EventId | null
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { publicUrl } = yield* HubUrls

  const recipients = (events: ReadonlyArray<EventLog.StoredEvent>) =>
    sql`
      with ev (seq, type, connection_id, location_id) as (
        select * from unnest(
          ${events.map((e) => e.seq)}::bigint[], ${events.map((e) => e.type)}::text[],
          ${events.map((e) => e.connectionId)}::text[], ${events.map((e) => e.locationId)}::text[]
        )
      ),
      addressed as (
        select ev.seq, ev.type, c.platform_id, c.connection_id, cl.listing_id, cl.resource_map
        from ev
        join spacesync.connections c on c.connection_id = ev.connection_id
        left join spacesync.connection_locations cl
          on cl.connection_id = c.connection_id and cl.location_id = ev.location_id
        where ev.connection_id is not null
        union all
        select ev.seq, ev.type, c.platform_id, c.connection_id, cl.listing_id, cl.resource_map
        from ev
        join spacesync.connection_locations cl on cl.location_id = ev.location_id
        join spacesync.connections c on c.connection_id = cl.connection_id and c.status = 'active'
        where ev.connection_id is null
      )
      select a.seq::text as seq, a.platform_id, a.connection_id, a.listing_id,
        case when a.type = 'resources.updated' then a.resource_map end as resource_map,
        array(
          select e.endpoint_id from spacesync.webhook_endpoints e
          where e.platform_id = a.platform_id and e.status = 'enabled'
            and (e.event_types is null or a.type = any(e.event_types))
          order by e.endpoint_id
        ) as endpoint_ids
      from addressed a
      order by a.seq, a.connection_id`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Array(Recipient)))
    )

  const fanOut = (events: ReadonlyArray<EventLog.StoredEvent>) =>
    Effect.gen(function*() {
      if (events.length === 0) return
      const rows = yield* recipients(events)
      if (rows.length === 0) return
      const bySeq = new Map(events.map((e) => [e.seq, e]))
      const feed = rows.map((row) => {
        const event = bySeq.get(row.seq)!
        const resourceMap = row.resource_map === null ? null : Object.fromEntries(
          Object.entries(row.resource_map).filter((entry): entry is [string, string] => typeof entry[1] === "string")
        )
        return {
          row,
          event,
          body: Webhook.makeBody(publicUrl, event, {
            connectionId: row.connection_id,
            listingId: row.listing_id,
            resourceMap
          })
        }
      })
      const deliveries: Array<NewDelivery> = []
      // Within this batch, only the newest event per (endpoint, connection, location, type) stays queued.
      const newest = new Map<string, NewDelivery>()
      for (const { event, row } of feed) {
        for (const endpointId of row.endpoint_ids) {
          const delivery: NewDelivery = {
            deliveryId: Webhook.makeDeliveryId(),
            endpointId,
            platformId: row.platform_id,
            event,
            connectionId: row.connection_id,
            supersededBy: null
          }
          deliveries.push(delivery)
          if (event.locationId === null) continue
          const key = `${endpointId}\u0000${row.connection_id}\u0000${event.locationId}\u0000${event.type}`
          const previous = newest.get(key)
          if (previous !== undefined) previous.supersededBy = event.eventId
          newest.set(key, delivery)
        }
      }
      for (const delivery of deliveries) {
        if (delivery.supersededBy === null) continue
        // The newest of its key supersedes it (not just the next one).
        const key =
          `${delivery.endpointId}\u0000${delivery.connectionId}\u0000${delivery.event.locationId}\u0000${delivery.event.type}`
        delivery.supersededBy = newest.get(key)!.event.eventId
      }
      yield* sql`
        with pe as (
          insert into spacesync.platform_events (platform_id, seq, connection_id, event_id, type, location_id, body)
          select * from unnest(
            ${feed.map((f) => f.row.platform_id)}::text[], ${feed.map((f) => f.event.seq)}::bigint[],
            ${feed.map((f) => f.row.connection_id)}::text[], ${feed.map((f) => f.event.eventId)}::text[],
            ${feed.map((f) => f.event.type)}::text[], ${feed.map((f) => f.event.locationId)}::text[],
            ${feed.map((f) => f.body)}::text[]
          )
          returning 1
        ),
        nd (delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id,
          event_created_at, superseded_by) as (
          select * from unnest(
            ${deliveries.map((d) => d.deliveryId)}::text[], ${deliveries.map((d) => d.endpointId)}::text[],
            ${deliveries.map((d) => d.platformId)}::text[], ${deliveries.map((d) => d.event.seq)}::bigint[],
            ${deliveries.map((d) => d.connectionId)}::text[], ${deliveries.map((d) => d.event.eventId)}::text[],
            ${deliveries.map((d) => d.event.type)}::text[], ${deliveries.map((d) => d.event.locationId)}::text[],
            ${deliveries.map((d) => new Date(d.event.createdAt.epochMillis))}::timestamptz[],
            ${deliveries.map((d) => d.supersededBy)}::text[]
          )
        ),
        old as (
          delete from spacesync.webhook_deliveries d using nd
          where nd.superseded_by is null and nd.location_id is not null
            and d.endpoint_id = nd.endpoint_id and d.location_id = nd.location_id
            and d.event_type = nd.event_type and d.connection_id = nd.connection_id
            and d.seq < nd.seq and d.claim_id is null
          returning d.delivery_id, d.endpoint_id, d.platform_id, d.seq, d.connection_id, d.event_id, d.event_type,
            d.location_id, d.event_created_at, d.created_at, d.attempts, d.last_attempt_at, d.last_status_code,
            d.last_error_class, nd.event_id as superseded_by
        ),
        logged as (
          insert into spacesync.webhook_delivery_log (delivery_id, endpoint_id, platform_id, seq, connection_id,
            event_id, event_type, location_id, event_created_at, created_at, status, attempts, last_attempt_at,
            last_status_code, last_error_class, superseded_by)
          select delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id,
            event_created_at, created_at, 'superseded', attempts, last_attempt_at, last_status_code,
            last_error_class, superseded_by
          from old
          union all
          select delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id,
            event_created_at, now(), 'superseded', 0, null, null, null, superseded_by
          from nd where superseded_by is not null
          returning 1
        ),
        queued as (
          insert into spacesync.webhook_deliveries (delivery_id, endpoint_id, platform_id, seq, connection_id,
            event_id, event_type, location_id, event_created_at)
          select delivery_id, endpoint_id, platform_id, seq, connection_id, event_id, event_type, location_id,
            event_created_at
          from nd where superseded_by is null
          returning 1
        ),
        notified as (
          select pg_notify(${channel}, 'queued') from (select 1) one where exists (select 1 from queued)
        )
        select (select count(*) from pe) as feed, (select count(*) from logged) as superseded,
          (select count(*) from notified) as notified`
    }).pipe(Effect.orDie, Effect.withSpan("Fanout.fanOut"))

  return EventLog.Fanout.of({ fanOut })
})

/**
 * The fan-out to platforms and their webhook endpoints.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<EventLog.Fanout, never, SqlClient.SqlClient | HubUrls> = Layer.effect(
  EventLog.Fanout,
  make
)
