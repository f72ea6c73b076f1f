/**
 * The events feed of a platform (`GET /v1/events?after=<cursor>&limit=<1..500>`): every event ever
 * addressed to it, in delivery order (`seq`), as the same objects its webhooks carry, whether or not it
 * has webhook endpoints. The fan-out records them in the transaction of the change, and event commits are
 * ordered by `seq` (see `EventLog`), so a reader following the cursor never skips one.
 *
 * The cursor is the event `seq`. An event that reached the platform through two connections appears
 * once per connection with the same `seq`; a page never splits such a group, so a page may hold a few
 * more items than `limit` in that rare case.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Context, Effect, Layer, Schema } from "effect"
import type { WebhookEvent } from "./Webhook.js"

/** One page of the feed. @since 0.1.0 */
export interface Page {
  readonly data: ReadonlyArray<WebhookEvent>
  /** Pass it as `after` for the next page: the `seq` of the last item, `null` when the page is empty. */
  readonly next: number | null
}

/**
 * @since 0.1.0
 * @category tags
 */
export class EventFeed extends Context.Tag("@spacesync/core/EventFeed")<EventFeed, {
  /** Events addressed to `platformId` with `seq > after` (default 0), `limit` 1..500 (default 100). */
  readonly forPlatform: (
    platformId: Ids.PlatformId,
    options?: { readonly after?: number | undefined; readonly limit?: number | undefined }
  ) => Effect.Effect<Page>
}>() {}

const Row = Schema.Struct({ seq: Schema.NumberFromString, body: Schema.String })

/** The largest page. @since 0.1.0 */
export const maxLimit = 500

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const page = SqlSchema.findAll({
    Request: Schema.Struct({ platformId: Ids.PlatformId, after: Schema.Number, limit: Schema.Number }),
    Result: Row,
    execute: (r) =>
      sql`
        select seq::text as seq, body from spacesync.platform_events
        where platform_id = ${r.platformId} and seq > ${r.after}
        order by platform_events.seq, platform_events.connection_id
        limit ${r.limit}`
  })
  const group = SqlSchema.findAll({
    Request: Schema.Struct({ platformId: Ids.PlatformId, seq: Schema.Number }),
    Result: Row,
    execute: (r) =>
      sql`
        select seq::text as seq, body from spacesync.platform_events
        where platform_id = ${r.platformId} and seq = ${r.seq}
        order by platform_events.connection_id`
  })
  const forPlatform = (
    platformId: Ids.PlatformId,
    options: { readonly after?: number | undefined; readonly limit?: number | undefined } = {}
  ) =>
    Effect.gen(function*() {
      const after = Math.max(0, Math.floor(options.after ?? 0))
      const limit = Math.min(maxLimit, Math.max(1, Math.floor(options.limit ?? 100)))
      let rows = yield* page({ platformId, after, limit: limit + 1 })
      if (rows.length > limit) {
        const cut = rows[limit]!.seq
        const kept = rows.slice(0, limit).filter((row) => row.seq !== cut)
        rows = kept.length > 0 ? kept : yield* group({ platformId, seq: cut })
      }
      return {
        data: rows.map((row) => JSON.parse(row.body) as WebhookEvent),
        next: rows.length === 0 ? null : rows[rows.length - 1]!.seq
      }
    }).pipe(Effect.orDie, Effect.withSpan("EventFeed.forPlatform"))
  return EventFeed.of({ forPlatform })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<EventFeed, never, SqlClient.SqlClient> = Layer.effect(EventFeed, make)
