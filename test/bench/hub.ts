/**
 * The hub as users run it (`spacesync start` in a process of its own, default settings), on a fresh
 * database of the local server, with a feed of N locations (default 10,000 × (20 resources + 30 prices),
 * as `sync.ts` serves it) and the platforms' receiver (`receiver.ts`). Setup goes through the hub's API
 * (operator, accounts, syncs) and, for bulk (connections of thousands of locations, 10,000 endpoints,
 * events at a given rate), through the core services on the same database.
 *
 * - first load: account A's first sync (`POST /operator/accounts/:id/sync`), in the hub;
 * - mixed: R events/s (default 1,000) appended for A's locations, each delivered to one endpoint, for
 *   S seconds, WHILE the hub runs the first load of account B (10,000 more locations; then no-change syncs
 *   until the offer ends); p50/p99 from event creation to the receiver's 2xx;
 * - fan-out: one location of B connected to a platform with E endpoints (default 10,000); one price of it
 *   changes in the feed and B syncs: the time until all E deliveries arrived, from the sync request and
 *   from the event's creation; the hub's CPU per delivery;
 * - freshness: the BookingSync simulator's signed webhook to the hub's intake URL, one price changed each
 *   time (W webhooks, one after the other): from the POST to the platform receiver's 2xx;
 * - rss: A's locations connected to a platform whose endpoints never answer, one event per location to
 *   each of K endpoints (K × N ≥ Q, default 100,000 deliveries queued): the hub's VmRSS over the next 5 s,
 *   then its least over T s of idling (default 90: V8 returns the heap a sync grew about a minute later),
 *   and its VmHWM.
 *
 * With `--split`, the hub is two processes on the same database: `--roles api,workers` and `--roles scheduler`
 * (the syncs the scheduler starts, B's first load among them, run in the second).
 *
 * `pnpm bench hub [--locations N] [--rate R] [--mixed-seconds S] [--fanout-endpoints E] [--queued Q] [--webhooks W]
 *  [--settle-seconds T] [--split]`;
 * `pnpm bench mixed|fanout|freshness|rss` run one part (with the setup it needs).
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import {
  Accounts,
  Adapters,
  Connections,
  DeliveryQueue,
  EventLog,
  Fanout,
  HubUrls,
  type Ids,
  Operators,
  Platforms,
  SecretBox,
  SnapshotStore,
  WebhookEndpoints
} from "@spacesync/core"
import * as TestDatabase from "@spacesync/core/testing/TestDatabase"
import { Effect, Fiber, Layer, Redacted, Schedule } from "effect"
import type { AddressInfo } from "node:net"
import { spawnHub } from "../../packages/server/test/support/HubProcess.js"
import {
  arg,
  ask,
  cpuOf,
  fmt,
  memoryOf,
  type ReceiverProgress,
  type ReceiverStats,
  sleep,
  startReceiver,
  waitFor
} from "./support.js"
import { entryJson, feedBody, serveFeed } from "./sync.js"

/** One line for `pnpm bench` without arguments. */
export const description = "the hub process: mixed load, fan-out, freshness (BookingSync), RSS with a full queue"

export type Part = "mixed" | "fanout" | "freshness" | "rss"
export const parts: ReadonlyArray<Part> = ["mixed", "fanout", "freshness", "rss"]

const settings = {
  locations: arg("locations", 10_000),
  rate: arg("rate", 1_000),
  seconds: arg("mixed-seconds", 10),
  endpoints: arg("fanout-endpoints", 10_000),
  queued: arg("queued", 100_000),
  webhooks: arg("webhooks", 20),
  settleSeconds: arg("settle-seconds", 90),
  /** The scheduler in a process of its own (`--roles scheduler`), the API and workers in another. */
  split: process.argv.includes("--split")
}

export interface HubResults {
  readonly locations: number
  readonly firstLoadSeconds: number
  mixed?: {
    readonly offeredRate: number
    readonly seconds: number
    readonly latency: ReceiverStats
    /** Syncs of B that ran during the offer, and the first one's (the first load's) duration. */
    readonly syncs: ReadonlyArray<number>
    readonly hubCpu: number
  }
  fanout?: {
    readonly endpoints: number
    readonly syncSeconds: number
    /** From the sync request to the last 2xx. */
    readonly allDeliveredSeconds: number
    readonly latency: ReceiverStats
    readonly hubCpuPerDelivery: number
  }
  freshness?: {
    readonly webhooks: number
    readonly p50: number
    readonly p99: number
    readonly max: number
  }
  rss?: {
    readonly queued: number
    /** The most over the 5 s after the deliveries were queued. */
    readonly rss: number
    /** The least over the next `settleSeconds` of an idle hub (V8 returns memory after a while). */
    readonly settled: number
    readonly settleSeconds: number
    readonly peakAtThatPoint: number
  }
  /** The hub's VmHWM at the end. */
  hubPeak: number
}

