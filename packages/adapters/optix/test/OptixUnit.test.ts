import { describe, expect, it } from "@effect/vitest"
import { Adapter, LocationSnapshot } from "@spacesync/adapter-kit"
import { Effect, Option, Schema } from "effect"
import { buildSchema, parse, validate } from "graphql"
import { OptixAdapter, OptixClient, OptixNormalize, OptixQueries, OptixWebhooks } from "../src/index.js"
import { sdl } from "../src/testing/OptixSchema.graphql.js"

// Made-up data in Optix's shapes (not copied from Optix's examples).
const organization = {
  organization_id: "9",
  name: "Alpha Spaces",
  currency: "CAD",
  timezone: "America/Vancouver",
  exclusive_tax_rate: 5,
  inclusive_tax_rate: 0
}

const location = (overrides: Record<string, unknown> = {}) => ({
  location_id: "101",
  name: " Gastown ",
  description: null,
  address: "1 Water St",
  unit: "Suite 2",
  city: "Vancouver",
  region: "BC",
  postcode: "V6B 1A1",
  country: "CA",
  latitude: 49.28,
  longitude: -123.1,
  timezone: "America/Vancouver",
  phone: null,
  contact_email: "hi@alpha.test",
  website: "https://alpha.test",
  is_deleted: false,
  is_visible: true,
  is_hidden: false,
  override_tax_rate: false,
  exclusive_tax_rate: 0,
  inclusive_tax_rate: 0,
  ...overrides
})

const unit = (type: string, id = type) => ({
  unit_id: id,
  name: type.toLowerCase(),
  name_plural: type.toLowerCase(),
  type
})

const resource = (overrides: Record<string, unknown> = {}) => ({
  resource_id: "501",
  name: "Glass room",
  capacity: 6,
  is_bookable: true,
  is_assignable: false,
  location: { location_id: "101" },
  type: { resource_type_id: "7", name: "Meeting room", is_visible: true },
  prices: [{ unit: unit("CURRENCY"), price: 25.5, price_max: 150 }],
  assignment_price_month: null,
  override_tax_rate: false,
  tax_rate: null,
  override_inclusive_tax_rate: false,
  inclusive_tax_rate: null,
  ...overrides
})

const plan = (overrides: Record<string, unknown> = {}) => ({
  plan_template_id: "301",
  name: "Flex",
  price: 300,
  price_frequency: "MONTHLY",
  deposit: 0,
  set_up_fee: 0,
  override_tax_rate: false,
  tax_rate: null,
  override_inclusive_tax_rate: false,
  inclusive_tax_rate: null,
  onboarding_enabled: true,
  non_onboarding_enabled: true,
  in_all_locations: true,
  locations: [],
  ...overrides
})

const pass = (overrides: Record<string, unknown> = {}) => ({
  product_id: "401",
  name: "Day pass",
  type: "PASS",
  unit_amount: 30,
  is_deleted: false,
  allowance_expire_days: 1,
  onboarding_enabled: true,
  non_onboarding_enabled: true,
  override_tax_rate: false,
  tax_rate: 0,
  no_tax_rate: false,
  override_inclusive_tax_rate: false,
  inclusive_tax_rate: 0,
  no_inclusive_tax_rate: false,
  in_all_locations: true,
  locations: [],
  ...overrides
})

const bundle = (overrides: Partial<OptixNormalize.Bundle> = {}): OptixNormalize.Bundle => ({
  organization,
  locations: [location()],
  resources: [resource()],
  planTemplates: [plan()],
  passes: [pass()],
  ...overrides
})

const only = (b: OptixNormalize.Bundle) =>
  Effect.map(OptixNormalize.results(b), (items) => {
    expect(items.map((i) => i._tag)).toEqual(["Snapshot"])
    const item = items[0]!
    if (item._tag !== "Snapshot") throw new Error("not a snapshot")
    return item.source
  })

const priceOf = (source: Adapter.SnapshotSource, externalId: string) => {
  const price = source.prices.find((p) => p.externalId === externalId)
  expect(price, externalId).toBeDefined()
  return price!
}

