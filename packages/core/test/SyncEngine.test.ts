import { FetchHttpClient } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import * as Adapter from "@spacesync/adapter-kit/Adapter"
import * as AdapterError from "@spacesync/adapter-kit/AdapterError"
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import * as Ids from "@spacesync/adapter-kit/Ids"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { Deferred, Effect, Exit, Fiber, FiberId, Layer, Logger, Option, Schema, Stream, TestClock } from "effect"
import * as Accounts from "../src/Accounts.js"
import * as EventLog from "../src/EventLog.js"
import * as Scheduler from "../src/Scheduler.js"
import * as SnapshotStore from "../src/SnapshotStore.js"
import * as SyncEngine from "../src/SyncEngine.js"
import * as MemoryUpstream from "../src/testing/MemoryUpstream.js"
import * as TestEngine from "../src/testing/TestEngine.js"

const upstream = MemoryUpstream.makeUpstream()

/** An upstream that hands over every snapshot at once (as a feed does), so they arrive together. */
const bulk = new Map<string, Adapter.SnapshotSource>()
const bulkAdapter = Adapter.make({
  id: "bulk",
  name: "Everything at once",
  credentials: Schema.Struct({}),
  check: () => Effect.void,
  snapshots: {
    read: Adapter.wholeDocument({
      load: () => Effect.sync(() => [...bulk.values()].map((source) => structuredClone(source))),
      entries: (sources) => Effect.succeed(sources.map((source) => Adapter.ReadItem.Snapshot({ source })))
    })
  }
})

/** Called with the events of every append (inside its transaction). */
let onAppend: (events: ReadonlyArray<EventLog.StoredEvent>) => void = () => {}

/** An upstream whose second location only arrives once the first one has been written. */
const trickle = new Map<string, Adapter.SnapshotSource>()
const trickleAdapter = Adapter.make({
  id: "trickle",
  name: "One at a time",
  credentials: Schema.Struct({}),
  check: () => Effect.void,
  snapshots: {
    read: () =>
      Stream.unwrap(Effect.gen(function*() {
        const written = yield* Deferred.make<void>()
        onAppend = () => Deferred.unsafeDone(written, Exit.void)
        const [first, second] = [...trickle.values()].map((source) => Adapter.ReadItem.Snapshot({ source }))
        return Stream.concat(
          Stream.make(first!),
          Stream.fromEffect(
            Effect.raceFirst(
              Effect.as(Deferred.await(written), second!),
              // Real time: the suite runs on the TestClock.
              Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5000))).pipe(
                Effect.zipRight(AdapterError.unavailable("the first location was not written before the second"))
              )
            )
          )
        )
      }))
  }
})

/** An upstream whose read yields exactly these elements. */
let scripted: Array<Adapter.ReadItem> = []
const scriptedAdapter = Adapter.make({
  id: "scripted",
  name: "Scripted reads",
  credentials: Schema.Struct({}),
  check: () => Effect.void,
  snapshots: {
    read: () =>
      Stream.suspend(() =>
        Stream.fromIterable(scripted.map((item) => item._tag === "Unparsed" ? item : structuredClone(item)))
      )
  }
})

/** An upstream that says it has three locations, yields one, then waits for `gate` before the other two. */
let gate = Deferred.unsafeMake<void>(FiberId.none)
const gatedAdapter = Adapter.make({
  id: "gated",
  name: "Three, with a pause after the first",
  credentials: Schema.Struct({}),
  check: () => Effect.void,
  snapshots: {
    read: () =>
      Stream.suspend(() => {
        const [first, ...rest] = ["G0", "G1", "G2"].map((id) =>
          Adapter.ReadItem.Snapshot({ source: Fixtures.locationSource(id) })
        )
        return Stream.concat(
          Stream.make(Adapter.ReadItem.Total({ locations: 3 }), first!),
          Stream.fromEffect(Deferred.await(gate)).pipe(Stream.flatMap(() => Stream.fromIterable(rest)))
        )
      })
  }
})

/** An upstream with a change log: its adapter reads changes since a cursor (its revision). */
const changing = MemoryUpstream.makeUpstream()

const layer = TestEngine.layer([
  MemoryUpstream.adapter(upstream),
  bulkAdapter,
  trickleAdapter,
  MemoryUpstream.adapter(changing, "incremental", { incremental: true }),
  scriptedAdapter,
  gatedAdapter
], {
  fanout: Layer.succeed(EventLog.Fanout, { fanOut: (events) => Effect.sync(() => onAppend(events)) })
}).pipe(Layer.provide(FetchHttpClient.layer))

