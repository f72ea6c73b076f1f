/**
 * Sync benchmark: one `feed` account of N locations (default 10,000) with 20 resources and 30 prices each
 * (the canonical fields of `Fixtures.locationSource`), served by a `node:http` server on 127.0.0.1
 * **without `ETag`**, so every pass downloads, parses, decodes and hashes the whole feed. The real engine
 * (`TestEngine`: snapshot store, event log, accounts, feed adapter, and the hub's HTTP client) runs on a fresh database
 * of the local PostgreSQL server, dropped at the end.
 *
 * Passes: 0 the initial load (everything created), 1 nothing changed, 2 one location in 100 changed (one
 * price amount each); then 1c and 2c the same on an engine without its hash cache (`hashCacheSize: 0`),
 * which derives ids and hashes every location again instead of recognizing sources it has hashed before
 * (both engines fetch and lay out every location on every pass, and parse those they do not recognize).
 * Each pass prints its wall time, locations/s, the database statements it sent (counted on the `pg`
 * client: BEGIN/COMMIT included) and where the time went:
 *
 * - fetch: the HTTP exchange, body included (span `FeedSource.fetch`);
 * - parse: the body read into entries: laid out, hashed, and the entry texts not seen before parsed for their
 *   `externalId` (span `FeedDocument.entriesOfText`; `FeedSource.parse` when a document is parsed whole);
 * - decode: the entries' checks (span `FeedDocument.entries`, or the engine's parse of an unparsed entry it
 *   does not recognize) plus the engine's decode and `fromSource` (attribute `decodeMillis` of the
 *   `SyncEngine.sync` span);
 * - hash: content hashes (`hashMillis`);
 * - db: the engine's wall time with a statement in flight that it did not spend computing in the meantime
 *   (`databaseMillis`), so that no millisecond is counted twice;
 * - other: the rest (streaming, change detection, events in memory);
 * - loop held > 10 ms: the stretches of over 10 ms in which a 1 ms timer of the same process could not run
 *   (how long a delivery in a hub would wait behind the sync): their number, total and longest.
 *
 * Shares are wall-clock: this is one Node process, so CPU stages never overlap each other; the database
 * server's own CPU is not in the process's CPU time (column `cpu`).
 *
 * `pnpm bench sync [--locations N] [--resources R] [--prices P] [--changed-every K] [--client hub|fetch|node|undici]
 *  [--profile-pass 0|1|2|1c|2c]`
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { FeedAdapter } from "@spacesync/adapter-feed"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { Accounts, type Ids, OutboundGuard, SyncEngine } from "@spacesync/core"
import * as TestEngine from "@spacesync/core/testing/TestEngine"
import { ConfigProvider, Effect, Layer, Logger, LogLevel, Tracer } from "effect"
import { writeFile } from "node:fs/promises"
import { createServer, type Server } from "node:http"
import { Session } from "node:inspector/promises"
import { createRequire } from "node:module"
import type { AddressInfo } from "node:net"
import * as os from "node:os"

/** One line for `pnpm bench` without arguments. */
export const description = "sync: 10,000 locations × (20 resources + 30 prices) from a feed without ETag"

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback
}

export const settings = {
  locations: arg("locations", 10_000),
  resources: arg("resources", 20),
  prices: arg("prices", 30),
  changedEvery: arg("changed-every", 100),
  /**
   * The HTTP client: `hub` (the one the hub syncs with: core's `OutboundGuard`, undici with private targets
   * allowed), `fetch` (Node's built-in fetch), `node` (node:http) or `undici` (undici's global dispatcher).
   */
  client: process.argv.includes("--client") ? process.argv[process.argv.indexOf("--client") + 1]! : "hub",
  /** Writes a CPU profile of this pass (0, 1 or 2; 1c, 2c) to `sync-pass<N>.cpuprofile` in the working directory. */
  profilePass: process.argv.includes("--profile-pass")
    ? process.argv[process.argv.indexOf("--profile-pass") + 1]
    : undefined
}

interface EventLoopHeld {
  readonly count: number
  readonly totalMillis: number
  readonly maxMillis: number
}

