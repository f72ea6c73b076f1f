import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import * as Adapter from "../src/Adapter.js"
import * as AdapterError from "../src/AdapterError.js"
import * as Fixtures from "../src/testing/Fixtures.js"

const source = (id: string) => Fixtures.locationSource(id) as Adapter.SnapshotSource

/** Runs a read that needs no HTTP client; the elements as [tag, externalId, reason?]. */
const run = (stream: Stream.Stream<Adapter.ReadItem, AdapterError.AdapterError, Adapter.Context>) =>
  Stream.runCollect(stream as Stream.Stream<Adapter.ReadItem, AdapterError.AdapterError>).pipe(
    Effect.map((items) =>
      Chunk.toReadonlyArray(items).map((item) =>
        item._tag === "Failed"
          ? [item._tag, item.externalId, item.error.reason]
          : item._tag === "Total"
          ? [item._tag, item.locations]
          : [item._tag, Adapter.externalIdOf(item)]
      )
    )
  )

describe("Adapter.listThenFetch", () => {
  const calls = { listed: 0, fetched: [] as Array<string> }
  const errors = new Map<string, AdapterError.AdapterError>()
  const read = Adapter.listThenFetch<{}>({
    list: () =>
      Stream.suspend(() => {
        calls.listed++
        return Stream.fromIterable(["a", "b", "c"].map((externalId) => ({ externalId })))
      }),
    fetch: (_, ref) =>
      Effect.suspend(() => {
        calls.fetched.push(ref.externalId)
        const error = errors.get(ref.externalId)
        return error === undefined ? Effect.succeed(source(ref.externalId)) : Effect.fail(error)
      }),
    concurrency: 2
  })
  const reset = () => {
    calls.listed = 0
    calls.fetched = []
    errors.clear()
  }

  it.effect("All: lists, then fetches each listed location", () =>
    Effect.gen(function*() {
      reset()
      expect(yield* run(read({}, Adapter.ReadRequest.All()))).toEqual([
        ["Snapshot", "a"],
        ["Snapshot", "b"],
        ["Snapshot", "c"]
      ])
      expect(calls.listed).toBe(1)
      expect(calls.fetched.sort()).toEqual(["a", "b", "c"])
    }))

  it.effect("Locations: fetches only the named ones, without listing", () =>
    Effect.gen(function*() {
      reset()
      expect(yield* run(read({}, Adapter.ReadRequest.Locations({ externalIds: ["c"] })))).toEqual([["Snapshot", "c"]])
      expect([calls.listed, calls.fetched]).toEqual([0, ["c"]])
    }))

  it.effect("a location's InvalidData is its Failed element; a named location's 404 too; other errors fail", () =>
    Effect.gen(function*() {
      reset()
      errors.set("b", AdapterError.invalidData(["price"], "bad"))
      expect(yield* run(read({}, Adapter.ReadRequest.All()))).toEqual([
        ["Snapshot", "a"],
        ["Failed", "b", "InvalidData"],
        ["Snapshot", "c"]
      ])
      errors.set("b", AdapterError.upstream(404, "gone"))
      expect(yield* run(read({}, Adapter.ReadRequest.Locations({ externalIds: ["b"] })))).toEqual([
        ["Failed", "b", "Upstream"]
      ])
      // In a full read, a 404 of a listed location fails the read: the listing was not what it said.
      const failed = yield* Effect.flip(run(read({}, Adapter.ReadRequest.All())))
      expect([failed.reason, failed.status]).toEqual(["Upstream", 404])
      errors.set("b", AdapterError.unauthorized("no"))
      expect((yield* Effect.flip(run(read({}, Adapter.ReadRequest.Locations({ externalIds: ["b"] }))))).reason)
        .toBe("Unauthorized")
    }))
})

describe("Adapter.wholeDocument", () => {
  const read = Adapter.wholeDocument<{}, Array<string>>({
    load: () => Effect.succeed(["a", "b"]),
    entries: (ids) =>
      Effect.succeed(ids.map((id) =>
        id === "b"
          ? Adapter.ReadItem.Failed({ externalId: "b", error: AdapterError.invalidData([], "bad", "b") })
          : Adapter.ReadItem.Snapshot({ source: source(id) })
      ))
  })

  it.effect("All yields the total, then every entry; Locations the named ones, and a 404 Failed for one the document lacks", () =>
    Effect.gen(function*() {
      expect(yield* run(read({}, Adapter.ReadRequest.All()))).toEqual([["Total", 2], ["Snapshot", "a"], [
        "Failed",
        "b",
        "InvalidData"
      ]])
      expect(yield* run(read({}, Adapter.ReadRequest.Locations({ externalIds: ["a", "z"] })))).toEqual([
        ["Snapshot", "a"],
        ["Failed", "z", "Upstream"]
      ])
    }))
})

describe("Adapter.withCheckpoint", () => {
  it.effect("appends the cursor computed when the stream is done", () =>
    Effect.gen(function*() {
      let revision = 1
      const stream = Adapter.withCheckpoint(
        Stream.fromIterable([Adapter.ReadItem.Snapshot({ source: source("a") })]).pipe(
          Stream.tap(() => Effect.sync(() => revision++))
        ),
        Effect.sync(() => revision === 2 ? Option.some("r2") : Option.none())
      )
      const items = Chunk.toReadonlyArray(yield* Stream.runCollect(stream))
      expect(items.map((i) => i._tag)).toEqual(["Snapshot", "Checkpoint"])
      expect(items[1]).toMatchObject({ cursor: "r2" })
    }))
})
