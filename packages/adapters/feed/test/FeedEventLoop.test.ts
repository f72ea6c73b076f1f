import { describe, expect, it } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import { Effect } from "effect"
import { FeedDocument } from "../src/index.js"

describe("FeedDocument and the event loop", () => {
  it.effect("a large document is checked in slices, letting the event loop run between them", () =>
    Effect.gen(function*() {
      const count = 300
      const locations = Array.from({ length: count }, (_, i) => Fixtures.locationSource(`E${i}`))
      // How many turns the event loop takes while the entries are checked, and in which turn each is.
      let turns = 0
      let ticking = true
      const tick = () => {
        if (!ticking) return
        turns++
        setImmediate(tick)
      }
      const checkedAtTurn: Array<number> = []
      const checked = { has: () => (checkedAtTurn.push(turns), false), add: () => {} }
      setImmediate(tick)
      const results = yield* FeedDocument.entriesWith(checked)({ locations }).pipe(
        Effect.ensuring(Effect.sync(() => (ticking = false)))
      )
      expect(results).toHaveLength(count)
      expect(results.every((result) => result._tag === "Snapshot")).toBe(true)
      expect(checkedAtTurn).toHaveLength(count)
      // Without slicing, every entry would be checked in one turn.
      expect(new Set(checkedAtTurn).size).toBeGreaterThanOrEqual(3)
    }))

  it.effect("a large feed's bytes are laid out and read in slices of a few milliseconds", () =>
    Effect.gen(function*() {
      const count = 2_000
      const text = JSON.stringify({
        locations: Array.from({ length: count }, (_, i) => Fixtures.locationSource(`T${i}`))
      })
      let turns = 0
      let ticking = true
      const tick = () => {
        if (!ticking) return
        turns++
        setImmediate(tick)
      }
      setImmediate(tick)
      const started = performance.now()
      const results = yield* FeedDocument.entriesOfText()({ bytes: Buffer.from(text), what: "feed" }).pipe(
        Effect.ensuring(Effect.sync(() => (ticking = false)))
      )
      const millis = performance.now() - started
      expect(results).toHaveLength(count)
      // Every entry text is new, so each is parsed for its externalId: tens of milliseconds of work, which
      // the event loop interrupts every few milliseconds (in one piece, it would turn once at most). The
      // bound leaves room for what is not sliced (the layout scan, garbage collection) on a loaded machine.
      expect(turns).toBeGreaterThanOrEqual(Math.min(3, Math.floor(millis / 20)))
    }))
})