/** A fresh account on a fresh upstream state with `n` locations L0..L(n-1). */
const setup = (n: number) =>
  Effect.gen(function*() {
    upstream.locations.clear()
    upstream.snapshotErrors.clear()
    upstream.listingError = undefined
    upstream.token = "good-token"
    for (let i = 0; i < n; i++) upstream.locations.set(`L${i}`, Fixtures.locationSource(`L${i}`) as any)
    const accounts = yield* Accounts.Accounts
    const account = yield* accounts.create({ name: "Test", adapter: "memory", credentials: { token: "good-token" } })
    return account.accountId
  })

const sync = (accountId: Ids.AccountId) => Effect.flatMap(SyncEngine.SyncEngine, (engine) => engine.sync(accountId))

const types = (report: SyncEngine.SyncReport) => report.events.map((e) => e.type)

/** A fresh account of the incremental upstream, with `n` locations I0..I(n-1) put since its last cursor. */
const setupIncremental = (n: number) =>
  Effect.gen(function*() {
    for (const externalId of [...changing.locations.keys()]) changing.remove(externalId)
    changing.oldestCursor = 0
    for (let i = 0; i < n; i++) changing.put(Fixtures.locationSource(`I${i}`) as any)
    const accounts = yield* Accounts.Accounts
    const account = yield* accounts.create({
      name: "Incremental",
      adapter: "incremental",
      credentials: { token: "good-token" }
    })
    return account.accountId
  })

const accountOf = (accountId: Ids.AccountId) =>
  Effect.flatMap(Accounts.Accounts, (accounts) => Effect.map(accounts.get(accountId), Option.getOrThrow))

const withPrice = (externalId: string, amount: string) => {
  const source = structuredClone(changing.locations.get(externalId)!) as any
  source.prices[0].amount = { amount, currency: "EUR" }
  return source
}

