/**
 * What the benchmarks share: command-line options, the receiver process, CPU and memory of processes
 * from `/proc`, the machine's description, and the tenancy the delivery benchmarks deliver for.
 */
import { SqlClient } from "@effect/sql"
import * as LocationSnapshot from "@spacesync/adapter-kit/LocationSnapshot"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { Accounts, Connections, Ids, Operators, Platforms, SnapshotStore, Webhook } from "@spacesync/core"
import { Effect, Either, Schema } from "effect"
import { type ChildProcess, execFileSync, fork } from "node:child_process"
import { readFileSync } from "node:fs"
import * as os from "node:os"
import { fileURLToPath } from "node:url"

/** A numeric `--name N` option of the command line. */
export const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback
}

/** A string `--name value` option of the command line. */
export const stringArg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

export const sleep = (millis: number) =>
  Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits })

/** A `node --import tsx` child process of a script beside this file, with IPC; killed with the scope. */
export const forkScript = (script: string, env: Record<string, string | undefined> = {}, stdout = false) =>
  Effect.acquireRelease(
    Effect.async<{ child: ChildProcess; ready: { type: string; port?: number } }>((resume) => {
      const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
        // BENCH_CPU_PROF=<dir>: each forked process writes a CPU profile there when it exits.
        execArgv: [
          "--import",
          "tsx",
          ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])
        ],
        env: Object.fromEntries(
          Object.entries({ ...process.env, ...env }).filter((entry): entry is [string, string] =>
            entry[1] !== undefined
          )
        ),
        stdio: ["ignore", stdout || process.env.BENCH_VERBOSE ? "inherit" : "ignore", "inherit", "ipc"]
      })
      child.once("message", (ready: { type: string; port?: number }) => resume(Effect.succeed({ child, ready })))
      child.once("exit", (code) => resume(Effect.dieMessage(`${script} exited with ${code} before it was ready`)))
    }),
    ({ child }) => Effect.sync(() => child.kill())
  )

/** A request to a child process over IPC, answered by a message of the same `type`. */
export const ask = <A>(child: ChildProcess, type: string, extra: Record<string, unknown> = {}) =>
  Effect.async<A>((resume) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return
      child.off("message", onMessage)
      resume(Effect.succeed(message as A))
    }
    child.on("message", onMessage)
    child.send({ type, ...extra })
  })

export interface ReceiverProgress {
  /** CPU seconds the receiver used since its last reset. */
  readonly cpu: number
  readonly count: number
  readonly unique: number
  readonly invalid: number
  readonly hanging: number
  readonly lastArrived: number
}

export interface ReceiverStats extends ReceiverProgress {
  readonly p50: number
  readonly p99: number
  readonly max: number
}

/** The receiver process (`receiver.ts`): its port, and its endpoints' secrets given by path over IPC. */
export const startReceiver = Effect.gen(function*() {
  const { child, ready } = yield* forkScript("./receiver.ts")
  const addSecrets = (secrets: Record<string, string>) => ask(child, "secrets", { secrets })
  return { child, port: ready.port!, addSecrets }
})

export type Receiver = Effect.Effect.Success<typeof startReceiver>

/** Waits until `count` distinct requests arrived (polling the receiver), then returns its stats. */
export const waitFor = (child: ChildProcess, count: number, timeoutMillis: number) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMillis
    while (true) {
      const progress = yield* ask<ReceiverProgress>(child, "count")
      if (progress.unique >= count) return yield* ask<ReceiverStats>(child, "stats")
      if (Date.now() > deadline) {
        return yield* Effect.dieMessage(
          `Only ${progress.unique}/${count} arrived in ${timeoutMillis} ms (${progress.invalid} unverified)`
        )
      }
      yield* sleep(20)
    }
  })

/** CPU seconds (user + system) of processes by pid, from `/proc/<pid>/stat`; ended processes are left out. */
export const cpuOfPids = (pids: ReadonlyArray<number>) => {
  const ticks = 100
  const out = new Map<number, number>()
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / ticks)
    } catch {
      // The process ended meanwhile.
    }
  }
  return out
}

/** CPU seconds of one process. */
export const cpuOf = (pid: number) => cpuOfPids([pid]).get(pid) ?? 0

/** Resident memory of a process in MB: now (`VmRSS`) and its peak (`VmHWM`). */
export const memoryOf = (pid: number) => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8")
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0)
    return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 }
  } catch {
    return { rss: 0, peak: 0 }
  }
}

/**
 * PostgreSQL processes whose CPU counts as this database's: its backends and the server's WAL writer,
 * checkpointer, background writer and autovacuum (other databases on the server are not counted).
 */
