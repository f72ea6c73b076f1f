import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import fc from "fast-check"
import { isDeepStrictEqual } from "node:util"
import type * as Ids from "../src/Ids.js"
import { isNormalAmount } from "../src/internal/canonicalSource.js"
import * as LocationSnapshot from "../src/LocationSnapshot.js"
import { normalizeDecimal } from "../src/Money.js"
import * as Fixtures from "../src/testing/Fixtures.js"

const decodeWithSchema = Schema.decodeUnknownEither(LocationSnapshot.LocationSnapshotSource, { errors: "all" })

/** A fixture as it arrives from a feed: plain JSON, every optional part present. */
const fixture = (resources: number, prices: number): unknown => {
  const source = Fixtures.locationSource("L-fast", { resources, prices }) as any
  source.location.sourceUpdatedAt = "2026-11-22T10:00:00+01:00"
  source.location.address.formatted = "Torstraße 1, 10119 Berlin"
  source.location.contact.phone = "+49 30 1234"
  if (source.resources[0]) {
    Object.assign(source.resources[0], { units: 3, minBookingMinutes: 30, maxBookingMinutes: 480 })
  }
  if (source.prices[0]) {
    Object.assign(source.prices[0], {
      conditions: {
        weekend: false,
        offPeak: true,
        membersOnly: false,
        minDurationMinutes: 60,
        maxDurationMinutes: 600,
        validFrom: "2026-01-01",
        validTo: "2026-12-31T23:59:59Z"
      },
      alternatives: [{ amount: "2", creditUnit: "credits" }, { amount: "1.5", creditUnit: "hours" }]
    })
    source.prices[0].appliesTo = { resourceIds: source.prices[0].appliesTo.resourceIds, resourceKinds: ["hot_desk"] }
  }
  return JSON.parse(JSON.stringify(source))
}

/** Every path in a JSON value, objects and arrays included. */
const paths = (value: unknown, path: Array<string | number> = []): Array<Array<string | number>> => {
  const out = [path]
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...path, i])))
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...path, key]))
  }
  return out
}

const replacements: ReadonlyArray<unknown> = [
  "",
  " padded",
  "x",
  "x".repeat(257),
  "EUR",
  "JPY",
  "BHD",
  "XXX",
  "DE",
  "de",
  "Europe/Berlin",
  "Mars/Olympus",
  "+01:00",
  "https://example.com/x.jpg",
  "ftp://example.com/x",
  "2026-01-01T10:00:00Z",
  "2026-01-01",
  "2026-13-45",
  "08:00",
  "24:00",
  "24:30",
  "10.50",
  "10.5",
  "10",
  "10.500",
  "-0.00",
  "-3.00",
  "007.10",
  "2",
  "2.0",
  "1.50",
  "active",
  "deleted",
  "mon",
  "hour",
  "hot_desk",
  "net",
  0,
  1,
  -1,
  2.5,
  90,
  100,
  101,
  Number.MAX_SAFE_INTEGER + 1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  null,
  true,
  false,
  [],
  {},
  ["wifi"],
  ["wifi", "coffee"],
  ["coffee", "coffee"]
]

type Edit =
  | { readonly _tag: "replace"; readonly value: unknown }
  | { readonly _tag: "delete" }
  | { readonly _tag: "undefined" }
  | { readonly _tag: "extra" }

const editAt = (value: any, path: ReadonlyArray<string | number>, edit: Edit): any => {
  if (path.length === 0) {
    switch (edit._tag) {
      case "replace":
        return edit.value
      case "extra":
        return value !== null && typeof value === "object" && !Array.isArray(value) ? { ...value, extra: 1 } : value
      default:
        return undefined
    }
  }
  const [head, ...rest] = path
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? editAt(item, rest, edit) : item))
  const out = { ...value }
  if (rest.length === 0 && edit._tag === "delete") delete out[head!]
  else out[head!] = editAt(value[head!], rest, edit)
  return out
}

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...replacements).map((value): Edit => ({ _tag: "replace", value })) },
  { weight: 2, arbitrary: fc.constant<Edit>({ _tag: "delete" }) },
  { weight: 1, arbitrary: fc.constant<Edit>({ _tag: "undefined" }) },
  { weight: 1, arbitrary: fc.constant<Edit>({ _tag: "extra" }) }
)

