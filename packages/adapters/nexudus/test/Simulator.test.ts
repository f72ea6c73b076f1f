import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { NexudusSimulator, SeedData } from "../src/testing/index.js"

// The simulator's own faithfulness: the token grant, bearer auth, the list envelope and its size cap,
// filters, throttling answers and webhook signatures, as the Nexudus material describes them.

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

const call = (url: string, init: RequestInit = {}) =>
  Effect.promise(async (): Promise<Answer> => {
    const response = await fetch(url, init)
    const text = await response.text()
    let json: unknown = undefined
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

const form = (fields: Record<string, string>): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString()
})

const grant = (simulator: NexudusSimulator.NexudusSimulator, password = simulator.password()) =>
  call(
    `${simulator.url}/api/token`,
    form({ grant_type: "password", username: simulator.username, password })
  )

const setup = (options: NexudusSimulator.Options = {}) =>
  Effect.gen(function*() {
    const simulator = yield* NexudusSimulator.make(options)
    const token = (yield* grant(simulator)).json.access_token as string
    const get = (path: string, bearer = token) =>
      call(`${simulator.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } })
    return { simulator, token, get }
  })

const envelopeKeys = [
  "Records",
  "CurrentPageSize",
  "CurrentPage",
  "CurrentOrderField",
  "CurrentSortDirection",
  "FirstItem",
  "HasNextPage",
  "HasPreviousPage",
  "LastItem",
  "PageNumber",
  "PageSize",
  "TotalItems",
  "TotalPages"
]

describe("Nexudus simulator: tokens", () => {
  it.scoped("a form-encoded password grant gives a bearer token of about seven days and a refresh token", () =>
    Effect.gen(function*() {
      const simulator = yield* NexudusSimulator.make()
      const answer = yield* grant(simulator)
      expect(answer.status).toBe(200)
      expect(Object.keys(answer.json).sort()).toEqual(["access_token", "expires_in", "refresh_token", "token_type"])
      expect(answer.json.token_type).toBe("bearer")
      expect(answer.json.expires_in).toBe(604_799)
      expect(simulator.secrets).toContain(answer.json.access_token)
    }))

  it.scoped("a JSON body answers unsupported_grant_type; a wrong password invalid_grant", () =>
    Effect.gen(function*() {
      const simulator = yield* NexudusSimulator.make()
      const asJson = yield* call(`${simulator.url}/api/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ grant_type: "password", username: simulator.username, password: simulator.password() })
      })
      expect(asJson.status).toBe(400)
      expect(asJson.json).toEqual({ error: "unsupported_grant_type" })
      const wrong = yield* grant(simulator, "not-the-password")
      expect(wrong.status).toBe(400)
      expect(wrong.json.error).toBe("invalid_grant")
      const otherGrant = yield* call(`${simulator.url}/api/token`, form({ grant_type: "client_credentials" }))
      expect(otherGrant.json).toEqual({ error: "unsupported_grant_type" })
    }))

  it.scoped("a refresh token gives a new pair once; a changed password refuses the old one", () =>
    Effect.gen(function*() {
      const simulator = yield* NexudusSimulator.make()
      const first = (yield* grant(simulator)).json
      const refreshed = yield* call(
        `${simulator.url}/api/token`,
        form({ grant_type: "refresh_token", refresh_token: first.refresh_token })
      )
      expect(refreshed.status).toBe(200)
      expect(refreshed.json.access_token).not.toBe(first.access_token)
      const again = yield* call(
        `${simulator.url}/api/token`,
        form({ grant_type: "refresh_token", refresh_token: first.refresh_token })
      )
      expect(again.json.error).toBe("invalid_grant")
      const old = simulator.password()
      yield* simulator.setPassword("a-new-password-71")
      expect((yield* grant(simulator, old)).json.error).toBe("invalid_grant")
      expect((yield* grant(simulator, "a-new-password-71")).status).toBe(200)
    }))

  it.scoped("every /api route requires a valid bearer token (401 otherwise); Basic is accepted", () =>
    Effect.gen(function*() {
      const { get, simulator, token } = yield* setup()
      expect((yield* get("/api/sys/businesses")).status).toBe(200)
      const none = yield* call(`${simulator.url}/api/sys/businesses`)
      expect(none.status).toBe(401)
      expect(none.json).toEqual({ Message: "Authorization has been denied for this request." })
      expect((yield* get("/api/billing/tariffs", "not-a-token")).status).toBe(401)
      const basic = Buffer.from(`${simulator.username}:${simulator.password()}`).toString("base64")
      expect(
        (yield* call(`${simulator.url}/api/sys/taxrates`, { headers: { authorization: `Basic ${basic}` } })).status
      )
        .toBe(200)
      yield* simulator.expireTokens
      expect((yield* get("/api/sys/businesses", token)).status).toBe(401)
      const fresh = (yield* grant(simulator)).json.access_token as string
      expect((yield* get("/api/sys/businesses", fresh)).status).toBe(200)
      yield* simulator.revokeTokens(fresh)
      expect((yield* get("/api/sys/businesses", fresh)).status).toBe(401)
    }))
})

