import { describe, expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { Effect, Option, Schema } from "effect"
import { derive, installed } from "../scripts/generate-windows-zones.mjs"
import {
  NexudusAdapter,
  NexudusClient,
  NexudusNormalize,
  NexudusSchemas,
  NexudusTimeZones,
  NexudusWebhooks
} from "../src/index.js"
import * as WindowsZones from "../src/WindowsZones.js"

// Made-up records in the shapes the Nexudus admin API returns (field names and types as recorded).
const BUSINESS = 1421021016

const business = (fields: Record<string, unknown> = {}) => ({
  Id: BUSINESS,
  Name: "Explore 2.0",
  Address: "1 Test Street\r\nLondon",
  TownCity: "London",
  PostalCode: "EC1A 1AA",
  CountryId: 1220,
  CountryName: "United Kingdom",
  CurrencyId: 3005,
  CurrencyCode: "GBP",
  SimpleTimeZoneId: 57,
  Phone: null,
  EmailContact: "hello@example.com",
  WebContact: "https://explore.spaces.nexudus.com",
  Latitude: 51.5,
  Longitude: -0.1,
  MondayOpenTime: 480,
  MondayCloseTime: 1080,
  MondayClosed: false,
  SundayOpenTime: null,
  SundayCloseTime: null,
  SundayClosed: true,
  Suspended: false,
  UpdatedOn: "2026-08-27T08:24:31.1322722Z",
  ...fields
})

const tariff = (fields: Record<string, unknown> = {}) => ({
  BusinessId: BUSINESS,
  Name: "Dedicated Desk Monthly",
  SystemTariffType: 3,
  Price: 350.0,
  Visible: true,
  SignUpFee: null,
  CurrencyId: 3005,
  CurrencyCode: "GBP",
  TaxRateId: 1415140492,
  InvoiceEvery: 1,
  InvoiceEveryWeeks: 0,
  Archived: false,
  Id: 1415418447,
  UpdatedOn: "2026-08-27T08:24:39.896196Z",
  ...fields
})

const rate = (fields: Record<string, unknown> = {}) => ({
  BusinessId: BUSINESS,
  Name: "Meeting Room Rate",
  Visible: false,
  ResourceTypes: [1415372692],
  Price: 0.4167,
  CreditPrice: null,
  ChargePeriod: 1,
  MaximumPrice: null,
  CurrencyId: 3005,
  CurrencyCode: "GBP",
  TaxRateId: 1415140492,
  FromTime: null,
  ToTime: null,
  MinLength: null,
  MaxLength: null,
  FixedCostLength: null,
  FixedCostPrice: null,
  OnlyForMembers: false,
  IsBookingCredit: false,
  IsPrintingCredit: false,
  ApplyFrom: null,
  ApplyTo: null,
  Id: 1415395315,
  UpdatedOn: "2026-08-27T08:24:52.7693296Z",
  ...fields
})

const product = (fields: Record<string, unknown> = {}) => ({
  BusinessId: BUSINESS,
  Name: "Day Pass",
  SystemProductType: 1,
  Price: 25.0,
  Visible: true,
  CurrencyId: 3005,
  CurrencyCode: "GBP",
  TaxRateId: null,
  AvailableAs: 3,
  OnlyForMembers: false,
  Archived: false,
  Id: 1415478547,
  ...fields
})

const resource = (fields: Record<string, unknown> = {}) => ({
  BusinessId: BUSINESS,
  Name: "Boardroom Alpha",
  SystemResourceType: 1,
  ResourceTypeId: 1415372692,
  ResourceTypeName: "Meeting Room",
  Visible: true,
  Projector: true,
  VideoConferencing: true,
  CCTV: false,
  Allocation: 10,
  MaxBookingLength: 480,
  MinBookingLength: 30,
  Archived: false,
  Id: 1415383197,
  ...fields
})

const taxRate = { BusinessId: BUSINESS, Name: "Standard", Rate: 20.0, ExemptionReason: 1, Id: 1415140492 }
const gmt = { Name: "GMT Standard Time", Description: "(UTC) London", Id: 57, SystemId: null }

const bundle = (over: Partial<NexudusNormalize.Bundle> = {}): NexudusNormalize.Bundle => ({
  businesses: [business()],
  simpletimezones: [gmt],
  taxrates: [taxRate],
  resources: [resource()],
  tariffs: [tariff()],
  products: [product()],
  extraservices: [rate()],
  ...over
})

const snapshotOf = (b: NexudusNormalize.Bundle) =>
  Effect.map(NexudusNormalize.results(b), (items) => {
    expect(items.map((i) => i._tag)).toEqual(["Snapshot"])
    return (items[0] as Extract<Adapter.ReadItem, { _tag: "Snapshot" }>).source
  })

const priceOf = (snapshot: Adapter.SnapshotSource, externalId: string) => {
  const price = snapshot.prices.find((p) => p.externalId === externalId)
  expect(price, externalId).toBeDefined()
  return price!
}

const decode = <A, I>(schema: Schema.Schema<A, I>, value: unknown) => Schema.decodeUnknownSync(schema)(value)
const lookups = { taxRates: new Map([[taxRate.Id, { rate: 20, index: 0 }]]) }
const ratePrices = (fields: Record<string, unknown>) =>
  NexudusNormalize.ratePrices(decode(NexudusSchemas.ExtraService, rate(fields)), ["extraservices", 0], lookups, () => [
    "1415383197"
  ])

describe("Nexudus exact decimals", () => {
  it("reads a JSON number as the decimal it was written as", () => {
    const s = (n: number) => NexudusNormalize.decimalString(NexudusNormalize.decimalOf(n)!)
    expect(s(0.4167)).toBe("0.4167")
    expect(s(350.0)).toBe("350")
    expect(s(1e-7)).toBe("0.0000001")
    expect(s(1.5e21)).toBe("1500000000000000000000")
    expect(NexudusNormalize.decimalOf(-1)).toBeUndefined()
    expect(NexudusNormalize.decimalOf(Number.NaN)).toBeUndefined()
  })

  it("a per-minute rate is its hourly price when that gives back the stored four decimals", () => {
    const per = (n: number, digits = 2) => {
      const { amount, unit } = NexudusNormalize.perMinute(NexudusNormalize.decimalOf(n)!, digits)
      return [amount, unit.per, unit.count]
    }
    expect(per(0.4167)).toEqual(["25.00", "hour", 1]) // 25.002 → 25.00; 25/60 = 0.41666… → 0.4167
    expect(per(0.25)).toEqual(["15.00", "hour", 1])
    expect(per(0.1667)).toEqual(["10.00", "hour", 1])
    expect(per(0.4168)).toEqual(["25.01", "hour", 1]) // 25.008 → 25.01; 25.01/60 = 0.416833… → 0.4168
    expect(per(0)).toEqual(["0.00", "hour", 1])
    expect(per(0.5, 0)).toEqual(["30", "hour", 1]) // JPY
    // Inexact: the finest whole number of minutes that reaches the minor unit.
    expect(per(0.1234)).toEqual(["6.17", "minute", 50]) // 7.404 → 7.40 → 0.12333 ≠ 0.1234
    expect(per(0.4169)).toEqual(["41.69", "minute", 100])
  })

  it("0.4165 per minute is 24.99 per hour (the rule, applied exactly)", () => {
    const { amount, unit } = NexudusNormalize.perMinute(NexudusNormalize.decimalOf(0.4165)!, 2)
    expect([amount, unit]).toEqual(["24.99", { per: "hour", count: 1 }])
    // A figure that no hourly price at whole pence reproduces: 0.0125/min → 0.75/h → 0.0125 ✓; 0.0126 ✗.
    const odd = NexudusNormalize.perMinute(NexudusNormalize.decimalOf(0.0126)!, 2)
    expect([odd.amount, odd.unit]).toEqual(["0.63", { per: "minute", count: 50 }])
  })
})

describe("Nexudus booking rates", () => {
  it("maps every ChargePeriod", () => {
    const unitOf = (ChargePeriod: number, Price = 8) => ratePrices({ ChargePeriod, Price })[0]!.unit
    expect(unitOf(1, 0.4167)).toEqual({ per: "hour", count: 1 })
    expect(unitOf(2)).toEqual({ per: "day", count: 1 })
    expect(unitOf(3)).toEqual({ per: "week", count: 1 })
    expect(unitOf(4)).toEqual({ per: "month", count: 1 })
    expect(unitOf(5)).toEqual({ per: "use", count: 1 })
    expect(unitOf(6)).toEqual({ per: "four_weeks", count: 1 }) // FourWeekMonths: never `month`
  })

  it("an unknown ChargePeriod, or a daily price finer than pence, fails its business naming the path", () =>
    Effect.gen(function*() {
      for (
        const [fields, path] of [
          [{ ChargePeriod: 9 }, ["extraservices", 0, "ChargePeriod"]],
          [{ ChargePeriod: 2, Price: 0.4167 }, ["extraservices", 0, "Price"]],
          [{ Price: "0,4167" }, ["extraservices", 0, "Price"]]
        ] as const
      ) {
        const items = yield* NexudusNormalize.results(bundle({ extraservices: [rate(fields)] }))
        expect(items).toHaveLength(1)
        const failed = items[0] as Extract<Adapter.ReadItem, { _tag: "Failed" }>
        expect(failed._tag).toBe("Failed")
        expect(failed.externalId).toBe(String(BUSINESS))
        expect(failed.error.reason).toBe("InvalidData")
        expect(failed.error.path).toEqual(path)
      }
    }))

  it("applies to the resources of its resource types, with tax from its tax rate (mode unknown)", () =>
    Effect.gen(function*() {
      const snapshot = yield* snapshotOf(bundle({
        resources: [resource(), resource({ Id: 2, Name: "Hot Desk", SystemResourceType: 2, ResourceTypeId: 77 })]
      }))
      const meeting = priceOf(snapshot, "rate-1415395315")
      expect(meeting).toMatchObject({
        category: "resource_rate",
        amount: { amount: "25.00", currency: "GBP" },
        unit: { per: "hour", count: 1 },
        recurring: false,
        tax: { mode: "unknown", ratePercent: 20 },
        status: "active",
        appliesTo: { resourceIds: ["1415383197"] }
      })
    }))

  it("CreditPrice is an alternative in credits, scaled like the money", () => {
    expect(ratePrices({ ChargePeriod: 5, Price: 15, CreditPrice: 2 })[0]!.alternatives).toEqual([
      { amount: "2", creditUnit: "credit" }
    ])
    expect(ratePrices({ ChargePeriod: 1, Price: 0.25, CreditPrice: 0.05 })[0]!.alternatives).toEqual([
      { amount: "3", creditUnit: "credit" }
    ])
    expect(ratePrices({ ChargePeriod: 1, Price: 0.1234, CreditPrice: 0.01 })[0]!.alternatives).toEqual([
      { amount: "0.5", creditUnit: "credit" }
    ])
    expect(ratePrices({})[0]!.alternatives).toBeUndefined()
  })

  it("members-only, booking lengths, validity and the FromTime/ToTime window are conditions", () => {
    const [price] = ratePrices({
      Price: 0.3,
      FromTime: 1080,
      ToTime: 1320,
      OnlyForMembers: true,
      MinLength: 60,
      MaxLength: 600,
      ApplyFrom: "2026-01-01T00:00:00Z",
      ApplyTo: "not a date"
    })
    expect(price!.conditions).toEqual({
      membersOnly: true,
      minDurationMinutes: 60,
      maxDurationMinutes: 600,
      validFrom: "2026-01-01T00:00:00Z",
      fromTime: "18:00",
      toTime: "22:00"
    })
    expect(ratePrices({ FromTime: 0, ToTime: 1440 })[0]!.conditions).toEqual({ fromTime: "00:00", toTime: "24:00" })
    // Half a window, or an impossible one, is no window.
    expect(ratePrices({ FromTime: 1080 })[0]!.conditions).toBeUndefined()
    expect(ratePrices({ FromTime: 1080, ToTime: 2000 })[0]!.conditions).toBeUndefined()
    expect(ratePrices({})[0]!.conditions).toBeUndefined()
  })

  it("a fixed cost is a price of its own; booking and printing credits are not rates", () => {
    const prices = ratePrices({ Price: 0.75, FixedCostLength: 240, FixedCostPrice: 120 })
    expect(prices.map((p) => [p.externalId, p.amount.amount, p.unit])).toEqual([
      ["rate-1415395315", "45.00", { per: "hour", count: 1 }],
      ["rate-1415395315-fixed", "120.00", { per: "hour", count: 4 }]
    ])
    expect(ratePrices({ IsBookingCredit: true })).toEqual([])
    expect(ratePrices({ IsPrintingCredit: true })).toEqual([])
  })

  it("archived is inactive; MaximumPrice is not expressible and changes nothing", () => {
    expect(ratePrices({ Archived: true })[0]!.status).toBe("inactive")
    expect(ratePrices({ MaximumPrice: 50 })).toEqual(ratePrices({}))
  })
})

describe("Nexudus tariffs and products", () => {
  const tariffPrices = (fields: Record<string, unknown>) =>
    NexudusNormalize.tariffPrices(decode(NexudusSchemas.Tariff, tariff(fields)), ["tariffs", 3], lookups)

  it("a tariff is invoiced every N months or every N weeks", () => {
    expect(tariffPrices({})[0]!.unit).toEqual({ per: "month", count: 1 })
    expect(tariffPrices({ InvoiceEvery: 3 })[0]!.unit).toEqual({ per: "month", count: 3 })
    expect(tariffPrices({ InvoiceEvery: 12 })[0]!.unit).toEqual({ per: "month", count: 12 })
    expect(tariffPrices({ InvoiceEvery: 0, InvoiceEveryWeeks: 1 })[0]!.unit).toEqual({ per: "week", count: 1 })
    expect(tariffPrices({ InvoiceEvery: 0, InvoiceEveryWeeks: 2 })[0]!.unit).toEqual({ per: "week", count: 2 })
    for (const fields of [{ InvoiceEvery: 0, InvoiceEveryWeeks: 0 }, { InvoiceEvery: 1, InvoiceEveryWeeks: 1 }]) {
      expect(() => tariffPrices(fields)).toThrow()
    }
  })

  it("a sign-up fee is a setup_fee price signup-<tariff id>", () => {
    const prices = tariffPrices({ SignUpFee: 49, Archived: true, SystemTariffType: 1 })
    expect(prices).toEqual([
      {
        externalId: "tariff-1415418447",
        name: "Dedicated Desk Monthly",
        category: "membership",
        amount: { amount: "350.00", currency: "GBP" },
        unit: { per: "month", count: 1 },
        recurring: true,
        tax: { mode: "unknown", ratePercent: 20 },
        status: "inactive",
        appliesTo: { resourceKinds: ["private_office"] }
      },
      {
        externalId: "signup-1415418447",
        name: "Dedicated Desk Monthly sign-up fee",
        category: "setup_fee",
        amount: { amount: "49.00", currency: "GBP" },
        unit: { per: "once", count: 1 },
        recurring: false,
        tax: { mode: "unknown", ratePercent: 20 },
        status: "inactive",
        appliesTo: { resourceKinds: ["private_office"] }
      }
    ])
    expect(tariffPrices({ SignUpFee: 0 })).toHaveLength(1)
  })

  it("products: day passes, credit bundles, add-ons; no tax rate is tax unknown without a rate", () => {
    const productPrice = (fields: Record<string, unknown>) =>
      NexudusNormalize.productPrice(decode(NexudusSchemas.Product, product(fields)), ["products", 0], lookups)
    expect(productPrice({})).toMatchObject({
      externalId: "product-1415478547",
      category: "day_pass",
      unit: { per: "day", count: 1 },
      recurring: false,
      tax: { mode: "unknown" }
    })
    expect(productPrice({}).tax).toEqual({ mode: "unknown" })
    expect(productPrice({ SystemProductType: 2 }).category).toBe("credit_bundle")
    expect(productPrice({ SystemProductType: 99, AvailableAs: 2, OnlyForMembers: true, TaxRateId: taxRate.Id }))
      .toMatchObject({
        category: "addon",
        recurring: true,
        conditions: { membersOnly: true },
        tax: { mode: "unknown", ratePercent: 20 }
      })
    // A tax rate the account does not list: unknown, never guessed.
    expect(productPrice({ TaxRateId: 999 }).tax).toEqual({ mode: "unknown" })
  })
})

describe("Nexudus businesses and resources", () => {
  it("a business is a location with its IANA zone, address and opening hours", () =>
    Effect.gen(function*() {
      const { location } = yield* snapshotOf(bundle())
      expect(location).toEqual({
        externalId: String(BUSINESS),
        name: "Explore 2.0",
        status: "active",
        visible: true,
        timezone: "Europe/London",
        address: { formatted: "1 Test Street, London", city: "London", postalCode: "EC1A 1AA", countryCode: "GB" },
        geo: { lat: 51.5, lng: -0.1 },
        currency: "GBP",
        contact: { email: "hello@example.com", website: "https://explore.spaces.nexudus.com" },
        openingHours: [{ day: "mon", opens: "08:00", closes: "18:00" }],
        sourceUpdatedAt: "2026-08-27T08:24:31.1322722Z"
      })
    }))

  it("resources: kinds from SystemResourceType, archived inactive, invisible not visible", () => {
    const out = (fields: Record<string, unknown>) =>
      NexudusNormalize.resource(decode(NexudusSchemas.Resource, resource(fields)), ["resources", 0])
    expect(out({})).toEqual({
      externalId: "1415383197",
      name: "Boardroom Alpha",
      kind: "meeting_room",
      usage: "bookable",
      status: "active",
      visible: true,
      capacity: 10,
      minBookingMinutes: 30,
      maxBookingMinutes: 480,
      amenities: ["projector", "video_conferencing"]
    })
    expect([2, 3, 4, 5, 42, null].map((t) => out({ SystemResourceType: t }).kind)).toEqual([
      "hot_desk",
      "private_office",
      "phone_booth",
      "parking",
      "other",
      "other"
    ])
    expect(out({ Archived: true })).toMatchObject({ status: "inactive", visible: false })
    expect(out({ Visible: false })).toMatchObject({ status: "active", visible: false })
  })

  it("a malformed record fails only its business, naming its path; the others sync", () =>
    Effect.gen(function*() {
      const other = 1421021017
      const items = yield* NexudusNormalize.results(bundle({
        businesses: [business(), business({ Id: other, Name: "Other" })],
        tariffs: [tariff(), tariff({ Id: 5, BusinessId: other, Price: "199,00" })],
        // A record that names no business at all is reported on its own.
        products: [product(), { Id: 9, Name: "orphan" }]
      }))
      expect(items.map((i) => [i._tag, Adapter.externalIdOf(i)])).toEqual([
        ["Snapshot", String(BUSINESS)],
        ["Failed", String(other)],
        ["Failed", null]
      ])
      const failed = items[1] as Extract<Adapter.ReadItem, { _tag: "Failed" }>
      expect(failed.error).toMatchObject({ reason: "InvalidData", path: ["tariffs", 1, "Price"] })
      expect((items[2] as Extract<Adapter.ReadItem, { _tag: "Failed" }>).error.path).toEqual([
        "products",
        1,
        "BusinessId"
      ])
    }))
})

describe("Nexudus time zones", () => {
  it("the committed table is what the generator derives from the installed cldr-core", () => {
    const { version, windowsZones } = installed()
    expect(WindowsZones.cldrVersion).toBe(version)
    expect(WindowsZones.windowsZones).toEqual(derive(windowsZones))
  })

  it("maps Windows ids to IANA zones, by territory when CLDR lists it; unknown is null", () => {
    expect(NexudusTimeZones.ianaOf("GMT Standard Time")).toBe("Europe/London")
    expect(NexudusTimeZones.ianaOf("GMT Standard Time", "PT")).toBe("Europe/Lisbon")
    expect(NexudusTimeZones.ianaOf("GMT Standard Time", "US")).toBe("Europe/London")
    expect(NexudusTimeZones.ianaOf("W. Europe Standard Time", "DE")).toBe("Europe/Berlin")
    expect(NexudusTimeZones.ianaOf("Eastern Standard Time", "US")).toBe("America/New_York")
    expect(NexudusTimeZones.ianaOf("SA Pacific Standard Time", "CO")).toBe("America/Bogota")
    expect(NexudusTimeZones.ianaOf("Mid-Atlantic Standard Time")).toBeNull()
    expect(NexudusTimeZones.ianaOf("Europe/London")).toBeNull()
    expect(NexudusTimeZones.ianaOf("constructor")).toBeNull()
    expect(NexudusTimeZones.ianaOf(null)).toBeNull()
    expect(NexudusTimeZones.windowsIdOf({ SystemId: "Romance Standard Time", Name: "Paris" })).toBe(
      "Romance Standard Time"
    )
    expect(NexudusTimeZones.windowsIdOf({ SystemId: null, Name: "GMT Standard Time" })).toBe("GMT Standard Time")
    expect(NexudusTimeZones.windowsIdOf({ SystemId: null, Name: "(UTC) London" })).toBeNull()
    expect(NexudusTimeZones.countryCodeOf("Portugal")).toBe("PT")
    expect(NexudusTimeZones.countryCodeOf("Narnia")).toBeUndefined()
  })

  it("a business whose zone is unknown has timezone null", () =>
    Effect.gen(function*() {
      const mid = { Name: "Mid-Atlantic Standard Time", Id: 40, SystemId: null }
      const snapshot = yield* snapshotOf(bundle({
        businesses: [business({ SimpleTimeZoneId: 40 })],
        simpletimezones: [gmt, mid]
      }))
      expect(snapshot.location.timezone).toBeNull()
      const none = yield* snapshotOf(bundle({ businesses: [business({ SimpleTimeZoneId: null })] }))
      expect(none.location.timezone).toBeNull()
      const lisbon = yield* snapshotOf(bundle({ businesses: [business({ CountryName: "Portugal" })] }))
      expect(lisbon.location.timezone).toBe("Europe/Lisbon")
    }))
})

describe("Nexudus webhooks", () => {
  // The derived vector of the webhook notes (computed locally, not published by Nexudus).
  const secret = "my-shared-secret"
  const utf8 = "[{\"Id\":1415383197,\"Name\":\"Café Room\"}]"
  const ascii = "[{\"Id\":1415383197,\"Name\":\"Caf? Room\"}]"
  const ifAscii = "90FB0FBF3E65255A11E71B0FB045ACE9225D449C5A2368E949D2FC512477C7F0"
  const ifRaw = "36A24EA01D87C01ECA372DCC053D66ECBFD789CA38A150319368E59986E1086A"
  const credentials = Schema.decodeUnknownSync(NexudusAdapter.Credentials)({
    username: "ops@example.com",
    password: "pw",
    webhookSecret: secret
  })
  const hook = (body: string, signature?: string): Adapter.WebhookRequest => ({
    method: "POST",
    url: "/upstream/acc/webhooks",
    headers: signature === undefined ? {} : { [NexudusWebhooks.signatureHeader]: signature },
    body: new TextEncoder().encode(body)
  })

  it("signs uppercase hex HMAC-SHA256 of the bytes", () => {
    expect(NexudusWebhooks.sign(secret, ascii)).toBe(ifAscii)
    expect(NexudusWebhooks.sign(secret, new TextEncoder().encode(utf8))).toBe(ifRaw)
  })

  it.effect("verifies over the raw bytes, and over the ASCII Nexudus hashed", () =>
    Effect.gen(function*() {
      expect(yield* NexudusWebhooks.verify(hook(ascii, ifAscii), credentials)).toEqual(Adapter.WebhookTargets.All())
      expect(yield* NexudusWebhooks.verify(hook(utf8, ifRaw), credentials)).toEqual(Adapter.WebhookTargets.All())
      // Sent as UTF-8, signed over its ASCII encoding.
      expect(yield* NexudusWebhooks.verify(hook(utf8, ifAscii), credentials)).toEqual(Adapter.WebhookTargets.All())
      // Hex case carries no information.
      expect(yield* NexudusWebhooks.verify(hook(ascii, ifAscii.toLowerCase()), credentials)).toEqual(
        Adapter.WebhookTargets.All()
      )
    }))

  it.effect("refuses a wrong, missing or foreign signature, and every hook without a webhookSecret", () =>
    Effect.gen(function*() {
      const noSecret = Schema.decodeUnknownSync(NexudusAdapter.Credentials)({ username: "u", password: "p" })
      for (
        const [request, creds] of [
          [hook(ascii.replace("Room", "Hall"), ifAscii), credentials],
          [hook(ascii, NexudusWebhooks.sign("other", ascii)), credentials],
          [hook(ascii), credentials],
          [hook(ascii, ""), credentials],
          [hook(ascii, ifAscii), noSecret]
        ] as const
      ) {
        const error = yield* Effect.flip(NexudusWebhooks.verify(request, creds))
        expect(error.reason).toBe("Unauthorized")
      }
    }))

  it.effect("a verified hook re-reads the business its record names", () =>
    Effect.gen(function*() {
      const body = JSON.stringify([{ Id: 7, BusinessId: BUSINESS, FromTime: "2026-01-01T10:00:00Z" }])
      expect(yield* NexudusWebhooks.verify(hook(body, NexudusWebhooks.sign(secret, body)), credentials)).toEqual(
        Adapter.WebhookTargets.Locations({ externalIds: [String(BUSINESS)] })
      )
    }))
})

describe("Nexudus client and cursors", () => {
  it("409 is throttling only with Nexudus' message (or empty with Retry-After); 429 reads 'Wait N seconds'", () => {
    const now = 0
    const msg = "You must wait before accessing this url again."
    expect(NexudusClient.throttling(409, "2", msg, now)).toEqual({ retryAfterMillis: 2000 })
    expect(NexudusClient.throttling(409, undefined, `"${msg}"`, now)).toEqual({ retryAfterMillis: undefined })
    expect(NexudusClient.throttling(409, "1", "", now)).toEqual({ retryAfterMillis: 1000 })
    expect(NexudusClient.throttling(409, undefined, "{\"Message\":\"Conflict\"}", now)).toBeNull()
    expect(NexudusClient.throttling(409, "1", "{\"Message\":\"Conflict\"}", now)).toBeNull()
    expect(NexudusClient.throttling(429, undefined, "Wait 3 seconds", now)).toEqual({ retryAfterMillis: 3000 })
    expect(NexudusClient.throttling(429, "1", "Wait 3 seconds", now)).toEqual({ retryAfterMillis: 1000 })
    expect(NexudusClient.throttling(429, undefined, "", now)).toEqual({ retryAfterMillis: undefined })
    expect(NexudusClient.throttling(500, "1", msg, now)).toBeNull()
  })

  it("cursors round-trip; anything else is not a cursor", () => {
    const cursor = { since: 1_780_000_000_000, businessIds: [3, 1, 2] }
    const encoded = NexudusAdapter.encodeCursor(cursor)
    expect(encoded).toBe("v1:1780000000000:1,2,3")
    expect(NexudusAdapter.decodeCursor(encoded)).toEqual(Option.some({ ...cursor, businessIds: [1, 2, 3] }))
    expect(NexudusAdapter.decodeCursor("v1:1780000000000:")).toEqual(
      Option.some({ since: 1_780_000_000_000, businessIds: [] })
    )
    for (const bad of ["", "v2:1:1", "v1:x:1", "v1:1:1,,2", "2026-01-01T00:00", "v1:1:1;drop"]) {
      expect(NexudusAdapter.decodeCursor(bad)).toEqual(Option.none())
    }
    expect(NexudusAdapter.filterTime(Date.parse("2026-08-27T08:24:31.132Z"))).toBe("2026-08-27T08:24")
  })
})
