import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TestHub from "./support/TestHub.js"

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
