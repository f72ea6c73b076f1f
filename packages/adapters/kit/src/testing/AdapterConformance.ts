/**
 * The adapter conformance kit: one call in an adapter's test file runs the standard suite against the
 * adapter and a simulator of its upstream, through the real sync engine on a fresh test database.
 *
 * ```ts
 * import { AdapterConformance } from "@spacesync/core/testing"
 * AdapterConformance.suite({ adapter: MyAdapter.adapter, simulator: MySimulator.make() })
 * ```
 *
 * It checks that:
 * - `check` passes with good credentials and fails `Unauthorized` with bad ones; a sync with bad
 *   credentials fails `Unauthorized`, pauses the account and stores nothing;
 * - the listing is complete (across pages, when the simulator pages), and the stored output decodes
 *   against the canonical `LocationSnapshot` schema with hub ids derived from the upstream ids;
 * - ids are stable across two syncs, and a second sync with no upstream change emits nothing;
 * - one changed price emits exactly one `pricing.updated` naming that price, and nothing else;
 * - a removed location emits `location.deleted`;
 * - throttling responses are waited out, not failed.
 *
 * The simulator is an upstream on 127.0.0.1 that the kit starts afresh for every check (see `Simulator`).
 *
 * @since 0.1.0
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { expect, layer as vitestLayer } from "@effect/vitest"
import { Accounts } from "@spacesync/core/Accounts"
import { SnapshotStore } from "@spacesync/core/SnapshotStore"
import { SyncEngine } from "@spacesync/core/SyncEngine"
import * as TestEngine from "@spacesync/core/testing/TestEngine"
import { Effect, Layer, Option, Schema, type Scope } from "effect"
import type { Adapter } from "../Adapter.js"
import * as Ids from "../Ids.js"
import * as LocationSnapshot from "../LocationSnapshot.js"

/**
 * A simulated upstream, as the kit drives it. Each check starts a fresh one (its scope closes after the
 * check).
 *
 * @since 0.1.0
 * @category models
 */