describe("Nexudus simulator: lists", () => {
  it.scoped("lists page in Nexudus' envelope with page and size", () =>
    Effect.gen(function*() {
      const { get } = yield* setup()
      const first = (yield* get("/api/sys/businesses?page=1&size=2")).json
      expect(Object.keys(first)).toEqual(envelopeKeys)
      expect(first).toMatchObject({
        CurrentPage: 1,
        CurrentPageSize: 2,
        CurrentOrderField: "Id",
        CurrentSortDirection: 1,
        FirstItem: 1,
        LastItem: 2,
        HasNextPage: true,
        HasPreviousPage: false,
        TotalItems: 5,
        TotalPages: 3
      })
      const last = (yield* get("/api/sys/businesses?page=3&size=2")).json
      expect(last).toMatchObject({ FirstItem: 5, LastItem: 5, HasNextPage: false, HasPreviousPage: true })
      expect(last.Records.map((r: any) => r.Id)).toEqual([SeedData.businessIds.lisbon])
      // Default 25; PageNumber/PageSize are not parameters (ignored, as the real API ignores them).
      const ignored = (yield* get("/api/sys/businesses?PageNumber=2&PageSize=1")).json
      expect(ignored).toMatchObject({ CurrentPage: 1, CurrentPageSize: 25, TotalItems: 5 })
      // Keys are case-insensitive; descending order.
      const desc = (yield* get("/api/sys/businesses?SIZE=1&orderBy=Id&dir=-1")).json
      expect(desc.Records[0].Id).toBe(SeedData.businessIds.lisbon)
      expect(desc.CurrentSortDirection).toBe(-1)
    }))

  it.scoped("size is capped at the documented 1,000, and maxPageSize serves shorter pages", () =>
    Effect.gen(function*() {
      const { get } = yield* setup()
      expect((yield* get("/api/spaces/resources?size=5000")).json.CurrentPageSize).toBe(1000)
      const short = yield* setup({ maxPageSize: 2 })
      const page = (yield* short.get("/api/spaces/resources?size=1000")).json
      expect(page.Records).toHaveLength(2)
      expect(page.TotalPages).toBe(Math.ceil(SeedData.make().resources.length / 2))
      expect(short.simulator.pageSize).toBe(2)
    }))

  it.scoped("filters by business, resource type and id list, as the reference names them", () =>
    Effect.gen(function*() {
      const { get } = yield* setup()
      const berlin = (yield* get(`/api/billing/tariffs?Tariff_Business=${SeedData.businessIds.berlin}`)).json
      expect(berlin.Records.map((r: any) => r.Id).sort()).toEqual(
        [SeedData.tariffIds.berlinFlex, SeedData.tariffIds.berlinAnnual].sort()
      )
      const rates = (yield* get(
        `/api/billing/extraservices?ExtraService_ResourceTypes=${SeedData.resourceTypeIds.londonBoardroom}`
      )).json
      expect(rates.Records.map((r: any) => r.Id).sort()).toEqual(
        [SeedData.rateIds.londonMeetingRoom, SeedData.rateIds.londonBoardroomHalfDay].sort()
      )
      const ids = `[${SeedData.taxRateIds.londonStandard},${SeedData.taxRateIds.bogotaIva}]`
      expect((yield* get(`/api/sys/taxrates?TaxRate_Id=${ids}`)).json.TotalItems).toBe(2)
      const one = yield* get(`/api/billing/extraservices/${SeedData.rateIds.londonMeetingRoom}`)
      expect(one.json).toMatchObject({ Price: 0.4167, ChargePeriod: 1, CurrencyCode: "GBP" })
      const missing = yield* get("/api/billing/extraservices/42")
      expect(missing.status).toBe(404)
      expect(missing.json).toBe("Not found")
      expect((yield* get("/api/billing/nothing")).status).toBe(404)
    }))

  it.scoped("from_<Entity>_UpdatedOn returns what changed since; a bad date answers 400", () =>
    Effect.gen(function*() {
      let clock = Date.parse("2026-03-01T12:00:00Z")
      const { get, simulator } = yield* setup({ now: () => clock })
      const before = (yield* get("/api/billing/tariffs?from_Tariff_UpdatedOn=2026-03-01T11:59")).json
      expect(before.TotalItems).toBe(0)
      clock += 60_000
      yield* simulator.setTariffPrice(SeedData.tariffIds.berlinAnnual, 2200)
      const after = (yield* get("/api/billing/tariffs?from_Tariff_UpdatedOn=2026-03-01T12:00")).json
      expect(after.Records.map((r: any) => [r.Id, r.Price])).toEqual([[SeedData.tariffIds.berlinAnnual, 2200]])
      expect(after.Records[0].UpdatedOn).toBe("2026-03-01T12:01:00.0000000Z")
      const upTo = (yield* get("/api/billing/tariffs?to_Tariff_UpdatedOn=2026-03-01T12:00")).json
      expect(upTo.TotalItems).toBe(SeedData.make().tariffs.length - 1)
      expect((yield* get("/api/billing/tariffs?from_Tariff_UpdatedOn=yesterday")).status).toBe(400)
    }))

  it.scoped("failNextListingMidway breaks the next business listing on its second page, once", () =>
    Effect.gen(function*() {
      const { get, simulator } = yield* setup({ maxPageSize: 2 })
      yield* simulator.failNextListingMidway
      expect((yield* get("/api/sys/businesses?page=1&size=2")).status).toBe(200)
      expect((yield* get("/api/sys/businesses?page=2&size=2")).status).toBe(400)
      expect((yield* get("/api/sys/businesses?page=2&size=2")).status).toBe(200)
    }))
})

