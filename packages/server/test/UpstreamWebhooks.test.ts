import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import { MemoryUpstream } from "@spacesync/core/testing"
import { Effect } from "effect"
import * as TestHub from "./support/TestHub.js"

const upstream = MemoryUpstream.makeUpstream("tok-a")
upstream.locations.set("L0", Fixtures.locationSource("L0") as any)

const json = (body: unknown, token: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  body: JSON.stringify(body)
})

/** Posts a webhook to the application-level route, signed with `token` as the memory upstream signs. */
const post = (adapterId: string, body: string, token: string) =>
  TestHub.fetchHub(`/upstream/adapters/${adapterId}/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-memory-signature": MemoryUpstream.signWebhook(token, body) },
    body
  })

/** Accounts with a pending sync request, and the locations each asked for. */
const requested = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ account_id: string; requested_locations: Array<string> | null }>`
    select account_id, requested_locations from spacesync.accounts where sync_requested_at is not null`
  return Object.fromEntries(rows.map((r) => [r.account_id, r.requested_locations]))
})

const clearRequests = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql`update spacesync.accounts set sync_requested_at = null, requested_locations = null`
)

describe("application-level upstream webhooks", () => {
  it.layer(TestHub.layer([MemoryUpstream.adapter(upstream)]), { timeout: 60_000 })((it) => {
    it.effect("re-sync every account naming the upstream account for which the signature verifies, and no other", () =>
      Effect.gen(function*() {
        const operator = (yield* TestHub.fetchHub(
          "/admin/operators",
          json({ name: "Op" }, TestHub.adminToken)
        )).json
        const create = (credentials: unknown) =>
          Effect.map(
            TestHub.fetchHub(
              "/operator/accounts",
              json({ name: "A", adapter: "memory", credentials }, operator.apiKey)
            ),
            (res) => res.json.accountId as string
          )
        const a = yield* create({ token: "tok-a", account: "acme" })
        const b = yield* create({ token: "tok-b", account: "acme" })
        const other = yield* create({ token: "tok-a", account: "other" })
        yield* clearRequests

        // Signed with A's secret: only A (B names the same upstream account but another secret; `other`
        // has A's secret but another upstream account).
        const body = JSON.stringify({ account: "acme", locations: ["L0"] })
        const ok = yield* post("memory", body, "tok-a")
        expect([ok.status, ok.json]).toEqual([202, { accepted: true }])
        expect(yield* requested).toEqual({ [a]: ["L0"] })
        void other
        yield* clearRequests

        // Wrong signature, tampered body, an unknown upstream account: 401 with the same answer, nothing queued.
        const answers = [
          yield* post("memory", body, "tok-wrong"),
          yield* TestHub.fetchHub("/upstream/adapters/memory/webhooks", {
            method: "POST",
            headers: { "x-memory-signature": MemoryUpstream.signWebhook("tok-a", body) },
            body: body.replace("L0", "L9")
          }),
          yield* post("memory", JSON.stringify({ account: "nobody", locations: ["L0"] }), "tok-a"),
          yield* post("memory", JSON.stringify({ locations: ["L0"] }), "tok-a")
        ]
        expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401])
        expect(new Set(answers.map((r) => r.json.detail)).size).toBe(1)
        expect(yield* requested).toEqual({})

        // A verified webhook saying the upstream account is gone pauses the account with the reason.
        const gone = yield* post("memory", JSON.stringify({ account: "acme", pause: "acme was closed" }), "tok-b")
        expect(gone.status).toBe(202)
        const account = (yield* TestHub.fetchHub(`/operator/accounts/${b}`, {
          headers: { authorization: `Bearer ${operator.apiKey}` }
        })).json
        expect(account).toMatchObject({ status: "paused", pausedReason: "acme was closed" })

        // An adapter that does not exist: 404.
        expect((yield* post("nope", body, "tok-a")).status).toBe(404)
        // Over 1 MB: 413.
        const big = yield* TestHub.fetchHub("/upstream/adapters/memory/webhooks", {
          method: "POST",
          body: "x".repeat(1024 * 1024 + 10)
        })
        expect(big.status).toBe(413)
      }))
  })
})