describe("Optix queries", () => {
  it("every query constant is valid against Optix's schema", () => {
    const schema = buildSchema(sdl)
    for (const [name, document] of Object.entries(OptixQueries.all)) {
      expect(validate(schema, parse(document)).map((e) => e.message), name).toEqual([])
    }
  })

  it("a query naming a field Optix lacks fails validation", () => {
    const schema = buildSchema(sdl)
    const broken = OptixQueries.locations.replace("is_hidden", "is_secret")
    expect(validate(schema, parse(broken)).length).toBeGreaterThan(0)
  })

  it("passes are asked for by type, deleted and hidden locations by flag", () => {
    expect(OptixQueries.passes).toContain("type: [PASS]")
    expect(OptixQueries.locations).toContain("include_deleted: true")
    expect(OptixQueries.locations).toContain("include_hidden: true")
  })
})

describe("Optix plan frequencies", () => {
  const cases: Array<[string, { per: string; count: number }]> = [
    ["DAILY", { per: "day", count: 1 }],
    ["WEEKLY", { per: "week", count: 1 }],
    ["BIWEEKLY", { per: "week", count: 2 }],
    ["THIRTY_DAYS", { per: "thirty_days", count: 1 }],
    ["SIXTY_DAYS", { per: "thirty_days", count: 2 }],
    ["NINETY_DAYS", { per: "thirty_days", count: 3 }],
    ["MONTHLY", { per: "month", count: 1 }],
    ["QUARTERLY", { per: "month", count: 3 }],
    ["BIANNUAL", { per: "month", count: 6 }],
    ["ANNUAL", { per: "year", count: 1 }]
  ]

  it("covers every PlanFrequency of the schema except UNKNOWN", () => {
    const values = [...sdl.matchAll(/enum PlanFrequency \{([^}]*)\}/g)][0]![1]!.split(/\s+/).filter((v) => v !== "")
    expect(values.filter((v) => OptixNormalize.frequencyUnit(v) === undefined)).toEqual(["UNKNOWN"])
    expect(cases.map(([f]) => f).sort()).toEqual(values.filter((v) => v !== "UNKNOWN").sort())
  })

  for (const [frequency, expected] of cases) {
    it.effect(`${frequency} is ${expected.count} ${expected.per}`, () =>
      Effect.gen(function*() {
        const source = yield* only(bundle({ planTemplates: [plan({ price_frequency: frequency })] }))
        expect(priceOf(source, "plan-301")).toMatchObject({ unit: expected, recurring: true, category: "membership" })
      }))
  }

  it.effect("THIRTY_DAYS is never rounded to a month", () =>
    Effect.gen(function*() {
      const source = yield* only(bundle({ planTemplates: [plan({ price_frequency: "THIRTY_DAYS" })] }))
      expect(priceOf(source, "plan-301").unit.per).toBe("thirty_days")
    }))

  for (const frequency of ["UNKNOWN", "FORTNIGHTLY"]) {
    it.effect(`${frequency} is reported with its path, never guessed`, () =>
      Effect.gen(function*() {
        const items = yield* OptixNormalize.results(bundle({ planTemplates: [plan({ price_frequency: frequency })] }))
        expect(items).toHaveLength(1)
        const item = items[0]!
        if (item._tag !== "Failed") throw new Error(`expected Failed, got ${item._tag}`)
        expect(item.externalId).toBe("101")
        expect(item.error.reason).toBe("InvalidData")
        expect(item.error.path).toEqual(["planTemplates", "301", "price_frequency"])
      }))
  }

  it.effect("a plan's setup fee and deposit are prices of their own; a plan elsewhere is not here", () =>
    Effect.gen(function*() {
      const source = yield* only(bundle({
        planTemplates: [
          plan({ set_up_fee: 50, deposit: 200 }),
          plan({ plan_template_id: "302", in_all_locations: false, locations: [{ location_id: "999" }] })
        ]
      }))
      expect(priceOf(source, "plan-301-setup-fee")).toMatchObject({
        category: "setup_fee",
        amount: { amount: "50.00", currency: "CAD" },
        unit: { per: "once", count: 1 }
      })
      expect(priceOf(source, "plan-301-deposit")).toMatchObject({ category: "deposit", tax: { mode: "unknown" } })
      expect(source.prices.some((p) => p.externalId.startsWith("plan-302"))).toBe(false)
    }))
})

