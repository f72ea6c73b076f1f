import { describe, expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { Effect, Schema } from "effect"
import * as BookingSyncNormalize from "../src/BookingSyncNormalize.js"
import * as BookingSyncSchemas from "../src/BookingSyncSchemas.js"

// Shapes as the live API answers them (v3 serialization), with invented values.
const account = Schema.decodeUnknownSync(BookingSyncSchemas.Account)({
  id: 10,
  business_name: "Alpine Stays",
  default_locale: "en",
  country_code: "FR"
})

const rental = (id: number, fields: Record<string, unknown> = {}) => ({
  links: { account: 10, rates: [], rentals_fees: [] },
  id,
  name: `Chalet ${id}`,
  description: { en: "A chalet.", fr: "Un chalet." },
  sleeps: 4,
  sleeps_max: 6,
  currency: "EUR",
  lat: 45.01,
  lng: 6.6,
  address1: "1 Rue du Lac",
  address2: "",
  city: "Névache",
  state: "",
  zip: "05100",
  country_code: "fr",
  published_at: "2016-07-07T07:36:35Z",
  updated_at: "2016-12-12T02:28:45Z",
  ...fields
})

const bundle = (overrides: Partial<BookingSyncNormalize.Bundle> = {}): BookingSyncNormalize.Bundle => ({
  account,
  rentals: [rental(1), rental(2, { currency: null, published_at: null }), rental(3, { links: { account: 99 } })],
  rates: [{
    links: { rental: 1 },
    id: 7,
    currency: "EUR",
    start_date: "2016-12-08",
    end_date: "2017-01-16",
    initial_nightly_rate: "401.77",
    initial_weekly_rate: "2812.4",
    initial_monthly_rate: "12053.14",
    final_nightly_rate: "361.59",
    final_weekly_rate: "2531.16",
    final_monthly_rate: null,
    minimum_stay: 2
  }],
  rentalsFees: [
    {
      links: { fee: 474, rental: 1, seasons: [] },
      id: 15,
      name: { en: "Cleaning" },
      rate: "10.0",
      rate_kind: "fixed",
      archived_at: null
    },
    {
      links: { fee: 475, rental: 1, seasons: [] },
      id: 16,
      name: { en: "Service" },
      rate: "5.0",
      rate_kind: "percentage",
      archived_at: null
    }
  ],
  rentalsTaxes: [{ links: { rental: 1, tax: 168 }, id: 3, tax_included_in_rate: true }],
  taxes: [{ links: { account: 10 }, id: 168, percentage: "10.0", name: { en: "VAT" } }],
  feesTaxes: [],
  ...overrides
})

describe("BookingSync normalization", () => {
  it.effect("turns a rental into a location with itself as the resource, and its rates and fees into prices", () =>
    Effect.gen(function*() {
      const results = yield* BookingSyncNormalize.results(bundle())
      // Rental 3 belongs to another account that authorized the application: never read.
      expect(results.map(Adapter.externalIdOf)).toEqual(["1", "2"])
      const first = results[0]!
      expect(first._tag).toBe("Snapshot")
      const source = (first as Extract<Adapter.ReadItem, { _tag: "Snapshot" }>).source
      expect(source.location).toMatchObject({
        externalId: "1",
        visible: true,
        timezone: null,
        currency: "EUR",
        geo: { lat: 45.01, lng: 6.6 },
        address: { line1: "1 Rue du Lac", city: "Névache", postalCode: "05100", countryCode: "FR" }
      })
      expect(source.resources).toEqual([
        {
          externalId: "1",
          name: "Chalet 1",
          kind: "other",
          usage: "bookable",
          status: "active",
          visible: true,
          capacity: 6
        }
      ])
      expect(source.prices.map((p) => [p.externalId, p.amount, p.unit.per, p.tax])).toEqual([
        ["rate-7-day", { amount: "361.59", currency: "EUR" }, "day", { mode: "inclusive", ratePercent: 10 }],
        ["rate-7-week", { amount: "2531.16", currency: "EUR" }, "week", { mode: "inclusive", ratePercent: 10 }],
        ["rate-7-month", { amount: "12053.14", currency: "EUR" }, "month", { mode: "inclusive", ratePercent: 10 }],
        ["rentals_fee-15", { amount: "10.00", currency: "EUR" }, "once", { mode: "unknown" }]
      ])
    }))

  it.effect("takes the account's currency when the rental has none, and never guesses one", () =>
    Effect.gen(function*() {
      const results = yield* BookingSyncNormalize.results(bundle())
      const second = results[1]!
      expect(second._tag).toBe("Failed")
      const error = (second as Extract<Adapter.ReadItem, { _tag: "Failed" }>).error
      expect(error.reason).toBe("InvalidData")
      expect(error.path).toEqual(["rental", "currency"])

      const withCurrency = bundle({ account: new BookingSyncSchemas.Account({ ...account, currency: "CHF" }) })
      const again = yield* BookingSyncNormalize.results(withCurrency)
      const source = (again[1] as Extract<Adapter.ReadItem, { _tag: "Snapshot" }>).source
      expect(source.location.currency).toBe("CHF")
      expect(source.location.visible).toBe(false)
    }))

  it.effect("reports a malformed amount against its rental only, with its path", () =>
    Effect.gen(function*() {
      const results = yield* BookingSyncNormalize.results(bundle({
        rates: [{ links: { rental: 1 }, id: 8, currency: "EUR", final_nightly_rate: 12.5 }]
      }))
      expect(results.map((r) => r._tag)).toEqual(["Failed", "Failed"])
      const error = (results[0] as Extract<Adapter.ReadItem, { _tag: "Failed" }>).error
      expect(error.externalId).toBe("1")
      expect(error.path).toEqual(["rates", "8", "final_nightly_rate"])
      const tooPrecise = yield* BookingSyncNormalize.results(bundle({
        rates: [{ links: { rental: 1 }, id: 8, currency: "JPY", final_nightly_rate: "100.5" }]
      }))
      expect((tooPrecise[0] as Extract<Adapter.ReadItem, { _tag: "Failed" }>).error.path).toEqual([
        "rates",
        "8",
        "final_nightly_rate"
      ])
    }))
})
