import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { AdapterConformance } from "@spacesync/adapter-kit/testing"
import { Chunk, Effect, Schema, Stream } from "effect"
import { OptixAdapter, OptixClient, OptixQueries } from "../src/index.js"
import { OptixSimulator, SeedData } from "../src/testing/index.js"

// The changed price is a plan template's, `plan-<id>` in this adapter's ids (the simulator's default).
AdapterConformance.suite({ adapter: OptixAdapter.make, simulator: OptixSimulator.conformance() })

const setup = (options: OptixSimulator.Options = {}) =>
  Effect.gen(function*() {
    const simulator = yield* OptixSimulator.make(options)
    const adapter = yield* OptixAdapter.make
    const credentials = Schema.decodeUnknownSync(adapter.credentials)(simulator.goodCredentials)
    const collect = <E, R>(stream: Stream.Stream<Adapter.ReadItem, E, R>) =>
      Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
    const readAll = collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
    return { simulator, adapter, credentials, collect, readAll }
  })

describe("Optix", () => {
  it.scoped("a full read costs five requests; deleted locations are Deleted, hidden ones not visible", () =>
    Effect.gen(function*() {
      const { readAll, simulator } = yield* setup()
      const before = yield* simulator.requests
      const items = yield* readAll
      const full = (yield* simulator.requests) - before
      const again = yield* readAll
      const noChange = (yield* simulator.requests) - before - full
      console.log(`optix: a full sync cost ${full} upstream requests, a no-change sync ${noChange}`)
      expect(full).toBe(5)
      expect(noChange).toBe(5)
      expect(again).toEqual(items)
      expect(items.filter((i) => i._tag === "Deleted")).toEqual([
        Adapter.ReadItem.Deleted({ externalId: SeedData.locationIds.deleted })
      ])
      const hidden = items.find((i) => Adapter.externalIdOf(i) === SeedData.locationIds.hidden)
      expect(hidden?._tag).toBe("Snapshot")
      if (hidden?._tag === "Snapshot") expect(hidden.source.location.visible).toBe(false)
      // Passes are asked for by type; every listing asks for the documented page size.
      expect(simulator.calls.some((c) => c.query.includes("type: [PASS]"))).toBe(true)
      expect(
        simulator.calls.every((c) => c.variables?.limit === undefined || c.variables.limit === OptixQueries.pageSize)
      )
        .toBe(true)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("pages of fewer records than asked are followed until total", () =>
    Effect.gen(function*() {
      const { readAll, simulator } = yield* setup({ maxLimit: 2 })
      const items = yield* readAll
      expect(items.filter((i) => i._tag === "Snapshot").map((i) => Adapter.externalIdOf(i)).sort()).toEqual(
        [...SeedData.visibleLocationIds, SeedData.locationIds.hidden].sort()
      )
      expect(simulator.calls.length).toBeGreaterThan(5)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped(
    "the 60 requests/minute limit: throttling is waited out under the declared rate limit",
    () =>
      Effect.gen(function*() {
        const { adapter, readAll, simulator } = yield* setup({ retryAfterMillis: 1000 })
        expect(adapter.rateLimit).toEqual({ limit: 60, interval: "1 minute" })
        yield* simulator.throttleNext(2)
        const started = Date.now()
        const items = yield* readAll
        expect(items.filter((i) => i._tag === "Snapshot")).toHaveLength(5)
        expect(yield* simulator.throttled).toBe(2)
        expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    30_000
  )

  it.scoped(
    "beyond the per-token window, Optix's 429s are waited out and the read completes",
    () =>
      Effect.gen(function*() {
        // The same sliding window as 60 a minute, scaled down: 6 requests per 2 s.
        const { readAll, simulator } = yield* setup({ rateLimit: 6, rateWindowMillis: 2000 })
        const first = yield* readAll
        const second = yield* readAll
        expect(second).toEqual(first)
        expect(yield* simulator.throttled).toBeGreaterThan(0)
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    30_000
  )

  for (const unauthorized of ["anonymous", "401"] as const) {
    it.scoped(`a revoked token fails Unauthorized and says to update the token (${unauthorized})`, () =>
      Effect.gen(function*() {
        const { adapter, credentials, readAll, simulator } = yield* setup({ unauthorized })
        yield* simulator.revoke()
        const error = yield* Effect.flip(readAll)
        expect(error.reason).toBe("Unauthorized")
        expect(error.message).toContain("organization_token_updated")
        expect(error.message).not.toContain(simulator.accessToken)
        expect((yield* Effect.flip(adapter.check(credentials))).reason).toBe("Unauthorized")
      }).pipe(Effect.provide(FetchHttpClient.layer)))
  }

  it.scoped("an UNKNOWN plan frequency fails its locations with the path; nothing is rounded", () =>
    Effect.gen(function*() {
      const { readAll } = yield* setup({ seed: SeedData.make({ unknownFrequency: true }) })
      const items = yield* readAll
      const failed = items.filter((i) => i._tag === "Failed")
      expect(failed.length).toBeGreaterThan(0)
      for (const item of failed) {
        if (item._tag !== "Failed") continue
        expect(item.error.reason).toBe("InvalidData")
        expect(item.error.path).toEqual(["planTemplates", SeedData.planTemplateIds.unknown, "price_frequency"])
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("signed webhooks from the simulator verify; organization_token_updated re-syncs the account", () =>
    Effect.gen(function*() {
      const { adapter, credentials, simulator } = yield* setup()
      const token = yield* simulator.sendWebhook({ event: "organization_token_updated" })
      expect(yield* adapter.webhooks!.verify(token, credentials)).toEqual(Adapter.WebhookTargets.All())
      const wrong = yield* simulator.sendWebhook({ event: "member_booking_cancelled", secret: "nope" })
      expect((yield* Effect.flip(adapter.webhooks!.verify(wrong, credentials))).reason).toBe("Unauthorized")
      const stale = yield* simulator.sendWebhook({
        event: "member_booking_cancelled",
        createdTimestamp: Math.floor(Date.now() / 1000) - 3600
      })
      expect((yield* Effect.flip(adapter.webhooks!.verify(stale, credentials))).reason).toBe("Unauthorized")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a query Optix refuses is a clear Upstream error naming Optix's message", () =>
    Effect.gen(function*() {
      const { credentials } = yield* setup()
      const client = yield* OptixClient.make(credentials)
      const error = yield* Effect.flip(client.query("query { locations { total nope } }", {}, Schema.Unknown))
      expect(error).toMatchObject({ reason: "Upstream", status: 400 })
      expect(error.message).toContain("does not match Optix's schema")
      expect(error.message).toContain("nope")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a targeted read asks only for the named locations and their resources", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, simulator } = yield* setup()
      const items = yield* collect(adapter.snapshots.read(
        credentials,
        Adapter.ReadRequest.Locations({ externalIds: [SeedData.locationIds.toronto, "999999"] })
      ))
      expect(items.map((i) => [i._tag, Adapter.externalIdOf(i)])).toEqual([
        ["Snapshot", SeedData.locationIds.toronto],
        ["Failed", "999999"]
      ])
      expect(simulator.calls.filter((c) => c.variables?.locationIds !== undefined).length).toBe(2)
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
