/**
 * Delivery side by side, in one run on one fresh database: the same signed requests (Standard Webhooks,
 * a spacesync `pricing.updated` body) to the same receiver (`receiver.ts`, verifying every signature with
 * its endpoint's secret), each sender in a process of its own:
 *
 * - ceiling: a plain loop with the same number of requests in flight as spacesync's defaults allow, no
 *   queue, no database (`contender.ts ceiling`);
 * - spacesync: the hub's delivery worker with its DEFAULT settings (`DeliveryWorker.layerConfig` with no
 *   `SPACESYNC_DELIVERY_*` variables: `worker.ts`), events appended through the event log (fan-out included,
 *   50 events per transaction) by this process;
 * - pg-boss 10.4.2 and graphile-worker 0.17.3 (`contender.ts`), jobs enqueued by this process (500 per call).
 *
 * Each contender runs two phases: throughput (N deliveries enqueued as fast as possible while its workers
 * run; deliveries/s from the first enqueue to the last 2xx) and latency (R events/s to one endpoint for
 * S seconds; p50/p99 from the event's creation, i.e. the body's `timestamp`, to its arrival). CPU is
 * `/proc/<pid>/stat` of the sender's process, and of this database's PostgreSQL backends (plus the WAL
 * writer, checkpointer, background writer and autovacuum), over the throughput phase; peak RSS is the
 * sender's `VmHWM` at the end.
 *
 * `pnpm bench compare [--deliveries N] [--endpoints M] [--rate R] [--seconds S]`
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import {
  Accounts,
  Adapters,
  Connections,
  DeliveryQueue,
  DeliveryWorker,
  EventLog,
  Fanout,
  HubUrls,
  Migrations,
  Operators,
  Platforms,
  SecretBox,
  SnapshotStore,
  type Webhook,
  WebhookEndpoints
} from "@spacesync/core"
import * as MemoryUpstream from "@spacesync/core/testing/MemoryUpstream"
import * as TestDatabase from "@spacesync/core/testing/TestDatabase"
import { ConfigProvider, Duration, Effect, Layer, Redacted } from "effect"
import { makeWorkerUtils } from "graphile-worker"
import type { ChildProcess } from "node:child_process"
import PgBoss from "pg-boss"
import {
  arg,
  ask,
  contenderSettings,
  cpuOf,
  fmt,
  forkScript,
  freshBody,
  type Job,
  memoryOf,
  postgresCpu,
  type ReceiverStats,
  seedTenancy,
  sleep,
  startReceiver,
  waitFor
} from "./support.js"

/** One line for `pnpm bench` without arguments. */
export const description = "delivery side by side: ceiling, spacesync (defaults), pg-boss, graphile-worker"

/**
 * The worker's settings when no `SPACESYNC_DELIVERY_*` variable is set: its `OptionsConfig` read from an
 * empty environment (what `worker.ts` runs with here).
 */
const defaults = Effect.runSync(
  DeliveryWorker.OptionsConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map())))
) as {
  readonly concurrency: number
  readonly perEndpointConcurrency: number
  readonly batchSize: number
  readonly pollInterval: Duration.DurationInput
}
const settings = {
  deliveries: arg("deliveries", 24_000),
  /** Enough endpoints for spacesync's default concurrency to be reachable (in flight per endpoint × M). */
  endpoints: arg("endpoints", Math.ceil(defaults.concurrency / defaults.perEndpointConcurrency)),
  rate: arg("rate", 1_000),
  seconds: arg("seconds", 5)
}

/** What one contender achieved. */
export interface Contender {
  readonly name: string
  readonly settings: string
  readonly deliveries: number
  readonly seconds: number
  /** CPU seconds of the sender's process over the throughput phase. */
  readonly cpu: number
  /** CPU seconds of this database's PostgreSQL processes over the throughput phase. */
  readonly postgresCpu: number
  readonly receiverCpu: number
  /** Peak resident memory of the sender's process, MB. */
  readonly peakRss: number
  readonly latency: ReceiverStats
  readonly offeredRate: number
  readonly detail: string
}

export interface Comparison {
  readonly endpoints: number
  readonly concurrency: number
  readonly rate: number
  readonly seconds: number
  readonly contenders: ReadonlyArray<Contender>
}