const adminToken = "sk_admin_bench_0123456789abcdefghij"
const secretKey = "bench-hub-secret-key-".repeat(2)

/** The BookingSync simulator (test support, loaded only when the freshness part runs). */
const loadSimulator = Effect.promise(() => import("@spacesync/adapter-bookingsync/testing"))

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

/** Runs the given parts against one hub process; needs a scope. */
export const measure = (selected: ReadonlyArray<Part>, options: { readonly split?: boolean } = {}) =>
  Effect.gen(function*() {
    const split = options.split ?? settings.split
    const { locations } = settings
    const { url } = yield* TestDatabase.createDatabase

    // The feed of accounts A and B (the same document; only B's location 0 is ever connected to the
    // fan-out platform, so changing it there concerns B only).
    const entries = Array.from({ length: locations }, (_, i) => entryJson(i))
    let body = feedBody(entries)
    const server = yield* serveFeed(() => body)
    const feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.json`

    const hubEnv = {
      DATABASE_URL: url,
      SPACESYNC_SECRET_KEY: secretKey,
      SPACESYNC_ADMIN_TOKEN: adminToken,
      SPACESYNC_ALLOW_PRIVATE_TARGETS: "true",
      SPACESYNC_FEED_MAX_BYTES: String(4 * body.length)
    }
    // Split: the syncs the scheduler starts run in a process of their own; those asked for through the
    // API (`sync` below: the operator's "sync now") still run in the API's.
    const hub = yield* spawnHub(hubEnv, split ? ["start", "--roles", "api,workers"] : ["start"])
    if (split) yield* spawnHub(hubEnv, ["start", "--roles", "scheduler"])
    const hubPid = hub.child.pid!
    const hubSaid = () =>
      `hub ${hub.child.exitCode === null ? "running" : `exited with ${hub.child.exitCode}`}; it said:\n${
        hub.output().split("\n").filter((line) => /WARN|ERROR|lease|heap/i.test(line)).slice(-20).join("\n")
      }`
    const api = (path: string, init: { token?: string; body?: unknown; method?: string } = {}) =>
      Effect.tryPromise(async () => {
        const res = await fetch(`${hub.url}${path}`, {
          method: init.method ?? (init.body === undefined ? "GET" : "POST"),
          headers: {
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
            ...(init.body === undefined ? {} : { "content-type": "application/json" })
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
        })
        const text = await res.text()
        if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`)
        return (text === "" ? undefined : JSON.parse(text)) as any
      }).pipe(
        // A GET again when the connection broke (a keep-alive socket the busy hub closed as it was reused).
        Effect.retry({
          times: init.method === undefined && init.body === undefined ? 5 : 0,
          schedule: Schedule.spaced("200 millis")
        }),
        Effect.catchAll((error) => Effect.dieMessage(`${path}: ${String(error.error)}\n${hubSaid()}`))
      )

    const Database = PgClient.layer({ url: Redacted.make(url), maxConnections: 6 }).pipe(Layer.orDie)
    const Base = Layer.mergeAll(
      Operators.layer,
      Platforms.layer,
      Connections.layer(),
      Accounts.layer,
      SnapshotStore.layer,
      DeliveryQueue.layer,
      WebhookEndpoints.layer({ allowPrivateTargets: true })
    ).pipe(
      Layer.provideMerge(EventLog.layer),
      Layer.provideMerge(Fanout.layer),
      Layer.provideMerge(Layer.mergeAll(
        HubUrls.layer(hub.url),
        SecretBox.layer(Redacted.make(secretKey)),
        Adapters.layer([])
      )),
      Layer.provideMerge(Database)
    )

    return yield* Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const log = yield* EventLog.EventLog
      const store = yield* WebhookEndpoints.WebhookEndpoints
      const connections = yield* Connections.Connections
      const platforms = yield* Platforms.Platforms
      const receiver = yield* startReceiver
      const receiverUrl = `http://127.0.0.1:${receiver.port}`

      const operator: { operatorId: Ids.OperatorId; apiKey: string } = yield* api("/admin/operators", {
        token: adminToken,
        body: { name: "Bench operator" }
      })
      const createAccount = (name: string, adapter: string, credentials: unknown) =>
        api("/operator/accounts", {
          token: operator.apiKey,
          body: { name, adapter, credentials, pollIntervalSeconds: 86_400 }
        }).pipe(Effect.map((a): Ids.AccountId => a.accountId))
      // A sync now (`POST …/sync`, answered when it is done), again while another one runs (409); its wall time.
      const sync = (accountId: Ids.AccountId) =>
        Effect.gen(function*() {
          const deadline = Date.now() + 120_000
          while (true) {
            const started = performance.now()
            const res = yield* Effect.promise(() =>
              fetch(`${hub.url}/operator/accounts/${accountId}/sync`, {
                method: "POST",
                headers: { authorization: `Bearer ${operator.apiKey}` }
              }).then(
                async (r) => ({ status: r.status, text: await r.text() }),
                (error) => ({ status: 0, text: String(error) })
              )
            )
            if (res.status === 200) return (performance.now() - started) / 1000
            // 409: another run of this account is on (the scheduler's); 0: the connection broke.
            if ((res.status !== 409 && res.status !== 0) || Date.now() > deadline) {
              return yield* Effect.dieMessage(`sync of ${accountId}: ${res.status} ${res.text}`)
            }
            yield* sleep(100)
          }
        })
      // The first sync, which the hub's scheduler starts on its own for a new account: its duration as the
      // hub recorded it.
      const firstSync = (accountId: Ids.AccountId) =>
        Effect.gen(function*() {
          const deadline = Date.now() + 900_000
          let account: any
          while (Date.now() < deadline) {
            account = yield* api(`/operator/accounts/${accountId}`, { token: operator.apiKey })
            if (account.lastSync !== null) {
              if (account.lastSync.outcome === "failed") {
                return yield* Effect.dieMessage(`first sync of ${accountId}: ${JSON.stringify(account.lastSync)}`)
              }
              return account.lastSync.durationMillis / 1000 as number
            }
            yield* sleep(100)
          }
          return yield* Effect.dieMessage(
            `no first sync of ${accountId} within 900 s (progress ${
              JSON.stringify(account?.progress)
            }); the hub said:\n${
              hub.output().split("\n").filter((line) => /WARN|ERROR|lease/i.test(line)).slice(-20).join("\n")
            }`
          )
        })
      const locationsOf = (accountId: Ids.AccountId) =>
        sql<{ location_id: Ids.LocationId; external_id: string }>`
          select location_id, external_id from spacesync.locations
          where account_id = ${accountId} and deleted_at is null order by external_id`.pipe(Effect.orDie)
      const platform = (name: string) =>
        platforms.create({ name, authorizationUrl: "https://bench.example/authorize" }).pipe(
          Effect.map((p) => p.platform.platformId),
          Effect.orDie
        )
      const connect = (platformId: Ids.PlatformId, locationIds: ReadonlyArray<Ids.LocationId>) =>
        Effect.gen(function*() {
          for (let i = 0; i < locationIds.length; i += 1_000) {
            const chunk = locationIds.slice(i, i + 1_000)
            const { authorizeUrl, connection } = yield* connections.create(operator.operatorId, {
              platformId,
              locationIds: chunk
            })
            yield* connections.activate(platformId, connection.connectionId, {
              state: new URL(authorizeUrl).searchParams.get("state")!,
              listings: chunk.map((locationId) => ({ locationId, listingId: locationId }))
            })
          }
        }).pipe(Effect.orDie)
      const endpoints = (
        platformId: Ids.PlatformId,
        paths: ReadonlyArray<string>,
        eventTypes?: ReadonlyArray<EventLog.EventType>
      ) =>
        Effect.gen(function*() {
          const created = yield* Effect.forEach(
            paths,
            (path) => store.create(platformId, { url: `${receiverUrl}${path}`, eventTypes: eventTypes ?? null }),
            { concurrency: 6 }
          ).pipe(Effect.orDie)
          yield* receiver.addSecrets(Object.fromEntries(created.map((e, i) => [paths[i]!, e.secret])))
          return created
        })
      const pricingUpdates = (ids: ReadonlyArray<Ids.LocationId>, accountId: Ids.AccountId) =>
        log.append(ids.map((locationId) => ({
          type: "pricing.updated" as const,
          accountId,
          locationId,
          version: 2,
          changes: { created: [], updated: ["prc_bench"], deleted: [] }
        }))).pipe(Effect.orDie, Effect.asVoid)

      // Account A: the first load, in the hub.
      const accountA = yield* createAccount("A", "feed", { url: feedUrl })
      const firstLoadSeconds = yield* firstSync(accountA)
      const locationsA = (yield* locationsOf(accountA)).map((l) => l.location_id)
      console.log(`hub: first load of ${fmt(locationsA.length)} locations in ${fmt(firstLoadSeconds, 2)} s`)
      const results: HubResults = { locations: locationsA.length, firstLoadSeconds, hubPeak: 0 }

      let accountB: Ids.AccountId | undefined
      let mixedEndpoint: Ids.PlatformId | undefined
      let mixedEndpointId: string | undefined

      if (selected.includes("mixed")) {
        const platformId = yield* platform("Mixed")
        yield* connect(platformId, locationsA)
        const [endpoint] = yield* endpoints(platformId, ["/m0"])
        mixedEndpoint = platformId
        mixedEndpointId = endpoint!.endpoint.id
        yield* sleep(1_000)
        yield* ask(receiver.child, "reset")
        // B's first load starts by itself (the scheduler's next tick), then no-change syncs until the end.
        let offering = true
        const syncs: Array<number> = []
        const b = yield* createAccount("B", "feed", { url: feedUrl })
        accountB = b
        const syncing = yield* Effect.fork(Effect.gen(function*() {
          syncs.push(yield* firstSync(b))
          while (offering) syncs.push(yield* sync(b))
        }))
        const cpuBefore = cpuOf(hubPid)
        const { rate, seconds } = settings
        const total = rate * seconds
        let next = 0
        const started = performance.now()
        let sent = 0
        while (sent < total) {
          const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate))
          if (due > sent) {
            yield* pricingUpdates(
              Array.from({ length: due - sent }, () => locationsA[next++ % locationsA.length]!),
              accountA
            )
            sent = due
          }
          yield* sleep(Math.max(0, 10 - ((performance.now() - started) % 10)))
        }
        const offeredSeconds = (performance.now() - started) / 1000
        offering = false
        // Events of a location whose previous delivery is still queued supersede it (when the offer
        // outnumbers the locations): wait for the queue to drain rather than for a count.
        const deadline = Date.now() + 120_000
        while (true) {
          const [{ queued }] = yield* sql<{ queued: number }>`
            select count(*)::int as queued from spacesync.webhook_deliveries where platform_id = ${platformId}`
            .pipe(Effect.orDie)
          if (queued === 0) break
          if (Date.now() > deadline) return yield* Effect.dieMessage(`${queued} deliveries still queued after 120 s`)
          yield* sleep(50)
        }
        const latency = yield* ask<ReceiverStats>(receiver.child, "stats")
        yield* Fiber.join(syncing)
        results.mixed = {
          offeredRate: total / offeredSeconds,
          seconds,
          latency,
          syncs,
          hubCpu: cpuOf(hubPid) - cpuBefore
        }
        console.log(
          `mixed: p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms at ${
            fmt(total / offeredSeconds)
          }/s during syncs of ${syncs.map((s) => `${fmt(s, 1)} s`).join(", ")}`
        )
      }
      if (selected.includes("fanout")) {
        if (accountB === undefined) {
          accountB = yield* createAccount("B", "feed", { url: feedUrl })
          yield* firstSync(accountB)
        }
        const platformId = yield* platform("Fan-out")
        const [first] = yield* locationsOf(accountB)
        yield* connect(platformId, [first!.location_id])
        const count = settings.endpoints
        const creating = performance.now()
        yield* endpoints(platformId, Array.from({ length: count }, (_, i) => `/f${i}`), ["pricing.updated"])
        console.log(`fan-out: ${fmt(count)} endpoints created in ${fmt((performance.now() - creating) / 1000, 1)} s`)
        entries[0] = entryJson(0, "777.77")
        body = feedBody(entries)
        yield* sleep(1_000)
        yield* ask(receiver.child, "reset")
        const cpuBefore = cpuOf(hubPid)
        const started = performance.now()
        const syncSeconds = yield* sync(accountB)
        const latency = yield* waitFor(receiver.child, count, 300_000)
        const allDeliveredSeconds = (performance.now() - started) / 1000
        results.fanout = {
          endpoints: count,
          syncSeconds,
          allDeliveredSeconds,
          latency,
          hubCpuPerDelivery: (cpuOf(hubPid) - cpuBefore) / count
        }
        console.log(
          `fan-out: ${fmt(count)} delivered ${fmt(latency.max / 1000, 2)} s after the event (${
            fmt(allDeliveredSeconds, 2)
          } s after the sync request, the sync took ${fmt(syncSeconds, 2)} s)`
        )
      }

      if (selected.includes("freshness")) {
        const { BookingSyncSimulator } = yield* loadSimulator
        const simulator = yield* BookingSyncSimulator.make({ priceExternalId: (rate) => `rate-${rate.id}-day` })
        const accountC = yield* createAccount("BookingSync", "bookingsync", simulator.goodCredentials)
        yield* firstSync(accountC)
        const platformId = yield* platform("Freshness")
        yield* connect(platformId, (yield* locationsOf(accountC)).map((l) => l.location_id))
        yield* endpoints(platformId, ["/fresh"], ["pricing.updated"])
        const hookUrl = `${hub.url}/upstream/adapters/bookingsync/webhooks`
        const times: Array<number> = []
        for (let i = 0; i < settings.webhooks; i++) {
          const target = yield* simulator.changeOnePrice
          yield* ask(receiver.child, "reset")
          const started = Date.now()
          const sent = yield* simulator.sendWebhook({
            accountId: simulator.accountId,
            event: "rental_updated",
            resource: simulator.resource("rentals", Number(target.locationExternalId)),
            deliverTo: hookUrl
          })
          if (sent.status !== 202) return yield* Effect.dieMessage(`the hub answered ${sent.status} to the webhook`)
          const deadline = Date.now() + 30_000
          while (true) {
            const progress = yield* ask<ReceiverProgress>(receiver.child, "count")
            if (progress.unique > 0) {
              times.push(progress.lastArrived - started)
              break
            }
            if (Date.now() > deadline) return yield* Effect.dieMessage("no pricing.updated within 30 s of the webhook")
            yield* sleep(5)
          }
        }
        const sorted = [...times].sort((a, b) => a - b)
        results.freshness = {
          webhooks: times.length,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          max: sorted[sorted.length - 1] ?? 0
        }
        console.log(`freshness: ${sorted.map((t) => fmt(t)).join(" ")} ms`)
      }

      if (selected.includes("rss")) {
        if (mixedEndpoint !== undefined) {
          yield* store.update(mixedEndpoint, mixedEndpointId!, { enabled: false }).pipe(Effect.orDie)
        }
        const platformId = yield* platform("Stalled")
        yield* connect(platformId, locationsA)
        const k = Math.ceil(settings.queued / locationsA.length)
        yield* endpoints(platformId, Array.from({ length: k }, (_, i) => `/hang${i}`))
        for (let i = 0; i < locationsA.length; i += 50) yield* pricingUpdates(locationsA.slice(i, i + 50), accountA)
        const [{ queued }] = yield* sql<{ queued: number }>`
          select count(*)::int as queued from spacesync.webhook_deliveries`.pipe(Effect.orDie)
        let rss = 0
        for (let i = 0; i < 10; i++) {
          yield* sleep(500)
          rss = Math.max(rss, memoryOf(hubPid).rss)
        }
        // Then idle: V8 keeps the heap a sync grew until its memory reducer runs, about a minute later.
        let settled = rss
        const settleSeconds = settings.settleSeconds
        for (let i = 0; i < settleSeconds; i++) {
          yield* sleep(1000)
          settled = Math.min(settled, memoryOf(hubPid).rss)
        }
        results.rss = { queued, rss, settled, settleSeconds, peakAtThatPoint: memoryOf(hubPid).peak }
        console.log(
          `rss: ${fmt(queued)} deliveries queued, hub RSS ${fmt(rss)} MB, ${
            fmt(settled)
          } MB after ${settleSeconds} s idle`
        )
      }
      results.hubPeak = memoryOf(hubPid).peak
      return results
    }).pipe(Effect.provide(Base))
  })

const runParts = (selected: ReadonlyArray<Part>) =>
  Effect.gen(function*() {
    const r = yield* measure(selected)
    console.log(`\n${JSON.stringify(r, null, 2)}`)
  }).pipe(Effect.scoped, Effect.orDie)

/** The benchmark, for `test/bench/run.ts`: every part on one hub. */
export const main: Effect.Effect<void> = runParts(parts)
/** One part, with the setup it needs. */
export const only = (part: Part) => runParts([part])
