import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { AdapterConformance } from "@spacesync/adapter-kit/testing"
import { Chunk, Effect, Schema, Stream } from "effect"
import { CobotAdapter } from "../src/index.js"
import { CobotSimulator, SeedData } from "../src/testing/index.js"

// The changed price is a plan's, `plan-<id>` in this adapter's ids.
AdapterConformance.suite({
  adapter: CobotAdapter.make,
  simulator: CobotSimulator.conformance({ priceExternalId: (plan) => `plan-${plan.id}` })
})

const setup = (options: CobotSimulator.Options = {}) =>
  Effect.gen(function*() {
    const simulator = yield* CobotSimulator.make(options)
    const adapter = yield* CobotAdapter.make
    const credentials = Schema.decodeUnknownSync(adapter.credentials)(simulator.goodCredentials)
    const collect = <E, R>(stream: Stream.Stream<Adapter.ReadItem, E, R>) =>
      Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
    return { simulator, adapter, credentials, collect }
  })

describe("Cobot", () => {
  it.scoped("a hint naming a foreign space changes nothing and is never fetched", () =>
    Effect.gen(function*() {
      const { adapter, credentials, simulator } = yield* setup()
      const before = yield* simulator.requests
      const foreign = simulator.urls.resource(SeedData.resourceIds.tokyoMeetingRoom)
        .replace(new URL(simulator.url).origin, `https://${SeedData.subdomains.tokyo}.cobot.me`)
      for (
        const url of [foreign, `https://${SeedData.subdomains.tokyo}.cobot.me/api/plans/1`, "https://evil.test/api/x"]
      ) {
        const request = yield* simulator.sendWebhook({ event: "updated_resource", url })
        const error = yield* Effect.flip(adapter.webhooks!.verify(request, credentials))
        expect(error.reason).toBe("Unauthorized")
      }
      expect((yield* simulator.requests) - before).toBe(0)
      expect(yield* simulator.foreignReads).toBe(0)
      // One of the account's own URLs re-reads its space.
      const own = yield* simulator.sendWebhook({
        event: "updated_resource",
        url: simulator.urls.resource(SeedData.resourceIds.berlinMeetingRoom)
      })
      expect(yield* adapter.webhooks!.verify(own, credentials)).toEqual(Adapter.WebhookTargets.All())
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a full read costs five requests, never asks for more than 200 a page, reads no foreign space", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, simulator } = yield* setup()
      const before = yield* simulator.requests
      const items = yield* collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      expect(items.map((i) => i._tag)).toEqual(["Snapshot"])
      expect((yield* simulator.requests) - before).toBe(5)
      const sizes = simulator.server.requests.map((r) => r.query.get("page[size]")).filter((s) => s !== null)
      expect(sizes.every((s) => Number(s) <= 200)).toBe(true)
      expect(yield* simulator.foreignReads).toBe(0)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("429 with Retry-After is waited out under the documented limit", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, simulator } = yield* setup({ retryAfterMillis: 1000 })
      expect(adapter.rateLimit).toEqual({ limit: 60, interval: "1 minute" })
      yield* simulator.throttleNext(2)
      const started = Date.now()
      const items = yield* collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      expect(items.map((i) => i._tag)).toEqual(["Snapshot"])
      expect(yield* simulator.throttled).toBe(2)
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    }).pipe(Effect.provide(FetchHttpClient.layer)), 20_000)

  it.scoped("a revoked token fails Unauthorized", () =>
    Effect.gen(function*() {
      const { adapter, credentials, simulator } = yield* setup()
      yield* simulator.revokeToken()
      const error = yield* Effect.flip(Stream.runDrain(adapter.snapshots.read(credentials, Adapter.ReadRequest.All())))
      expect(error.reason).toBe("Unauthorized")
      expect((yield* Effect.flip(adapter.check(credentials))).reason).toBe("Unauthorized")
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
