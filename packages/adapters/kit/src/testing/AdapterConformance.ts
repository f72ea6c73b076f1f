/**
 * The adapter conformance kit: one call in an adapter's test file runs the standard suite against the
 * adapter and a simulator of its upstream, through the real sync engine, on an embedded database by
 * default (no PostgreSQL server needed).
 *
 * ```ts
 * import { AdapterConformance } from "@spacesync/adapter-kit/testing"
 * AdapterConformance.suite({ adapter: MyAdapter.make, simulator: MySimulator.make() })
 * ```
 *
 * It checks that:
 * - `check` passes with good credentials and fails `Unauthorized` with bad ones; a sync with bad
 *   credentials fails `Unauthorized`, pauses the account and stores nothing;
 * - the read is complete (across pages, when the simulator pages), and the stored output decodes
 *   against the canonical `LocationSnapshot` schema with hub ids derived from the upstream ids;
 * - ids are stable across two syncs, and a second sync with no upstream change emits nothing;
 * - one changed price emits exactly one `pricing.updated` naming that price, and nothing else;
 * - a removed location emits `location.deleted`;
 * - a full read and a targeted read of the same locations give the same snapshots;
 * - a listing that fails in the middle fails the sync and deletes nothing;
 * - one malformed location is reported with its path and the others still sync;
 * - throttling answers are waited out for as long as the upstream asks (the wait is measured);
 * - credentials never appear in logs, error messages or recorded errors;
 * - upstream webhooks (when the adapter takes them and the simulator signs them): a valid one verifies,
 *   a tampered body, a wrong signature and a stale timestamp are rejected `Unauthorized`;
 * - incremental reads (when the adapter has `changes`): a no-change poll reads changes only, emits
 *   nothing and costs fewer upstream requests than a full read (both are printed); a change and a deletion
 *   since the cursor emit exactly those events.
 *
 * The simulator is an upstream on 127.0.0.1 that the kit starts afresh for every check (see `Simulator`).
 *
 * @since 0.1.0
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { expect, layer as vitestLayer } from "@effect/vitest"
import { Accounts } from "@spacesync/core/Accounts"
import { Adapters } from "@spacesync/core/Adapters"
import { SnapshotStore } from "@spacesync/core/SnapshotStore"
import { SyncEngine, type SyncReport } from "@spacesync/core/SyncEngine"
import * as TestDatabase from "@spacesync/core/testing/TestDatabase"
import * as TestEngine from "@spacesync/core/testing/TestEngine"
import { Cause, Effect, Exit, Layer, Logger, LogLevel, Option, Schema, type Scope } from "effect"
import type * as Adapter from "../Adapter.js"
import * as Ids from "../Ids.js"
import * as LocationSnapshot from "../LocationSnapshot.js"

/**
 * Signed upstream webhooks, for systems that sign them.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookSigner {
  /**
   * A webhook as the upstream would send it to the account of `goodCredentials` (about one of its
   * locations), or a spoiled one: its body changed after signing, signed with a wrong secret, or with a
   * timestamp older than the scheme accepts (`stale`: only for schemes with timestamps).
   */
  readonly request: (spoil?: "tamperedBody" | "wrongSecret" | "stale") => Effect.Effect<Adapter.WebhookRequest>
  /** The scheme has a timestamp (stale requests are checked). */
  readonly timestamped: boolean
}

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
  /** Every secret value in both sets of credentials: none may appear in a log or an error. */
  readonly secrets: ReadonlyArray<string>
  /** The `externalId`s of every location the upstream currently has. */
  readonly externalIds: Effect.Effect<ReadonlyArray<string>>
  /**
   * The upstream's page size, when it pages its listings. The kit then requires more locations than one
   * page, so that "complete" means "complete across pages".
   */
  readonly pageSize?: number | undefined
  /** How many requests the upstream has answered (throttling answers included). */
  readonly requests: Effect.Effect<number>
  /** Changes the amount of one price of one location, and says which. */
  readonly changeOnePrice: Effect.Effect<{ readonly locationExternalId: string; readonly priceExternalId: string }>
  /** Removes one location from the upstream (not the one `changeOnePrice` changes), and says which. */
  readonly removeOneLocation: Effect.Effect<{ readonly externalId: string }>
  /**
   * Makes one location's data malformed in a way the adapter must report as `InvalidData` (an amount
   * that is not money, a price without currency…), and says which.
   */
  readonly corruptOneLocation: Effect.Effect<{ readonly externalId: string }>
  /**
   * Makes the next full listing fail in its middle: a later page fails (paged systems), or the document
   * breaks off (single-document systems).
   */
  readonly failNextListingMidway: Effect.Effect<void>
  /**
   * Answers the next `n` requests with the upstream's throttling response (429, or whatever status it
   * uses), asking for a wait of `retryAfterMillis`.
   */
  readonly throttleNext: (n: number) => Effect.Effect<void>
  /** The wait the throttling responses ask for, in milliseconds (keep it short: about a second). */
  readonly retryAfterMillis: number
  /** How many throttling responses the upstream has sent. */
  readonly throttled: Effect.Effect<number>
  /** Signed webhooks, for systems that sign them. */
  readonly webhooks?: WebhookSigner | undefined
  /**
   * The system's webhooks are not signed (Cobot): the adapter's `webhooks` can only check what a hint
   * names, and the kit has no signature to check. Without a `webhooks` signer, an adapter that takes
   * webhooks must say this.
   */
  readonly unsignedWebhooks?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SuiteOptions {
  /** The adapter, or the Effect that builds it. */
  readonly adapter: Adapter.Build
  /** Starts a fresh simulator; its scope is the check's. */
  readonly simulator: Effect.Effect<Simulator, never, Scope.Scope>
  /** The transport adapters use. Default: `FetchHttpClient`. */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient> | undefined
  /**
   * The database the engine runs on. Default: an embedded (in-memory PGlite) database, so the suite
   * needs no PostgreSQL server; `"server"` uses a fresh database on the test server instead.
   */
  readonly database?: "embedded" | "server" | undefined
  /** Per-check timeout in milliseconds. Default 60 s. */
  readonly timeout?: number | undefined
}

