import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import * as Adapter from "@spacesync/adapter-kit/Adapter"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { Effect, Layer, Schema, Stream } from "effect"
import * as Accounts from "../src/Accounts.js"
import * as SyncEngine from "../src/SyncEngine.js"
import * as TestEngine from "../src/testing/TestEngine.js"

/** How many turns the event loop has taken (a `setImmediate` that schedules itself again) while `ticking`. */
let turns = 0
let ticking = false
const tick = () => {
  if (!ticking) return
  turns++
  setImmediate(tick)
}

/** When each location's source was first read by the engine: the event loop turn it was read in. */
const readAtTurn = new Map<string, number>()

/** A source that notes the turn in which the engine first looks at its location. */
const observed = (externalId: string): Adapter.SnapshotSource => {
  const source = Fixtures.locationSource(externalId) as unknown as Record<string, unknown>
  const location = source.location
  return Object.defineProperty({ ...source }, "location", {
    enumerable: true,
    get: () => {
      if (!readAtTurn.has(externalId)) readAtTurn.set(externalId, turns)
      return location
    }
  }) as unknown as Adapter.SnapshotSource
}

const count = 100
const bulkAdapter = Adapter.make({
  id: "bulk",
  name: "Everything in one chunk",
  credentials: Schema.Struct({}),
  check: () => Effect.void,
  snapshots: {
    read: () =>
      Stream.suspend(() =>
        Stream.fromIterable(
          Array.from({ length: count }, (_, i) => Adapter.ReadItem.Snapshot({ source: observed(`Y${i}`) }))
        )
      )
  }
})

const layer = TestEngine.layer([bulkAdapter]).pipe(Layer.provide(FetchHttpClient.layer))

describe("SyncEngine and the event loop", () => {
  it.layer(layer, { timeout: 60_000 })((it) => {
    it.effect("locations arriving together are prepared in slices, letting the event loop run between them", () =>
      Effect.gen(function*() {
        const accounts = yield* Accounts.Accounts
        const account = yield* accounts.create({ name: "Yield", adapter: "bulk", credentials: {} })
        readAtTurn.clear()
        turns = 0
        ticking = true
        setImmediate(tick)
        const report = yield* Effect.flatMap(SyncEngine.SyncEngine, (engine) => engine.sync(account.accountId)).pipe(
          Effect.ensuring(Effect.sync(() => (ticking = false)))
        )
        expect(report.counts.created).toBe(count)
        // All 100 arrive in one chunk (one group): without slicing, they would all be read in one turn.
        const distinctTurns = new Set(readAtTurn.values())
        expect(readAtTurn.size).toBe(count)
        expect(distinctTurns.size).toBeGreaterThanOrEqual(3)
      }))
  })
})