const mutatedArb = fc.record({
  resources: fc.integer({ min: 0, max: 3 }),
  prices: fc.integer({ min: 0, max: 3 }),
  edits: fc.array(fc.tuple(fc.nat(), editArb), { minLength: 1, maxLength: 2 })
}).map(({ edits, prices, resources }) => {
  let value = fixture(resources, prices)
  for (const [pick, edit] of edits) {
    const all = paths(value)
    value = editAt(value, all[pick % all.length]!, edit)
  }
  return value
})

describe("LocationSnapshot.isCanonicalSource", () => {
  it("accepts canonical sources, fixtures and ones with every optional field", () => {
    for (const [resources, prices] of [[0, 0], [3, 4], [20, 30]] as const) {
      expect(LocationSnapshot.isCanonicalSource(fixture(resources, prices))).toBe(true)
      const plain = JSON.parse(JSON.stringify(Fixtures.locationSource("L-plain", { resources, prices })))
      expect(LocationSnapshot.isCanonicalSource(plain)).toBe(true)
    }
  })

  it("accepts exactly what the schema accepts and decodes to an equal value", () => {
    let accepted = 0
    fc.assert(
      fc.property(mutatedArb, (input) => {
        const decoded = decodeWithSchema(input)
        const unchangedByDecoding = Either.isRight(decoded) && isDeepStrictEqual(decoded.right, input)
        expect(LocationSnapshot.isCanonicalSource(input)).toBe(unchangedByDecoding)
        if (unchangedByDecoding) accepted++
      }),
      { numRuns: 3000, seed: 20261122 }
    )
    // The generator must exercise both answers.
    expect(accepted).toBeGreaterThan(100)
  })

  it("refuses what decoding would rewrite: amounts not at the minor unit, credits with zeros, unknown keys", () => {
    const base = fixture(1, 1) as any
    const withPrice = (patch: object) => ({ ...base, prices: [{ ...base.prices[0], ...patch }] })
    expect(LocationSnapshot.isCanonicalSource(withPrice({ amount: { amount: "10.5", currency: "EUR" } }))).toBe(false)
    expect(LocationSnapshot.isCanonicalSource(withPrice({ amount: { amount: "10", currency: "JPY" } }))).toBe(true)
    expect(LocationSnapshot.isCanonicalSource(withPrice({ alternatives: [{ amount: "2.0", creditUnit: "c" }] })))
      .toBe(false)
    expect(LocationSnapshot.isCanonicalSource({ ...base, note: "x" })).toBe(false)
    expect(LocationSnapshot.isCanonicalSource(Object.assign(Object.create({ inherited: 1 }), base))).toBe(false)
  })

  it("isNormalAmount agrees with normalizeDecimal", () => {
    const examples = ["-0.00", "-0", "-0.50", "0.00", "00.50", "1.5", "1.500", "-12.30", "12", "12.", ".5", "1e3"]
    for (const amount of examples) {
      for (const digits of [0, 1, 2, 3, 5]) {
        expect(isNormalAmount(amount, digits)).toBe(normalizeDecimal(amount, digits) === amount)
      }
    }
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("0", "1", "9", "-", ".", "00", "5", "x"), maxLength: 8 }),
        fc.integer({ min: 0, max: 6 }),
        (amount, digits) => {
          expect(isNormalAmount(amount, digits)).toBe(normalizeDecimal(amount, digits) === amount)
        }
      ),
      { numRuns: 20000 }
    )
  })
})

describe("LocationSnapshot.decodeSource", () => {
  it("returns a canonical source as is, and the schema's errors for anything else", () => {
    const decode = LocationSnapshot.decodeSource({ errors: "all" })
    const canonical = fixture(2, 2)
    expect(Either.getOrThrow(decode(canonical))).toBe(canonical)
    fc.assert(
      fc.property(mutatedArb, (input) => {
        expect(decode(input)).toEqual(decodeWithSchema(input))
      }),
      { numRuns: 500, seed: 7 }
    )
  })
})

describe("LocationSnapshot.checkSource", () => {
  it("reports what fromSource refuses, without deriving ids", () => {
    const accountId = "acc_check" as Ids.AccountId
    const source = Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshotSource)(fixture(3, 4))
    const cases = [
      source,
      { ...source, resources: [...source.resources, source.resources[1]!] },
      { ...source, prices: [source.prices[0]!, ...source.prices] },
      {
        ...source,
        prices: [...source.prices, { ...source.prices[0]!, appliesTo: { resourceIds: ["L-fast-r0", "x"] } }]
      }
    ]
    for (const input of cases) {
      const expected = LocationSnapshot.fromSource(accountId, input)
      expect(LocationSnapshot.checkSource(input)).toEqual(Either.isLeft(expected) ? expected.left : undefined)
    }
  })
})
