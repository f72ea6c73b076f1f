import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import * as Adapter from "@spacesync/adapter-kit/Adapter"
import type * as Ids from "@spacesync/adapter-kit/Ids"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { type Duration, Effect, Layer, Option, Stream } from "effect"
import * as Accounts from "../src/Accounts.js"
import * as Scheduler from "../src/Scheduler.js"
import * as SyncEngine from "../src/SyncEngine.js"
import * as MemoryUpstream from "../src/testing/MemoryUpstream.js"
import * as TestDatabase from "../src/testing/TestDatabase.js"
import * as TestEngine from "../src/testing/TestEngine.js"

const sleep = (millis: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, millis)))

/** A memory upstream whose snapshot reads take `delay` ms and that counts overlapping reads. */
const slowUpstream = (delay: number) => {
  const upstream = MemoryUpstream.makeUpstream()
  upstream.locations.set("L0", Fixtures.locationSource("L0") as any)
  const base = MemoryUpstream.adapter(upstream)
  const stats = { active: 0, maxActive: 0, runs: 0 }
  const adapter = Adapter.make({
    ...base,
    snapshots: {
      read: (credentials, request) =>
        Stream.unwrapScoped(Effect.gen(function*() {
          if (request._tag === "All") stats.runs++
          yield* Effect.acquireRelease(
            Effect.sync(() => {
              stats.active++
              stats.maxActive = Math.max(stats.maxActive, stats.active)
            }),
            () => Effect.sync(() => stats.active--)
          )
          yield* sleep(delay)
          return base.snapshots.read(credentials, request)
        }))
    }
  })
  return { upstream, adapter, stats }
}

const createAccount = (pollIntervalSeconds = 3600) =>
  Effect.flatMap(
    Accounts.Accounts,
    (accounts) =>
      accounts.create({ name: "A", adapter: "memory", credentials: { token: "good-token" }, pollIntervalSeconds })
  ).pipe(
    Effect.map((a) => a.accountId)
  )

const accountRow = (accountId: Ids.AccountId) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{
      next_sync_at: Date
      lease_owner: string | null
      sync_requested_at: Date | null
      requested_locations: Array<string> | null
    }>`select next_sync_at, lease_owner, sync_requested_at, requested_locations from spacesync.accounts
        where account_id = ${accountId}`.pipe(Effect.map((rows) => rows[0]!)))

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

const runs = (accountId: Ids.AccountId) =>
  Effect.flatMap(
    Accounts.Accounts,
    (accounts) => Effect.map(accounts.get(accountId), (a) => Option.flatMap(a, (x) => x.lastSync))
  )

/** Two hubs, each with its own engine, scheduler and pool, on one database: as two processes would have. */
const twoHubs = (adapter: Adapter.Adapter, leaseDuration: Duration.DurationInput) =>
  Effect.gen(function*() {
    const database = Layer.succeedContext(yield* Layer.build(TestDatabase.layer()))
    const hub = Layer.build(
      TestEngine.layer([adapter], { database, scheduler: { leaseDuration } }).pipe(Layer.provide(FetchHttpClient.layer))
    )
    const a = yield* hub
    const b = yield* hub
    const runDue = (ctx: typeof a) => Effect.provide(Effect.flatMap(Scheduler.Scheduler, (s) => s.runDue), ctx)
    return { a, b, runDue }
  })