export interface Simulator {
  /** Credentials (plain data, as an operator sends them) that the simulated upstream accepts. */
  readonly goodCredentials: unknown
  /** Credentials that are well-formed but that the upstream rejects (wrong token, wrong password). */
  readonly badCredentials: unknown
  /** The `externalId`s of every location the upstream currently has. */
  readonly externalIds: Effect.Effect<ReadonlyArray<string>>
  /**
   * The upstream's page size, when it pages its listings. The kit then requires more locations than one
   * page, so that "complete" means "complete across pages".
   */
  readonly pageSize?: number | undefined
  /** Changes the amount of one price of one location, and says which. */
  readonly changeOnePrice: Effect.Effect<{ readonly locationExternalId: string; readonly priceExternalId: string }>
  /** Removes one location from the upstream, and says which. */
  readonly removeOneLocation: Effect.Effect<{ readonly externalId: string }>
  /**
   * Answers the next `n` requests with the upstream's throttling response (429, or whatever status it
   * uses, with a short `Retry-After`).
   */
  readonly throttleNext: (n: number) => Effect.Effect<void>
  /** How many throttling responses the upstream has sent. */
  readonly throttled: Effect.Effect<number>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SuiteOptions {
  readonly adapter: Adapter<any, never>
  /** Starts a fresh simulator; its scope is the check's. */
  readonly simulator: Effect.Effect<Simulator, never, Scope.Scope>
  /** The transport adapters use. Default: `FetchHttpClient`. */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient> | undefined
  /** Per-check timeout in milliseconds. Default 60 s. */
  readonly timeout?: number | undefined
}

const sortStrings = (items: Iterable<string>) => [...items].sort()

const idsOf = (snapshot: LocationSnapshot.LocationSnapshot) => ({
  location: snapshot.location.id,
  resources: sortStrings(snapshot.resources.map((r) => r.id)),
  prices: sortStrings(snapshot.prices.map((p) => p.id))
})

/**
 * Registers the conformance suite of `options.adapter` (a `describe` block).
 *
 * @since 0.1.0
 */
export const suite = (options: SuiteOptions): void => {
  const { adapter } = options
  const timeout = options.timeout ?? 60_000
  const http = options.httpClient ?? FetchHttpClient.layer
  const layer = Layer.fresh(TestEngine.layer([adapter]).pipe(Layer.provideMerge(http)))

  // Live clock: retries and Retry-After waits run in real time against the simulator.
  vitestLayer(layer, { excludeTestServices: true, timeout: "120 seconds" })(
    `${adapter.id} adapter conformance`,
    (it) => {
      const createAccount = (credentials: unknown) =>
        Effect.flatMap(
          Accounts,
          (accounts) => accounts.create({ name: `conformance ${adapter.id}`, adapter: adapter.id, credentials })
        ).pipe(
          Effect.orDie,
          Effect.map((account) => account.accountId)
        )

      const sync = (accountId: Ids.AccountId) => Effect.flatMap(SyncEngine, (engine) => engine.sync(accountId))

      const storedSnapshots = (accountId: Ids.AccountId) =>
        Effect.gen(function*() {
          const store = yield* SnapshotStore
          const summaries = yield* store.summaries(accountId)
          const out = new Map<
            string,
            { readonly deleted: boolean; readonly snapshot: LocationSnapshot.LocationSnapshot }
          >()
          for (const summary of summaries) {
            const stored = Option.getOrThrow(yield* store.get(summary.locationId))
            out.set(summary.externalId, { deleted: stored.deleted, snapshot: stored.snapshot })
          }
          return out
        })

      const decodeCredentials = (credentials: unknown) =>
        Schema.decodeUnknown(adapter.credentials)(credentials).pipe(Effect.orDie)

      it.scoped(
        "check passes with good credentials and fails Unauthorized with bad ones",
        () =>
          Effect.gen(function*() {
            const simulator = yield* options.simulator
            const client = yield* HttpClient.HttpClient
            const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) =>
              Effect.provideService(effect, HttpClient.HttpClient, client)
            yield* run(adapter.check(yield* decodeCredentials(simulator.goodCredentials)))
            const error = yield* Effect.flip(run(adapter.check(yield* decodeCredentials(simulator.badCredentials))))
            expect(error.reason, error.message).toBe("Unauthorized")
          }),
        timeout
      )

      it.scoped(
        "a sync with bad credentials fails Unauthorized, pauses the account and stores nothing",
        () =>
          Effect.gen(function*() {
            const simulator = yield* options.simulator
            const accountId = yield* createAccount(simulator.badCredentials)
            const error = yield* Effect.flip(sync(accountId))
            expect(error.adapterError?.reason, error.message).toBe("Unauthorized")
            const account = Option.getOrThrow(
              yield* Effect.flatMap(Accounts, (a) => a.get(accountId))
            )
            expect(account.status).toBe("paused")
            expect((yield* storedSnapshots(accountId)).size).toBe(0)
          }),
        timeout
      )

      it.scoped(
        "lists every location and stores canonical snapshots with derived hub ids",
        () =>
          Effect.gen(function*() {
            const simulator = yield* options.simulator
            const expected = sortStrings(yield* simulator.externalIds)
            expect(expected.length, "the simulator should have at least two locations").toBeGreaterThanOrEqual(2)
            if (simulator.pageSize !== undefined) {
              expect(expected.length, "the simulator should have more locations than one page").toBeGreaterThan(
                simulator.pageSize
              )
            }
            const accountId = yield* createAccount(simulator.goodCredentials)
            const report = yield* sync(accountId)
            expect(report.errors).toEqual([])
            expect(report.outcome).toBe("succeeded")
            expect(report.counts).toMatchObject({ listed: expected.length, created: expected.length, failed: 0 })
            const stored = yield* storedSnapshots(accountId)
            expect(sortStrings(stored.keys())).toEqual(expected)
            const created = report.events.filter((e) => e.type === "location.created").map((e) => e.locationId)
            expect(sortStrings(created as Array<string>)).toEqual(
              sortStrings(expected.map((id) => Ids.entityId(accountId, "location", id)))
            )
            for (const [externalId, { snapshot }] of stored) {
              // The stored output round-trips through the canonical schema.
              const encoded = JSON.parse(JSON.stringify(Schema.encodeSync(LocationSnapshot.LocationSnapshot)(snapshot)))
              expect(Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshot)(encoded)).toEqual(snapshot)
              const locationId = Ids.entityId(accountId, "location", externalId)
              expect(snapshot.location.id).toBe(locationId)
              for (const resource of snapshot.resources) {
                expect(resource.locationId).toBe(locationId)
                expect(resource.id).toBe(Ids.entityId(accountId, "resource", resource.externalId))
              }
              for (const price of snapshot.prices) {
                expect(price.locationId).toBe(locationId)
                expect(price.id).toBe(Ids.entityId(accountId, "price", price.externalId))
              }
            }
          }),
        timeout
      )

      it.scoped(
        "ids are stable across two syncs, and a sync with no upstream change emits nothing",
        () =>
          Effect.gen(function*() {
            const simulator = yield* options.simulator
            const accountId = yield* createAccount(simulator.goodCredentials)
            yield* sync(accountId)
            const before = yield* storedSnapshots(accountId)
            const second = yield* sync(accountId)
            expect(second.events).toEqual([])
            expect(second.outcome).toBe("succeeded")
            expect(second.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: before.size })
            const after = yield* storedSnapshots(accountId)
            expect(sortStrings(after.keys())).toEqual(sortStrings(before.keys()))
            for (const [externalId, { snapshot }] of after) {
              expect(idsOf(snapshot)).toEqual(idsOf(before.get(externalId)!.snapshot))
            }
          }),
        timeout
      )