/**
 * How the pass shared the event loop with the rest of the process (a hub's deliveries run there): a 1 ms
 * timer notes every stretch of over 10 ms in which it could not run. `stop` ends the watch (again: the same
 * figures).
 */
const watchEventLoop = () => {
  const stretches: Array<number> = []
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    if (now - last > 10) stretches.push(now - last)
    last = now
  }, 1)
  let result: EventLoopHeld | undefined
  return {
    stop: (): EventLoopHeld => {
      clearInterval(timer)
      result ??= {
        count: stretches.length,
        totalMillis: stretches.reduce((a, b) => a + b, 0),
        maxMillis: stretches.reduce((a, b) => Math.max(a, b), 0)
      }
      return result
    }
  }
}

/** Runs `effect` under the V8 profiler and writes the profile to `file`. */
const profiled = <A, E, R>(file: string, effect: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.promise(async () => {
      const session = new Session()
      session.connect()
      await session.post("Profiler.enable")
      await session.post("Profiler.start")
      return session
    }),
    () => effect,
    (session) =>
      Effect.promise(async () => {
        const { profile } = await session.post("Profiler.stop")
        await writeFile(file, JSON.stringify(profile))
        session.disconnect()
        console.log(`CPU profile written to ${file}`)
      })
  )

// Every statement on the pg driver is one round trip.
const pg = createRequire(import.meta.resolve("@effect/sql-pg"))("pg") as {
  Client: { prototype: { query: (...args: Array<unknown>) => unknown } }
}
let statements = 0
const originalQuery = pg.Client.prototype.query
pg.Client.prototype.query = function(this: unknown, ...args: Array<unknown>) {
  statements++
  return originalQuery.apply(this, args)
}

// ---------------------------------------------------------------------------------------------------------
// The feed

export const externalId = (i: number) => `loc-${String(i).padStart(5, "0")}`

/** One entry of the feed; with `amount`, its first price costs that much instead. */
export const entryJson = (i: number, amount?: string): string => {
  const source = Fixtures.locationSource(externalId(i), { resources: settings.resources, prices: settings.prices })
  if (amount === undefined) return JSON.stringify(source)
  const [first, ...rest] = source.prices
  const bumped = { ...first!, amount: { ...first!.amount, amount } }
  return JSON.stringify({ ...source, prices: [bumped, ...rest] })
}

export const feedBody = (entries: ReadonlyArray<string>) => Buffer.from(`{"locations":[${entries.join(",")}]}`)