const sortStrings = (items: Iterable<string>) => [...items].sort()

const idsOf = (snapshot: LocationSnapshot.LocationSnapshot) => ({
  location: snapshot.location.id,
  resources: sortStrings(snapshot.resources.map((r) => r.id)),
  prices: sortStrings(snapshot.prices.map((p) => p.id))
})

const eventsOf = (report: SyncReport) => report.events.map((e) => [e.type, e.locationId])

/**
 * Registers the conformance suite of `options.adapter` (a `describe` block).
 *
 * @since 0.1.0
 */
export const suite = (options: SuiteOptions): void => {
  const timeout = options.timeout ?? 60_000
  const http = options.httpClient ?? FetchHttpClient.layer
  const database = options.database === "server" ? TestDatabase.layer() : TestDatabase.layerEmbedded()
  const layer = Layer.fresh(TestEngine.layer([options.adapter], { database }).pipe(Layer.provideMerge(http)))

  // Live clock: retries and Retry-After waits run in real time against the simulator.
  vitestLayer(layer, { excludeTestServices: true, timeout: "120 seconds" })(
    `adapter conformance`,
    (it) => {
      // The registry built the adapter once, with the engine; the kit reads it from there.
      const adapter = Effect.map(Adapters, (registry) => registry.all[0]!)

      const createAccount = (credentials: unknown) =>
        Effect.gen(function*() {
          const { id } = yield* adapter
          const accounts = yield* Accounts
          const account = yield* accounts.create({ name: `conformance ${id}`, adapter: id, credentials }).pipe(
            Effect.orDie
          )
          return account.accountId
        })

      const sync = (accountId: Ids.AccountId, locations?: ReadonlyArray<string>) =>
        Effect.flatMap(
          SyncEngine,
          (engine) => engine.sync(accountId, locations === undefined ? undefined : { locations })
        )

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
        Effect.flatMap(adapter, (a) => Schema.decodeUnknown(a.credentials)(credentials).pipe(Effect.orDie))

      const withClient = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) =>
        Effect.flatMap(HttpClient.HttpClient, (client) => Effect.provideService(effect, HttpClient.HttpClient, client))

      it.scoped(
        "check passes with good credentials and fails Unauthorized with bad ones",
        () =>
          Effect.gen(function*() {
            const simulator = yield* options.simulator
            const { check } = yield* adapter
            yield* withClient(check(yield* decodeCredentials(simulator.goodCredentials)))
            const error = yield* Effect.flip(withClient(check(yield* decodeCredentials(simulator.badCredentials))))
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
            const account = Option.getOrThrow(yield* Effect.flatMap(Accounts, (a) => a.get(accountId)))
            expect(account.status).toBe("paused")
            expect((yield* storedSnapshots(accountId)).size).toBe(0)
          }),
        timeout
      )

      it.scoped(
        "reads every location and stores canonical snapshots with derived hub ids",
        () =>
          Effect.gen(function*() {
            const simulator = yield* options.simulator
            const expected = sortStrings(yield* simulator.externalIds)
            // One location is enough (a Cobot account is one space); more make the other checks sharper.
            expect(expected.length, "the simulator should have at least one location").toBeGreaterThanOrEqual(1)
            if (simulator.pageSize !== undefined) {
              expect(expected.length, "the simulator should have more locations than one page").toBeGreaterThan(
                simulator.pageSize
              )
            }
            const accountId = yield* createAccount(simulator.goodCredentials)
            const report = yield* sync(accountId)
            expect(report.errors).toEqual([])
            expect(report.outcome).toBe("succeeded")
            expect(report.mode).toBe("full")
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
        "a targeted read of named locations gives the same snapshots as the full read, and deletes nothing",
        () =>
          Effect.gen(function*() {
            const simulator = yield* options.simulator
            const expected = sortStrings(yield* simulator.externalIds)
            const accountId = yield* createAccount(simulator.goodCredentials)
            yield* sync(accountId)
            const full = yield* storedSnapshots(accountId)
            // A second account reads only two named locations: same adapter code, same snapshots.
            const named = expected.slice(0, 2)
            const other = yield* createAccount(simulator.goodCredentials)
            const report = yield* sync(other, named)
            expect(report.mode).toBe("targeted")
            expect(report.errors).toEqual([])
            expect(report.counts).toMatchObject({ listed: named.length, created: named.length, deleted: 0 })
            const targeted = yield* storedSnapshots(other)
            expect(sortStrings(targeted.keys())).toEqual(named)
            for (const externalId of named) {
              // Hub ids differ by account; the content does not.
              expect(stripIds(targeted.get(externalId)!.snapshot)).toEqual(stripIds(full.get(externalId)!.snapshot))
            }
            // Re-reading one named location of the first account changes nothing and deletes nothing.
            const again = yield* sync(accountId, [named[0]!])
            expect(again.events).toEqual([])
            expect(again.counts).toMatchObject({ listed: 1, unchanged: 1, deleted: 0 })
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
            expect(second.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 })
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
          expect(eventsOf(report)).toEqual([["pricing.updated", locationId]])
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
          expect(eventsOf(report)).toEqual([["location.deleted", locationId]])
          expect(report.counts.deleted).toBe(1)
          const stored = yield* storedSnapshots(accountId)
          expect(stored.get(removed.externalId)?.deleted).toBe(true)
          expect([...stored.values()].filter((s) => s.deleted)).toHaveLength(1)
        }), timeout)

      it.scoped("a listing that fails in the middle fails the sync and deletes nothing", () =>
        Effect.gen(function*() {
          const simulator = yield* options.simulator
          const accountId = yield* createAccount(simulator.goodCredentials)
          const first = yield* sync(accountId)
          yield* simulator.failNextListingMidway
          // A full read, also for adapters that could read only what changed.
          const error = yield* Effect.flip(
            Effect.flatMap(SyncEngine, (engine) => engine.sync(accountId, { full: true }))
          )
          expect(error.reason, error.message).toBe("Adapter")
          const stored = yield* storedSnapshots(accountId)
          expect([...stored.values()].filter((s) => s.deleted)).toEqual([])
          expect(stored.size).toBe(first.counts.created)
          const account = Option.getOrThrow(yield* Effect.flatMap(Accounts, (a) => a.get(accountId)))
          expect(Option.map(account.lastSync, (s) => s.outcome)).toEqual(Option.some("failed"))
          // The next sync reads everything again and finds nothing changed.
          const next = yield* sync(accountId)
          expect(next.events).toEqual([])
        }), timeout)

      it.scoped("one malformed location is reported with its path, and the others sync", () =>
        Effect.gen(function*() {
          const simulator = yield* options.simulator
          const expected = yield* simulator.externalIds
          const corrupted = yield* simulator.corruptOneLocation
          const accountId = yield* createAccount(simulator.goodCredentials)
          const report = yield* sync(accountId)
          expect(report.outcome).toBe("partial")
          expect(report.errors).toHaveLength(1)
          expect(report.errors[0]).toMatchObject({ externalId: corrupted.externalId, reason: "InvalidData" })
          expect(report.errors[0]!.path?.length ?? 0, "the error names a path").toBeGreaterThan(0)
          const stored = yield* storedSnapshots(accountId)
          expect(sortStrings(stored.keys())).toEqual(sortStrings(expected.filter((id) => id !== corrupted.externalId)))
        }), timeout)

      it.scoped("throttling answers are waited out for as long as the upstream asks", () =>
        Effect.gen(function*() {
          const simulator = yield* options.simulator
          const expected = yield* simulator.externalIds
          const accountId = yield* createAccount(simulator.goodCredentials)
          const before = yield* simulator.throttled
          yield* simulator.throttleNext(2)
          const started = Date.now()
          const report = yield* sync(accountId)
          const waited = Date.now() - started
          expect(yield* simulator.throttled).toBe(before + 2)
          expect(report.outcome).toBe("succeeded")
          expect(report.counts).toMatchObject({ listed: expected.length, created: expected.length, failed: 0 })
          // At least one full wait (two throttled requests may have waited side by side).
          expect(waited, "the sync did not wait for Retry-After").toBeGreaterThanOrEqual(
            simulator.retryAfterMillis * 0.95
          )
        }), timeout)

      it.scoped("credentials never appear in logs, error messages or recorded errors", () =>
        Effect.gen(function*() {
          const simulator = yield* options.simulator
          expect(simulator.secrets.length, "the simulator should name its secrets").toBeGreaterThan(0)
          const lines: Array<string> = []
          const capture = Logger.make(({ annotations, cause, message }) => {
            lines.push(
              JSON.stringify(message),
              JSON.stringify([...annotations]),
              Cause.isEmpty(cause) ? "" : Cause.pretty(cause, { renderErrorCause: true })
            )
          })
          const seen: Array<string> = []
          yield* Effect.gen(function*() {
            const { check } = yield* adapter
            const checked = yield* Effect.exit(withClient(check(yield* decodeCredentials(simulator.badCredentials))))
            if (Exit.isFailure(checked)) seen.push(Cause.pretty(checked.cause, { renderErrorCause: true }))
            const bad = yield* createAccount(simulator.badCredentials)
            const failed = yield* Effect.exit(sync(bad))
            if (Exit.isFailure(failed)) {
              seen.push(Cause.pretty(failed.cause, { renderErrorCause: true }), JSON.stringify(failed.cause))
            }
            const good = yield* createAccount(simulator.goodCredentials)
            yield* simulator.corruptOneLocation
            const report = yield* sync(good)
            seen.push(JSON.stringify(report.errors))
            for (const accountId of [bad, good]) {
              const account = yield* Effect.flatMap(Accounts, (a) => a.get(accountId))
              seen.push(JSON.stringify(Option.getOrThrow(account)))
            }
          }).pipe(
            Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
            Logger.withMinimumLogLevel(LogLevel.All)
          )
          const text = [...lines, ...seen].join("\n")
          expect(lines.length, "the sync should have logged something").toBeGreaterThan(0)
          for (const secret of simulator.secrets) expect(text).not.toContain(secret)
        }), timeout)

      it.scoped(
        "upstream webhooks: a signed one verifies; tampered, wrongly signed and stale ones are rejected",
        () =>
          Effect.gen(function*() {
            const simulator = yield* options.simulator
            const built = yield* adapter
            if (built.webhooks === undefined || simulator.webhooks === undefined) {
              // Nothing to check: the adapter takes no signed webhooks.
              expect(
                built.webhooks === undefined || simulator.unsignedWebhooks === true,
                "sign webhooks in the simulator, or declare unsignedWebhooks"
              ).toBe(true)
              return
            }
            const credentials = yield* decodeCredentials(simulator.goodCredentials)
            const targets = yield* built.webhooks.verify(yield* simulator.webhooks.request(), credentials)
            expect(["All", "Locations", "Nothing"]).toContain(targets._tag)
            const spoiled: Array<"tamperedBody" | "wrongSecret" | "stale"> = ["tamperedBody", "wrongSecret"]
            if (simulator.webhooks.timestamped) spoiled.push("stale")
            for (const spoil of spoiled) {
              const error = yield* Effect.flip(
                built.webhooks.verify(yield* simulator.webhooks.request(spoil), credentials)
              )
              expect(error.reason, `${spoil}: ${error.message}`).toBe("Unauthorized")
            }
          }),
        timeout
      )

      // For adapters that read changes: a simulator and an account on it (undefined: nothing to check).
      const incremental = Effect.gen(function*() {
        const built = yield* adapter
        if (built.snapshots.changes === undefined) return undefined
        const simulator = yield* options.simulator
        const accountId = yield* createAccount(simulator.goodCredentials)
        return { built, simulator, accountId }
      })

      it.scoped(
        "incremental reads: a no-change poll reads only changes and costs fewer requests",
        () =>
          Effect.gen(function*() {
            const setup = yield* incremental
            if (setup === undefined) return
            const { accountId, built, simulator } = setup
            const start = yield* simulator.requests
            const first = yield* sync(accountId)
            const afterFull = yield* simulator.requests
            expect(first.mode).toBe("full")
            const account = Option.getOrThrow(yield* Effect.flatMap(Accounts, (a) => a.get(accountId)))
            expect(account.syncCursor, "a full read of an incremental adapter yields a Checkpoint").not.toBeNull()
            const poll = yield* sync(accountId)
            const afterPoll = yield* simulator.requests
            expect(poll.mode).toBe("changes")
            expect(poll.events).toEqual([])
            const full = afterFull - start
            const changes = afterPoll - afterFull
            console.log(`${built.id}: a full read cost ${full} upstream requests, a no-change poll ${changes}`)
            expect(changes).toBeLessThan(full)
          }),
        timeout
      )

      it.scoped(
        "incremental reads: a change and a deletion since the cursor emit exactly those events",
        () =>
          Effect.gen(function*() {
            const setup = yield* incremental
            if (setup === undefined) return
            const { accountId, simulator } = setup
            yield* sync(accountId)
            const changed = yield* simulator.changeOnePrice
            const removed = yield* simulator.removeOneLocation
            const report = yield* sync(accountId)
            expect(report.mode).toBe("changes")
            const location = (externalId: string) => Ids.entityId(accountId, "location", externalId)
            expect(sortStrings(eventsOf(report).map((e) => e.join(" ")))).toEqual(sortStrings([
              `pricing.updated ${location(changed.locationExternalId)}`,
              `location.deleted ${location(removed.externalId)}`
            ]))
            const stored = yield* storedSnapshots(accountId)
            expect(stored.get(removed.externalId)?.deleted).toBe(true)
          }),
        timeout
      )
    }
  )
}

// A snapshot's content without hub ids (which differ between accounts), its entities in externalId order.
const stripIds = (snapshot: LocationSnapshot.LocationSnapshot) => {
  const plain = JSON.parse(JSON.stringify(snapshot, (key, value) => {
    if (key === "id" || key === "locationId") return undefined
    if (key === "resourceIds" && Array.isArray(value)) return value.length
    return value
  }))
  const byExternalId = (a: { externalId: string }, b: { externalId: string }) =>
    a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0
  plain.resources.sort(byExternalId)
  plain.prices.sort(byExternalId)
  return plain
}