describe("Nexudus simulator: throttling", () => {
  it.scoped("throttleNext answers 409 with Retry-After in seconds, or 429 saying Wait N seconds", () =>
    Effect.gen(function*() {
      const { get, simulator } = yield* setup({ retryAfterMillis: 2_000 })
      yield* simulator.throttleNext(1)
      const conflict = yield* get("/api/sys/businesses")
      expect(conflict.status).toBe(409)
      expect(conflict.headers.get("retry-after")).toBe("2")
      expect(conflict.text).toBe("You must wait before accessing this url again.")
      yield* simulator.throttleNext(1, 429)
      const tooMany = yield* get("/api/sys/businesses")
      expect(tooMany.status).toBe(429)
      expect(tooMany.text).toMatch(/Wait 2 seconds/)
      expect(tooMany.headers.get("retry-after")).toBeNull()
      expect((yield* get("/api/sys/businesses")).status).toBe(200)
      expect(yield* simulator.throttled).toBe(2)
    }))

  it.scoped("enforced limits: one request per 100 ms per URL and 120 a minute, per token", () =>
    Effect.gen(function*() {
      let clock = Date.parse("2026-03-01T12:00:00Z")
      const { get, simulator } = yield* setup({ enforceLimits: true, now: () => clock })
      expect((yield* get("/api/sys/businesses")).status).toBe(200)
      const again = yield* get("/api/sys/businesses")
      expect(again.status).toBe(409)
      expect(again.headers.get("retry-after")).toBe("1")
      clock += 100
      expect((yield* get("/api/sys/businesses")).status).toBe(200)
      // 118 more distinct URLs within the minute: the 121st request is refused until the first leaves.
      for (let i = 0; i < 118; i++) {
        clock += 10
        expect((yield* get(`/api/sys/businesses?page=${i + 2}`)).status).toBe(200)
      }
      clock += 10
      const over = yield* get("/api/sys/taxrates")
      expect(over.status).toBe(409)
      expect(Number(over.headers.get("retry-after"))).toBe(
        Math.ceil((60_000 - (clock - Date.parse("2026-03-01T12:00:00Z"))) / 1000)
      )
      // Another token has its own budget.
      const other = (yield* grant(simulator)).json.access_token as string
      expect((yield* get("/api/sys/taxrates", other)).status).toBe(200)
      clock = Date.parse("2026-03-01T12:01:00.001Z")
      expect((yield* get("/api/sys/taxrates")).status).toBe(200)
    }))
})

