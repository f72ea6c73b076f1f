import { describe, expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { Effect, Schema } from "effect"
import { CobotAdapter, CobotNormalize, CobotWebhooks } from "../src/index.js"

// Made-up data in Cobot's shapes (not copied from Cobot's examples).
const credentials = Schema.decodeUnknownSync(CobotAdapter.Credentials)({ subdomain: "alpha", accessToken: "t" })
const simCredentials = Schema.decodeUnknownSync(CobotAdapter.Credentials)({
  baseUrl: "http://127.0.0.1:4567",
  subdomain: "alpha",
  accessToken: "t"
})
const hint = (url: unknown): Adapter.WebhookRequest => ({
  method: "POST",
  url: "/upstream/x/webhooks",
  headers: {},
  body: new TextEncoder().encode(JSON.stringify({ url }))
})

describe("Cobot webhooks", () => {
  it.effect("a hint naming the account's space re-reads it", () =>
    Effect.gen(function*() {
      expect(yield* CobotWebhooks.verify(hint("https://alpha.cobot.me/api/resources/r1"), credentials))
        .toEqual(Adapter.WebhookTargets.All())
      expect(yield* CobotWebhooks.verify(hint("http://127.0.0.1:4567/api/resources/r1"), simCredentials))
        .toEqual(Adapter.WebhookTargets.All())
    }))

  it.effect("a hint naming anything else is refused", () =>
    Effect.gen(function*() {
      for (
        const url of [
          "https://beta.cobot.me/api/resources/r1",
          "https://alpha.cobot.me.evil.test/api/resources/r1",
          "https://user:pw@alpha.cobot.me/api/resources/r1",
          "http://alpha.cobot.me/api/resources/r1",
          "not a url",
          42
        ]
      ) {
        expect((yield* Effect.flip(CobotWebhooks.verify(hint(url), credentials))).reason).toBe("Unauthorized")
      }
      expect((yield* Effect.flip(CobotWebhooks.verify(hint("https://alpha.cobot.me/api/x"), simCredentials))).reason)
        .toBe("Unauthorized")
    }))
})

const amount = (net: string, gross: string, currency = "EUR", rate = "19.0") => ({
  net,
  gross,
  currency,
  taxes: [{ name: "VAT", rate }]
})

const bundle = (priceDisplay: "net" | "gross"): CobotNormalize.Bundle => ({
  space: {
    data: { id: "s1", attributes: { name: " Alpha ", subdomain: "alpha", timeZone: "Europe/Berlin", priceDisplay } }
  },
  profile: {
    data: {
      attributes: {
        structuredAddress: {
          street: "1 A St",
          postCode: "10000",
          city: "Town",
          countryCode: "de",
          latitude: 1,
          longitude: 2
        }
      }
    }
  },
  resources: [
    {
      id: "r1",
      attributes: {
        name: "Room",
        resourceType: "room",
        usage: "bookable",
        capacity: 6,
        pricing: {
          currency: "EUR",
          pricePerHour: amount("10.0", "11.9"),
          discounts: [{ pricePerHour: amount("8.0", "9.52"), minimumDuration: { hours: 3, minutes: 0 } }],
          priceCaps: [{ price: amount("50.0", "59.5"), maximumDuration: { hours: 8, minutes: 30 } }]
        }
      }
    },
    {
      id: "r2",
      attributes: {
        name: "Studio",
        resourceType: null,
        usage: "bookable",
        hidden: true,
        pricing: {
          currency: "EUR",
          pricePerHour: amount("10.0", "11.9"),
          fixedRates: [{ price: amount("100.0", "119.0"), maximumDuration: { hours: 24, minutes: 0 } }]
        }
      }
    },
    {
      id: "r3",
      attributes: {
        name: "Desk",
        resourceType: "desk",
        usage: "allocatable",
        pricing: { currency: "EUR", pricePerHour: null }
      }
    }
  ],
  plans: [{
    id: 7,
    name: "Flex",
    price_per_cycle: "300.0",
    cycle_duration: 3,
    currency: "EUR",
    tax_rate: "19.0",
    hidden: true,
    signup_charge: { amount: "0.00", tax_rate: "0.0", description: "none" }
  }]
})

describe("Cobot normalize", () => {
  it.effect("net spaces emit net exclusive amounts; fixed rates override the hourly price", () =>
    Effect.gen(function*() {
      const s = yield* CobotNormalize.snapshot(bundle("net"))
      expect(s.location).toMatchObject({
        externalId: "s1",
        name: "Alpha",
        currency: "EUR",
        priceDisplay: "net",
        address: { countryCode: "DE", postalCode: "10000" }
      })
      expect(s.resources.map((r) => [r.externalId, r.kind, r.usage, r.visible])).toEqual([
        ["r1", "meeting_room", "bookable", true],
        ["r2", "other", "bookable", false],
        ["r3", "dedicated_desk", "assignable", true]
      ])
      const byId = Object.fromEntries(s.prices.map((p) => [p.externalId, p]))
      expect(Object.keys(byId)).toEqual([
        "resource-r1-hour",
        "resource-r1-discount-0",
        "resource-r1-cap-0",
        "resource-r2-fixed-0",
        "plan-7"
      ])
      expect(byId["resource-r1-hour"]!.amount).toEqual({ amount: "10.00", currency: "EUR" })
      expect(byId["resource-r1-hour"]!.tax).toEqual({ mode: "exclusive", ratePercent: 19 })
      expect(byId["resource-r1-cap-0"]!.unit).toEqual({ per: "minute", count: 510 })
      expect(byId["resource-r2-fixed-0"]!.unit).toEqual({ per: "day", count: 1 })
      expect(byId["plan-7"]).toMatchObject({ unit: { per: "month", count: 3 }, status: "inactive" })
    }))

  it.effect("gross spaces emit gross inclusive amounts", () =>
    Effect.gen(function*() {
      const s = yield* CobotNormalize.snapshot(bundle("gross"))
      const hour = s.prices.find((p) => p.externalId === "resource-r1-discount-0")!
      expect(hour.amount).toEqual({ amount: "9.52", currency: "EUR" })
      expect(hour.tax).toEqual({ mode: "inclusive", ratePercent: 19 })
    }))

  it.effect("an amount finer than the currency's minor unit is InvalidData with its path", () =>
    Effect.gen(function*() {
      const b = bundle("net")
      const bad = {
        ...b,
        resources: [{ id: "r9", attributes: { name: "X", pricing: { pricePerHour: amount("1.005", "1.2") } } }]
      }
      const error = yield* Effect.flip(CobotNormalize.snapshot(bad))
      expect(error.reason).toBe("InvalidData")
      expect(error.path).toEqual(["resources", "r9", "pricing", "pricePerHour", "net"])
    }))
})