/** Runs `enqueue(n)` at `rate` items per second for `seconds`; returns the rate actually offered. */
const offer = (rate: number, seconds: number, enqueue: (n: number) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    const total = rate * seconds
    const started = performance.now()
    let sent = 0
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate))
      if (due > sent) {
        yield* enqueue(due - sent)
        sent = due
      }
      yield* sleep(Math.max(0, 10 - ((performance.now() - started) % 10)))
    }
    return total / ((performance.now() - started) / 1000)
  })

/** The comparison, on a fresh database of the local server; needs a scope (processes, database). */
export const measure = Effect.gen(function*() {
  const { url } = yield* TestDatabase.createDatabase
  const secretKey = Redacted.make("benchmark-secret-key-".repeat(2))
  const Database = Layer.effectDiscard(Migrations.run([Migrations.core])).pipe(
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 10 })),
    Layer.orDie
  )
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
      HubUrls.layer("https://hub.example"),
      SecretBox.layer(secretKey),
      Adapters.layer([MemoryUpstream.adapter(MemoryUpstream.makeUpstream("bench-token"))])
    )),
    Layer.provideMerge(Database)
  )

  return yield* Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const log = yield* EventLog.EventLog
    const store = yield* WebhookEndpoints.WebhookEndpoints
    const { endpoints: endpointCount, rate, seconds } = settings
    const events = Math.ceil(settings.deliveries / endpointCount)
    const deliveries = events * endpointCount

    const { accountId, locations, platformId } = yield* seedTenancy(events + rate * seconds)

    const receiver = yield* startReceiver
    const endpoints = yield* Effect.forEach(
      Array.from({ length: endpointCount }, (_, i) => i),
      (i) => store.create(platformId, { url: `http://127.0.0.1:${receiver.port}/e${i}` })
    )
    yield* receiver.addSecrets(Object.fromEntries(endpoints.map((e, i) => [`/e${i}`, e.secret])))

    /** The two phases of one contender whose sender is process `child`. */
    const phases = (
      name: string,
      child: ChildProcess,
      /** Enqueues `n` events, each to `endpoints` endpoints. */
      enqueue: (n: number, endpoints: number) => Effect.Effect<void>,
      latencyEndpoints: (one: boolean) => Effect.Effect<void> = () => Effect.void
    ) =>
      Effect.gen(function*() {
        yield* latencyEndpoints(false)
        yield* ask(receiver.child, "reset")
        const postgres = yield* postgresCpu
        const cpuBefore = cpuOf(child.pid!)
        const started = performance.now()
        const chunk = name === "spacesync" ? 50 : Math.ceil(500 / endpointCount)
        for (let done = 0; done < events; done += chunk) yield* enqueue(Math.min(chunk, events - done), endpointCount)
        const throughput = yield* waitFor(receiver.child, deliveries, arg("timeout", 120) * 1000)
        const elapsed = (performance.now() - started) / 1000
        const cpu = cpuOf(child.pid!) - cpuBefore
        const postgresSeconds = yield* postgres

        yield* latencyEndpoints(true)
        yield* sleep(500)
        yield* ask(receiver.child, "reset")
        const offeredRate = yield* offer(rate, seconds, (n) => enqueue(n, 1))
        const latency = yield* waitFor(receiver.child, rate * seconds, 120_000)
        return {
          name,
          deliveries,
          seconds: elapsed,
          cpu,
          postgresCpu: postgresSeconds,
          receiverCpu: throughput.cpu,
          peakRss: memoryOf(child.pid!).peak,
          latency,
          offeredRate,
          duplicates: throughput.count - throughput.unique,
          invalid: throughput.invalid + latency.invalid
        }
      })

    const results: Array<Contender> = []

    // spacesync: the hub's worker with its defaults (no SPACESYNC_DELIVERY_* variables).
    yield* Effect.scoped(Effect.gen(function*() {
      const { child } = yield* forkScript("./worker.ts", {
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: undefined,
        SPACESYNC_SECRET_KEY: Redacted.value(secretKey),
        SPACESYNC_ALLOW_PRIVATE_TARGETS: "true",
        SPACESYNC_DELIVERY_CONCURRENCY: undefined,
        SPACESYNC_DELIVERY_ENDPOINT_CONCURRENCY: undefined,
        SPACESYNC_DELIVERY_BATCH_SIZE: undefined,
        SPACESYNC_DELIVERY_POLL_INTERVAL: undefined,
        SPACESYNC_DELIVERY_LEASE: undefined
      })
      let next = 0
      const append = (n: number) =>
        log.append(Array.from({ length: n }, () => ({
          type: "pricing.updated",
          accountId,
          locationId: locations[next++]!,
          version: 1,
          changes: { created: [], updated: ["prc_bench"], deleted: [] }
        }))).pipe(Effect.orDie, Effect.asVoid)
      const before = yield* ask<{ roundTrips: number }>(child, "count")
      const run = yield* phases(
        "spacesync",
        child,
        append,
        (one) =>
          Effect.forEach(endpoints.slice(1), (e) => store.update(platformId, e.endpoint.id, { enabled: !one })).pipe(
            Effect.orDie,
            Effect.asVoid
          )
      )
      const after = yield* ask<{ roundTrips: number }>(child, "count")
      // A delivery leaves the queue when its completion is written (within 100 ms of its answer).
      const countQueued = sql<{ queued: number }>`
        select count(*)::int as queued from spacesync.webhook_deliveries`.pipe(
        Effect.map(([row]) => row!.queued),
        Effect.orElseSucceed(() => -1)
      )
      let queued = yield* countQueued
      for (let i = 0; i < 50 && queued > 0; i++) {
        yield* sleep(100)
        queued = yield* countQueued
      }
      results.push({
        ...run,
        settings:
          `defaults: ${defaults.concurrency} in flight, ${defaults.perEndpointConcurrency}/endpoint, batch ${defaults.batchSize}, LISTEN + poll ${
            Duration.toMillis(defaults.pollInterval)
          } ms`,
        detail: `DB round trips of the worker: ${
          fmt((after.roundTrips - before.roundTrips) / (deliveries + rate * seconds), 3)
        } per delivery; duplicates ${run.duplicates}, unverified ${run.invalid}, undelivered rows left ${queued}`
      })
    }))

    const [{ body: templateBody }] = yield* sql<{ body: string }>`
      select body from spacesync.platform_events where type = 'pricing.updated' limit 1`.pipe(Effect.orDie)
    const template = JSON.parse(templateBody) as Webhook.WebhookEvent
    const config = {
      port: receiver.port,
      secrets: endpoints.map((e) => e.secret),
      template: templateBody,
      concurrency: defaults.concurrency
    }
    // `n` events, each to `endpoints` endpoints (as spacesync's fan-out does).
    const jobs = (n: number, endpoints: number, next: { value: number }): Array<Job> =>
      Array.from({ length: n * endpoints }, () => ({ ...freshBody(template), endpoint: next.value++ % endpoints }))

    // The ceiling: the same requests, a plain loop, the same concurrency.
    yield* Effect.scoped(Effect.gen(function*() {
      const { child } = yield* forkScript("./contender.ts", { CONTENDER: "ceiling", DATABASE_URL: url })
      yield* ask(child, "config", config)
      const run = yield* phases("ceiling", child, (count, endpoints) =>
        Effect.sync(() => {
          child.send({ type: "send", count: count * endpoints, endpoints })
        }))
      results.unshift({
        ...run,
        settings: `${defaults.concurrency} in flight, undici pool, no queue, no database`,
        detail: `duplicates ${run.duplicates}, unverified ${run.invalid}`
      })
    }))

    // pg-boss: workers in their own process, jobs inserted here.
    yield* Effect.scoped(Effect.gen(function*() {
      const { child } = yield* forkScript("./contender.ts", { CONTENDER: "pgboss", DATABASE_URL: url })
      yield* ask(child, "config", config)
      const boss = new PgBoss({ connectionString: url, max: 2, schedule: false, supervise: false })
      boss.on("error", () => undefined)
      yield* Effect.acquireRelease(
        Effect.promise(() => boss.start()),
        () => Effect.promise(() => boss.stop({ graceful: false, wait: true }))
      )
      const next = { value: 0 }
      const run = yield* phases(
        "pg-boss 10.4.2",
        child,
        (n, endpoints) =>
          Effect.promise(() => boss.insert(jobs(n, endpoints, next).map((data) => ({ name: "webhooks", data }))))
      )
      const s = contenderSettings.pgboss
      results.push({
        ...run,
        settings:
          `${s.workers} workers × batch ${s.batchSize}, polling ${s.pollingIntervalSeconds} s, pool ${s.max}, ${defaults.concurrency} HTTP connections`,
        detail: `duplicates ${run.duplicates}, unverified ${run.invalid}`
      })
    }))

    // graphile-worker: a runner in its own process, jobs added here.
    yield* Effect.scoped(Effect.gen(function*() {
      const { child } = yield* forkScript("./contender.ts", { CONTENDER: "graphile", DATABASE_URL: url })
      yield* ask(child, "config", config)
      const utils = yield* Effect.acquireRelease(
        Effect.promise(() => makeWorkerUtils({ connectionString: url })),
        (utils) =>
          Effect.promise(async () => {
            await utils.release()
          })
      )
      const next = { value: 0 }
      const run = yield* phases(
        "graphile-worker 0.17.3",
        child,
        (n, endpoints) =>
          Effect.promise(() =>
            utils.addJobs(jobs(n, endpoints, next).map((payload) => ({ identifier: "deliver", payload })))
          ).pipe(Effect.asVoid)
      )
      const s = contenderSettings.graphile
      results.push({
        ...run,
        settings:
          `concurrency ${defaults.concurrency}, pool ${s.maxPoolSize}, local queue ${defaults.concurrency + 1}, ` +
          `batched completion (${s.completeJobBatchDelay} ms), LISTEN`,
        detail: `duplicates ${run.duplicates}, unverified ${run.invalid}`
      })
    }))

    return {
      endpoints: endpointCount,
      concurrency: defaults.concurrency,
      rate,
      seconds,
      contenders: results
    } satisfies Comparison
  }).pipe(Effect.provide(Base))
})

