import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import * as Adapter from "@spacesync/adapter-kit/Adapter"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { Effect, Layer, Option, Stream } from "effect"
import * as Accounts from "../src/Accounts.js"
import * as Scheduler from "../src/Scheduler.js"
import * as MemoryUpstream from "../src/testing/MemoryUpstream.js"
import * as TestEngine from "../src/testing/TestEngine.js"

const sleep = (millis: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, millis)))

const waitFor = <A, E, R>(effect: Effect.Effect<A, E, R>, predicate: (a: A) => boolean, timeoutMs = 10_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const value = yield* effect
      if (predicate(value)) return value
      yield* sleep(25)
    }
    return yield* Effect.dieMessage("condition not met in time")
  })

describe("Scheduler leases", () => {
  it.live(
    "a run whose lease another process took over stops before writing, instead of running alongside it",
    () =>
      Effect.gen(function*() {
        // A read that takes 3 s, with a lease of 1 s that the run renews meanwhile.
        const upstream = MemoryUpstream.makeUpstream()
        upstream.locations.set("L0", Fixtures.locationSource("L0") as any)
        const base = MemoryUpstream.adapter(upstream)
        const read = { started: 0, ended: 0 }
        const adapter = Adapter.make({
          ...base,
          snapshots: {
            read: (credentials, request) =>
              Stream.unwrapScoped(Effect.gen(function*() {
                yield* Effect.acquireRelease(
                  Effect.sync(() => read.started++),
                  () => Effect.sync(() => read.ended++)
                )
                yield* sleep(3_000)
                return base.snapshots.read(credentials, request)
              }))
          }
        })
        yield* Effect.gen(function*() {
          const accounts = yield* Accounts.Accounts
          const sql = yield* SqlClient.SqlClient
          const scheduler = yield* Scheduler.Scheduler
          const { accountId } = yield* accounts.create({
            name: "A",
            adapter: "memory",
            credentials: { token: "good-token" },
            pollIntervalSeconds: 3600
          })
          expect(yield* scheduler.runDue).toBe(1)
          yield* waitFor(Effect.sync(() => read.started), (n) => n === 1)
          // Another process holds the lease now (as after this one's lease expired during a stall).
          yield* sql`update spacesync.accounts set lease_owner = 'sch_other', lease_expires_at = now() + interval '1 hour'
            where account_id = ${accountId}`
          yield* waitFor(Effect.sync(() => read.ended), (n) => n === 1)
          // The run was stopped: it recorded nothing, wrote no location, and left the other's lease alone.
          const account = Option.getOrThrow(yield* accounts.get(accountId))
          expect(Option.isNone(account.lastSync)).toBe(true)
          const rows = yield* sql<{ n: number; owner: string }>`select
            (select count(*)::int from spacesync.locations where account_id = ${accountId}) as n,
            (select lease_owner from spacesync.accounts where account_id = ${accountId}) as owner`
          expect(rows[0]).toEqual({ n: 0, owner: "sch_other" })
        }).pipe(
          Effect.provide(
            TestEngine.layer([adapter], { scheduler: { leaseDuration: "1 second" } }).pipe(
              Layer.provide(FetchHttpClient.layer)
            )
          )
        )
      }),
    30_000
  )
})