describe("Nexudus simulator: webhooks", () => {
  // Derived locally from Nexudus' scheme (no vector is published): HMAC-SHA256 over the ASCII bytes.
  const secret = "my-shared-secret"
  const body = "[{\"Id\":1415383197,\"Name\":\"Café Room\"}]"
  const asciiReplaced = "90FB0FBF3E65255A11E71B0FB045ACE9225D449C5A2368E949D2FC512477C7F0"
  const rawUtf8 = "36A24EA01D87C01ECA372DCC053D66ECBFD789CA38A150319368E59986E1086A"

  it.effect("the signature is UPPERCASE hex HMAC-SHA256 of the body with non-ASCII as '?'", () =>
    Effect.sync(() => {
      expect(NexudusSimulator.signature(secret, body)).toBe(asciiReplaced)
      expect(NexudusSimulator.signature(secret, new TextEncoder().encode(body))).toBe(asciiReplaced)
      expect(NexudusSimulator.signature(secret, body)).not.toBe(rawUtf8)
      expect(new TextDecoder().decode(NexudusSimulator.asciiBytes("Café 😀"))).toBe("Caf? ?")
    }))

  it.scoped("sendWebhook posts a JSON array holding one record, signed with the shared secret", () =>
    Effect.gen(function*() {
      const simulator = yield* NexudusSimulator.make({ webhookSecret: secret })
      const request = yield* simulator.sendWebhook({ record: { Id: 1415383197, Name: "Café Room" } })
      expect(request.method).toBe("POST")
      expect(new TextDecoder().decode(request.body)).toBe(body)
      expect(request.headers["x-nexudus-hook-signature"]).toBe(asciiReplaced)
      const signed = yield* simulator.webhooks!.request()
      const parsed = JSON.parse(new TextDecoder().decode(signed.body))
      expect(parsed).toHaveLength(1)
      expect(parsed[0].BusinessId).toBe(SeedData.businessIds.london)
      expect(signed.headers["x-nexudus-hook-signature"]).toBe(NexudusSimulator.signature(secret, signed.body))
      const tampered = yield* simulator.webhooks!.request("tamperedBody")
      expect(tampered.headers["x-nexudus-hook-signature"]).not.toBe(
        NexudusSimulator.signature(secret, tampered.body)
      )
      expect(simulator.webhooks!.timestamped).toBe(false)
    }))

  it.scoped("non-ASCII text travels as UTF-8 by default, or as the signed ASCII bytes with webhookWire ascii", () =>
    Effect.gen(function*() {
      const utf8 = yield* NexudusSimulator.make({ webhookSecret: secret })
      const signed = yield* utf8.webhooks!.request()
      expect(new TextDecoder().decode(signed.body)).toContain("Zoë Ångström")
      const ascii = yield* NexudusSimulator.make({ webhookSecret: secret, webhookWire: "ascii" })
      const request = yield* ascii.sendWebhook({ record: { Id: 1415383197, Name: "Café Room" } })
      expect(new TextDecoder().decode(request.body)).toBe("[{\"Id\":1415383197,\"Name\":\"Caf? Room\"}]")
      expect(request.headers["x-nexudus-hook-signature"]).toBe(asciiReplaced)
    }))
})

