import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { AdapterConformance } from "@spacesync/adapter-kit/testing"
import { Chunk, Effect, Schema, Stream } from "effect"
import { OfficeRnDAdapter, OfficeRnDWebhooks } from "../src/index.js"
import { OfficeRnDSimulator, SeedData } from "../src/testing/index.js"

// Pages of two locations (the simulator's conformance preset), so a complete read spans three pages; the
// changed price is a plan's, `plan-<_id>` in this adapter's ids.
AdapterConformance.suite({
  adapter: OfficeRnDAdapter.make,
  simulator: OfficeRnDSimulator.conformance({ priceExternalId: (plan) => `plan-${plan._id}` })
})

const setup = (options: OfficeRnDSimulator.Options = {}) =>
  Effect.gen(function*() {
    const simulator = yield* OfficeRnDSimulator.make(options)
    const adapter = yield* OfficeRnDAdapter.make
    const credentials = Schema.decodeUnknownSync(adapter.credentials)(simulator.goodCredentials)
    const collect = <E, R>(stream: Stream.Stream<Adapter.ReadItem, E, R>) =>
      Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
    return { simulator, adapter, credentials, collect }
  })

// A request to the API (not the token endpoint) as the simulator recorded it.
const apiRequests = (simulator: OfficeRnDSimulator.OfficeRnDSimulator) =>
  simulator.server.requests.filter((r) => r.path.startsWith("/api/v2/"))

describe("OfficeRnD webhooks", () => {
  // Literal constants: computed once with `printf '%s.%s' "$body" "$t" | openssl dgst -sha256 -hmac "$secret"`.
  const secret = "whsec_test_secret"
  const body = "{\"eventType\":\"membership.updated\",\"data\":{\"object\":{\"_id\":\"6080186f490fcf6e0537ec52\"}}}"
  const t = 1700000000
  const valid = "t=1700000000,signature=09bde0936cfb2d90f9b5fa6baa0823a23c8064eae563d782ab5e42f086be5f5a"
  const credentials = Schema.decodeUnknownSync(OfficeRnDAdapter.Credentials)({
    organization: "acme",
    clientId: "id",
    clientSecret: "secret",
    webhookSecret: secret,
    currency: "EUR"
  })
  const request = (text: string, header: string): Adapter.WebhookRequest => ({
    method: "POST",
    url: "/upstream/x/webhooks",
    headers: { "officernd-signature": header },
    body: new TextEncoder().encode(text)
  })
  const verify = (text: string, header: string, now: number, creds = credentials) =>
    OfficeRnDWebhooks.verifyAt(request(text, header), creds, now)

  it.effect("the signature is hex HMAC-SHA256 over rawBody + \".\" + t", () =>
    Effect.sync(() => {
      expect(OfficeRnDWebhooks.header(secret, new TextEncoder().encode(body), t)).toBe(valid)
    }))

  it.effect("a valid signature within 300 s names all locations (the object names none)", () =>
    Effect.gen(function*() {
      expect(yield* verify(body, valid, t + 299)).toEqual(Adapter.WebhookTargets.All())
      expect(yield* verify(body, valid, t - 299)).toEqual(Adapter.WebhookTargets.All())
    }))

  it.effect("a tampered body, a stale or a future timestamp, no secret: Unauthorized", () =>
    Effect.gen(function*() {
      const tampered = body.replace("membership", "membershiq")
      expect((yield* Effect.flip(verify(tampered, valid, t))).reason).toBe("Unauthorized")
      expect((yield* Effect.flip(verify(body, valid, t + 301))).reason).toBe("Unauthorized")
      expect((yield* Effect.flip(verify(body, valid, t - 301))).reason).toBe("Unauthorized")
      const { webhookSecret: _, ...without } = credentials
      expect((yield* Effect.flip(verify(body, valid, t, without))).reason).toBe("Unauthorized")
      expect((yield* Effect.flip(verify(body, "t=1700000000,v1=00", t))).reason).toBe("Unauthorized")
    }))

  it.scoped("an event whose object names a location targets it", () =>
    Effect.gen(function*() {
      const { adapter, credentials, simulator } = yield* setup()
      const request = yield* simulator.sendWebhook({
        eventType: "booking.created",
        object: { _id: "b1", location: SeedData.locationIds.london }
      })
      expect(yield* adapter.webhooks!.verify(request, credentials)).toEqual(
        Adapter.WebhookTargets.Locations({ externalIds: [SeedData.locationIds.london] })
      )
    }))
})

describe("OfficeRnD", () => {
  it.scoped("never asks for more than 50 records a page, and follows cursorNext across short pages", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, simulator } = yield* setup({ maxPageSize: 3 })
      const items = yield* collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      expect(items.map(Adapter.externalIdOf)).toEqual(yield* simulator.externalIds)
      const limits = apiRequests(simulator).map((r) => Number(r.query.get("$limit")))
      expect(limits.length).toBeGreaterThan(7)
      expect(limits.every((limit) => limit >= 1 && limit <= 50)).toBe(true)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a full read of the seeded organization costs a token and seven requests", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, simulator } = yield* setup()
      const before = yield* simulator.requests
      yield* collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      expect((yield* simulator.requests) - before).toBe(8)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("tokens that expire between syncs are renewed once, and the read completes", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, simulator } = yield* setup({ maxPageSize: 2 })
      yield* collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      expect(simulator.issuedTokens.length).toBe(1)
      yield* simulator.expireTokens
      const items = yield* collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      expect(items.map(Adapter.externalIdOf)).toEqual(yield* simulator.externalIds)
      expect(simulator.issuedTokens.length).toBe(2)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("tokens that expire in the middle of a read are renewed, and the read completes", () =>
    Effect.gen(function*() {
      // The simulator's clock moves ten minutes on every look, so a token (3,599 s) dies after a few
      // requests, many times within one read of two-record pages.
      let clock = Date.UTC(2026, 10, 30)
      const { adapter, collect, credentials, simulator } = yield* setup({
        maxPageSize: 2,
        now: () => (clock += 600_000)
      })
      const items = yield* collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      expect(items.map(Adapter.externalIdOf)).toEqual(yield* simulator.externalIds)
      expect(items.every((item) => item._tag === "Snapshot")).toBe(true)
      expect(simulator.issuedTokens.length).toBeGreaterThan(2)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a token that keeps being refused fails Unauthorized", () =>
    Effect.gen(function*() {
      const { adapter, credentials } = yield* setup({ tokenExpiresIn: -10 })
      const error = yield* Effect.flip(Stream.runDrain(adapter.snapshots.read(credentials, Adapter.ReadRequest.All())))
      expect(error.reason).toBe("Unauthorized")
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
