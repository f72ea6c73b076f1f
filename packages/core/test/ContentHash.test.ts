import { describe, expect, it } from "@effect/vitest"
import type * as Ids from "@spacesync/adapter-kit/Ids"
import * as LocationSnapshot from "@spacesync/adapter-kit/LocationSnapshot"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { Either, Schema } from "effect"
import fc from "fast-check"
import { createHash } from "node:crypto"
import * as CanonicalJson from "../src/CanonicalJson.js"
import * as ContentHash from "../src/ContentHash.js"

const accountId = "acc_hash" as Ids.AccountId

/** Random canonical snapshots: fixture shapes with generated names, amounts and set-like lists. */
const snapshotArb = fc.record({
  resources: fc.integer({ min: 0, max: 6 }),
  prices: fc.integer({ min: 0, max: 6 }),
  name: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() === s && s.length > 0),
  cents: fc.array(fc.integer({ min: 0, max: 99_999 }), { minLength: 6, maxLength: 6 }),
  amenities: fc.uniqueArray(fc.constantFrom("wifi", "coffee", "printer", "lockers", "showers", "bikes"), {
    maxLength: 6
  })
}).map(({ amenities, cents, name, prices, resources }) => {
  const source = Fixtures.locationSource("L-prop", { resources, prices })
  const decoded = Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshotSource)({
    ...source,
    location: { ...source.location, name, amenities },
    prices: source.prices.map((p, i) => ({
      ...p,
      amount: { amount: `${Math.floor(cents[i]! / 100)}.${String(cents[i]! % 100).padStart(2, "0")}`, currency: "EUR" }
    }))
  })
  return Either.getOrThrow(LocationSnapshot.fromSource(accountId, decoded))
})

const shuffled = <A>(items: ReadonlyArray<A>, seed: number): Array<A> => {
  const out = [...items]
  let s = seed >>> 0 || 1
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** The same data with every object's keys inserted in another order. */
const reorderKeys = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((item, i) => reorderKeys(item, seed + i))
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const key of shuffled(Object.keys(value), seed)) {
      out[key] = reorderKeys((value as Record<string, unknown>)[key], seed + key.length)
    }
    return out
  }
  return value
}

/** Every set-like collection in another order (photos keep theirs: the first is the cover). */
const reorderCollections = (snapshot: LocationSnapshot.LocationSnapshot, seed: number) => ({
  location: {
    ...snapshot.location,
    ...(snapshot.location.amenities ? { amenities: shuffled(snapshot.location.amenities, seed) } : {}),
    ...(snapshot.location.openingHours ? { openingHours: shuffled(snapshot.location.openingHours, seed + 1) } : {})
  },
  resources: shuffled(snapshot.resources, seed + 2).map((r) =>
    r.amenities ? { ...r, amenities: shuffled(r.amenities, seed + 3) } : r
  ),
  prices: shuffled(snapshot.prices, seed + 4)
})

/** Paths to every scalar leaf, except volatile fields. */
const leaves = (value: unknown, path: Array<string | number> = []): Array<Array<string | number>> => {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]))
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => key === "sourceUpdatedAt" ? [] : leaves(item, [...path, key]))
  }
  return [path]
}

const mutateAt = (value: any, path: ReadonlyArray<string | number>): any => {
  if (path.length === 0) {
    if (typeof value === "string") return value + "x"
    if (typeof value === "number") return value + 1
    if (typeof value === "boolean") return !value
    if (value === null) return "Europe/Paris"
    throw new Error(`cannot mutate ${String(value)}`)
  }
  const [head, ...rest] = path
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? mutateAt(item, rest) : item))
  return { ...value, [head!]: mutateAt(value[head!], rest) }
}

