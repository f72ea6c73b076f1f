import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as RateLimits from "../src/RateLimits.js"
import * as TestHub from "./support/TestHub.js"

describe("RateLimits", () => {
  it.live("allows limit hits per key and window, then says how long to wait; keys and windows are apart", () =>
    Effect.gen(function*() {
      const limits = RateLimits.make()
      const hits = (key: string, n: number, limit: number, windowMillis: number) =>
        Effect.forEach(Array.from({ length: n }), () => limits.hit(key, limit, windowMillis))
      expect(yield* hits("a", 3, 3, 60_000)).toEqual([Option.none(), Option.none(), Option.none()])
      const [over] = yield* hits("a", 1, 3, 60_000)
      expect(Option.isSome(over!)).toBe(true)
      expect(Option.getOrThrow(over!)).toBeGreaterThanOrEqual(59)
      expect(Option.getOrThrow(over!)).toBeLessThanOrEqual(60)
      // Another key, and another limit for the same key, count on their own.
      expect(yield* hits("b", 1, 3, 60_000)).toEqual([Option.none()])
      expect(yield* hits("a", 1, 10, 60_000)).toEqual([Option.none()])
      // A short window: at least a second to wait, and free again once the window has passed.
      expect(yield* hits("c", 2, 1, 300)).toEqual([Option.none(), Option.some(1)])
      yield* Effect.sleep("350 millis")
      expect(yield* hits("c", 1, 1, 300)).toEqual([Option.none()])
    }))
})

// A hub of its own (with a low limit): module-level API layers are shared by the hubs of one file.
describe("token endpoint rate limit", () => {
  it.layer(TestHub.layer([], { SPACESYNC_TOKEN_RATE_PER_CLIENT: "3" }), { timeout: 60_000 })((it) => {
    it.effect("answers 429 with Retry-After past the per-client limit", () =>
      Effect.gen(function*() {
        const platform = (yield* TestHub.fetchHub(
          "/admin/platforms",
          {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${TestHub.adminToken}` },
            body: JSON.stringify({ name: "P", authorizationUrl: "https://p.example/a" })
          }
        )).json
        const request = TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(platform))
        const statuses = []
        for (let i = 0; i < 4; i++) statuses.push(yield* request)
        expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 429])
        expect(statuses[3]!.json.error).toBe("temporarily_unavailable")
        expect(Number(statuses[3]!.headers.get("retry-after"))).toBeGreaterThan(0)
      }))
  })
})
