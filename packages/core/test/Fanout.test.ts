import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import type * as Ids from "@spacesync/adapter-kit/Ids"
import { Effect } from "effect"
import * as Connections from "../src/Connections.js"
import * as EventFeed from "../src/EventFeed.js"
import * as WebhookEndpoints from "../src/WebhookEndpoints.js"
import {
  append,
  baseLayer,
  createEndpoint,
  deliveryStates,
  feedEnd,
  locationEvent,
  newLocation,
  publicUrl,
  seedConnection,
  seedLocation,
  seedOwner,
  seedPlatform
} from "./support/Delivery.js"

const feedOf = (platformId: Ids.PlatformId, after = 0, limit = 100) =>
  Effect.flatMap(EventFeed.EventFeed, (feed) => feed.forPlatform(platformId, { after, limit }))

/** The stored bodies of the platform's feed after `after`. */
const storedBodies = (platformId: Ids.PlatformId, after: number) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql`select body from spacesync.platform_events where platform_id = ${platformId} and seq > ${after}
        order by seq, connection_id`
  ).pipe(Effect.map((rows) => rows.map((r) => r.body as string)), Effect.orDie)

describe("Fanout", () => {
  layer(baseLayer(), { excludeTestServices: true })((it) => {
    it.effect("addresses each event to the platforms with an active connection to its location, once per connection", () =>
      Effect.gen(function*() {
        const loc1 = newLocation()
        const loc2 = newLocation()
        const a = yield* seedPlatform("A")
        const b = yield* seedPlatform("B")
        const c = yield* seedPlatform("C")
        const d = yield* seedPlatform("D")
        const conA = yield* seedConnection(a, [[loc1, "a-1"], [loc2, "a-2"]])
        const conB = yield* seedConnection(b, [[loc1, "b-1"]])
        const conC = yield* seedConnection(c, [[loc1, "c-1"]], "pending")
        yield* seedConnection(d, [[loc1, "d-1"]], "revoked")
        // Activating A's and B's connections put their own events in those feeds: look past them.
        const sinceA = yield* feedEnd(a)
        const sinceB = yield* feedEnd(b)
        const all = yield* createEndpoint(a, "https://a.example/all")
        const pricingOnly = yield* createEndpoint(a, "https://a.example/pricing", { eventTypes: ["pricing.updated"] })
        const disabled = yield* createEndpoint(a, "https://a.example/off")
        yield* Effect.flatMap(
          WebhookEndpoints.WebhookEndpoints,
          (store) => store.update(a, disabled.endpoint.id, { enabled: false })
        )

        const [pricing, located, activated] = yield* append(
          locationEvent(loc1, 3),
          locationEvent(loc2, 1, "location.updated"),
          { type: "connection.activated", connectionId: conC, changes: { created: [], updated: [], deleted: [] } }
        )

        const feedA = yield* feedOf(a, sinceA)
        expect(feedA.data.map((e) => [e.type, e.data.listingId, e.data.connectionId])).toEqual([
          ["pricing.updated", "a-1", conA],
          ["location.updated", "a-2", conA]
        ])
        expect(feedA.next).toBe(located!.seq)
        expect(feedA.data[0]!.data.apiUrl).toBe(`${publicUrl}/v1/connections/${conA}/locations/${loc1}/prices`)
        expect(feedA.data[1]!.data.apiUrl).toBe(`${publicUrl}/v1/connections/${conA}/locations/${loc2}`)
        const feedB = yield* feedOf(b, sinceB)
        expect(feedB.data.map((e) => [e.data.eventId, e.data.listingId, e.data.connectionId])).toEqual([
          [pricing!.eventId, "b-1", conB]
        ])
        // A pending connection gets its own connection events, never location events; a revoked one nothing.
        const feedC = yield* feedOf(c)
        expect(feedC.data).toEqual([{
          type: "connection.activated",
          timestamp: new Date(activated!.createdAt.epochMillis).toISOString(),
          data: {
            eventId: activated!.eventId,
            connectionId: conC,
            locationId: null,
            listingId: null,
            version: null,
            apiUrl: `${publicUrl}/v1/connections/${conC}`,
            changes: { created: [], updated: [], deleted: [] },
            fullResync: false
          }
        }])
        expect((yield* feedOf(d)).data).toEqual([])

        expect((yield* deliveryStates(all.endpoint.id)).queued.map((q) => q.event_id)).toEqual([
          pricing!.eventId,
          located!.eventId
        ])
        expect((yield* deliveryStates(pricingOnly.endpoint.id)).queued.map((q) => q.event_id)).toEqual([
          pricing!.eventId
        ])
        expect((yield* deliveryStates(disabled.endpoint.id)).queued).toEqual([])
      }))

    it.effect("stores the body as text with the documented keys in order, exactly what the feed returns", () =>
      Effect.gen(function*() {
        const loc = newLocation()
        const platform = yield* seedPlatform()
        const con = yield* seedConnection(platform, [[loc, "p-77"]])
        const since = yield* feedEnd(platform)
        const [event] = yield* append({
          ...locationEvent(loc, 12),
          changes: { created: ["prc_a"], updated: ["prc_b"], deleted: [] }
        })
        const [body] = yield* storedBodies(platform, since)
        expect(body).toBe(
          `{"type":"pricing.updated","timestamp":"${
            new Date(event!.createdAt.epochMillis).toISOString()
          }","data":{"eventId":"${event!.eventId}","connectionId":"${con}","locationId":"${loc}","listingId":"p-77",` +
            `"version":12,"apiUrl":"${publicUrl}/v1/connections/${con}/locations/${loc}/prices",` +
            `"changes":{"created":["prc_a"],"updated":["prc_b"],"deleted":[]},"fullResync":false}}`
        )
        expect(body).toMatch(/"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/)
        expect(JSON.stringify((yield* feedOf(platform, since)).data[0])).toBe(body)
      }))

    it.effect("names mapped resources in resources.updated changes of that connection only", () =>
      Effect.gen(function*() {
        const { locationId: loc, resourceIds: [mapped, unmapped] } = yield* seedLocation(yield* seedOwner, {
          resources: 2
        })
        const platform = yield* seedPlatform()
        const con = yield* seedConnection(platform, [[loc, "l-1"]])
        yield* Effect.flatMap(
          Connections.Connections,
          (connections) => connections.setResourceMap(platform, con, loc, { [mapped!]: "room-3" })
        )
        const since = yield* feedEnd(platform)
        yield* append({
          ...locationEvent(loc, 2, "resources.updated"),
          changes: { created: [], updated: [mapped!, unmapped!], deleted: [] }
        })
        const [event] = (yield* feedOf(platform, since)).data
        expect(event!.data.apiUrl).toMatch(/\/resources$/)
        expect(event!.data.changes).toEqual({
          created: [],
          updated: [mapped, unmapped],
          deleted: [],
          listingResourceIds: { [mapped!]: "room-3" }
        })
      }))

    it.effect("a newer event of the same type and location supersedes a queued one, recorded as superseded", () =>
      Effect.gen(function*() {
        const loc = newLocation()
        const platform = yield* seedPlatform()
        yield* seedConnection(platform, [[loc, "l-1"]])
        const since = yield* feedEnd(platform)
        const { endpoint } = yield* createEndpoint(platform, "https://p.example/hook")
        const [first] = yield* append(locationEvent(loc, 1))
        const [other] = yield* append(locationEvent(loc, 1, "resources.updated"))
        // Two in one append: only the newest stays queued.
        const [second, third] = yield* append(locationEvent(loc, 2), locationEvent(loc, 3))
        const states = yield* deliveryStates(endpoint.id)
        expect(states.queued.map((q) => q.event_id)).toEqual([other!.eventId, third!.eventId])
        expect(states.log.map((l) => [l.event_id, l.status, l.superseded_by])).toEqual([
          [first!.eventId, "superseded", third!.eventId],
          [second!.eventId, "superseded", third!.eventId]
        ])
        // Every event is still in the feed: superseding is about deliveries only.
        expect((yield* feedOf(platform, since)).data.map((e) => e.data.eventId)).toEqual([
          first!.eventId,
          other!.eventId,
          second!.eventId,
          third!.eventId
        ])
      }))

    it.effect("writes nothing when the change's transaction rolls back", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const loc = newLocation()
        const platform = yield* seedPlatform()
        yield* seedConnection(platform, [[loc, "l-1"]])
        const since = yield* feedEnd(platform)
        const { endpoint } = yield* createEndpoint(platform, "https://p.example/hook")
        yield* append(locationEvent(loc, 1)).pipe(
          Effect.zipRight(Effect.fail("boom")),
          sql.withTransaction,
          Effect.ignore
        )
        expect((yield* feedOf(platform, since)).data).toEqual([])
        expect(yield* deliveryStates(endpoint.id)).toEqual({ queued: [], log: [] })
      }))

    it.effect("pages the feed by seq without splitting the items of one event", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const loc = newLocation()
        const platform = yield* seedPlatform()
        // Two connections of one platform to the same location: one event, two items with the same seq.
        // `Connections` refuses a second one (creates for one platform are serialized), so the second
        // connection gets the location behind its back.
        const con1 = yield* seedConnection(platform, [[loc, "x-1"]])
        const con2 = yield* seedConnection(platform, [[newLocation(), "x-other"]])
        yield* sql`insert into spacesync.connection_locations (connection_id, location_id, listing_id)
          values (${con2}, ${loc}, 'x-2')`.pipe(Effect.orDie)
        const since = yield* feedEnd(platform)
        const [e1] = yield* append(locationEvent(loc, 1, "location.updated"))
        const [e2] = yield* append(locationEvent(loc, 2, "location.updated"))
        const page1 = yield* feedOf(platform, since, 1)
        expect(page1.data.map((e) => e.data.connectionId).sort()).toEqual([con1, con2].sort())
        expect(page1.next).toBe(e1!.seq)
        const page2 = yield* feedOf(platform, page1.next!, 3)
        expect(page2.data.map((e) => e.data.eventId)).toEqual([e2!.eventId, e2!.eventId])
        const page3 = yield* feedOf(platform, page2.next!, 3)
        expect(page3).toEqual({ data: [], next: null })
      }))
  })
})