describe("Scheduler", () => {
  it.live("polls a due account, then schedules the next run at its interval with jitter", () =>
    Effect.gen(function*() {
      const { adapter, stats } = slowUpstream(0)
      yield* Effect.gen(function*() {
        const accountId = yield* createAccount(100)
        const scheduler = yield* Scheduler.Scheduler
        expect(yield* scheduler.runDue).toBe(1)
        yield* waitFor(runs(accountId), Option.isSome)
        const row = yield* waitFor(accountRow(accountId), (r) => r.lease_owner === null)
        const delay = (row.next_sync_at.getTime() - Date.now()) / 1000
        expect(delay).toBeGreaterThan(85)
        expect(delay).toBeLessThan(111)
        expect(yield* scheduler.runDue).toBe(0)
        expect(stats.runs).toBe(1)
      }).pipe(Effect.provide(TestEngine.layer([adapter]).pipe(Layer.provide(FetchHttpClient.layer))))
    }), 30_000)

  it.live("coalesces sync requests, accumulating the named locations", () =>
    Effect.gen(function*() {
      const { adapter, upstream } = slowUpstream(0)
      upstream.locations.set("L1", Fixtures.locationSource("L1") as any)
      yield* Effect.gen(function*() {
        const accountId = yield* createAccount()
        const scheduler = yield* Scheduler.Scheduler
        yield* scheduler.syncNow(accountId)
        const reads = upstream.reads
        yield* scheduler.requestSync(accountId, ["L1"])
        yield* scheduler.requestSync(accountId, ["L0"])
        yield* scheduler.requestSync(accountId, ["L1"])
        const pending = yield* accountRow(accountId)
        expect([...pending.requested_locations!].sort()).toEqual(["L0", "L1"])
        expect(yield* scheduler.runDue).toBe(1)
        yield* waitFor(accountRow(accountId), (r) => r.lease_owner === null)
        expect(upstream.reads - reads).toBe(2)
        expect(yield* scheduler.runDue).toBe(0)
        // "all" wins over named locations.
        yield* scheduler.requestSync(accountId, ["L1"])
        yield* scheduler.requestSync(accountId, "all")
        yield* scheduler.requestSync(accountId, ["L0"])
        expect((yield* accountRow(accountId)).requested_locations).toBeNull()
        expect((yield* Effect.flip(scheduler.requestSync("acc_missing" as Ids.AccountId)))._tag).toBe("AccountNotFound")
      }).pipe(Effect.provide(TestEngine.layer([adapter]).pipe(Layer.provide(FetchHttpClient.layer))))
    }), 30_000)

  it.live("a request that arrives during a run triggers exactly one more run", () =>
    Effect.gen(function*() {
      const { adapter, stats } = slowUpstream(300)
      yield* Effect.gen(function*() {
        const accountId = yield* createAccount()
        const scheduler = yield* Scheduler.Scheduler
        expect(yield* scheduler.runDue).toBe(1)
        yield* sleep(100)
        yield* scheduler.requestSync(accountId)
        yield* scheduler.requestSync(accountId)
        expect(yield* scheduler.runDue).toBe(0) // still leased by the running sync
        yield* waitFor(accountRow(accountId), (r) => r.lease_owner === null)
        expect(yield* scheduler.runDue).toBe(1)
        yield* waitFor(accountRow(accountId), (r) => r.lease_owner === null)
        expect(yield* scheduler.runDue).toBe(0)
        expect(stats.runs).toBe(2)
      }).pipe(Effect.provide(TestEngine.layer([adapter]).pipe(Layer.provide(FetchHttpClient.layer))))
    }), 30_000)

  it.scopedLive(
    "two hub processes on one database never sync the same account at once; a dead holder's lease is taken over",
    () =>
      Effect.gen(function*() {
        const { adapter, stats } = slowUpstream(300)
        const { a, b, runDue } = yield* twoHubs(adapter, "2 seconds")
        const accountId = yield* createAccount().pipe(Effect.provide(a))
        const [na, nb] = yield* Effect.all([runDue(a), runDue(b)], { concurrency: 2 })
        expect(na + nb).toBe(1)
        expect(yield* runDue(b)).toBe(0)
        yield* waitFor(Effect.provide(accountRow(accountId), a), (r) => r.lease_owner === null)
        expect(stats).toMatchObject({ runs: 1, maxActive: 1 })
        // A holder whose lease is still valid keeps the account; once it expires (the holder died), it is taken over.
        const sql = (q: (sql: SqlClient.SqlClient) => Effect.Effect<unknown, unknown>) =>
          Effect.provide(Effect.flatMap(SqlClient.SqlClient, (s) => Effect.orDie(q(s))), a)
        yield* sql((s) =>
          s`update spacesync.accounts set lease_owner = 'sch_dead', lease_expires_at = now() + interval '1 hour',
          next_sync_at = now() where account_id = ${accountId}`
        )
        expect((yield* runDue(a)) + (yield* runDue(b))).toBe(0)
        yield* sql((s) =>
          s`update spacesync.accounts set lease_expires_at = now() - interval '1 second' where account_id = ${accountId}`
        )
        expect(yield* runDue(b)).toBe(1)
        yield* waitFor(Effect.provide(accountRow(accountId), a), (r) => r.lease_owner === null)
        expect(stats).toMatchObject({ runs: 2, maxActive: 1 })
      }),
    30_000
  )

  it.scopedLive(
    "the loop starts a sync as soon as any process requests it, not at its next tick, and again when a run ends",
    () =>
      Effect.gen(function*() {
        const { adapter, stats } = slowUpstream(300)
        const { a, b } = yield* twoHubs(adapter, "30 seconds")
        const accountId = yield* createAccount().pipe(Effect.provide(a))
        // Hub a runs the loop, ticking once an hour: its first pass syncs the new account.
        yield* Layer.build(Scheduler.layerLoop({ tick: "1 hour" })).pipe(Effect.provide(a))
        yield* waitFor(Effect.sync(() => stats.runs), (n) => n === 1)
        yield* waitFor(Effect.provide(accountRow(accountId), a), (r) => r.lease_owner === null)
        // Hub b (another process: the intake) requests a sync; a hears it and runs it.
        const requestFromB = Effect.flatMap(Accounts.Accounts, (accounts) => accounts.requestSync(accountId, "all"))
          .pipe(Effect.provide(b))
        yield* requestFromB
        yield* waitFor(Effect.sync(() => stats.runs), (n) => n === 2)
        // A request during that run is claimed when the run ends.
        yield* sleep(100)
        yield* requestFromB
        yield* waitFor(Effect.sync(() => stats.runs), (n) => n === 3)
        yield* waitFor(Effect.provide(accountRow(accountId), a), (r) => r.lease_owner === null)
        expect(stats.maxActive).toBe(1)
      }),
    30_000
  )

  it.scopedLive(
    "renews the lease while a run outlasts it, so no other process takes the account over",
    () =>
      Effect.gen(function*() {
        const { adapter, stats } = slowUpstream(2_500)
        const { a, b, runDue } = yield* twoHubs(adapter, "1 second")
        const accountId = yield* createAccount().pipe(Effect.provide(a))
        yield* Effect.flatMap(
          SqlClient.SqlClient,
          (sql) => sql`update spacesync.accounts set poll_interval_seconds = 1`
        ).pipe(
          Effect.provide(a)
        )
        expect(yield* runDue(a)).toBe(1)
        for (let i = 0; i < 8; i++) {
          yield* sleep(250)
          expect(yield* runDue(b)).toBe(0)
        }
        yield* waitFor(Effect.provide(accountRow(accountId), a), (r) => r.lease_owner === null)
        expect(stats.maxActive).toBe(1)
      }),
    30_000
  )

  it.live("syncNow waits for a running sync instead of overlapping it", () =>
    Effect.gen(function*() {
      const { adapter, stats } = slowUpstream(300)
      yield* Effect.gen(function*() {
        const accountId = yield* createAccount()
        const scheduler = yield* Scheduler.Scheduler
        expect(yield* scheduler.runDue).toBe(1)
        yield* sleep(50)
        const report = yield* scheduler.syncNow(accountId)
        expect(report.outcome).toBe("succeeded")
        expect(stats.maxActive).toBe(1)
        expect(stats.runs).toBe(2)
        // An account that does not exist fails as such (it used to look busy until the 60 s timeout, past
        // this test's own).
        const unknown = yield* Effect.flip(scheduler.syncNow("acc_00000000000000000000000000" as Ids.AccountId))
        expect(unknown).toMatchObject({ _tag: "SyncError", reason: "AccountNotFound" })
      }).pipe(Effect.provide(TestEngine.layer([adapter]).pipe(Layer.provide(FetchHttpClient.layer))))
    }), 30_000)

  it.live("does not poll a paused account", () =>
    Effect.gen(function*() {
      const { adapter, upstream } = slowUpstream(0)
      upstream.token = "rotated"
      yield* Effect.gen(function*() {
        const accountId = yield* createAccount()
        const scheduler = yield* Scheduler.Scheduler
        expect(yield* scheduler.runDue).toBe(1)
        yield* waitFor(accountRow(accountId), (r) => r.lease_owner === null)
        yield* Effect.flatMap(SqlClient.SqlClient, (sql) => sql`update spacesync.accounts set next_sync_at = now()`)
        expect(yield* scheduler.runDue).toBe(0)
        const engine = yield* SyncEngine.SyncEngine
        expect((yield* Effect.flip(engine.sync(accountId))).reason).toBe("AccountPaused")
      }).pipe(Effect.provide(TestEngine.layer([adapter]).pipe(Layer.provide(FetchHttpClient.layer))))
    }), 30_000)
})
