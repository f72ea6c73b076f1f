import { describe, expect, it } from "@effect/vitest"
import { LocationSnapshot } from "@spacesync/adapter-kit"
import { Effect, Schema } from "effect"
import { DeskBaseNormalize } from "../src/index.js"
import { DeskBaseSimulator } from "../src/testing/index.js"

describe("DeskBaseNormalize", () => {
  it.effect("moves the decimal point of minor units, never dividing", () =>
    Effect.gen(function*() {
      expect(yield* DeskBaseNormalize.money(1250, "EUR", [])).toEqual({ amount: "12.50", currency: "EUR" })
      expect(yield* DeskBaseNormalize.money(5, "EUR", [])).toEqual({ amount: "0.05", currency: "EUR" })
      expect(yield* DeskBaseNormalize.money(1500, "JPY", [])).toEqual({ amount: "1500", currency: "JPY" })
      expect(yield* DeskBaseNormalize.money(1234, "KWD", [])).toEqual({ amount: "1.234", currency: "KWD" })
      // 0.1 + 0.2 in floats is 0.30000000000000004; in strings it is exact.
      expect((yield* DeskBaseNormalize.money(30, "EUR", [])).amount).toBe("0.30")
    }))

  it.effect("refuses an unknown currency and a negative amount as InvalidData with a path", () =>
    Effect.gen(function*() {
      const currency = yield* Effect.flip(DeskBaseNormalize.money(100, "XYZ", ["rates", 0, "price_minor"]))
      expect(currency).toMatchObject({ reason: "InvalidData", path: ["currency"] })
      const negative = yield* Effect.flip(DeskBaseNormalize.money(-1, "EUR", ["rates", 0, "price_minor"]))
      expect(negative).toMatchObject({ reason: "InvalidData", path: ["rates", 0, "price_minor"] })
    }))

  it("tax is unknown when the site has no VAT settings, and never guessed", () => {
    expect(DeskBaseNormalize.tax(null)).toEqual({ mode: "unknown" })
    expect(DeskBaseNormalize.tax({ included: true, rate: 7 })).toEqual({ mode: "inclusive", ratePercent: 7 })
    expect(DeskBaseNormalize.tax({ included: false, rate: 19 })).toEqual({ mode: "exclusive", ratePercent: 19 })
  })

  it("maps room types it knows and calls the others `other`", () => {
    expect(DeskBaseNormalize.kindOf("fixed_desk")).toBe("dedicated_desk")
    expect(DeskBaseNormalize.kindOf("office")).toBe("private_office")
    expect(DeskBaseNormalize.kindOf("roof terrace")).toBe("other")
  })

  it.effect("a site normalizes to a canonical snapshot: exact units, null time zone, no price display when unknown", () =>
    Effect.gen(function*() {
      const site = DeskBaseSimulator.seedSite(3)
      const source = yield* DeskBaseNormalize.snapshot(site)
      const decoded = Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshotSource)(source)
      expect(decoded.location.timezone).toBeNull()
      const halfDay = decoded.prices.find((p) => p.externalId === "site-3-rate-2")!
      expect(halfDay.unit).toEqual({ per: "hour", count: 4 })
      expect(halfDay.amount).toEqual({ amount: "80.00", currency: "EUR" })
      expect(halfDay.appliesTo).toEqual({ resourceIds: ["site-3-room-1"] })
      expect(decoded.prices.find((p) => p.externalId === "site-3-rate-3")).toMatchObject({
        category: "assignment",
        recurring: true
      })
      expect(decoded.prices.find((p) => p.externalId === "site-3-rate-4")).toMatchObject({
        category: "day_pass",
        appliesTo: {}
      })

      const noVat = yield* DeskBaseNormalize.snapshot(DeskBaseSimulator.seedSite(4))
      expect(noVat.location.priceDisplay).toBeUndefined()
      expect(noVat.prices.every((p) => p.tax.mode === "unknown")).toBe(true)
    }))
})
