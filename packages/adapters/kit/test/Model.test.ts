import { describe, expect, it } from "@effect/vitest"
import { Either, JSONSchema, Option, ParseResult, Schema } from "effect"
import fc from "fast-check"
import { createHash } from "node:crypto"
import * as HttpUrl from "../src/HttpUrl.js"
import * as Ids from "../src/Ids.js"
import * as Location from "../src/Location.js"
import * as LocationSnapshot from "../src/LocationSnapshot.js"
import * as Money from "../src/Money.js"
import * as Price from "../src/Price.js"
import * as Fixtures from "../src/testing/Fixtures.js"

const issues = (schema: Schema.Schema<any, any>, input: unknown) => {
  const result = Schema.decodeUnknownEither(schema, { errors: "all" })(input)
  if (Either.isRight(result)) throw new Error("expected a decode error")
  return ParseResult.ArrayFormatter.formatErrorSync(result.left).map((issue) => ({
    path: issue.path.join("."),
    message: issue.message
  }))
}

const accountId = "acc_test" as Ids.AccountId
const source = Fixtures.locationSource("L1")
const locationInput = { id: Ids.entityId(accountId, "location", "L1"), ...source.location }
const priceInput = {
  id: Ids.entityId(accountId, "price", "P1"),
  locationId: locationInput.id,
  ...source.prices[0]!,
  appliesTo: { resourceKinds: ["hot_desk"] }
}

describe("Money", () => {
  it("normalizes amounts to the currency's minor unit", () => {
    expect(Money.make("175", "EUR")).toEqual({ amount: "175.00", currency: "EUR" })
    expect(Money.make("175.5", "EUR").amount).toBe("175.50")
    expect(Money.make("1500", "JPY").amount).toBe("1500")
    expect(Money.make("1500.00", "JPY").amount).toBe("1500")
    expect(Money.make("1.25", "BHD").amount).toBe("1.250")
    expect(Money.make("007.10", "EUR").amount).toBe("7.10")
    expect(Money.make("-0.00", "EUR").amount).toBe("0.00")
    expect(Money.make("12.34", "XCG").amount).toBe("12.34")
  })

  it("rejects floats, malformed amounts, excess precision and unknown currencies, naming the path", () => {
    expect(issues(Money.Money, { amount: 175.5, currency: "EUR" })).toEqual([
      { path: "amount", message: "Expected string, actual 175.5" }
    ])
    expect(issues(Money.Money, { amount: "1e3", currency: "EUR" })[0]!.path).toBe("amount")
    expect(issues(Money.Money, { amount: "1.005", currency: "EUR" })[0]).toMatchObject({
      path: "amount",
      message: expect.stringContaining("at most 2 fraction digit")
    })
    expect(issues(Money.Money, { amount: "10", currency: "EURO" })).toEqual([
      { path: "currency", message: "Expected an ISO 4217 currency code, got \"EURO\"" }
    ])
    expect(issues(Money.Money, { amount: "1.5", currency: "JPY" })[0]!.path).toBe("amount")
  })

  it("knows the minor units of the ISO 4217 list", () => {
    expect(Money.minorUnits("EUR")).toBe(2)
    expect(Money.minorUnits("JPY")).toBe(0)
    expect(Money.minorUnits("KWD")).toBe(3)
    expect(Money.minorUnits("CLF")).toBe(4)
    expect(Money.minorUnits("XAU")).toBeUndefined()
    expect(Money.minorUnits("EURO")).toBeUndefined()
  })
})

describe("Location and Price decoding", () => {
  it("decodes a valid location and price", () => {
    expect(Schema.decodeUnknownSync(Location.Location)(locationInput).name).toBe("Workspace L1")
    expect(Schema.decodeUnknownSync(Price.Price)(priceInput).amount).toEqual({ amount: "10.50", currency: "EUR" })
  })

  it("names the path of a float amount in a price", () => {
    expect(issues(Price.Price, { ...priceInput, amount: { amount: 10.5, currency: "EUR" } })).toEqual([
      { path: "amount.amount", message: "Expected string, actual 10.5" }
    ])
  })

  it("names the path of an unknown currency", () => {
    expect(issues(Location.Location, { ...locationInput, currency: "EURO" })).toEqual([
      { path: "currency", message: "Expected an ISO 4217 currency code, got \"EURO\"" }
    ])
    expect(issues(Price.Price, { ...priceInput, amount: { amount: "10", currency: "EURO" } })[0]!.path).toBe(
      "amount.currency"
    )
  })

  it("names the path of an unknown country code", () => {
    expect(issues(Location.Location, { ...locationInput, address: { city: "Nowhere", countryCode: "XX" } })).toEqual([
      { path: "address.countryCode", message: "Expected an ISO 3166-1 alpha-2 country code, got \"XX\"" }
    ])
  })

  it("names the path of a non-IANA time zone", () => {
    expect(issues(Location.Location, { ...locationInput, timezone: "Mars/Base" })).toContainEqual({
      path: "timezone",
      message: "Expected an IANA time zone, got \"Mars/Base\""
    })
    expect(Location.isIanaTimeZone("+01:00")).toBe(false)
    expect(Location.isIanaTimeZone("Europe/London")).toBe(true)
    expect(Location.isIanaTimeZone("UTC")).toBe(true)
    expect(Schema.decodeUnknownSync(Location.Location)({ ...locationInput, timezone: null }).timezone).toBeNull()
  })

  it("rejects ids of the wrong kind", () => {
    expect(issues(Price.Price, { ...priceInput, locationId: "res_abc" })[0]!.path).toBe("locationId")
  })
})

