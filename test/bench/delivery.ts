/**
 * Webhook delivery benchmark: N events fanned out to M endpoints of one platform, delivered to a local
 * receiver (another process, verifying every signature with its endpoint's secret), on a fresh database of
 * the local server. The worker here runs with tuned settings (below); `compare.ts` runs the defaults.
 *
 * 0. Fan-out alone: events appended (50 per transaction) with no worker running, then the drain rate of
 *    that pre-filled queue by one in-process worker.
 * 1. Throughput: N events appended through the event log (50 per transaction, fan-out included) as fast
 *    as possible while one in-process worker delivers; deliveries/s from the first append to the last 2xx
 *    (the sustained figure: production and delivery share the machine).
 * 2. Latency: events offered at a steady rate (default 1,000/s for 10 s); p50/p99 from event creation
 *    (`events.created_at`, carried as the body's `timestamp`) to arrival at the receiver.
 * 3. The same signed requests through pg-boss 10.4.2 (batch 100, 8 workers), enqueued
 *    while its workers run; the ratio of the two throughputs.
 *
 * Database round trips are counted on the `pg` client (`Client.prototype.query`: one per statement,
 * BEGIN and COMMIT included). Traffic goes to 127.0.0.1 only.
 *
 * `pnpm bench delivery [--events N] [--drain-events D] [--endpoints M] [--rate R] [--seconds S]
 *  [--latency-endpoints L] [--pgboss-jobs J]`
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
  Ids,
  Migrations,
  Operators,
  OutboundGuard,
  Platforms,
  SecretBox,
  SnapshotStore,
  Webhook,
  WebhookEndpoints
} from "@spacesync/core"
import * as MemoryUpstream from "@spacesync/core/testing/MemoryUpstream"
import * as TestDatabase from "@spacesync/core/testing/TestDatabase"
import { Duration, Effect, Layer, Redacted } from "effect"
import { type ChildProcess, fork } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import PgBoss from "pg-boss"
import { Pool } from "undici"
import { seedTenancy, startReceiver } from "./support.js"

/** One line for `pnpm bench` without arguments. */
export const description = "webhook delivery: throughput, latency, DB round trips, and pg-boss for comparison"

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback
}

const settings = {
  events: arg("events", 10_000),
  drainEvents: arg("drain-events", 5_000),
  endpoints: arg("endpoints", 4),
  rate: arg("rate", 1_000),
  seconds: arg("seconds", 10),
  latencyEndpoints: arg("latency-endpoints", 3),
  pgbossJobs: arg("pgboss-jobs", 12_000)
}

// Every statement on the pg driver (ours, and pg-boss's: the same module) is one round trip.
const pg = createRequire(import.meta.resolve("@effect/sql-pg"))("pg") as {
  Client: { prototype: { query: (...args: Array<unknown>) => unknown } }
}
let roundTrips = 0
const originalQuery = pg.Client.prototype.query
const profile = new Map<string, { count: number; millis: number }>()
pg.Client.prototype.query = function(this: unknown, ...args: Array<unknown>) {
  roundTrips++
  if (process.env.BENCH_PROFILE) {
    const first = args[0] as string | { text?: string }
    const text = (typeof first === "string" ? first : first?.text ?? "?").replace(/\s+/g, " ").slice(0, 70)
    const started = performance.now()
    const record = () => {
      const entry = profile.get(text) ?? { count: 0, millis: 0 }
      entry.count++
      entry.millis += performance.now() - started
      profile.set(text, entry)
    }
    const last = args[args.length - 1]
    if (typeof last === "function") {
      args[args.length - 1] = (...cb: Array<unknown>) => {
        record()
        return (last as (...a: Array<unknown>) => unknown)(...cb)
      }
    } else {
      const result = originalQuery.apply(this, args) as { then?: unknown }
      if (result && typeof result.then === "function") {
        ;(result as Promise<unknown>).then(record, record)
      }
      return result
    }
  }
  return originalQuery.apply(this, args)
}
process.on("exit", () => {
  if (!process.env.BENCH_PROFILE) return
  for (const [text, e] of [...profile].sort((a, b) => b[1].millis - a[1].millis).slice(0, 15)) {
    console.log(`${e.count.toString().padStart(7)} ${e.millis.toFixed(0).padStart(8)} ms  ${text}`)
  }
})