/** The comparison as markdown: one row per contender, and the ratios. */
export const table = (c: Comparison) => {
  const ceiling = c.contenders.find((x) => x.name === "ceiling")
  const spacesync = c.contenders.find((x) => x.name === "spacesync")
  const rate = (x: Contender) => x.deliveries / x.seconds
  const perDelivery = (seconds: number, x: Contender) => `${fmt((seconds * 1e6) / x.deliveries)} µs`
  const header = [
    "sender",
    "deliveries/s",
    "% of ceiling",
    "spacesync ÷ this",
    `p50 / p99 at ${fmt(c.rate)}/s`,
    "CPU/delivery: sender",
    "CPU/delivery: PostgreSQL",
    "peak RSS"
  ]
  const rows = c.contenders.map((x) => [
    x.name,
    fmt(rate(x)),
    ceiling ? `${fmt((100 * rate(x)) / rate(ceiling))} %` : "",
    spacesync ? `${fmt(rate(spacesync) / rate(x), 2)}×` : "",
    `${fmt(x.latency.p50)} / ${fmt(x.latency.p99)} ms`,
    perDelivery(x.cpu, x),
    x.name === "ceiling" ? "–" : perDelivery(x.postgresCpu, x),
    `${fmt(x.peakRss)} MB`
  ])
  const notes = [
    ...c.contenders.map((x) => `- ${x.name}: ${x.settings}. ${x.detail}.`),
    "- Every sender of this table runs as `node --import tsx`, its RSS included (the hub of the other rows runs the `spacesync` executable, a bundle on plain Node)."
  ]
  return { header, rows, notes }
}

/** Renders a markdown table with aligned columns. */
export const markdown = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c, i) => (c ?? "").padEnd(widths[i]!)).join(" | ")} |`
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n")
}

/** The benchmark, for `test/bench/run.ts`. */
export const main: Effect.Effect<void> = Effect.gen(function*() {
  const c = yield* measure
  const { header, notes, rows } = table(c)
  console.log(
    `\n${fmt(settings.deliveries)} deliveries to ${c.endpoints} endpoints, then ${
      fmt(c.rate)
    } events/s for ${c.seconds} s to one\n`
  )
  console.log(markdown(header, rows))
  console.log(`\n${notes.join("\n")}`)
}).pipe(Effect.scoped, Effect.orDie)