describe("HttpUrl", () => {
  it("accepts absolute http(s) URLs, kept as given, and nothing else", () => {
    const decode = Schema.decodeUnknownEither(HttpUrl.HttpUrl)
    for (const url of ["https://example.com", "http://127.0.0.1:8080/a?b=c#d", "HTTPS://Example.COM/x y"]) {
      expect(decode(url)).toEqual(Either.right(url))
    }
    for (const url of ["/relative", "example.com", "ftp://example.com/", "file:///etc/passwd", "javascript:x", ""]) {
      expect(issues(HttpUrl.HttpUrl, url)).toEqual([{ path: "", message: "Expected an absolute http(s) URL" }])
    }
    expect(Option.map(HttpUrl.parse("https://example.com:8443/a"), (url) => url.port)).toEqual(Option.some("8443"))
    expect(HttpUrl.parse("mailto:a@example.com")).toEqual(Option.none())
  })

  it("is the schema of a location's website and photos, and a string with format uri in JSON Schema", () => {
    expect(issues(Location.Location, { ...locationInput, contact: { website: "ftp://x" }, photos: ["/a.jpg"] }))
      .toEqual([
        { path: "contact.website", message: "Expected an absolute http(s) URL" },
        { path: "photos.0", message: "Expected an absolute http(s) URL" }
      ])
    expect(JSONSchema.make(HttpUrl.HttpUrl)).toMatchObject({
      $defs: { HttpUrl: { type: "string", format: "uri" } }
    })
  })
})

describe("hub ids", () => {
  it("derives the same id for the same (account, kind, externalId) and different ones otherwise", () => {
    const a = Ids.entityId("acc_1" as Ids.AccountId, "location", "42")
    expect(Ids.entityId("acc_1" as Ids.AccountId, "location", "42")).toBe(a)
    expect(a).toMatch(/^loc_[0-9a-z]{26}$/)
    expect(Ids.entityId("acc_2" as Ids.AccountId, "location", "42")).not.toBe(a)
    expect(Ids.entityId("acc_1" as Ids.AccountId, "location", "43")).not.toBe(a)
    expect(Ids.entityId("acc_1" as Ids.AccountId, "resource", "42")).toMatch(/^res_/)
    expect(Ids.entityId("acc_1" as Ids.AccountId, "price", "42")).toMatch(/^prc_/)
  })

  it("are the first 130 bits of SHA-256(account \\0 kind \\0 externalId) in lower-case base32", () => {
    const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    const reference = (accountId: string, kind: Ids.EntityKind, externalId: string) => {
      const digest = createHash("sha256").update(accountId).update("\u0000").update(kind).update("\u0000")
        .update(externalId).digest()
      let bits = ""
      for (const byte of digest) bits += byte.toString(2).padStart(8, "0")
      let out = ""
      for (let i = 0; i < 26; i++) out += alphabet[parseInt(bits.slice(i * 5, i * 5 + 5), 2)]
      return `${{ location: "loc", resource: "res", price: "prc" }[kind]}_${out}`
    }
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", minLength: 1 }),
        fc.constantFrom<Ids.EntityKind>("location", "resource", "price"),
        (externalId, kind) => {
          expect(Ids.entityId("acc_ref" as Ids.AccountId, kind as "location", externalId)).toBe(
            reference("acc_ref", kind, externalId)
          )
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe("LocationSnapshot.fromSource", () => {
  it("assigns hub ids and resolves price references by externalId", () => {
    const decoded = Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshotSource)(source)
    const snapshot = Either.getOrThrow(LocationSnapshot.fromSource(accountId, decoded))
    const room = snapshot.resources.find((r) => r.externalId === "L1-r0")!
    expect(room.id).toBe(Ids.entityId(accountId, "resource", "L1-r0"))
    expect(room.locationId).toBe(snapshot.location.id)
    const rate = snapshot.prices.find((p) => p.externalId === "L1-p0")!
    expect(rate.appliesTo.resourceIds).toEqual([room.id])
    expect(Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshot)(snapshot)).toEqual(snapshot)
  })

  it("reports unknown resource references and duplicate externalIds with their path", () => {
    const decoded = Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshotSource)(source)
    const dangling = { ...decoded, prices: [{ ...decoded.prices[0]!, appliesTo: { resourceIds: ["nope"] } }] }
    expect(LocationSnapshot.fromSource(accountId, dangling)).toEqual(Either.left({
      path: ["prices", 0, "appliesTo", "resourceIds", 0],
      message: "Unknown resource externalId \"nope\""
    }))
    const twice = { ...decoded, resources: [decoded.resources[0]!, decoded.resources[0]!] }
    expect(Either.getLeft(LocationSnapshot.fromSource(accountId, twice))).toEqual(
      expect.objectContaining({ value: expect.objectContaining({ path: ["resources", 1, "externalId"] }) })
    )
  })
})

describe("Money.fromUpstream", () => {
  it("reads an upstream number or decimal string at the currency's minor unit, or names what is wrong", () => {
    expect(Money.fromUpstream(25, "GBP", ["plans", 0, "price"])).toEqual(
      Either.right({ amount: "25.00", currency: "GBP" })
    )
    expect(Money.fromUpstream(" 1500 ", "JPY", ["p"])).toEqual(Either.right({ amount: "1500", currency: "JPY" }))
    for (
      const [value, currency] of [[40.005, "EUR"], [-1, "EUR"], [Number.NaN, "EUR"], ["1e3", "EUR"], [
        5,
        "XXY"
      ]] as const
    ) {
      const result = Money.fromUpstream(value, currency, ["resources", 3, "price"], "loc-1")
      expect(Either.isLeft(result), String(value)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left).toMatchObject({
          reason: "InvalidData",
          path: ["resources", 3, "price"],
          externalId: "loc-1"
        })
      }
    }
  })
})