      it.scoped("one changed price emits exactly one pricing.updated naming that price", () =>
        Effect.gen(function*() {
          const simulator = yield* options.simulator
          const accountId = yield* createAccount(simulator.goodCredentials)
          yield* sync(accountId)
          const changed = yield* simulator.changeOnePrice
          const report = yield* sync(accountId)
          const locationId = Ids.entityId(accountId, "location", changed.locationExternalId)
          const priceId = Ids.entityId(accountId, "price", changed.priceExternalId)
          expect(report.events.map((e) => [e.type, e.locationId])).toEqual([["pricing.updated", locationId]])
          expect(report.events[0]!.changes).toEqual({ created: [], updated: [priceId], deleted: [] })
          expect(report.counts).toMatchObject({ updated: 1, created: 0, deleted: 0 })
        }), timeout)

      it.scoped("a removed location emits location.deleted", () =>
        Effect.gen(function*() {
          const simulator = yield* options.simulator
          const accountId = yield* createAccount(simulator.goodCredentials)
          yield* sync(accountId)
          const removed = yield* simulator.removeOneLocation
          const report = yield* sync(accountId)
          const locationId = Ids.entityId(accountId, "location", removed.externalId)
          expect(report.events.map((e) => [e.type, e.locationId])).toEqual([["location.deleted", locationId]])
          expect(report.counts.deleted).toBe(1)
          const stored = yield* storedSnapshots(accountId)
          expect(stored.get(removed.externalId)?.deleted).toBe(true)
          expect([...stored.values()].filter((s) => s.deleted)).toHaveLength(1)
        }), timeout)

      it.scoped("throttling responses are waited out, not failed", () =>
        Effect.gen(function*() {
          const simulator = yield* options.simulator
          const expected = yield* simulator.externalIds
          const accountId = yield* createAccount(simulator.goodCredentials)
          const before = yield* simulator.throttled
          yield* simulator.throttleNext(2)
          const report = yield* sync(accountId)
          expect(yield* simulator.throttled).toBe(before + 2)
          expect(report.outcome).toBe("succeeded")
          expect(report.counts).toMatchObject({ listed: expected.length, created: expected.length, failed: 0 })
        }), timeout)
    }
  )
}