describe("Optix resource prices", () => {
  it.effect("CURRENCY is per hour, price_max per day, HOURS an allowance alternative", () =>
    Effect.gen(function*() {
      const source = yield* only(bundle({
        resources: [resource({
          prices: [{ unit: unit("CURRENCY"), price: 25.5, price_max: 150 }, {
            unit: unit("HOURS"),
            price: 1,
            price_max: null
          }]
        })]
      }))
      expect(priceOf(source, "resource-501-currency")).toMatchObject({
        category: "resource_rate",
        amount: { amount: "25.50", currency: "CAD" },
        unit: { per: "hour", count: 1 },
        appliesTo: { resourceIds: ["501"] },
        alternatives: [{ amount: "1", creditUnit: "hours" }]
      })
      expect(priceOf(source, "resource-501-currency-max")).toMatchObject({
        amount: { amount: "150.00", currency: "CAD" },
        unit: { per: "day", count: 1 }
      })
      expect(source.resources).toEqual([{
        externalId: "501",
        name: "Glass room",
        kind: "meeting_room",
        usage: "bookable",
        status: "active",
        visible: true,
        capacity: 6
      }])
    }))

  it.effect("USES and CUSTOM prices are reported, not mapped", () =>
    Effect.gen(function*() {
      const source = yield* only(bundle({
        resources: [resource({
          prices: [{ unit: unit("USES"), price: 1, price_max: null }, {
            unit: unit("CUSTOM"),
            price: 2,
            price_max: null
          }]
        })]
      }))
      expect(source.prices.filter((p) => p.externalId.startsWith("resource-"))).toEqual([])
      expect(source.resources).toHaveLength(1)
    }))

  it.effect("an assignable desk is dedicated, with its monthly assignment price", () =>
    Effect.gen(function*() {
      const source = yield* only(bundle({
        resources: [resource({
          type: { resource_type_id: "8", name: "Desk", is_visible: true },
          is_assignable: true,
          is_bookable: false,
          prices: [],
          assignment_price_month: 450
        })]
      }))
      expect(source.resources[0]).toMatchObject({ kind: "dedicated_desk", usage: "assignable" })
      expect(priceOf(source, "resource-501-assignment")).toMatchObject({
        category: "assignment",
        unit: { per: "month", count: 1 },
        recurring: true
      })
    }))

  it.effect("a malformed price fails only its location, naming the path", () =>
    Effect.gen(function*() {
      const items = yield* OptixNormalize.results(bundle({
        locations: [location(), location({ location_id: "102", name: "Yaletown" })],
        resources: [resource({ prices: [{ unit: unit("CURRENCY"), price: -3, price_max: null }] })]
      }))
      expect(items.map((i) => i._tag)).toEqual(["Failed", "Snapshot"])
      const failed = items[0]!
      if (failed._tag !== "Failed") throw new Error("not failed")
      expect(failed.error.path).toEqual(["resources", "501", "prices", 0, "price"])
      expect(failed.externalId).toBe("101")
    }))
})

describe("Optix tax", () => {
  it("net, gross, none and both", () => {
    expect(OptixNormalize.taxOf({ exclusive: 5, inclusive: 0 })).toEqual({ mode: "exclusive", ratePercent: 5 })
    expect(OptixNormalize.taxOf({ exclusive: 0, inclusive: 20 })).toEqual({ mode: "inclusive", ratePercent: 20 })
    expect(OptixNormalize.taxOf({ exclusive: 0, inclusive: 0 })).toEqual({ mode: "exclusive", ratePercent: 0 })
    expect(OptixNormalize.taxOf({ exclusive: 5, inclusive: 7 })).toEqual({ mode: "unknown" })
    expect(OptixNormalize.taxOf({ exclusive: null, inclusive: 0 })).toEqual({ mode: "unknown" })
  })

  it.effect("organization default: net prices, exclusive tax", () =>
    Effect.gen(function*() {
      const source = yield* only(bundle())
      expect(source.location.priceDisplay).toBe("net")
      expect(priceOf(source, "plan-301").tax).toEqual({ mode: "exclusive", ratePercent: 5 })
    }))

  it.effect("a location's inclusive override: gross prices; a plan's own override wins", () =>
    Effect.gen(function*() {
      const source = yield* only(bundle({
        locations: [location({ override_tax_rate: true, exclusive_tax_rate: 0, inclusive_tax_rate: 20 })],
        planTemplates: [
          plan({ override_tax_rate: true, tax_rate: 7, override_inclusive_tax_rate: true, inclusive_tax_rate: 0 })
        ]
      }))
      expect(source.location.priceDisplay).toBe("gross")
      expect(priceOf(source, "resource-501-currency").tax).toEqual({ mode: "inclusive", ratePercent: 20 })
      expect(priceOf(source, "plan-301").tax).toEqual({ mode: "exclusive", ratePercent: 7 })
      expect(priceOf(source, "product-401").tax).toEqual({ mode: "inclusive", ratePercent: 20 })
    }))

  it.effect("a pass marked no_tax_rate is tax-free", () =>
    Effect.gen(function*() {
      const source = yield* only(
        bundle({ passes: [pass({ override_tax_rate: true, no_tax_rate: true, tax_rate: 12 })] })
      )
      expect(priceOf(source, "product-401")).toMatchObject({
        category: "day_pass",
        unit: { per: "day", count: 1 },
        tax: { mode: "exclusive", ratePercent: 0 }
      })
    }))
})

