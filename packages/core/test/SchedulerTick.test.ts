import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, TestClock } from "effect"
import * as Scheduler from "../src/Scheduler.js"

/** A scheduler service that counts the ticks of the loop (no database). */
const counting = () => {
  let ticks = 0
  const layer = Layer.succeed(
    Scheduler.Scheduler,
    Scheduler.Scheduler.of({
      owner: "sch_test",
      requestSync: () => Effect.void,
      syncNow: () => Effect.die("not in this test"),
      runDue: Effect.sync(() => {
        ticks++
        return 0
      }),
      awaitWork: (tick) => Effect.sleep(tick),
      listen: Effect.never
    })
  )
  return { layer, ticks: () => ticks }
}

/** Ticks of the configured loop during `minutes` of the test clock, with `env` as the environment. */
const ticksIn = (minutes: number, env: Record<string, string>) =>
  Effect.gen(function*() {
    const scheduler = counting()
    const loop = Scheduler.layerLoopConfig.pipe(
      Layer.provide(scheduler.layer),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
    )
    yield* Effect.scoped(Effect.gen(function*() {
      yield* Layer.build(loop)
      yield* TestClock.adjust(`${minutes} minutes`)
    }))
    return scheduler.ticks()
  })

describe("Scheduler loop", () => {
  it.effect("polls every SPACESYNC_SCHEDULER_TICK (default 1 second)", () =>
    Effect.gen(function*() {
      // Once at start, then once per tick.
      expect(yield* ticksIn(2, { SPACESYNC_SCHEDULER_TICK: "30 seconds" })).toBe(5)
      expect(yield* ticksIn(2, {})).toBe(121)
    }))
})