describe("Nexudus simulator: seed and conformance hooks", () => {
  it.effect("the seed has every awkward case it promises", () =>
    Effect.sync(() => {
      const data = SeedData.make()
      expect(new Set(data.businesses.map((b) => b.CurrencyCode))).toEqual(new Set(["GBP", "EUR", "USD", "COP"]))
      expect(new Set(data.extraservices.map((r) => r.ChargePeriod))).toEqual(new Set([1, 2, 3, 5, 6]))
      expect(data.tariffs.some((t) => t.InvoiceEvery === 0 && t.InvoiceEveryWeeks === 2)).toBe(true)
      expect(data.tariffs.some((t) => t.InvoiceEvery === 3 && t.InvoiceEveryWeeks === 0 && t.SignUpFee === 500))
        .toBe(true)
      for (const business of data.businesses) expect(typeof business.Address).toBe("string")
      const zones = new Map(data.simpletimezones.map((z) => [z.Id, z.Name]))
      expect(zones.get(data.businesses[0]!.SimpleTimeZoneId as number)).toBe("GMT Standard Time")
      expect(SeedData.make({ malformed: true }).tariffs.find((t) => t.Id === SeedData.malformed.id)!.Price).toBe(
        "199,00"
      )
      expect(SeedData.make().tariffs.find((t) => t.Id === SeedData.malformed.id)!.Price).toBe(199)
    }))

  it.scoped("changeOnePrice, removeOneLocation and corruptOneLocation change what the API serves", () =>
    Effect.gen(function*() {
      const { get, simulator } = yield* NexudusSimulator.conformance().pipe(
        Effect.flatMap((sim) =>
          Effect.map(grant(sim), (answer) => ({
            simulator: sim,
            get: (path: string) =>
              call(`${sim.url}${path}`, { headers: { authorization: `Bearer ${answer.json.access_token}` } })
          }))
        )
      )
      const changed = yield* simulator.changeOnePrice
      expect(changed).toEqual({
        locationExternalId: String(SeedData.businessIds.london),
        priceExternalId: `tariff-${SeedData.tariffIds.londonDedicatedDesk}`
      })
      expect((yield* get(`/api/billing/tariffs/${SeedData.tariffIds.londonDedicatedDesk}`)).json.Price).toBe(351)
      const removed = yield* simulator.removeOneLocation
      expect(yield* simulator.externalIds).not.toContain(removed.externalId)
      const left = (yield* get(`/api/billing/tariffs?Tariff_Business=${removed.externalId}`)).json
      expect(left.TotalItems).toBe(0)
      const corrupted = yield* simulator.corruptOneLocation
      expect(corrupted.externalId).toBe(String(SeedData.businessIds.berlin))
      expect((yield* get(`/api/billing/tariffs/${SeedData.malformed.id}`)).json.Price).toBe("199,00")
      expect(yield* simulator.requests).toBe(simulator.server.requests.length)
    }))
})
