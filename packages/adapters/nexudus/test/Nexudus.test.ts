import { FetchHttpClient, HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { AdapterConformance, LoopbackServer } from "@spacesync/adapter-kit/testing"
import { Chunk, Effect, RateLimiter, Schema, Stream } from "effect"
import { NexudusAdapter, NexudusClient } from "../src/index.js"
import { NexudusSimulator, SeedData } from "../src/testing/index.js"

// Full reads, reads of changes, throttling, bad passwords, malformed records and signed webhooks against
// the simulator (pages of 2 records, so every listing spans pages).
AdapterConformance.suite({ adapter: NexudusAdapter.make, simulator: NexudusSimulator.conformance() })

const setup = (options: NexudusSimulator.Options = {}) =>
  Effect.gen(function*() {
    const simulator = yield* NexudusSimulator.make(options)
    const adapter = yield* NexudusAdapter.make
    const credentials = Schema.decodeUnknownSync(adapter.credentials)(simulator.goodCredentials)
    const collect = <E, R>(stream: Stream.Stream<Adapter.ReadItem, E, R>) =>
      Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
    const readAll = collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
    const apiRequests = () => simulator.server.requests.filter((r) => r.path !== "/api/token")
    return { simulator, adapter, credentials, collect, readAll, apiRequests }
  })

const allBusinesses = Object.values(SeedData.businessIds).map(String).sort()
const tags = (items: ReadonlyArray<Adapter.ReadItem>) => items.map((i) => i._tag)
const snapshotIds = (items: ReadonlyArray<Adapter.ReadItem>) =>
  items.filter((i) => i._tag === "Snapshot").map((i) => Adapter.externalIdOf(i)!).sort()

// The hub's per-account limiter, as core applies the adapter's `rateLimit` to its HTTP client.
const limited = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.scoped(Effect.gen(function*() {
    const limiter = yield* RateLimiter.make({
      limit: NexudusAdapter.rateLimit.limit,
      interval: NexudusAdapter.rateLimit.interval
    })
    const client = yield* HttpClient.HttpClient
    return yield* Effect.provideService(
      effect,
      HttpClient.HttpClient,
      HttpClient.transform(client, (request) => limiter(request))
    )
  }))

describe("Nexudus", () => {
  it.scoped("a full read costs a token and seven requests; a no-change read of changes costs six", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, readAll, simulator } = yield* setup()
      const items = yield* readAll
      expect(snapshotIds(items)).toEqual(allBusinesses)
      expect(tags(items).at(-1)).toBe("Checkpoint")
      const full = simulator.server.requests.length
      expect(simulator.server.requests.filter((r) => r.path === "/api/token")).toHaveLength(1)
      expect(full).toBe(8)
      const cursor = (items.at(-1) as Extract<Adapter.ReadItem, { _tag: "Checkpoint" }>).cursor
      const poll = yield* collect(adapter.snapshots.changes!(credentials, cursor))
      expect(tags(poll)).toEqual(["Checkpoint"])
      // The token is cached: six listings, no token request.
      expect(simulator.server.requests.length - full).toBe(6)
      const filtered = simulator.server.requests.slice(full).flatMap((r) =>
        [...r.query.keys()].filter((k) => k.startsWith("from_"))
      )
      expect(filtered.sort()).toEqual([
        "from_ExtraService_UpdatedOn",
        "from_Product_UpdatedOn",
        "from_Resource_UpdatedOn",
        "from_Tariff_UpdatedOn",
        "from_TaxRate_UpdatedOn"
      ])
      expect(simulator.server.requests.every((r) => Number(r.query.get("size") ?? "0") <= 1000)).toBe(true)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a read of changes re-reads only the businesses whose records changed, and names the deleted", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, readAll, simulator } = yield* setup()
      const cursor = (((yield* readAll).at(-1)) as Extract<Adapter.ReadItem, { _tag: "Checkpoint" }>).cursor
      yield* simulator.setRatePrice(SeedData.rateIds.newYorkConference, 1.5)
      yield* simulator.remove("businesses", SeedData.businessIds.bogota)
      const items = yield* collect(adapter.snapshots.changes!(credentials, cursor))
      expect(tags(items)).toEqual(["Snapshot", "Deleted", "Checkpoint"])
      expect(Adapter.externalIdOf(items[0]!)).toBe(String(SeedData.businessIds.newYork))
      expect(Adapter.externalIdOf(items[1]!)).toBe(String(SeedData.businessIds.bogota))
      const snapshot = (items[0] as Extract<Adapter.ReadItem, { _tag: "Snapshot" }>).source
      expect(snapshot.prices.find((p) => p.externalId === `rate-${SeedData.rateIds.newYorkConference}`)?.amount)
        .toEqual({ amount: "90.00", currency: "USD" })
      // The next cursor no longer knows Bogotá.
      const next = (items.at(-1) as Extract<Adapter.ReadItem, { _tag: "Checkpoint" }>).cursor
      expect(next).not.toContain(String(SeedData.businessIds.bogota))
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a cursor this adapter did not write is CursorRejected", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials } = yield* setup()
      for (const cursor of ["", "2026-01-01T00:00", "v1:abc:1"]) {
        const error = yield* Effect.flip(collect(adapter.snapshots.changes!(credentials, cursor)))
        expect(error.reason).toBe("CursorRejected")
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  for (const status of [409, 429] as const) {
    it.scopedLive(
      `${status} throttling answers are waited out, and the documented limits are kept`,
      () =>
        Effect.gen(function*() {
          // The simulator enforces 1 request per 100 ms per URL, 120 a minute, 5,000 an hour.
          const { readAll, simulator } = yield* setup({ enforceLimits: true, maxPageSize: 2 })
          yield* simulator.throttleNext(2, status)
          const items = yield* limited(readAll)
          expect(snapshotIds(items)).toEqual(allBusinesses)
          // Only the two answers asked for: the adapter itself never went over a limit.
          expect(yield* simulator.throttled).toBe(2)
        }).pipe(Effect.provide(FetchHttpClient.layer)),
      60_000
    )
  }

  it.scoped("a wrong password is Unauthorized, for check and read", () =>
    Effect.gen(function*() {
      const { adapter, collect, simulator } = yield* setup()
      const bad = Schema.decodeUnknownSync(adapter.credentials)(simulator.badCredentials)
      expect((yield* Effect.flip(adapter.check(bad))).reason).toBe("Unauthorized")
      const error = yield* Effect.flip(collect(adapter.snapshots.read(bad, Adapter.ReadRequest.All())))
      expect(error.reason).toBe("Unauthorized")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("an expired token is refreshed, and the read goes on", () =>
    Effect.gen(function*() {
      const { readAll, simulator } = yield* setup()
      yield* readAll
      yield* simulator.expireTokens
      expect(snapshotIds(yield* readAll)).toEqual(allBusinesses)
      const grants = simulator.server.requests.filter((r) => r.path === "/api/token").map((r) =>
        new URLSearchParams(r.body).get("grant_type")
      )
      expect(grants).toEqual(["password", "refresh_token"])
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a malformed record is reported with its path while the other businesses sync", () =>
    Effect.gen(function*() {
      const { readAll } = yield* setup({ seed: SeedData.make({ malformed: true }) })
      const items = yield* readAll
      const failed = items.filter((i) => i._tag === "Failed") as Array<Extract<Adapter.ReadItem, { _tag: "Failed" }>>
      expect(failed).toHaveLength(1)
      expect(failed[0]!.externalId).toBe(String(SeedData.malformed.businessId))
      expect(failed[0]!.error.reason).toBe("InvalidData")
      expect(failed[0]!.error.path?.slice(0, 1)).toEqual(["tariffs"])
      expect(failed[0]!.error.path?.at(-1)).toBe("Price")
      expect(snapshotIds(items)).toEqual(allBusinesses.filter((id) => id !== String(SeedData.malformed.businessId)))
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a targeted read names a business the user does not read as 404, and writes no checkpoint", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials } = yield* setup()
      const items = yield* collect(adapter.snapshots.read(
        credentials,
        Adapter.ReadRequest.Locations({ externalIds: [String(SeedData.businessIds.berlin), "999"] })
      ))
      expect(tags(items)).toEqual(["Snapshot", "Failed"])
      expect((items[1] as Extract<Adapter.ReadItem, { _tag: "Failed" }>).error.status).toBe(404)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a signed webhook re-reads the business it names, non-ASCII text included", () =>
    Effect.gen(function*() {
      const { adapter, credentials, simulator } = yield* setup()
      const record = { Id: 1, BusinessId: SeedData.businessIds.berlin, CoworkerFullName: "Zoë Ångström" }
      for (const wire of ["utf8", "ascii"] as const) {
        const request = yield* simulator.sendWebhook({ record, wire })
        expect(yield* adapter.webhooks!.verify(request, credentials)).toEqual(
          Adapter.WebhookTargets.Locations({ externalIds: [String(SeedData.businessIds.berlin)] })
        )
      }
      const forged = yield* simulator.sendWebhook({ record, secret: "not-the-secret" })
      expect((yield* Effect.flip(adapter.webhooks!.verify(forged, credentials))).reason).toBe("Unauthorized")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("a 409 that is not Nexudus' throttling answer is a conflict, not waited out; a bare 409 with Retry-After is", () =>
    Effect.gen(function*() {
      let answers = [
        { status: 409, headers: { "retry-after": "1" } },
        { status: 200, body: { Records: [], HasNextPage: false } },
        { status: 409, body: { Message: "Conflict" } }
      ]
      const server = yield* LoopbackServer.make((request) =>
        request.path === "/api/token"
          ? { body: { access_token: "t", token_type: "bearer", expires_in: 604799, refresh_token: "r" } }
          : answers.shift() ?? { status: 500 }
      )
      const adapter = yield* NexudusAdapter.make
      const credentials = Schema.decodeUnknownSync(adapter.credentials)({
        baseUrl: server.url,
        username: "u@example.com",
        password: "pw"
      })
      // The bare 409 with Retry-After is waited out, then the listing answers.
      yield* adapter.check(credentials)
      const error = yield* Effect.flip(adapter.check(credentials))
      expect(error.reason).toBe("Upstream")
      expect(error.status).toBe(409)
      expect(server.requests.filter((r) => r.path !== "/api/token")).toHaveLength(3)
      answers = []
      expect(NexudusClient.pageSize).toBe(1000)
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