export const postgresPids = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ pid: number }>`
    select pid from pg_stat_activity
    where datname = current_database()
      or backend_type in ('walwriter', 'checkpointer', 'background writer', 'autovacuum worker')`).pipe(
    Effect.map((rows) => rows.map((r) => r.pid)),
    Effect.orDie
  )

/**
 * CPU of this database's PostgreSQL processes between `start` and the returned effect. Backends that
 * start meanwhile count from zero (most pools connect before the measurement).
 */
export const postgresCpu = Effect.gen(function*() {
  const before = cpuOfPids(yield* postgresPids)
  return Effect.map(
    postgresPids,
    (pids) => [...cpuOfPids(pids)].reduce((sum, [pid, seconds]) => sum + seconds - (before.get(pid) ?? 0), 0)
  )
})

/** The machine, for the header of a report: CPU model and count, RAM, Node and PostgreSQL versions, load. */
export const machine = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const [{ version }] = yield* sql<{ version: string }>`select current_setting('server_version') as version`.pipe(
    Effect.orDie
  )
  let model = os.cpus()[0]?.model ?? "unknown CPU"
  try {
    model = execFileSync("sh", ["-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: "utf8" })
      .trim() || model
  } catch {
    // Not Linux: keep Node's answer.
  }
  return {
    cpu: model,
    cores: os.cpus().length,
    ramGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    postgres: version,
    load: os.loadavg().map((n) => n.toFixed(2)).join(" ")
  }
})

export const describeMachine = (m: Effect.Effect.Success<typeof machine>) =>
  `${m.cpu}, ${m.cores} cores, ${fmt(m.ramGb, 1)} GB RAM, Node ${m.node}, PostgreSQL ${m.postgres}, load ${m.load}`

/** A job of the other contenders: the same signed request spacesync would send. */
export interface Job {
  readonly id: string
  readonly endpoint: number
  readonly body: string
}

/** A fresh body from spacesync's: a new event id, time-stamped now. */
export const freshBody = (template: Webhook.WebhookEvent): { readonly id: string; readonly body: string } => {
  const id = Ids.makeEventId()
  const body = JSON.stringify({
    ...template,
    timestamp: new Date().toISOString(),
    data: { ...template.data, eventId: id }
  })
  return { id, body }
}

/** The settings of the other contenders (`contender.ts`), as the table's footnote states them. */
export const contenderSettings = {
  pgboss: { workers: 8, batchSize: 100, pollingIntervalSeconds: 0.5, max: 10 },
  graphile: { maxPoolSize: 16, completeJobBatchDelay: 0 }
} as const

/**
 * One platform with active connections covering `count` new locations of a `memory` account (one location
 * per event, so that no event supersedes another), made through the tenancy services as an operator and a
 * platform would, in connections of 1,000 locations; then what seeding wrote is settled (vacuumed,
 * checkpointed), so that it is not measured as delivery work.
 */
export const seedTenancy = (count: number) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const connections = yield* Connections.Connections
    const snapshots = yield* SnapshotStore.SnapshotStore
    const { platform } = yield* Effect.flatMap(
      Platforms.Platforms,
      (platforms) => platforms.create({ name: "Bench", authorizationUrl: "https://bench.example/authorize" })
    )
    const platformId = platform.platformId
    const { operator } = yield* Effect.flatMap(Operators.Operators, (operators) => operators.create("Bench"))
    const account = yield* Effect.flatMap(Accounts.Accounts, (accounts) =>
      accounts.create({
        operatorId: operator.operatorId,
        name: "Bench",
        adapter: "memory",
        credentials: { token: "bench-token" }
      }))
    const decodeSource = Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshotSource)
    const locations = yield* Effect.forEach(
      Array.from({ length: count }, (_, i) => `L${i}`),
      (externalId) => {
        const source = decodeSource(Fixtures.locationSource(externalId, { resources: 0, prices: 0 }))
        const snapshot = Either.getOrThrow(LocationSnapshot.fromSource(account.accountId, source))
        return Effect.as(snapshots.save(account.accountId, snapshot), snapshot.location.id)
      },
      { concurrency: 8 }
    )
    for (let i = 0; i < locations.length; i += 1_000) {
      const chunk = locations.slice(i, i + 1_000)
      const { authorizeUrl, connection } = yield* connections.create(operator.operatorId, {
        platformId,
        locationIds: chunk
      })
      yield* connections.activate(platformId, connection.connectionId, {
        state: new URL(authorizeUrl).searchParams.get("state")!,
        listings: chunk.map((locationId) => ({ locationId, listingId: locationId }))
      })
    }
    yield* sql`vacuum analyze spacesync.locations, spacesync.location_versions, spacesync.events,
      spacesync.platform_events, spacesync.connections, spacesync.connection_locations`
    yield* sql`checkpoint`.pipe(Effect.ignore)
    return { platformId, operatorId: operator.operatorId, accountId: account.accountId, locations }
  })