describe("SyncEngine", () => {
  it.layer(layer, { timeout: 60_000 })((it) => {
    it.effect("a full read with a failure that names no location deletes nothing by absence", () =>
      Effect.gen(function*() {
        const snapshot = (id: string) => Adapter.ReadItem.Snapshot({ source: Fixtures.locationSource(id) as any })
        scripted = [snapshot("S0"), snapshot("S1"), snapshot("S2")]
        const account = yield* Effect.flatMap(
          Accounts.Accounts,
          (accounts) => accounts.create({ name: "Scripted", adapter: "scripted", credentials: {} })
        )
        yield* sync(account.accountId)
        // S2 is missing, and one element failed without saying which location it was: it may be S2.
        scripted = [
          snapshot("S0"),
          snapshot("S1"),
          Adapter.ReadItem.Failed({ externalId: null, error: AdapterError.invalidData(["x"], "unreadable entry") })
        ]
        const report = yield* sync(account.accountId)
        expect(report.outcome).toBe("refused")
        expect(report.refusedDeletions).toEqual(["S2"])
        expect(report.events).toEqual([])
        // With every failure attributed, the absence is a deletion again.
        scripted = [snapshot("S0"), snapshot("S1")]
        const next = yield* sync(account.accountId)
        expect(next.events.map((e) => e.type)).toEqual(["location.deleted"])
      }))

    describe("incremental reads", () => {
      it.effect("a full read stores the cursor; the next poll reads only changes and emits nothing", () =>
        Effect.gen(function*() {
          const accountId = yield* setupIncremental(3)
          const first = yield* sync(accountId)
          expect(first.mode).toBe("full")
          expect((yield* accountOf(accountId)).syncCursor).toBe(String(changing.revision))
          const reads = changing.reads
          const listings = changing.listings
          const poll = yield* sync(accountId)
          expect(poll.mode).toBe("changes")
          expect(poll.events).toEqual([])
          // Nothing changed: no listing and no snapshot read.
          expect([changing.listings - listings, changing.reads - reads]).toEqual([0, 0])
        }))

      it.effect("a change and an upstream deletion since the cursor emit exactly those events", () =>
        Effect.gen(function*() {
          const accountId = yield* setupIncremental(3)
          yield* sync(accountId)
          changing.put(withPrice("I0", "77.00"))
          changing.remove("I2")
          const reads = changing.reads
          const report = yield* sync(accountId)
          expect(report.mode).toBe("changes")
          expect(report.events.map((e) => [e.type, e.locationId])).toEqual([
            ["pricing.updated", Ids.entityId(accountId, "location", "I0")],
            ["location.deleted", Ids.entityId(accountId, "location", "I2")]
          ])
          expect(changing.reads - reads).toBe(1)
          // I1 was not read, and is not deleted for it: deletions come only from the upstream's list.
          const store = yield* SnapshotStore.SnapshotStore
          const summaries = yield* store.summaries(accountId)
          expect(summaries.filter((s) => s.deleted).map((s) => s.externalId)).toEqual(["I2"])
          expect((yield* accountOf(accountId)).syncCursor).toBe(String(changing.revision))
        }))

      it.effect("a rejected cursor falls back to a full read, which deletes by absence", () =>
        Effect.gen(function*() {
          const accountId = yield* setupIncremental(3)
          yield* sync(accountId)
          // The upstream forgets its history: the deletion of I1 is only visible to a full read.
          changing.locations.delete("I1")
          changing.oldestCursor = changing.revision + 1
          const report = yield* sync(accountId)
          expect(report.mode).toBe("full")
          expect(report.events.map((e) => e.type)).toEqual(["location.deleted"])
          expect((yield* accountOf(accountId)).syncCursor).toBe(String(changing.revision))
        }))

      it.effect("a full read runs again once the last one is older than fullSyncInterval", () =>
        Effect.gen(function*() {
          const accountId = yield* setupIncremental(2)
          yield* sync(accountId)
          expect((yield* sync(accountId)).mode).toBe("changes")
          yield* TestClock.adjust("25 hours")
          const listings = changing.listings
          const report = yield* sync(accountId)
          expect(report.mode).toBe("full")
          expect(changing.listings - listings).toBe(1)
          expect((yield* sync(accountId)).mode).toBe("changes")
        }))

      it.effect("a targeted re-sync reads the named locations and leaves the cursor as it was", () =>
        Effect.gen(function*() {
          const accountId = yield* setupIncremental(3)
          yield* sync(accountId)
          const cursor = (yield* accountOf(accountId)).syncCursor
          changing.put(withPrice("I1", "55.00"))
          const report = yield* Effect.flatMap(
            SyncEngine.SyncEngine,
            (engine) => engine.sync(accountId, { locations: ["I1"] })
          )
          expect(report.mode).toBe("targeted")
          expect(report.events.map((e) => e.type)).toEqual(["pricing.updated"])
          expect((yield* accountOf(accountId)).syncCursor).toBe(cursor)
          // The change is read again from the cursor: already stored, so it emits nothing.
          const poll = yield* sync(accountId)
          expect([poll.mode, poll.events]).toEqual(["changes", []])
        }))

      it.effect("full: true reads everything even with a fresh cursor (the operator's sync now)", () =>
        Effect.gen(function*() {
          const accountId = yield* setupIncremental(2)
          yield* sync(accountId)
          const listings = changing.listings
          const report = yield* Effect.flatMap(
            SyncEngine.SyncEngine,
            (engine) => engine.sync(accountId, { full: true })
          )
          expect(report.mode).toBe("full")
          expect(changing.listings - listings).toBe(1)
          const now = yield* Effect.flatMap(Scheduler.Scheduler, (scheduler) => scheduler.syncNow(accountId))
          expect(now.mode).toBe("full")
        }))

      it.effect("a failed read keeps the old cursor", () =>
        Effect.gen(function*() {
          const accountId = yield* setupIncremental(2)
          yield* sync(accountId)
          const cursor = (yield* accountOf(accountId)).syncCursor
          changing.put(withPrice("I0", "66.00"))
          changing.snapshotErrors.set("I0", AdapterError.unavailable("down"))
          yield* Effect.flip(sync(accountId))
          changing.snapshotErrors.clear()
          expect((yield* accountOf(accountId)).syncCursor).toBe(cursor)
          const report = yield* sync(accountId)
          expect(report.events.map((e) => e.type)).toEqual(["pricing.updated"])
        }))
    })

    it.effect("first sync creates every location with versioned snapshots and created events", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(3)
        const report = yield* sync(accountId)
        expect(report.outcome).toBe("succeeded")
        expect(report.counts).toEqual({ listed: 3, created: 3, updated: 0, deleted: 0, unchanged: 0, failed: 0 })
        expect(types(report).filter((t) => t === "location.created").length).toBe(3)
        const l0 = Ids.entityId(accountId, "location", "L0")
        const created = report.events.filter((e) => e.locationId === l0)
        expect(created.map((e) => e.type)).toEqual(["location.created", "resources.updated", "pricing.updated"])
        expect(created[1]!.changes.created).toEqual(
          ["L0-r0", "L0-r1", "L0-r2"].map((id) => Ids.entityId(accountId, "resource", id)).sort()
        )
        expect(created.every((e) => e.version === 1)).toBe(true)
        const store = yield* SnapshotStore.SnapshotStore
        const stored = Option.getOrThrow(yield* store.get(l0))
        expect(stored.version).toBe(1)
        expect(stored.snapshot.location.name).toBe("Workspace L0")
        const account = Option.getOrThrow(yield* (yield* Accounts.Accounts).get(accountId))
        expect(Option.getOrThrow(account.lastSync)).toMatchObject({ outcome: "succeeded", counts: report.counts })
      }))

    it.effect("a second sync with no upstream change writes and emits nothing", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(3)
        yield* sync(accountId)
        const sql = yield* SqlClient.SqlClient
        const [before] = yield* sql<{ n: number }>`select count(*)::int as n from spacesync.location_versions`
        const report = yield* sync(accountId)
        expect(report.events).toEqual([])
        expect(report.counts).toMatchObject({ unchanged: 3, created: 0, updated: 0 })
        const [after] = yield* sql<{ n: number }>`select count(*)::int as n from spacesync.location_versions`
        expect(after!.n).toBe(before!.n)
      }))

    it.effect("one changed price emits exactly one pricing.updated naming that price", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(2)
        yield* sync(accountId)
        const source = upstream.locations.get("L1") as any
        source.prices[2].amount = { amount: "99.00", currency: "EUR" }
        const report = yield* sync(accountId)
        expect(report.events).toHaveLength(1)
        expect(report.events[0]).toMatchObject({
          type: "pricing.updated",
          locationId: Ids.entityId(accountId, "location", "L1"),
          version: 2,
          changes: { created: [], updated: [Ids.entityId(accountId, "price", "L1-p2")], deleted: [] }
        })
        expect(report.counts).toMatchObject({ updated: 1, unchanged: 1 })
      }))

    it.effect("an unchanged source is written again when the stored snapshot changed behind the engine", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(2)
        yield* sync(accountId)
        // The engine has seen this source and knows its hash; the store now holds something else.
        const store = yield* SnapshotStore.SnapshotStore
        const l0 = Ids.entityId(accountId, "location", "L0")
        const stored = Option.getOrThrow(yield* store.get(l0))
        yield* store.save(accountId, { ...stored.snapshot, location: { ...stored.snapshot.location, name: "Edited" } })
        const report = yield* sync(accountId)
        expect(report.counts).toMatchObject({ updated: 1, unchanged: 1 })
        expect(Option.getOrThrow(yield* store.get(l0)).snapshot.location.name).toBe("Workspace L0")
      }))

    it.scoped("a restarted engine recognizes unchanged sources by the fingerprints stored with their versions", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(2)
        yield* sync(accountId)
        const sql = yield* SqlClient.SqlClient
        const fingerprints = () =>
          sql<{ external_id: string; source_fingerprint: string | null }>`
            select external_id, source_fingerprint from spacesync.locations
            where account_id = ${accountId} order by external_id`
        const stored = yield* fingerprints()
        expect(stored.map((r) => r.external_id)).toEqual(["L0", "L1"])
        for (const row of stored) expect(row.source_fingerprint).toMatch(/^[0-9a-f]{64}$/)
        // An engine without any in-memory cache (as after a restart). L0's stored hash is made wrong behind
        // its back: an engine that derived and hashed L0 again would write a new version; one that trusts
        // the stored fingerprint of the unchanged source does not look further. L1's fingerprint is
        // unknown: it is derived, found unchanged, and its fingerprint recorded again.
        const l0 = Ids.entityId(accountId, "location", "L0")
        yield* sql`update spacesync.locations set hash = 'stale' where location_id = ${l0}`
        yield* sql`update spacesync.locations set source_fingerprint = null where external_id = 'L1'
          and account_id = ${accountId}`
        const restarted = yield* SyncEngine.make({ hashCacheSize: 0 }).pipe(Effect.provide(FetchHttpClient.layer))
        const report = yield* restarted.sync(accountId)
        expect(report.counts).toMatchObject({ unchanged: 2, updated: 0, created: 0 })
        expect(report.events).toEqual([])
        expect(yield* fingerprints()).toEqual(stored) // A changed source is derived again whatever is stored.
        ;(upstream.locations.get("L0") as any).location.name = "Renamed"
        const changed = yield* restarted.sync(accountId)
        expect(changed.counts).toMatchObject({ unchanged: 1, updated: 1 })
        const [after] = yield* fingerprints()
        expect(after!.source_fingerprint).not.toBe(stored[0]!.source_fingerprint)
      }))

    it.scoped("a source given with its digest is recognized by it, and the same fingerprint results either way", () =>
      Effect.gen(function*() {
        const source = Fixtures.locationSource("D0") as any
        const digest = sha256Hex(JSON.stringify(source))
        scripted = [Adapter.ReadItem.Snapshot({ source, digest })]
        const account = yield* Effect.flatMap(
          Accounts.Accounts,
          (accounts) => accounts.create({ name: "Digests", adapter: "scripted", credentials: {} })
        )
        expect((yield* sync(account.accountId)).counts).toMatchObject({ created: 1 })
        // Without the digest, a restarted engine computes the same fingerprint from the decoded source.
        scripted = [Adapter.ReadItem.Snapshot({ source })]
        const restarted = yield* SyncEngine.make({ hashCacheSize: 0 }).pipe(Effect.provide(FetchHttpClient.layer))
        const sql = yield* SqlClient.SqlClient
        const fingerprint = sql<{ f: string }>`select source_fingerprint as f from spacesync.locations
          where account_id = ${account.accountId}`
        const [stored] = yield* fingerprint
        expect((yield* restarted.sync(account.accountId)).counts).toMatchObject({ unchanged: 1, updated: 0 })
        expect((yield* fingerprint)[0]!.f).toBe(stored!.f)
        // With a digest it knows, the engine looks no further (not even at the source: the adapter vouches
        // that the digest is that of this canonical source).
        scripted = [
          Adapter.ReadItem.Snapshot({ source: { ...source, location: { ...source.location, name: 42 } }, digest })
        ]
        expect((yield* restarted.sync(account.accountId)).counts).toMatchObject({ unchanged: 1, failed: 0 })
        // A new digest: the source is derived, hashed and written.
        const renamed = { ...source, location: { ...source.location, name: "Renamed" } }
        scripted = [Adapter.ReadItem.Snapshot({ source: renamed, digest: sha256Hex(JSON.stringify(renamed)) })]
        expect((yield* restarted.sync(account.accountId)).counts).toMatchObject({ updated: 1 })
      }))

    it.scoped("an unparsed location is recognized by its digest without being parsed, else parsed once", () =>
      Effect.gen(function*() {
        const source = Fixtures.locationSource("U0")
        let parses = 0
        const unparsed = (result: () => Adapter.LocationResult, digest: string) =>
          Adapter.ReadItem.Unparsed({
            externalId: "U0",
            digest,
            parse: () => {
              parses++
              return result() as any
            }
          })
        const snapshot = (s: unknown) => () => Adapter.ReadItem.Snapshot({ source: s as Adapter.SnapshotSource })
        scripted = [unparsed(snapshot(source), "text-1")]
        const account = yield* Effect.flatMap(
          Accounts.Accounts,
          (accounts) => accounts.create({ name: "Unparsed", adapter: "scripted", credentials: {} })
        )
        expect((yield* sync(account.accountId)).counts).toMatchObject({ created: 1 })
        expect(parses).toBe(1)
        expect((yield* sync(account.accountId)).counts).toMatchObject({ unchanged: 1 })
        expect(parses).toBe(1)
        // A restarted engine knows the digest from the fingerprint stored with the version.
        const restarted = yield* SyncEngine.make({ hashCacheSize: 0 }).pipe(Effect.provide(FetchHttpClient.layer))
        expect((yield* restarted.sync(account.accountId)).counts).toMatchObject({ unchanged: 1 })
        expect(parses).toBe(1)
        // Another text of the same data: parsed, unchanged, and its digest recorded (not parsed next time).
        scripted = [unparsed(snapshot(source), "text-2")]
        expect((yield* restarted.sync(account.accountId)).counts).toMatchObject({ unchanged: 1, updated: 0 })
        expect((yield* restarted.sync(account.accountId)).counts).toMatchObject({ unchanged: 1 })
        expect(parses).toBe(2)
        // A changed text: parsed and written.
        const renamed = { ...source, location: { ...source.location, name: "Renamed" } }
        scripted = [unparsed(snapshot(renamed), "text-3")]
        const report = yield* restarted.sync(account.accountId)
        expect(report.counts).toMatchObject({ updated: 1 })
        expect(types(report)).toEqual(["location.updated"])
        // A text that does not check out is that location's failure.
        scripted = [
          unparsed(() =>
            Adapter.ReadItem.Failed({
              externalId: "U0",
              error: AdapterError.invalidData(["locations", 0, "location", "name"], "name: bad", "U0")
            }), "text-4")
        ]
        const failed = yield* restarted.sync(account.accountId)
        expect(failed.counts).toMatchObject({ failed: 1, deleted: 0 })
        expect(failed.errors).toEqual([expect.objectContaining({ externalId: "U0", reason: "InvalidData" })])
        expect(parses).toBe(4)
      }))

    it.scoped("the same source with its keys in another order is unchanged", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(1)
        yield* sync(accountId)
        const reversed = (value: unknown): unknown =>
          Array.isArray(value)
            ? value.map(reversed)
            : value !== null && typeof value === "object"
            ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]))
            : value
        upstream.locations.set("L0", reversed(upstream.locations.get("L0")) as any)
        const sql = yield* SqlClient.SqlClient
        const fingerprint = sql<{ f: string }>`select source_fingerprint as f from spacesync.locations
          where account_id = ${accountId}`
        const [before] = yield* fingerprint
        const report = yield* sync(accountId)
        expect(report.counts).toMatchObject({ unchanged: 1, updated: 0 })
        expect(report.events).toEqual([])
        // No new version, but the new form's fingerprint is recorded: the next run recognizes it as is.
        const [after] = yield* fingerprint
        expect(after!.f).toMatch(/^[0-9a-f]{64}$/)
        expect(after!.f).not.toBe(before!.f)
        const restarted = yield* SyncEngine.make({ hashCacheSize: 0 }).pipe(Effect.provide(FetchHttpClient.layer))
        expect((yield* restarted.sync(accountId)).counts).toMatchObject({ unchanged: 1, updated: 0 })
        expect((yield* fingerprint)[0]!.f).toBe(after!.f)
      }))

    it.effect("reports created, updated and deleted entities per data set in one version", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(1)
        yield* sync(accountId)
        const source = upstream.locations.get("L0") as any
        source.location.name = "Renamed"
        source.resources.push({ ...source.resources[0], externalId: "L0-rNEW" })
        source.resources[1].capacity = 42
        source.prices = source.prices.filter((p: any) => p.externalId !== "L0-p3")
        const report = yield* sync(accountId)
        const res = (id: string) => Ids.entityId(accountId, "resource", id)
        expect(report.events.map((e) => [e.type, e.changes, e.version])).toEqual([
          ["location.updated", { created: [], updated: [Ids.entityId(accountId, "location", "L0")], deleted: [] }, 2],
          ["resources.updated", { created: [res("L0-rNEW")], updated: [res("L0-r1")], deleted: [] }, 2],
          ["pricing.updated", { created: [], updated: [], deleted: [Ids.entityId(accountId, "price", "L0-p3")] }, 2]
        ])
      }))

    it.effect("a location missing from a complete listing is deleted with a location.deleted event", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(3)
        yield* sync(accountId)
        upstream.locations.delete("L2")
        const report = yield* sync(accountId)
        const l2 = Ids.entityId(accountId, "location", "L2")
        expect(report.events).toHaveLength(1)
        expect(report.events[0]).toMatchObject({
          type: "location.deleted",
          locationId: l2,
          version: 2,
          changes: { deleted: [l2] }
        })
        const store = yield* SnapshotStore.SnapshotStore
        expect(Option.getOrThrow(yield* store.get(l2)).deleted).toBe(true)
        // It comes back: created again, as a new version.
        upstream.locations.set("L2", Fixtures.locationSource("L2") as any)
        const back = yield* sync(accountId)
        expect(types(back)).toEqual(["location.created", "resources.updated", "pricing.updated"])
        expect(back.events[0]!.version).toBe(3)
      }))

    it.effect("refuses a listing that would delete more than half of the known locations", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(3)
        yield* sync(accountId)
        upstream.locations.delete("L0")
        upstream.locations.delete("L1")
        const report = yield* sync(accountId)
        expect(report.outcome).toBe("refused")
        expect(report.events).toEqual([])
        expect([...report.refusedDeletions].sort()).toEqual(["L0", "L1"])
        const store = yield* SnapshotStore.SnapshotStore
        expect((yield* store.summaries(accountId)).filter((s) => s.deleted)).toEqual([])
        const account = Option.getOrThrow(yield* (yield* Accounts.Accounts).get(accountId))
        expect(Option.getOrThrow(account.lastSync).error).toContain("Refused to delete 2 of 3")
      }))

    it.effect("one invalid location is recorded as its sync error; the others sync; nothing of it is written", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(3)
        yield* sync(accountId)
        const store = yield* SnapshotStore.SnapshotStore
        const l1 = Ids.entityId(accountId, "location", "L1")
        const before = Option.getOrThrow(yield* store.get(l1))
        const bad = upstream.locations.get("L1") as any
        bad.location.name = "Changed too"
        bad.prices[0].amount = { amount: 10.5, currency: "EUR" }
        ;(upstream.locations.get("L2") as any).location.name = "L2 renamed"
        const report = yield* sync(accountId)
        expect(report.outcome).toBe("partial")
        expect(report.errors).toEqual([{
          externalId: "L1",
          reason: "InvalidData",
          message: "Expected string, actual 10.5",
          path: ["prices", 0, "amount", "amount"]
        }])
        expect(types(report)).toEqual(["location.updated"])
        const after = Option.getOrThrow(yield* store.get(l1))
        expect(after.version).toBe(before.version)
        expect(after.snapshot).toEqual(before.snapshot)
        expect(after.syncError).toBe(true)
        const sql = yield* SqlClient.SqlClient
        const [row] = yield* sql<
          { sync_error: any }
        >`select sync_error from spacesync.locations where location_id = ${l1}`
        expect(row!.sync_error).toMatchObject({ reason: "InvalidData", path: ["prices", 0, "amount", "amount"] })
        // Fixed upstream: the error is cleared with the next version.
        bad.prices[0].amount = { amount: "10.50", currency: "EUR" }
        const fixed = yield* sync(accountId)
        expect(fixed.outcome).toBe("succeeded")
        expect(Option.getOrThrow(yield* store.get(l1)).syncError).toBe(false)
      }))

    it.effect("a failed listing changes nothing and deletes nothing", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(2)
        yield* sync(accountId)
        upstream.listingError = AdapterError.unavailable("connection refused")
        const error = yield* Effect.flip(sync(accountId))
        expect(error).toMatchObject({ _tag: "SyncError", reason: "Adapter" })
        expect(error.adapterError?.reason).toBe("Unavailable")
        const store = yield* SnapshotStore.SnapshotStore
        expect((yield* store.summaries(accountId)).every((s) => !s.deleted && s.version === 1)).toBe(true)
        const account = Option.getOrThrow(yield* (yield* Accounts.Accounts).get(accountId))
        expect(Option.getOrThrow(account.lastSync)).toMatchObject({
          outcome: "failed",
          error: expect.stringContaining("Unavailable")
        })
        expect(account.status).toBe("active")
      }))

    it.effect("Unauthorized pauses the account with the reason", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(1)
        upstream.token = "rotated"
        const error = yield* Effect.flip(sync(accountId))
        expect(error.adapterError?.reason).toBe("Unauthorized")
        const accounts = yield* Accounts.Accounts
        const account = Option.getOrThrow(yield* accounts.get(accountId))
        expect(account.status).toBe("paused")
        expect(account.pausedReason).toContain("Invalid token")
        expect((yield* Effect.flip(sync(accountId))).reason).toBe("AccountPaused")
        upstream.token = "good-token"
        yield* accounts.resume(accountId)
        expect((yield* sync(accountId)).outcome).toBe("succeeded")
      }))

    it.effect("a targeted sync reads only the named locations and never deletes", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(3)
        yield* sync(accountId)
        upstream.locations.delete("L2")
        ;(upstream.locations.get("L0") as any).location.name = "New name"
        const reads = upstream.reads
        const engine = yield* SyncEngine.SyncEngine
        const report = yield* engine.sync(accountId, { locations: ["L0"] })
        expect(upstream.reads - reads).toBe(1)
        expect(types(report)).toEqual(["location.updated"])
        const store = yield* SnapshotStore.SnapshotStore
        expect((yield* store.summaries(accountId)).some((s) => s.deleted)).toBe(false)
      }))

    it.effect("rejects credentials that do not match the adapter's schema, naming the path", () =>
      Effect.gen(function*() {
        const accounts = yield* Accounts.Accounts
        const error = yield* Effect.flip(accounts.create({ name: "x", adapter: "memory", credentials: { token: 5 } }))
        expect(error).toMatchObject({ _tag: "InvalidCredentials", errors: [{ path: "credentials.token" }] })
        const extra = yield* Effect.flip(
          accounts.create({ name: "x", adapter: "memory", credentials: { token: "a", other: 1 } })
        )
        expect(extra._tag).toBe("InvalidCredentials")
        const unknown = yield* Effect.flip(accounts.create({ name: "x", adapter: "nope", credentials: {} }))
        expect(unknown._tag).toBe("UnknownAdapter")
        // Stored encrypted: the token is nowhere in the row.
        const ok = yield* accounts.create({ name: "x", adapter: "memory", credentials: { token: "s3cr3t-token" } })
        const sql = yield* SqlClient.SqlClient
        const [row] = yield* sql<
          { credentials: string }
        >`select credentials from spacesync.accounts where account_id = ${ok.accountId}`
        expect(row!.credentials).not.toContain("s3cr3t")
      }))

    it.effect("snapshots that arrive together are written in batches, each location with its own events", () =>
      Effect.gen(function*() {
        bulk.clear()
        for (let i = 0; i < 150; i++) bulk.set(`B${i}`, Fixtures.locationSource(`B${i}`) as any)
        const accounts = yield* Accounts.Accounts
        const { accountId } = yield* accounts.create({ name: "Bulk", adapter: "bulk", credentials: {} })
        const first = yield* sync(accountId)
        expect(first.counts).toMatchObject({ listed: 150, created: 150, failed: 0 })
        const log = yield* EventLog.EventLog
        for (const externalId of ["B0", "B63", "B64", "B149"]) {
          const locationId = Ids.entityId(accountId, "location", externalId)
          const stored = yield* log.forLocation(locationId)
          expect(stored.map((e) => [e.type, e.version])).toEqual([
            ["location.created", 1],
            ["resources.updated", 1],
            ["pricing.updated", 1]
          ])
          expect(first.events.filter((e) => e.locationId === locationId).map((e) => e.eventId)).toEqual(
            stored.map((e) => e.eventId)
          )
        }
        ;(bulk.get("B70") as any).prices[0].amount = { amount: "1.00", currency: "EUR" }
        const second = yield* sync(accountId)
        expect(second.counts).toMatchObject({ updated: 1, unchanged: 149 })
        expect(second.events.map((e) => [e.type, e.locationId, e.version])).toEqual([
          ["pricing.updated", Ids.entityId(accountId, "location", "B70"), 2]
        ])
      }))

    it.effect("a location is written without waiting for the next one to arrive", () =>
      Effect.gen(function*() {
        trickle.clear()
        for (const id of ["T0", "T1"]) trickle.set(id, Fixtures.locationSource(id) as any)
        const accounts = yield* Accounts.Accounts
        const { accountId } = yield* accounts.create({ name: "Trickle", adapter: "trickle", credentials: {} })
        const report = yield* sync(accountId)
        expect(report.outcome).toBe("succeeded")
        expect(report.counts).toMatchObject({ listed: 2, created: 2 })
      }))

    it.effect("a long sync records and logs its progress (read of total) on the account, cleared when it ends", () =>
      Effect.gen(function*() {
        gate = yield* Deferred.make<void>()
        const written = yield* Deferred.make<void>()
        onAppend = () => Deferred.unsafeDone(written, Exit.void)
        const accounts = yield* Accounts.Accounts
        const { accountId } = yield* accounts.create({ name: "Gated", adapter: "gated", credentials: {} })
        const logs: Array<{ message: unknown; annotations: Record<string, unknown> }> = []
        const capture = Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ annotations, message }) =>
            logs.push({
              message: Array.isArray(message) ? message[0] : message,
              annotations: Object.fromEntries(annotations)
            })
          )
        )
        const running = yield* Effect.fork(sync(accountId).pipe(Effect.provide(capture)))
        yield* Deferred.await(written)
        // Nothing is recorded before the interval: a short sync writes no progress.
        expect((yield* accountOf(accountId)).progress).toEqual(Option.none())
        yield* TestClock.adjust("5 seconds")
        let progress = Option.none<Accounts.SyncProgress>()
        for (let i = 0; i < 200 && Option.isNone(progress); i++) {
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
          progress = (yield* accountOf(accountId)).progress
        }
        expect(Option.getOrThrow(progress)).toMatchObject({ mode: "full", read: 1, total: 3 })
        expect(logs).toContainEqual({
          message: "Sync progress: 1 of 3 locations read",
          annotations: expect.objectContaining({ accountId, read: 1, total: 3 })
        })
        yield* Deferred.succeed(gate, undefined)
        const report = yield* Fiber.join(running)
        expect(report.counts).toMatchObject({ listed: 3, created: 3 })
        expect((yield* accountOf(accountId)).progress).toEqual(Option.none())
      }))

    it.effect("stores events in the log in order", () =>
      Effect.gen(function*() {
        const accountId = yield* setup(1)
        const report = yield* sync(accountId)
        const log = yield* EventLog.EventLog
        const stored = yield* log.forLocation(Ids.entityId(accountId, "location", "L0"))
        expect(stored.map((e) => e.eventId)).toEqual(report.events.map((e) => e.eventId))
      }))
  })
})
