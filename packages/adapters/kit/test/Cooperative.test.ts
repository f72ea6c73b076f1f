import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as Cooperative from "../src/Cooperative.js"

// Other work of the process: one mark per turn of the event loop, for as many turns as asked.
const markEveryTurn = (log: Array<string>, turns: number) => {
  let left = turns
  const mark = () => {
    log.push("x")
    if (--left > 0) setImmediate(mark)
  }
  setImmediate(mark)
}

// A slicing loop: `slices` slices, each noted in the log, a turn awaited between them.
const loop = (name: string, slices: number, log: Array<string>) =>
  Effect.gen(function*() {
    for (let i = 0; i < slices; i++) {
      yield* Cooperative.yieldTurn
      log.push(name)
    }
  })

describe("Cooperative", () => {
  it.live("several slicing loops take one turn of the event loop each, in turn, with other work between them", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      markEveryTurn(log, 40)
      yield* Effect.all([loop("a", 5, log), loop("b", 5, log), loop("c", 5, log)], { concurrency: "unbounded" })
      const slices = log.filter((entry) => entry !== "x")
      expect(slices).toHaveLength(15)
      // Round robin: a, b, c, a, b, c...
      expect(slices.join("")).toBe("abcabcabcabcabc")
      // Never two slices in the same turn: a turn's mark comes between any two of them. (Each loop resuming
      // on its own `setImmediate` ran all three in one turn: "abcxabcx...".)
      const text = log.join("")
      const first = text.search(/[abc]/)
      const last = text.length - 1 - [...text].reverse().join("").search(/[abc]/)
      expect(text.slice(first, last + 1)).not.toMatch(/[abc][abc]/)
    }))

  it.live("while prioritized work is busy, each slice is followed by a pause of turns left to other work", () =>
    Effect.gen(function*() {
      // The marks between consecutive slices of one loop: one per turn.
      const marksBetween = (log: ReadonlyArray<string>) => log.join("").split("a").slice(1, -1).map((gap) => gap.length)
      let busy = true
      const during: Array<string> = []
      markEveryTurn(during, 100_000)
      yield* Effect.scoped(Effect.gen(function*() {
        yield* Cooperative.prioritize(() => busy)
        yield* loop("a", 4, during)
      }))
      // A pause of `pauseMillis` is many turns of a loop that only marks (each a few microseconds).
      expect(Math.min(...marksBetween(during))).toBeGreaterThan(1)

      const idle: Array<string> = []
      markEveryTurn(idle, 40)
      busy = false
      yield* Effect.scoped(Effect.gen(function*() {
        yield* Cooperative.prioritize(() => busy)
        yield* loop("a", 4, idle)
      }))
      // Not busy: one turn between slices, as without it.
      expect(marksBetween(idle)).toEqual([1, 1, 1])
      // And a closed scope no longer counts: busy again, but no longer registered.
      busy = true
      const after: Array<string> = []
      markEveryTurn(after, 40)
      yield* loop("a", 4, after)
      expect(marksBetween(after)).toEqual([1, 1, 1])
    }))

  it.live("a loop interrupted while it waits for its turn gives it up: the others still get theirs", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const waiting = yield* Effect.fork(loop("a", 3, log))
      yield* Fiber.interrupt(waiting)
      yield* loop("b", 3, log)
      expect(log).toEqual(["b", "b", "b"])
    }))

  it.live("makeSlices: a slice is due once it has run for its length, and a turn starts the next", () =>
    Effect.gen(function*() {
      expect(Cooperative.makeSlices(0).due()).toBe(true)
      // Lengths far beyond any pause of a loaded machine, so that only the slice's own work counts.
      const slices = Cooperative.makeSlices(300)
      expect(slices.due()).toBe(false)
      const until = performance.now() + 310
      while (performance.now() < until) {
        // a slice of work
      }
      expect(slices.due()).toBe(true)
      yield* slices.next
      expect(slices.due()).toBe(false)
    }))
})