interface ReceiverStats {
  /** CPU seconds the receiver used since its last reset. */
  readonly cpu: number
  readonly count: number
  readonly unique: number
  readonly invalid: number
  readonly p50: number
  readonly p99: number
  readonly max: number
}

const ask = <A>(child: ChildProcess, type: "stats" | "count" | "reset") =>
  Effect.async<A>((resume) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return
      child.off("message", onMessage)
      resume(Effect.succeed(message as A))
    }
    child.on("message", onMessage)
    child.send({ type })
  })

// CPU seconds of PostgreSQL processes by pid: this database's backends and the server's WAL writer,
// checkpointer, background writer and autovacuum (other databases on the server are not counted).
const cpuOfPids = (pids: ReadonlyArray<number>) => {
  const out = new Map<number, number>()
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100)
    } catch {
      // The process ended meanwhile.
    }
  }
  return out
}

const postgresPids = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ pid: number }>`
    select pid from pg_stat_activity
    where datname = current_database()
      or backend_type in ('walwriter', 'checkpointer', 'background writer', 'autovacuum worker')`).pipe(
    Effect.map((rows) => rows.map((r) => r.pid)),
    Effect.orDie
  )

const processCpuSeconds = () => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1e6
}

const sleep = (millis: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

const waitFor = (child: ChildProcess, count: number, timeoutMillis: number) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMillis
    while (true) {
      const progress = yield* ask<ReceiverStats>(child, "count")
      if (progress.unique >= count) return yield* ask<ReceiverStats>(child, "stats")
      if (Date.now() > deadline) return yield* Effect.dieMessage(`Only ${progress.unique}/${count} arrived in time`)
      yield* sleep(20)
    }
  })

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits })

const program = Effect.gen(function*() {
  const { url } = yield* TestDatabase.createDatabase
  const Database = Layer.effectDiscard(Migrations.run([Migrations.core])).pipe(
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 10 })),
    Layer.orDie
  )
  const secretKey = Redacted.make("benchmark-secret-key-".repeat(2))
  const Tenancy = Layer.mergeAll(
    Operators.layer,
    Platforms.layer,
    Connections.layer(),
    Accounts.layer,
    SnapshotStore.layer
  )
  const Base = Layer.mergeAll(
    Tenancy,
    DeliveryQueue.layer,
    WebhookEndpoints.layer({ allowPrivateTargets: true })
  )
    .pipe(
      Layer.provideMerge(EventLog.layer),
      Layer.provideMerge(Fanout.layer),
      Layer.provideMerge(Layer.mergeAll(
        HubUrls.layer("https://hub.example"),
        SecretBox.layer(secretKey),
        Adapters.layer([MemoryUpstream.adapter(MemoryUpstream.makeUpstream("bench-token"))])
      )),
      Layer.provideMerge(Database)
    )

  yield* Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const log = yield* EventLog.EventLog
    const store = yield* WebhookEndpoints.WebhookEndpoints

    // Tenancy: one platform, active connections covering a location per event (no superseding), made
    // through the tenancy services as an operator and a platform would (in connections of 1,000
    // locations, before any endpoint exists: their activation events reach the feed only).
    // Fan-out alone, then phases 1 and 2 twice (worker in this process, then in its own).
    const totalEvents = settings.drainEvents + 2 * (settings.events + settings.rate * settings.seconds)
    const { locations, platformId } = yield* seedTenancy(totalEvents)

    // The receiver needs the secrets; endpoints need the receiver's port: create, then point them at it.
    const endpoints = yield* Effect.forEach(
      Array.from({ length: settings.endpoints }, (_, i) => i),
      (i) => store.create(platformId, { url: `http://127.0.0.1:1/e${i}` })
    )
    // The secrets go to the receiver over IPC, by path (10,000 of them do not fit on a command line).
    const receiver = yield* startReceiver
    yield* receiver.addSecrets(Object.fromEntries(endpoints.map((e, i) => [`/e${i}`, e.secret])))
    yield* Effect.forEach(
      endpoints,
      (e, i) => store.update(platformId, e.endpoint.id, { url: `http://127.0.0.1:${receiver.port}/e${i}` })
    )

    let next = 0
    const eventsFor = (n: number): Array<EventLog.NewEvent> =>
      Array.from({ length: n }, () => ({
        type: "pricing.updated",
        accountId: "acc_bench" as Ids.AccountId,
        locationId: locations[next++] ?? (() => {
          throw new Error("Not enough locations for the events of this run")
        })(),
        version: 1,
        changes: { created: [], updated: ["prc_bench"], deleted: [] }
      }))

    const workerOptions = {
      concurrency: 128,
      perEndpointConcurrency: 48,
      batchSize: 256,
      pollInterval: Duration.millis(250)
    } satisfies DeliveryWorker.Options
    const worker = DeliveryWorker.layer(workerOptions).pipe(
      Layer.provide(OutboundGuard.dispatcherLayerWith({ allowPrivateTargets: true }))
    )

    // 0. Fan-out alone (no worker running), then the drain of that pre-filled queue.
    const drain = yield* Effect.gen(function*() {
      const count = settings.drainEvents * settings.endpoints
      yield* ask(receiver.child, "reset")
      const started = performance.now()
      for (let produced = 0; produced < settings.drainEvents; produced += 50) {
        yield* log.append(eventsFor(Math.min(50, settings.drainEvents - produced)))
      }
      const fanoutSeconds = (performance.now() - started) / 1000
      const draining = performance.now()
      yield* waitFor(receiver.child, count, 120_000).pipe(Effect.provide(worker))
      return { count, fanoutSeconds, seconds: (performance.now() - draining) / 1000 }
    })

    // The worker of phases 1 and 2: in this process, or in a process of its own (as a hub can run it).
    const inProcessWorker = Effect.map(
      Layer.build(worker),
      () => ({ usage: Effect.succeed({ roundTrips: 0, cpu: 0 }) })
    )
    const workerProcess = Effect.gen(function*() {
      const child = yield* Effect.acquireRelease(
        Effect.async<ChildProcess>((resume) => {
          const child = fork(fileURLToPath(new URL("./worker.ts", import.meta.url)), [], {
            execArgv: ["--import", "tsx"],
            env: {
              ...process.env,
              DATABASE_URL: url,
              DATABASE_POOL_SIZE: "4",
              SPACESYNC_SECRET_KEY: Redacted.value(secretKey),
              SPACESYNC_ALLOW_PRIVATE_TARGETS: "true",
              SPACESYNC_DELIVERY_CONCURRENCY: String(workerOptions.concurrency),
              SPACESYNC_DELIVERY_ENDPOINT_CONCURRENCY: String(workerOptions.perEndpointConcurrency),
              SPACESYNC_DELIVERY_BATCH_SIZE: String(workerOptions.batchSize),
              SPACESYNC_DELIVERY_POLL_INTERVAL: "250 millis"
            },
            stdio: ["ignore", "ignore", "inherit", "ipc"]
          })
          child.once("message", () => resume(Effect.succeed(child)))
        }),
        (child) => Effect.sync(() => child.kill())
      )
      return { usage: ask<{ roundTrips: number; cpu: number }>(child, "count") }
    })

    const phases = <R>(
      startWorker: Effect.Effect<{ readonly usage: Effect.Effect<{ roundTrips: number; cpu: number }> }, never, R>
    ) =>
      Effect.gen(function*() {
        const { usage } = yield* startWorker
        // 1. Throughput.
        yield* Effect.forEach(endpoints, (e) => store.update(platformId, e.endpoint.id, { enabled: true }))
        const deliveries = settings.events * settings.endpoints
        yield* ask(receiver.child, "reset")
        roundTrips = 0
        const workerBefore = yield* usage
        const cpuBefore = { ours: processCpuSeconds(), postgres: cpuOfPids(yield* postgresPids) }
        const started = performance.now()
        for (let produced = 0; produced < settings.events; produced += 50) {
          yield* log.append(eventsFor(Math.min(50, settings.events - produced)))
        }
        const appended = performance.now()
        const throughput = yield* waitFor(receiver.child, deliveries, 120_000)
        const elapsed = (performance.now() - started) / 1000
        const workerAfter = yield* usage
        const throughputTrips = roundTrips + workerAfter.roundTrips - workerBefore.roundTrips
        const cpu = {
          ours: processCpuSeconds() - cpuBefore.ours,
          worker: workerAfter.cpu - workerBefore.cpu,
          postgres: [...cpuOfPids(yield* postgresPids)].reduce(
            (sum, [pid, seconds]) => sum + seconds - (cpuBefore.postgres.get(pid) ?? 0),
            0
          ),
          receiver: throughput.cpu
        }
        yield* sleep(200)
        const [{ queued }] = yield* sql<
          { queued: number }
        >`select count(*)::int as queued from spacesync.webhook_deliveries`

        // 2. Latency at a steady offered rate, on `latencyEndpoints` endpoints.
        yield* Effect.forEach(
          endpoints.slice(settings.latencyEndpoints),
          (e) => store.update(platformId, e.endpoint.id, { enabled: false })
        )
        yield* ask(receiver.child, "reset")
        const offered = settings.rate * settings.seconds
        const tick = 10
        const latencyStart = performance.now()
        let sent = 0
        while (sent < offered) {
          const due = Math.min(offered, Math.floor(((performance.now() - latencyStart) / 1000) * settings.rate))
          if (due > sent) {
            yield* log.append(eventsFor(due - sent))
            sent = due
          }
          yield* sleep(Math.max(0, tick - ((performance.now() - latencyStart) % tick)))
        }
        const offeredSeconds = (performance.now() - latencyStart) / 1000
        const latency = yield* waitFor(receiver.child, offered * settings.latencyEndpoints, 60_000)
        return {
          deliveries,
          elapsed,
          appendSeconds: (appended - started) / 1000,
          throughput,
          throughputTrips,
          cpu,
          queued,
          offeredRate: offered / offeredSeconds,
          latency
        }
      }).pipe(Effect.scoped)

    const results = yield* phases(inProcessWorker)
    const separate = yield* phases(workerProcess)

    // 3. pg-boss: the same signed POSTs (the stored bodies, re-timestamped at enqueue).
    const jobs = settings.pgbossJobs
    const keys = endpoints.map((e) => Webhook.secretKey(e.secret)!)
    const boss = new PgBoss({ connectionString: url, max: 10, schedule: false, supervise: false })
    boss.on("error", () => undefined)
    yield* Effect.promise(() => boss.start())
    yield* Effect.promise(() => boss.createQueue("webhooks"))
    const pool = new Pool(`http://127.0.0.1:${receiver.port}`, { connections: 64 })
    const bodyTemplate = yield* sql<{ body: string }>`
      select body from spacesync.platform_events where type = 'pricing.updated' limit 1`
    const template = JSON.parse(bodyTemplate[0]!.body) as Webhook.WebhookEvent
    yield* ask(receiver.child, "reset")
    roundTrips = 0
    const bossStarted = performance.now()
    for (let w = 0; w < 8; w++) {
      yield* Effect.promise(() =>
        boss.work<{ id: string; endpoint: number; body: string }>(
          "webhooks",
          { batchSize: 100, pollingIntervalSeconds: 0.5 },
          async (batch) => {
            await Promise.all(batch.map(async (job) => {
              const { body, endpoint, id } = job.data
              const timestamp = Math.floor(Date.now() / 1000)
              const response = await pool.request({
                method: "POST",
                path: `/e${endpoint}`,
                headers: Webhook.headers({ id, timestamp, body, keys: [keys[endpoint]!] }),
                body
              })
              await response.body.dump()
              if (response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}`)
            }))
          }
        )
      )
    }
    for (let i = 0; i < jobs; i += 500) {
      const chunk = Array.from({ length: Math.min(500, jobs - i) }, (_, j) => {
        const n = i + j
        const id = Ids.makeEventId()
        const body = JSON.stringify({
          ...template,
          timestamp: new Date().toISOString(),
          data: { ...template.data, eventId: id }
        })
        return { name: "webhooks", data: { id, endpoint: n % settings.endpoints, body } }
      })
      yield* Effect.promise(() => boss.insert(chunk))
    }
    const bossEnqueued = (performance.now() - bossStarted) / 1000
    const bossStats = yield* waitFor(receiver.child, jobs, 120_000)
    const bossElapsed = (performance.now() - bossStarted) / 1000
    const bossTrips = roundTrips
    yield* Effect.promise(() => boss.stop({ graceful: false, wait: true }))
    yield* Effect.promise(() => pool.close())

    type Run = typeof results
    const rate = (run: Run) => run.deliveries / run.elapsed
    const theirs = jobs / bossElapsed
    const perDelivery = (run: Run, seconds: number) => `${fmt((seconds * 1e6) / run.deliveries)} µs`
    const both = (f: (run: Run) => string): [string, string] => [f(results), f(separate)]
    const rows: Array<[string, string, string]> = [
      [
        "worker settings",
        ...both(() =>
          `${workerOptions.concurrency} in flight, ${workerOptions.perEndpointConcurrency}/endpoint, batch ${workerOptions.batchSize}`
        )
      ],
      [
        "fan-out alone, 50 events per append (no worker)",
        `${fmt(settings.drainEvents / drain.fanoutSeconds)} events/s = ${
          fmt(drain.count / drain.fanoutSeconds)
        } deliveries/s`,
        ""
      ],
      ["drain of that pre-filled queue", `${fmt(drain.count / drain.seconds)} deliveries/s`, ""],
      [
        "events × endpoints → deliveries",
        ...both((run) => `${fmt(settings.events)} × ${settings.endpoints} → ${fmt(run.deliveries)}`)
      ],
      ["appends (with fan-out) done after", ...both((run) => `${fmt(run.appendSeconds, 2)} s`)],
      ["deliveries/s, first append → last 2xx", ...both((run) => fmt(rate(run)))],
      ["DB round trips per delivery (all processes)", ...both((run) => fmt(run.throughputTrips / run.deliveries, 3))],
      ["CPU/delivery: hub process", ...both((run) => perDelivery(run, run.cpu.ours))],
      ["CPU/delivery: worker process", "", perDelivery(separate, separate.cpu.worker)],
      ["CPU/delivery: PostgreSQL (this database)", ...both((run) => perDelivery(run, run.cpu.postgres))],
      ["CPU/delivery: receiver", ...both((run) => perDelivery(run, run.cpu.receiver))],
      [
        "duplicate / unverified requests, left in queue",
        ...both((run) => `${run.throughput.count - run.throughput.unique} / ${run.throughput.invalid}, ${run.queued}`)
      ],
      [
        "latency run: offered",
        ...both((run) => `${fmt(run.offeredRate)} events/s × ${settings.latencyEndpoints} endpoints`)
      ],
      [
        "p50 / p99 / max event created → 2xx",
        ...both((run) => `${fmt(run.latency.p50)} / ${fmt(run.latency.p99)} / ${fmt(run.latency.max)} ms`)
      ],
      [
        "pg-boss 10.4.2: deliveries/s, enqueue + deliver",
        `${fmt(theirs)} (${fmt(jobs)} jobs, enqueued in ${fmt(bossEnqueued, 2)} s)`,
        ""
      ],
      ["pg-boss: DB round trips per delivery", fmt(bossTrips / jobs, 3), ""],
      ["pg-boss: p50 / p99 enqueue → arrival", `${fmt(bossStats.p50)} / ${fmt(bossStats.p99)} ms`, ""],
      ["ratio to pg-boss (deliveries/s)", ...both((run) => `${fmt(rate(run) / theirs, 2)}×`)]
    ]
    const header: [string, string, string] = ["metric", "worker in the hub process", "worker in its own process"]
    const widths = [0, 1, 2].map((i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)))
    const line = (row: ReadonlyArray<string>) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`
    console.log(`\n${line(header)}`)
    console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`)
    for (const row of rows) console.log(line(row))
  }).pipe(Effect.provide(Base))
})

/** The benchmark, for `test/bench/run.ts`. */
export const main: Effect.Effect<void> = program.pipe(Effect.scoped, Effect.orDie)
