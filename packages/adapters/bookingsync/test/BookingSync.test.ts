import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Adapter, type Ids } from "@spacesync/adapter-kit"
import { AdapterConformance } from "@spacesync/adapter-kit/testing"
import { Accounts, SyncEngine } from "@spacesync/core"
import { TestDatabase, TestEngine } from "@spacesync/core/testing"
import { Chunk, Effect, Layer, Option, Schema, Stream } from "effect"
import { BookingSyncAdapter } from "../src/index.js"
import { BookingSyncSimulator, SeedData } from "../src/testing/index.js"

// Pages of three rentals (the simulator's conformance preset), so a complete read spans several pages;
// the changed price is the rental's nightly rate, `rate-<id>-day` in this adapter's ids.
AdapterConformance.suite({
  adapter: BookingSyncAdapter.make,
  simulator: BookingSyncSimulator.conformance({ priceExternalId: (rate) => `rate-${rate.id}-day` })
})

const setup = (options: BookingSyncSimulator.Options = {}) =>
  Effect.gen(function*() {
    const simulator = yield* BookingSyncSimulator.make(options)
    const adapter = yield* BookingSyncAdapter.make
    const credentials = Schema.decodeUnknownSync(adapter.credentials)(simulator.goodCredentials)
    const collect = <E, R>(stream: Stream.Stream<Adapter.ReadItem, E, R>) =>
      Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
    return { simulator, adapter, credentials, collect }
  })

describe("BookingSync", () => {
  it.scoped("reads only the credentials' account, though the token sees every authorizing account", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, simulator } = yield* setup()
      const items = yield* collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      const ids = items.map(Adapter.externalIdOf).filter((id) => id !== null)
      expect(ids).toEqual(yield* simulator.externalIds)
      const others = simulator.data.rentals.filter((r) => r.links.account !== simulator.accountId).map((r) =>
        String(r.id)
      )
      expect(ids.filter((id) => others.includes(id))).toEqual([])
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("an account that did not authorize the application is Unauthorized", () =>
    Effect.gen(function*() {
      const { adapter, credentials } = yield* setup()
      const error = yield* Effect.flip(
        adapter.check({ ...credentials, accountId: String(SeedData.strangerAccountId) })
      )
      expect(error.reason).toBe("Unauthorized")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a full read costs a token and seven requests, a no-change poll six", () =>
    Effect.gen(function*() {
      const { adapter, collect, credentials, simulator } = yield* setup()
      const before = yield* simulator.requests
      const items = yield* collect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
      const afterRead = yield* simulator.requests
      const checkpoint = items.at(-1)
      expect(checkpoint?._tag).toBe("Checkpoint")
      const cursor = (checkpoint as Extract<Adapter.ReadItem, { _tag: "Checkpoint" }>).cursor
      const changes = yield* collect(adapter.snapshots.changes!(credentials, cursor))
      const afterPoll = yield* simulator.requests
      expect(afterRead - before).toBe(8)
      expect(afterPoll - afterRead).toBe(6)
      expect(changes.map((item) => item._tag)).toEqual(["Checkpoint"])
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a webhook as BookingSync delivers it names its rental", () =>
    Effect.gen(function*() {
      const { adapter, credentials, simulator } = yield* setup()
      const request = yield* simulator.sendWebhook({
        accountId: simulator.accountId,
        event: "rental_updated",
        resource: simulator.resource("rentals", 52_002)
      })
      expect(yield* adapter.webhooks!.verify(request, credentials)).toEqual(
        Adapter.WebhookTargets.Locations({ externalIds: ["52002"] })
      )
      const other = yield* simulator.sendWebhook({
        accountId: SeedData.otherAccountId,
        event: "rental_updated",
        resource: simulator.resource("rentals", 52_003)
      })
      expect((yield* Effect.flip(adapter.webhooks!.verify(other, credentials))).reason).toBe("Unauthorized")
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

// The sync engine on an embedded database, with the BookingSync adapter.
const engine = Layer.fresh(
  TestEngine.layer([BookingSyncAdapter.make], { database: TestDatabase.layerEmbedded() }).pipe(
    Layer.provideMerge(FetchHttpClient.layer)
  )
)

layer(engine, { excludeTestServices: true, timeout: "60 seconds" })("BookingSync through the engine", (it) => {
  const createAccount = (credentials: unknown) =>
    Effect.flatMap(
      Accounts.Accounts,
      (accounts) => accounts.create({ name: "BookingSync", adapter: "bookingsync", credentials })
    ).pipe(
      Effect.orDie,
      Effect.map((account) => account.accountId)
    )
  const sync = (accountId: Ids.AccountId) => Effect.flatMap(SyncEngine.SyncEngine, (engine) => engine.sync(accountId))

  it.scoped("a wrong client secret pauses the account with the reason, and stores nothing", () =>
    Effect.gen(function*() {
      const simulator = yield* BookingSyncSimulator.make()
      const accountId = yield* createAccount(simulator.badCredentials)
      const error = yield* Effect.flip(sync(accountId))
      expect(error.adapterError?.reason).toBe("Unauthorized")
      const account = Option.getOrThrow(yield* Effect.flatMap(Accounts.Accounts, (a) => a.get(accountId)))
      expect(account.status).toBe("paused")
      expect(account.pausedReason).toMatch(/^Upstream rejected the credentials: .*invalid_client/)
    }))

  it.scoped("a burst of 429s is waited out until X-RateLimit-Reset, and the sync completes", () =>
    Effect.gen(function*() {
      const simulator = yield* BookingSyncSimulator.make()
      const accountId = yield* createAccount(simulator.goodCredentials)
      yield* simulator.throttleNext(4)
      const started = Date.now()
      const report = yield* sync(accountId)
      expect(yield* simulator.throttled).toBe(4)
      expect(Date.now() - started).toBeGreaterThanOrEqual(simulator.retryAfterMillis * 0.95)
      // The seeded rental without a currency is reported with its path; the others sync.
      expect(report.outcome).toBe("partial")
      expect(report.errors).toEqual([
        expect.objectContaining({ externalId: "52005", reason: "InvalidData", path: ["rental", "currency"] })
      ])
      expect(report.counts.created).toBe((yield* simulator.externalIds).length - 1)
    }))
})