describe("Optix locations", () => {
  it.effect("a deleted location is a Deleted element; a hidden one is not visible", () =>
    Effect.gen(function*() {
      const items = yield* OptixNormalize.results(bundle({
        locations: [
          location({ location_id: "101", is_deleted: true }),
          location({ location_id: "102", is_hidden: true })
        ],
        resources: []
      }))
      expect(items[0]).toEqual(Adapter.ReadItem.Deleted({ externalId: "101" }))
      const hidden = items[1]!
      if (hidden._tag !== "Snapshot") throw new Error("not a snapshot")
      expect(hidden.source.location.visible).toBe(false)
    }))

  it.effect("a location maps to the canonical schema", () =>
    Effect.gen(function*() {
      const source = yield* only(bundle())
      expect(source.location).toEqual({
        externalId: "101",
        name: "Gastown",
        status: "active",
        visible: true,
        timezone: "America/Vancouver",
        address: {
          line1: "1 Water St",
          line2: "Suite 2",
          city: "Vancouver",
          region: "BC",
          postalCode: "V6B 1A1",
          countryCode: "CA"
        },
        currency: "CAD",
        geo: { lat: 49.28, lng: -123.1 },
        priceDisplay: "net",
        contact: { email: "hi@alpha.test", website: "https://alpha.test" }
      })
      // The whole snapshot decodes against the canonical source schema.
      Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshotSource)(source)
    }))

  it("country: an ISO code, or an English country name; anything else is left out", () => {
    expect(OptixNormalize.countryCodeOf("ca")).toBe("CA")
    expect(OptixNormalize.countryCodeOf("Canada")).toBe("CA")
    expect(OptixNormalize.countryCodeOf(" united kingdom ")).toBe("GB")
    expect(OptixNormalize.countryCodeOf("XX")).toBeUndefined()
    expect(OptixNormalize.countryCodeOf("Atlantis")).toBeUndefined()
    expect(OptixNormalize.countryCodeOf(null)).toBeUndefined()
  })

  it.effect("a pass that is deleted or not a day pass", () =>
    Effect.gen(function*() {
      const source = yield* only(bundle({
        passes: [pass({ product_id: "402", is_deleted: true }), pass({ product_id: "403", allowance_expire_days: 30 })]
      }))
      expect(source.prices.some((p) => p.externalId === "product-402")).toBe(false)
      expect(priceOf(source, "product-403")).toMatchObject({ category: "pass_bundle", unit: { per: "once", count: 1 } })
    }))
})

describe("Optix GraphQL errors", () => {
  it("authentication, throttling, validation and other errors", () => {
    const auth = OptixClient.classifyErrors([{ message: "Unauthorized", extensions: { code: "UNAUTHENTICATED" } }])
    expect(auth.reason).toBe("Unauthorized")
    expect(auth.message).toContain("organization_token_updated")
    expect(OptixClient.classifyErrors([{ message: "Too many requests" }]).reason).toBe("RateLimited")
    const invalid = OptixClient.classifyErrors([{ message: "Cannot query field \"foo\" on type \"Location\"." }], 400)
    expect(invalid).toMatchObject({ reason: "Upstream", status: 400 })
    expect(invalid.message).toContain("Cannot query field \"foo\"")
    expect(OptixClient.classifyErrors([{ message: "Internal error" }], 200)).toMatchObject({ reason: "Upstream" })
  })
})