describe("CanonicalJson", () => {
  it("sorts keys, drops undefined properties and has no whitespace", () => {
    expect(CanonicalJson.stringify({ b: 1, a: [true, null, "x"], c: undefined, d: { z: 1.5, y: "é" } })).toBe(
      "{\"a\":[true,null,\"x\"],\"b\":1,\"d\":{\"y\":\"é\",\"z\":1.5}}"
    )
  })

  it("refuses values JSON cannot represent", () => {
    expect(() => CanonicalJson.stringify({ a: Number.NaN })).toThrow("at .a")
    expect(() => CanonicalJson.stringify({ a: 1n })).toThrow(TypeError)
    expect(() => CanonicalJson.stringify({ a: [1, { b: Number.POSITIVE_INFINITY }] })).toThrow(
      "Canonical JSON cannot represent Infinity at .a[1].b"
    )
    expect(() => CanonicalJson.stringify([() => 1])).toThrow("Canonical JSON cannot represent a function at [0]")
  })

  it("is JSON.stringify of the value with every object's keys sorted, for any JSON value", () => {
    const sortedCopy = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(sortedCopy)
      if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {}
        for (const key of Object.keys(value).sort()) {
          // defineProperty: a "__proto__" key stays a key.
          const item = sortedCopy((value as Record<string, unknown>)[key])
          Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true })
        }
        return out
      }
      return value
    }
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: "binary" }), (value) => {
        expect(CanonicalJson.stringify(value)).toBe(JSON.stringify(sortedCopy(value)))
      }),
      { numRuns: 1000 }
    )
  })
})

describe("ContentHash", () => {
  it("does not depend on the order of object keys", () => {
    fc.assert(
      fc.property(snapshotArb, fc.integer(), (snapshot, seed) => {
        const reordered = reorderKeys(snapshot, seed) as LocationSnapshot.LocationSnapshot
        expect(ContentHash.snapshot(reordered)).toEqual(ContentHash.snapshot(snapshot))
      }),
      { numRuns: 150 }
    )
  })

  it("does not depend on the order of collections", () => {
    fc.assert(
      fc.property(snapshotArb, fc.integer(), (snapshot, seed) => {
        expect(ContentHash.snapshot(reorderCollections(snapshot, seed))).toEqual(ContentHash.snapshot(snapshot))
      }),
      { numRuns: 150 }
    )
  })

  it("changes with any field of any entity, and only that entity's and data set's hashes change", () => {
    fc.assert(
      fc.property(snapshotArb, fc.nat(), (snapshot, pick) => {
        const paths = leaves(snapshot)
        const path = paths[pick % paths.length]!
        const changed = mutateAt(snapshot, path) as LocationSnapshot.LocationSnapshot
        const before = ContentHash.snapshot(snapshot)
        const after = ContentHash.snapshot(changed)
        expect(after.hash).not.toBe(before.hash)
        const set = path[0] as "location" | "resources" | "prices"
        expect(after[set]).not.toBe(before[set])
        for (const other of (["location", "resources", "prices"] as const).filter((s) => s !== set)) {
          expect(after[other]).toBe(before[other])
        }
      }),
      { numRuns: 300 }
    )
  })

  it("ignores the volatile sourceUpdatedAt", () => {
    fc.assert(
      fc.property(snapshotArb, fc.date({ noInvalidDate: true }), (snapshot, at) => {
        const touched = { ...snapshot, location: { ...snapshot.location, sourceUpdatedAt: at.toISOString() } }
        expect(ContentHash.snapshot(touched).hash).toBe(ContentHash.snapshot(snapshot).hash)
      }),
      { numRuns: 50 }
    )
  })

  it("snapshotWithText gives the hashes and exactly the canonical text of the normalized snapshot", () => {
    fc.assert(
      fc.property(snapshotArb, fc.integer(), fc.boolean(), (snapshot, seed, touched) => {
        const shuffledSnapshot = reorderCollections(snapshot, seed)
        const value = touched
          ? { ...shuffledSnapshot, location: { ...shuffledSnapshot.location, sourceUpdatedAt: "2026-01-02T03:04:05Z" } }
          : shuffledSnapshot
        const { hashes, text } = ContentHash.snapshotWithText(value)
        expect(text).toBe(CanonicalJson.stringify(LocationSnapshot.normalize(value)))
        expect(hashes).toEqual(ContentHash.snapshot(snapshot))
      }),
      { numRuns: 150 }
    )
  })

  it("is the SHA-256 of the canonical JSON of the normalized entity", () => {
    const [snapshot] = fc.sample(snapshotArb.filter((s) => s.resources.length > 0), { numRuns: 1, seed: 7 })
    const resource = snapshot!.resources[0]!
    expect(ContentHash.resource(resource)).toBe(
      createHash("sha256").update(CanonicalJson.stringify(LocationSnapshot.normalizeResource(resource))).digest("hex")
    )
  })
})
