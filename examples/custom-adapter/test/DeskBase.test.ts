import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { AdapterConformance } from "@spacesync/adapter-kit/testing"
import { Chunk, Effect, Schema, Stream } from "effect"
import { DeskBaseAdapter } from "../src/index.js"
import { DeskBaseSimulator } from "../src/testing/index.js"

// The standard suite: bad credentials, complete paged reads, change detection, deletions, a listing that
// breaks midway, a malformed site, throttling, secrets in logs, signed webhooks.
AdapterConformance.suite({ adapter: DeskBaseAdapter.make, simulator: DeskBaseSimulator.make() })

const setup = Effect.gen(function*() {
  const simulator = yield* DeskBaseSimulator.make()
  const adapter = yield* DeskBaseAdapter.make
  const credentials = Schema.decodeUnknownSync(adapter.credentials)(simulator.goodCredentials)
  return { simulator, adapter, credentials }
})

describe("DeskBase", () => {
  it.scoped("the listing follows every page and sends the API key header", () =>
    Effect.gen(function*() {
      const { adapter, credentials, simulator } = yield* setup
      const items = yield* Stream.runCollect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      expect(Chunk.size(items)).toBe(5)
      const listings = simulator.server.requests.filter((r) => r.path === "/v1/sites")
      expect(listings.map((r) => r.query.get("page"))).toEqual(["1", "2", "3"])
      expect(simulator.server.requests.every((r) => r.headers["x-api-key"] === simulator.apiKey)).toBe(true)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a verified webhook names the site it is about", () =>
    Effect.gen(function*() {
      const { adapter, credentials, simulator } = yield* setup
      const targets = yield* adapter.webhooks!.verify(simulator.webhook("site-4"), credentials)
      expect(targets).toEqual(Adapter.WebhookTargets.Locations({ externalIds: ["site-4"] }))
    }))

  it.scoped("an account without a webhook secret refuses every webhook", () =>
    Effect.gen(function*() {
      const { adapter, credentials, simulator } = yield* setup
      const { webhookSecret: _, ...withoutSecret } = credentials
      const error = yield* Effect.flip(adapter.webhooks!.verify(simulator.webhook("site-1"), withoutSecret))
      expect(error.reason).toBe("Unauthorized")
    }))

  it.scoped("a site the account does not have is a 404 for that site only", () =>
    Effect.gen(function*() {
      const { adapter, credentials } = yield* setup
      const items = yield* Stream.runCollect(
        adapter.snapshots.read(credentials, Adapter.ReadRequest.Locations({ externalIds: ["site-1", "site-99"] }))
      )
      expect(Chunk.toReadonlyArray(items).map((item) => item._tag).sort()).toEqual(["Failed", "Snapshot"])
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