const form = (fields: Record<string, string>): Adapter.WebhookRequest => ({
  method: "POST",
  url: "/upstream/x/webhooks",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new TextEncoder().encode(new URLSearchParams(fields).toString())
})

const signedCredentials = Schema.decodeUnknownSync(OptixAdapter.Credentials)({
  accessToken: "token-o",
  clientId: "123",
  webhookSecret: "secret"
})

describe("Optix webhooks", () => {
  const fields = {
    client_id: "123",
    created_timestamp: "123456",
    organization_id: "9",
    event: "member_booking_cancelled",
    request_signature: "4739add6e433e2e9510761d994ba127f1b45834d"
  }

  it("signs the published example: sha1(\"123secret123456\")", () => {
    expect(OptixWebhooks.sign("123", "secret", "123456")).toBe("4739add6e433e2e9510761d994ba127f1b45834d")
  })

  it.effect("a signed delivery with a fresh timestamp verifies and re-syncs the account", () =>
    Effect.gen(function*() {
      expect(yield* OptixWebhooks.verifyAt(form(fields), signedCredentials, 123456 + 10)).toEqual(
        Adapter.WebhookTargets.All()
      )
      const upper = { ...fields, request_signature: fields.request_signature.toUpperCase() }
      expect(yield* OptixWebhooks.verifyAt(form(upper), signedCredentials, 123456)).toEqual(
        Adapter.WebhookTargets.All()
      )
    }))

  it.effect("organization_token_updated is recognised and re-syncs (a revoked token then pauses the account)", () =>
    Effect.gen(function*() {
      const delivery = form({ ...fields, event: OptixWebhooks.tokenUpdatedEvent })
      expect(yield* OptixWebhooks.verifyAt(delivery, signedCredentials, 123456)).toEqual(Adapter.WebhookTargets.All())
    }))

  it.effect("stale, wrongly signed, foreign or malformed deliveries are Unauthorized", () =>
    Effect.gen(function*() {
      const refused = [
        [form(fields), 123456 + 301],
        [form(fields), 123456 - 301],
        [form({ ...fields, request_signature: "0".repeat(40) }), 123456],
        [form({ ...fields, created_timestamp: "123457" }), 123456],
        [form({ ...fields, client_id: "124" }), 123456],
        [form({ client_id: "123" }), 123456],
        [form({ ...fields, created_timestamp: "soon" }), 123456]
      ] as const
      for (const [request, now] of refused) {
        expect((yield* Effect.flip(OptixWebhooks.verifyAt(request, signedCredentials, now))).reason).toBe(
          "Unauthorized"
        )
      }
    }))

  it.effect("without clientId and webhookSecret a delivery is an unsigned hint", () =>
    Effect.gen(function*() {
      const unsigned = Schema.decodeUnknownSync(OptixAdapter.Credentials)({ accessToken: "token-o" })
      expect(yield* OptixWebhooks.verifyAt(form({ ...fields, request_signature: "x" }), unsigned, 123456)).toEqual(
        Adapter.WebhookTargets.All()
      )
      expect((yield* Effect.flip(OptixWebhooks.verifyAt(form(fields), unsigned, 999_999))).reason).toBe("Unauthorized")
    }))

  it.live("the adapter refuses a replay of an accepted delivery", () =>
    Effect.gen(function*() {
      const adapter = yield* OptixAdapter.make
      const now = Math.floor(Date.now() / 1000)
      const fresh = {
        ...fields,
        created_timestamp: String(now),
        request_signature: OptixWebhooks.sign("123", "secret", String(now))
      }
      expect(yield* adapter.webhooks!.verify(form(fresh), signedCredentials)).toEqual(Adapter.WebhookTargets.All())
      expect((yield* Effect.flip(adapter.webhooks!.verify(form(fresh), signedCredentials))).reason).toBe("Unauthorized")
      expect(adapter.webhooks!.accountKey!.fromRequest(form(fresh))).toEqual(Option.some("123"))
      expect(adapter.webhooks!.accountKey!.fromCredentials(signedCredentials)).toBe("123")
    }))
})
