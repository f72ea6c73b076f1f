import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as DeliveryQueue from "../src/DeliveryQueue.js"
import {
  append,
  baseLayer,
  createEndpoint,
  locationEvent,
  newLocation,
  seedConnection,
  seedPlatform
} from "./support/Delivery.js"

/** A platform with a connection covering `n` new locations and one endpoint (never called here). */
const platformWith = (n: number) =>
  Effect.gen(function*() {
    const platformId = yield* seedPlatform()
    const locations = Array.from({ length: n }, () => newLocation())
    yield* seedConnection(platformId, locations.map((l, i) => [l, `listing-${i}`] as const))
    const { endpoint } = yield* createEndpoint(platformId, "http://127.0.0.1:9/hook")
    return { platformId, locations, endpointId: endpoint.id }
  })

const claim = (options: Partial<Parameters<DeliveryQueue.DeliveryQueue["Type"]["claim"]>[0]> & { limit: number }) =>
  Effect.flatMap(DeliveryQueue.DeliveryQueue, (queue) =>
    queue.claim({
      claimId: `clm_${Math.random().toString(36).slice(2)}`,
      perEndpoint: 1_000,
      inFlight: new Map(),
      lease: "1 minute",
      ...options
    }))

/** Every endpoint (and with it every delivery) of earlier tests goes: tests share one database. */
const reset = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`delete from spacesync.webhook_endpoints`).pipe(
  Effect.orDie
)

describe("DeliveryQueue", () => {
  layer(baseLayer(), { excludeTestServices: true })((it) => {
    it.effect("a platform's backlog does not hide another platform's deliveries: claims take turns", () =>
      Effect.gen(function*() {
        yield* reset
        const a = yield* platformWith(300)
        const b = yield* platformWith(2)
        // A's 300 deliveries are older than B's two.
        yield* append(...a.locations.map((l) => locationEvent(l, 1)))
        yield* append(...b.locations.map((l) => locationEvent(l, 1)))

        // Of 4, two each (round robin), though A's 300 come first in due order.
        const first = yield* claim({ limit: 4 })
        expect(first.filter((c) => c.platformId === a.platformId)).toHaveLength(2)
        expect(first.filter((c) => c.platformId === b.platformId)).toHaveLength(2)
        expect(first.every((c) => c.url === "http://127.0.0.1:9/hook")).toBe(true)
        // Oldest first within a platform.
        const sql = yield* SqlClient.SqlClient
        const oldest = yield* sql<{ delivery_id: string }>`
          select delivery_id from spacesync.webhook_deliveries where platform_id = ${a.platformId}
          order by seq limit 2`
        expect(first.filter((c) => c.platformId === a.platformId).map((c) => c.deliveryId).sort()).toEqual(
          oldest.map((r) => r.delivery_id).sort()
        )
      }))

    it.effect("a platform at its share is skipped; one not in flight gets the newcomer's share", () =>
      Effect.gen(function*() {
        yield* reset
        const a = yield* platformWith(20)
        const b = yield* platformWith(20)
        yield* append(...a.locations.map((l) => locationEvent(l, 1)))
        yield* append(...b.locations.map((l) => locationEvent(l, 1)))

        // A is full: only B's, and no more of B's than a newcomer may take.
        const onlyB = yield* claim({ limit: 30, platformFree: new Map([[a.platformId, 0]]), platformDefault: 3 })
        expect(onlyB.map((c) => c.platformId)).toEqual([b.platformId, b.platformId, b.platformId])
        // A may take 5 more; B, now listed, 1.
        const both = yield* claim({
          limit: 30,
          platformFree: new Map([[a.platformId, 5], [b.platformId, 1]]),
          platformDefault: 0
        })
        expect(both.filter((c) => c.platformId === a.platformId)).toHaveLength(5)
        expect(both.filter((c) => c.platformId === b.platformId)).toHaveLength(1)
        // Claimed rows are not claimed again.
        const rest = yield* claim({ limit: 100 })
        expect(rest).toHaveLength(40 - 3 - 6)
        expect(new Set([...onlyB, ...both, ...rest].map((c) => c.deliveryId)).size).toBe(40)
      }))
  })
})
