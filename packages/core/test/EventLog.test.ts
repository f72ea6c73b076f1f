import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Effect, Layer, Ref } from "effect"
import * as EventLog from "../src/EventLog.js"
import * as TestDatabase from "../src/testing/TestDatabase.js"

/** A fan-out that records what it was called with, and can fail to prove it shares the transaction. */
class Recorded extends Effect.Service<Recorded>()("test/Recorded", {
  effect: Ref.make<ReadonlyArray<EventLog.StoredEvent>>([]).pipe(Effect.map((seen) => ({ seen })))
}) {}

const FanoutRecorded = Layer.effect(
  EventLog.Fanout,
  Effect.gen(function*() {
    const { seen } = yield* Recorded
    const sql = yield* SqlClient.SqlClient
    return EventLog.Fanout.of({
      fanOut: (events) =>
        Effect.gen(function*() {
          yield* Ref.update(seen, (all) => [...all, ...events])
          // A write in the fan-out: it must commit or roll back with the events.
          yield* sql`create table if not exists spacesync.fanout_probe (event_id text)`
          yield* sql`insert into spacesync.fanout_probe ${sql.insert(events.map((e) => ({ event_id: e.eventId })))}`
        }).pipe(Effect.orDie)
    })
  })
)

const layer = EventLog.layer.pipe(
  Layer.provideMerge(FanoutRecorded),
  Layer.provideMerge(Recorded.Default),
  Layer.provideMerge(TestDatabase.layer())
)

/** Wall-clock sleep: writers hold their transactions open for real, whatever clock the test runs on. */
const realSleep = (millis: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, millis)))

const priceEvent = (locationId: Ids.LocationId, version: number): EventLog.NewEvent => ({
  type: "pricing.updated",
  accountId: "acc_x" as Ids.AccountId,
  locationId,
  version,
  changes: { created: [], updated: ["prc_1"], deleted: [] }
})

describe("EventLog", () => {
  it.layer(layer)((it) => {
    it.effect("appends events in order with increasing seq and fans them out", () =>
      Effect.gen(function*() {
        const log = yield* EventLog.EventLog
        const location = Ids.entityId("acc_x" as Ids.AccountId, "location", "L1")
        const stored = yield* log.append([
          { ...priceEvent(location, 3), type: "location.updated" },
          priceEvent(location, 3)
        ])
        expect(stored.map((e) => e.type)).toEqual(["location.updated", "pricing.updated"])
        expect(stored[1]!.seq).toBeGreaterThan(stored[0]!.seq)
        expect(stored[0]!.eventId).toMatch(/^evt_/)
        expect(stored[1]!).toMatchObject({ version: 3, fullResync: false, connectionId: null })
        const { seen } = yield* Recorded
        expect((yield* Ref.get(seen)).map((e) => e.eventId)).toEqual(stored.map((e) => e.eventId))
        expect((yield* log.forLocation(location)).map((e) => e.eventId)).toEqual(stored.map((e) => e.eventId))
        expect((yield* log.after(stored[0]!.seq, 10)).map((e) => e.eventId)).toEqual([stored[1]!.eventId])
      }))

    it.effect("writes nothing, fan-out included, when the surrounding transaction fails", () =>
      Effect.gen(function*() {
        const log = yield* EventLog.EventLog
        const sql = yield* SqlClient.SqlClient
        const location = Ids.entityId("acc_x" as Ids.AccountId, "location", "L-rollback")
        yield* log.append([priceEvent(location, 1)]).pipe(
          Effect.zipRight(Effect.fail("boom")),
          sql.withTransaction,
          Effect.ignore
        )
        expect(yield* log.forLocation(location)).toEqual([])
        const [{ count }] = yield* sql<{ count: number }>`
          select count(*)::int as count from spacesync.fanout_probe p
          join spacesync.events e on e.event_id = p.event_id where e.location_id = ${location}`
        expect(count).toBe(0)
      }))
  })

  it.layer(Layer.fresh(layer))((it) => {
    it.effect(
      "a reader following the cursor never skips an event of transactions that commit out of order",
      () =>
        Effect.gen(function*() {
          const log = yield* EventLog.EventLog
          const sql = yield* SqlClient.SqlClient
          const location = Ids.entityId("acc_x" as Ids.AccountId, "location", "L-order")
          const writers = Effect.forEach(
            Array.from({ length: 30 }, (_, i) => i),
            (i) =>
              log.append([priceEvent(location, i + 1)]).pipe(
                // Hold the transaction open for a random time after the insert, so commits interleave.
                Effect.zipLeft(realSleep(Math.floor(Math.random() * 25))),
                sql.withTransaction
              ),
            { concurrency: 8 }
          )
          const seen: Array<number> = []
          const reader = Effect.gen(function*() {
            let cursor = 0
            const deadline = Date.now() + 15_000
            while (seen.length < 30 && Date.now() < deadline) {
              const batch = yield* log.after(cursor, 100)
              for (const event of batch) seen.push(event.seq)
              if (batch.length > 0) cursor = batch[batch.length - 1]!.seq
              yield* realSleep(2)
            }
          })
          yield* Effect.all([writers, reader], { concurrency: 2 })
          const all = (yield* log.forLocation(location)).map((e) => e.seq)
          expect(seen).toEqual(all)
          expect(all.length).toBe(30)
        }),
      30_000
    )
  })
})
