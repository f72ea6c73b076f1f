import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as WebhookReplay from "../src/WebhookReplay.js"

describe("WebhookReplay", () => {
  it.effect("a key is accepted once within the window, again after it, and the oldest go past capacity", () =>
    Effect.gen(function*() {
      const guard = yield* WebhookReplay.make({ windowSeconds: 600, capacity: 2 })
      expect(guard.firstSeen("a", 0)).toBe(true)
      expect(guard.firstSeen("a", 1_000)).toBe(false)
      expect(guard.firstSeen("a", 599_000)).toBe(false)
      expect(guard.firstSeen("a", 600_001)).toBe(true)
      expect(guard.firstSeen("b", 600_002)).toBe(true)
      expect(guard.firstSeen("c", 600_003)).toBe(true)
      // Capacity 2: "a" (the oldest) was dropped.
      expect(guard.firstSeen("c", 600_004)).toBe(false)
      expect(guard.firstSeen("a", 600_005)).toBe(true)
    }))
})
