/**
 * The fan-out of new events, inside the transaction that appends them (`EventLog.append` calls it), so
 * the change, its events, their addressing and their deliveries commit together or not at all.
 *
 * For each event:
 * - its **recipients**: the platform of `connectionId` when the event names a connection, otherwise every
 *   platform with an **active** connection covering the event's location (one recipient per connection);
 * - one `platform_events` row per recipient with the exact webhook body (text): the events feed of that
 *   platform, whether it has webhook endpoints or not;
 * - one queued delivery for every **enabled** endpoint of that platform whose event-type filter matches,
 *   through `DeliveryQueue.enqueue` (which supersedes older waiting deliveries of the same key: see
 *   `DeliveryQueue`).
 *
 * It costs two statements per `append`, however many events and recipients: one reads the recipients
 * and matching endpoints, one writes feed rows and queues (`DeliveryQueue`'s statement, with the feed
 * rows' insert in front), which also notifies the workers (`pg_notify`, delivered at commit). Owns the
 * table `platform_events`.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Effect, Layer, Schema } from "effect"
import * as DeliveryQueue from "./DeliveryQueue.js"
import * as EventLog from "./EventLog.js"
import { HubUrls } from "./HubUrls.js"
import { Typed } from "./internal/sql.js"
import * as Webhook from "./Webhook.js"

/** The channel workers `LISTEN` on; fan-out notifies it when it queued deliveries. @since 0.1.0 */
export const channel = DeliveryQueue.channel

const Recipient = Schema.Struct({
  seq: Schema.NumberFromString,
  platform_id: Ids.PlatformId,
  connection_id: Ids.ConnectionId,
  listing_id: Schema.NullOr(Schema.String),
  resource_map: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  endpoint_ids: Schema.Array(Webhook.EndpointId)
})

/** A feed row: an event as one platform receives it through one connection. */
interface FeedRow {
  readonly platformId: Ids.PlatformId
  readonly connectionId: Ids.ConnectionId
  readonly event: EventLog.StoredEvent
  readonly body: string
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { publicUrl } = yield* HubUrls

  const recipients = SqlSchema.findAll({
    Request: Typed<ReadonlyArray<EventLog.StoredEvent>>(),
    Result: Recipient,
    execute: (events) =>
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
        order by a.seq, a.connection_id`
  })

  // The feed rows, then the deliveries: one statement.
  const write = SqlSchema.void({
    Request: Typed<
      { readonly feed: ReadonlyArray<FeedRow>; readonly deliveries: ReadonlyArray<DeliveryQueue.NewDelivery> }
    >(),
    execute: ({ deliveries, feed }) =>
      DeliveryQueue.enqueue(
        sql,
        sql`pe as (
          insert into spacesync.platform_events (platform_id, seq, connection_id, event_id, type, location_id, body)
          select * from unnest(
            ${feed.map((f) => f.platformId)}::text[], ${feed.map((f) => f.event.seq)}::bigint[],
            ${feed.map((f) => f.connectionId)}::text[], ${feed.map((f) => f.event.eventId)}::text[],
            ${feed.map((f) => f.event.type)}::text[], ${feed.map((f) => f.event.locationId)}::text[],
            ${feed.map((f) => f.body)}::text[]
          )
          returning 1
        )`,
        deliveries
      )
  })

  const fanOut = (events: ReadonlyArray<EventLog.StoredEvent>) =>
    Effect.gen(function*() {
      if (events.length === 0) return
      const rows = yield* recipients(events)
      if (rows.length === 0) return
      const bySeq = new Map(events.map((e) => [e.seq, e]))
      const feed: Array<FeedRow> = []
      const deliveries: Array<DeliveryQueue.NewDelivery> = []
      for (const row of rows) {
        const event = bySeq.get(row.seq)!
        const resourceMap = row.resource_map === null ? null : Object.fromEntries(
          Object.entries(row.resource_map).filter((entry): entry is [string, string] => typeof entry[1] === "string")
        )
        feed.push({
          platformId: row.platform_id,
          connectionId: row.connection_id,
          event,
          body: Webhook.makeBody(publicUrl, event, {
            connectionId: row.connection_id,
            listingId: row.listing_id,
            resourceMap
          })
        })
        for (const endpointId of row.endpoint_ids) {
          deliveries.push({
            endpointId,
            platformId: row.platform_id,
            connectionId: row.connection_id,
            seq: event.seq,
            eventId: event.eventId,
            eventType: event.type,
            locationId: event.locationId,
            eventCreatedAt: new Date(event.createdAt.epochMillis)
          })
        }
      }
      yield* write({ feed, deliveries })
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