/** The feed as served: no ETag, no Last-Modified, so every read is a full download. */
export const serveFeed = (body: () => Buffer) =>
  Effect.acquireRelease(
    Effect.async<Server>((resume) => {
      const server = createServer((request, response) => {
        request.resume()
        if (request.url !== "/feed.json") {
          response.writeHead(404).end()
          return
        }
        const bytes = body()
        response.writeHead(200, { "content-type": "application/json", "content-length": String(bytes.length) })
        response.end(bytes)
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

// ---------------------------------------------------------------------------------------------------------
// Where the time goes: the durations of a few spans, and the engine's attributes on its sync span.

const recordedSpans = [
  "FeedSource.fetch",
  "FeedSource.parse",
  "FeedDocument.entriesOfText",
  "FeedDocument.entries",
  "SyncEngine.sync"
]

const makeRecorder = Effect.map(Effect.tracer, (native) => {
  const millis = new Map<string, number>()
  const attributes = new Map<string, unknown>()
  const tracer = Tracer.make({
    context: (f, fiber) => native.context(f, fiber),
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = native.span(name, parent, context, links, startTime, kind, options)
      if (!recordedSpans.includes(name)) return span
      const end = span.end
      ;(span as { end: Tracer.Span["end"] }).end = (endTime, exit) => {
        end.call(span, endTime, exit)
        millis.set(name, (millis.get(name) ?? 0) + Number(endTime - startTime) / 1e6)
        if (name === "SyncEngine.sync") { for (const [key, value] of span.attributes) attributes.set(key, value) }
      }
      return span
    }
  })
  const take = () => {
    const span = (name: string) => millis.get(name) ?? 0
    const attribute = (key: string) => Number(attributes.get(key) ?? 0)
    const result = {
      fetch: span("FeedSource.fetch"),
      parse: span("FeedSource.parse") + span("FeedDocument.entriesOfText"),
      decode: span("FeedDocument.entries") + attribute("decodeMillis"),
      hash: attribute("hashMillis"),
      db: attribute("databaseMillis")
    }
    millis.clear()
    attributes.clear()
    return result
  }
  return { tracer, take }
})

// ---------------------------------------------------------------------------------------------------------

export interface PassResult {
  readonly pass: string
  readonly locations: number
  readonly seconds: number
  readonly cpuSeconds: number
  readonly statements: number
  readonly split: { fetch: number; parse: number; decode: number; hash: number; db: number }
  readonly counts: string
  readonly loop: EventLoopHeld
  readonly load: string
}

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.()

const load = () => os.loadavg().map((n) => n.toFixed(2)).join(" ")

const clients: Record<string, Layer.Layer<HttpClient.HttpClient>> = {
  hub: OutboundGuard.layerWith({ allowPrivateTargets: true }),
  fetch: FetchHttpClient.layer,
  node: NodeHttpClient.layer,
  undici: NodeHttpClient.layerUndici
}
const httpClient = clients[settings.client]
if (httpClient === undefined) throw new Error(`--client ${settings.client}: one of ${Object.keys(clients).join(", ")}`)

/** The five passes, printed as a table; returns them (for `all.ts`). */
export const measure = Effect.gen(function*() {
  const started = performance.now()
  const { locations, changedEvery } = settings
  console.log(
    `sync benchmark: ${locations} locations × (${settings.resources} resources + ${settings.prices} prices), ` +
      `${settings.client} client, ${os.cpus().length} CPUs, load ${load()}`
  )
  // Three versions of the feed: as first read, then one location in `changedEvery` with another price,
  // then the same locations with yet another price.
  const entries = Array.from({ length: locations }, (_, i) => entryJson(i))
  const bodies = [feedBody(entries)]
  for (const amount of ["999.99", "888.88"]) {
    for (let i = 0; i < locations; i += changedEvery) entries[i] = entryJson(i, amount)
    bodies.push(feedBody(entries))
  }
  entries.length = 0
  let body = bodies[0]!
  console.log(
    `feed: ${(body.length / 1e6).toFixed(1)} MB, generated in ${((performance.now() - started) / 1000).toFixed(1)} s`
  )

  const server = yield* serveFeed(() => body)
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.json`
  const recorder = yield* makeRecorder

  const results: Array<PassResult> = []
  yield* Effect.gen(function*() {
    const accounts = yield* Accounts.Accounts
    const warm = yield* SyncEngine.SyncEngine
    // The same engine without its hash cache: every location's ids and hashes computed again.
    const cold = yield* SyncEngine.make({ hashCacheSize: 0 })
    const account = yield* accounts.create({ name: "sync benchmark", adapter: "feed", credentials: { url } })
    const run = (pass: string, engine: SyncEngine.SyncEngine["Type"], accountId: Ids.AccountId) =>
      Effect.gen(function*() {
        // Each pass starts on a collected heap, so that it does not pay for the garbage of the pass before:
        // without this the first no-change pass after the initial load read the same bytes in 1.3 s instead
        // of 0.8 s, whichever engine ran it (`pnpm bench` runs Node with --expose-gc).
        collectGarbage()
        recorder.take()
        const loadBefore = load()
        const statementsBefore = statements
        const cpuBefore = process.cpuUsage()
        const t0 = performance.now()
        const held = watchEventLoop()
        const sync = engine.sync(accountId)
        const report = yield* (pass.startsWith(`${settings.profilePass} `)
          ? profiled(`sync-pass${settings.profilePass}.cpuprofile`, sync)
          : sync).pipe(Effect.ensuring(Effect.sync(held.stop)))
        const seconds = (performance.now() - t0) / 1000
        const cpu = process.cpuUsage(cpuBefore)
        const c = report.counts
        results.push({
          pass,
          locations: c.listed,
          seconds,
          cpuSeconds: (cpu.user + cpu.system) / 1e6,
          statements: statements - statementsBefore,
          split: recorder.take(),
          loop: held.stop(),
          counts: `+${c.created} ~${c.updated} =${c.unchanged} !${c.failed}`,
          load: `${loadBefore} → ${load()}`
        })
        if (report.outcome !== "succeeded") {
          return yield* Effect.dieMessage(`pass ${pass}: ${report.outcome} ${JSON.stringify(report.errors[0])}`)
        }
        return report
      })
    const share = `${(100 / changedEvery).toFixed(0)} %`
    const expectedChanged = Math.ceil(locations / changedEvery)
    const expect = (report: SyncEngine.SyncReport, updated: number) =>
      report.counts.updated === updated && report.counts.unchanged === locations - updated
        ? Effect.void
        : Effect.dieMessage(`unexpected counts ${JSON.stringify(report.counts)}`)
    yield* run("0 initial load", warm, account.accountId)
    yield* Effect.flatMap(run("1 no change", warm, account.accountId), (r) => expect(r, 0))
    body = bodies[1]!
    yield* Effect.flatMap(run(`2 ${share} changed`, warm, account.accountId), (r) => expect(r, expectedChanged))
    yield* Effect.flatMap(run("1c no change, no hash cache", cold, account.accountId), (r) => expect(r, 0))
    body = bodies[2]!
    yield* Effect.flatMap(
      run(`2c ${share} changed, no hash cache`, cold, account.accountId),
      (r) => expect(r, expectedChanged)
    )
  }).pipe(
    Effect.provide(TestEngine.layer([FeedAdapter.make]).pipe(Layer.provideMerge(httpClient))),
    Effect.withTracer(recorder.tracer),
    Effect.withConfigProvider(
      ConfigProvider.fromMap(new Map([["SPACESYNC_FEED_MAX_BYTES", String(2 * bodies[0]!.length)]])).pipe(
        ConfigProvider.orElse(() => ConfigProvider.fromEnv())
      )
    ),
    Logger.withMinimumLogLevel(LogLevel.Warning)
  )

  const columns = ["pass", "locations", "seconds", "loc/s", "cpu s", "stmts", "fetch", "parse", "decode", "hash"]
  const header = [...columns, "db", "other", "loop held > 10 ms", "counts", "load (1/5/15 min) before → after"]
  const rows = results.map((r) => {
    const ms = r.seconds * 1000
    const s = r.split
    const other = ms - s.fetch - s.parse - s.decode - s.hash - s.db
    const cell = (millis: number) => `${(millis / 1000).toFixed(2)} s ${((100 * millis) / ms).toFixed(0).padStart(2)} %`
    return [
      r.pass,
      String(r.locations),
      r.seconds.toFixed(2),
      (r.locations / r.seconds).toFixed(0),
      r.cpuSeconds.toFixed(2),
      String(r.statements),
      cell(s.fetch),
      cell(s.parse),
      cell(s.decode),
      cell(s.hash),
      cell(s.db),
      cell(other),
      `${r.loop.count}× ${(r.loop.totalMillis / 1000).toFixed(2)} s, max ${r.loop.maxMillis.toFixed(0)} ms`,
      r.counts,
      r.load
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`
  console.log()
  console.log(line(header))
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`)
  for (const row of rows) console.log(line(row))
  const [, unchanged, changed, coldUnchanged, coldChanged] = results
  console.log(
    `\nchanged / no-change time: ${(changed!.seconds / unchanged!.seconds).toFixed(2)}×, without hash cache ${
      (coldChanged!.seconds / coldUnchanged!.seconds).toFixed(2)
    }× (targets: no change ≥ 2,000 loc/s, changed within 2×); total ${
      ((performance.now() - started) / 1000).toFixed(0)
    } s`
  )
  return results
})

/** The benchmark, for `test/bench/run.ts`. */
export const main = Effect.asVoid(Effect.scoped(measure))
