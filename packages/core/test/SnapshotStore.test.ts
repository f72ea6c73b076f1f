import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import * as Ids from "@spacesync/adapter-kit/Ids"
import * as LocationSnapshot from "@spacesync/adapter-kit/LocationSnapshot"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { Effect, Either, Layer, Option, Schema } from "effect"
import * as ContentHash from "../src/ContentHash.js"
import * as SnapshotStore from "../src/SnapshotStore.js"
import * as TestDatabase from "../src/testing/TestDatabase.js"

const snapshotOf = (accountId: Ids.AccountId, externalId: string, change?: (s: any) => any) => {
  const source = Fixtures.locationSource(externalId)
  const decoded = Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshotSource)(change ? change(source) : source)
  return Either.getOrThrow(LocationSnapshot.fromSource(accountId, decoded))
}

/** The same behaviour is required of the local server and of the embedded PGlite. */
const suite = (name: string, database: Layer.Layer<SqlClient.SqlClient>) =>
  describe(`SnapshotStore on ${name}`, () => {
    // Layer.fresh: @effect/vitest memoizes layers per file, and each suite needs its own store.
    it.layer(Layer.fresh(SnapshotStore.layer).pipe(Layer.provideMerge(database)), { timeout: 60_000 })((it) => {
      it.effect("stores a first snapshot as version 1 with its hashes and a history row", () =>
        Effect.gen(function*() {
          const store = yield* SnapshotStore.SnapshotStore
          const accountId = Ids.makeAccountId()
          const snapshot = snapshotOf(accountId, "L1")
          const result = yield* store.save(accountId, snapshot)
          expect(result._tag).toBe("Saved")
          if (result._tag !== "Saved") return
          expect(Option.isNone(result.previous)).toBe(true)
          expect(result.current.version).toBe(1)
          const hashes = ContentHash.snapshot(snapshot)
          expect(result.current.hash).toBe(hashes.hash)
          const stored = Option.getOrThrow(yield* store.get(snapshot.location.id))
          expect(stored.snapshot).toEqual(snapshot)
          expect(stored.hashes).toEqual({
            location: hashes.location,
            resources: hashes.resources,
            prices: hashes.prices
          })
          expect(stored.entityHashes).toEqual(hashes.entities)
          const history = yield* store.history(snapshot.location.id)
          expect(history.map((v) => [v.version, v.hash, v.deleted])).toEqual([[1, hashes.hash, false]])
        }))

      it.effect("writes nothing when the content is unchanged, whatever the collection order", () =>
        Effect.gen(function*() {
          const store = yield* SnapshotStore.SnapshotStore
          const sql = yield* SqlClient.SqlClient
          const accountId = Ids.makeAccountId()
          const snapshot = snapshotOf(accountId, "L1")
          yield* store.save(accountId, snapshot)
          const again = yield* store.save(accountId, {
            ...snapshot,
            resources: [...snapshot.resources].reverse(),
            prices: [...snapshot.prices].reverse()
          })
          expect(again._tag).toBe("Unchanged")
          expect(again.current.version).toBe(1)
          const [{ count }] = yield* sql<{ count: number }>`
            select count(*)::int as count from spacesync.location_versions where location_id = ${snapshot.location.id}`
          expect(count).toBe(1)
        }))

      it.effect("raises the version by one per change and keeps every past version", () =>
        Effect.gen(function*() {
          const store = yield* SnapshotStore.SnapshotStore
          const accountId = Ids.makeAccountId()
          const v1 = snapshotOf(accountId, "L1")
          const v2 = snapshotOf(accountId, "L1", (s) => ({ ...s, location: { ...s.location, name: "Renamed" } }))
          const v3 = snapshotOf(accountId, "L1", (s) => ({ ...s, prices: s.prices.slice(1) }))
          yield* store.save(accountId, v1)
          const second = yield* store.save(accountId, v2)
          const third = yield* store.save(accountId, v3)
          expect(second._tag === "Saved" && second.current.version).toBe(2)
          expect(third._tag === "Saved" && third.current.version).toBe(3)
          if (third._tag !== "Saved") return
          const previous = Option.getOrThrow(third.previous)
          expect(previous.version).toBe(2)
          expect(previous.entityHashes).toEqual(ContentHash.snapshot(v2).entities)
          expect((yield* store.history(v1.location.id)).map((v) => v.version)).toEqual([3, 2, 1])
          expect((yield* store.history(v1.location.id, { limit: 1, beforeVersion: 3 })).map((v) => v.version)).toEqual([
            2
          ])
          const old = Option.getOrThrow(yield* store.atVersion(v1.location.id, 2))
          expect(old.snapshot.location.name).toBe("Renamed")
          expect(old.hash).toBe(ContentHash.snapshot(v2).hash)
          expect(Option.isNone(yield* store.atVersion(v1.location.id, 9))).toBe(true)
        }))

      it.effect("marks a location deleted as a new version and restores it when it comes back", () =>
        Effect.gen(function*() {
          const store = yield* SnapshotStore.SnapshotStore
          const accountId = Ids.makeAccountId()
          const snapshot = snapshotOf(accountId, "L1")
          yield* store.save(accountId, snapshot)
          const deleted = Option.getOrThrow(yield* store.markDeleted(snapshot.location.id))
          expect(deleted.version).toBe(2)
          expect(deleted.deleted).toBe(true)
          expect(Option.isNone(yield* store.markDeleted(snapshot.location.id))).toBe(true)
          const summaries = yield* store.summaries(accountId)
          expect(summaries).toEqual([{
            locationId: snapshot.location.id,
            externalId: "L1",
            version: 2,
            hash: deleted.hash,
            deleted: true,
            syncError: false,
            sourceFingerprint: null
          }])
          const back = yield* store.save(accountId, snapshot)
          expect(back._tag === "Saved" && [back.current.version, back.current.deleted]).toEqual([3, false])
          expect((yield* store.history(snapshot.location.id)).map((v) => v.deleted)).toEqual([false, true, false])
        }))

      it.effect("saveAll writes many locations in one call: new, changed, unchanged and one named twice", () =>
        Effect.gen(function*() {
          const store = yield* SnapshotStore.SnapshotStore
          const sql = yield* SqlClient.SqlClient
          const accountId = Ids.makeAccountId()
          const [a, b, c] = ["A", "B", "C"].map((id) => snapshotOf(accountId, id))
          yield* store.save(accountId, a!)
          yield* store.save(accountId, b!)
          const renamed = (s: any) => ({ ...s, location: { ...s.location, name: `${s.location.name} (new)` } })
          const results = yield* store.saveAll(accountId, [
            { snapshot: c!, sourceFingerprint: "fp-c" },
            { snapshot: a! },
            { snapshot: renamed(b!), sourceFingerprint: "fp-b" },
            { snapshot: renamed(renamed(b!)), sourceFingerprint: "fp-b2" }
          ])
          expect(results.map((r) => [r._tag, r.current.locationId, r.current.version])).toEqual([
            ["Saved", c!.location.id, 1],
            ["Unchanged", a!.location.id, 1],
            ["Saved", b!.location.id, 2],
            ["Saved", b!.location.id, 3]
          ])
          const last = results[3]!
          expect(last._tag === "Saved" && Option.map(last.previous, (p) => p.version)).toEqual(Option.some(2))
          expect(yield* store.history(b!.location.id)).toHaveLength(3)
          const storedB = Option.getOrThrow(yield* store.get(b!.location.id))
          expect(storedB.snapshot.location.name).toBe(renamed(renamed(b!)).location.name)
          expect(storedB.hash).toBe(ContentHash.snapshot(LocationSnapshot.normalize(renamed(renamed(b!)))).hash)
          const rows = yield* sql<{ external_id: string; source_fingerprint: string | null; snapshot: string }>`
            select external_id, source_fingerprint, snapshot from spacesync.locations
            where account_id = ${accountId} order by external_id`
          expect(rows.map((r) => [r.external_id, r.source_fingerprint])).toEqual([["A", null], ["B", "fp-b2"], [
            "C",
            "fp-c"
          ]])
          // Stored exactly as hashed: the canonical text of the normalized snapshot.
          expect(rows[2]!.snapshot).toBe(ContentHash.snapshotWithText(c!).text)
          // A recorded fingerprint applies only while its hash is the stored one.
          yield* store.recordFingerprints([
            { locationId: a!.location.id, hash: ContentHash.snapshot(a!).hash, sourceFingerprint: "fp-a" },
            { locationId: c!.location.id, hash: "another", sourceFingerprint: "fp-c2" }
          ])
          const summaries = yield* store.summaries(accountId)
          expect(Object.fromEntries(summaries.map((s) => [s.externalId, s.sourceFingerprint]))).toEqual({
            A: "fp-a",
            B: "fp-b2",
            C: "fp-c"
          })
        }))

      it.effect("lists only the account's own locations", () =>
        Effect.gen(function*() {
          const store = yield* SnapshotStore.SnapshotStore
          const a = Ids.makeAccountId()
          const b = Ids.makeAccountId()
          yield* store.save(a, snapshotOf(a, "L1"))
          yield* store.save(a, snapshotOf(a, "L2"))
          yield* store.save(b, snapshotOf(b, "L1"))
          expect((yield* store.summaries(a)).map((s) => s.externalId).sort()).toEqual(["L1", "L2"])
          expect((yield* store.summaries(b)).map((s) => s.locationId)).toEqual([Ids.entityId(b, "location", "L1")])
        }))

      it.effect("rolls back the current row when the surrounding transaction fails", () =>
        Effect.gen(function*() {
          const store = yield* SnapshotStore.SnapshotStore
          const sql = yield* SqlClient.SqlClient
          const accountId = Ids.makeAccountId()
          const snapshot = snapshotOf(accountId, "L1")
          const failed = yield* store.save(accountId, snapshot).pipe(
            Effect.zipRight(Effect.fail("boom" as const)),
            sql.withTransaction,
            Effect.flip
          )
          expect(failed).toBe("boom")
          expect(Option.isNone(yield* store.get(snapshot.location.id))).toBe(true)
          expect(yield* store.history(snapshot.location.id)).toEqual([])
        }))
    })
  })

suite("PostgreSQL", TestDatabase.layer())
suite("embedded PGlite", TestDatabase.layerEmbedded())
