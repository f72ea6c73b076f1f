/**
 * Every benchmark, each on a fresh database of the local server, and one report: the machine, the
 * delivery comparison as one markdown table (the ceiling, spacesync with its default settings, pg-boss and
 * graphile-worker side by side, from one run), then one line per target of the other sections (sync,
 * mixed load, fan-out, freshness, memory). Printed, and written to `--out <path>` when given.
 *
 * `pnpm bench all [--out <path>]` (the options of the sections apply too, e.g. `--locations`).
 */
import { PgClient } from "@effect/sql-pg"
import * as TestDatabase from "@spacesync/core/testing/TestDatabase"
import { Effect, Layer, Redacted } from "effect"
import { writeFile } from "node:fs/promises"
import * as Compare from "./compare.js"
import * as Hub from "./hub.js"
import { describeMachine, fmt, machine, stringArg } from "./support.js"
import * as Sync from "./sync.js"

/** One line for `pnpm bench` without arguments. */
export const description = "every benchmark on fresh databases, one report (markdown; --out <path> writes it)"

const check = (ok: boolean) => (ok ? "✓" : "✗")

const program = Effect.gen(function*() {
  const started = performance.now()
  const host = yield* Effect.scoped(Effect.gen(function*() {
    const { url } = yield* TestDatabase.createDatabase
    return yield* machine.pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url) }).pipe(Layer.orDie)))
  }))
  console.log(`machine: ${describeMachine(host)}\n`)

  console.log("## delivery, side by side")
  const comparison = yield* Effect.scoped(Compare.measure)
  console.log("\n## sync")
  const passes = yield* Effect.scoped(Sync.measure)
  console.log("\n## the hub process")
  const hub = yield* Effect.scoped(Hub.measure(Hub.parts))
  console.log("\n## mixed load, the scheduler in a process of its own")
  const split = yield* Effect.scoped(Hub.measure(["mixed"], { split: true }))

  const { header, notes, rows } = Compare.table(comparison)
  const rate = (name: string) => {
    const x = comparison.contenders.find((c) => c.name.startsWith(name))
    return x === undefined ? Number.NaN : x.deliveries / x.seconds
  }
  const spacesync = rate("spacesync")
  const lines: Array<string> = []
  const target = (ok: boolean, text: string) => lines.push(`- ${check(ok)} ${text}`)
  target(
    spacesync >= 0.7 * rate("ceiling"),
    `delivery with default settings: ${fmt((100 * spacesync) / rate("ceiling"))} % of the ceiling (target ≥ 70 %)`
  )
  target(
    spacesync >= 4 * rate("pg-boss"),
    `delivery: ${fmt(spacesync / rate("pg-boss"), 2)}× pg-boss (target ≥ 4×), ${
      fmt(spacesync / rate("graphile"), 2)
    }× graphile-worker`
  )
  if (hub.mixed) {
    const m = hub.mixed
    target(
      m.latency.p99 <= 100,
      `mixed: p50 ${fmt(m.latency.p50)} ms, p99 ${fmt(m.latency.p99)} ms event created → 2xx at ${
        fmt(m.offeredRate)
      } events/s offered for ${m.seconds} s while the same hub ran the first load of ${fmt(hub.locations)} locations (${
        fmt(m.syncs[0] ?? 0, 1)
      } s) and ${m.syncs.length - 1} no-change sync(s) (target p99 ≤ 100 ms); hub CPU ${fmt(m.hubCpu, 1)} s`
    )
  }
  if (split.mixed) {
    const m = split.mixed
    target(
      m.latency.p99 <= 100,
      `mixed, the scheduler in a process of its own (\`--roles api,workers\` + \`--roles scheduler\`): p50 ${
        fmt(m.latency.p50)
      } ms, p99 ${fmt(m.latency.p99)} ms at ${fmt(m.offeredRate)} events/s during the first load (${
        fmt(m.syncs[0] ?? 0, 1)
      } s); API and workers' process CPU ${fmt(m.hubCpu, 1)} s`
    )
  }
  if (hub.fanout) {
    const f = hub.fanout
    target(
      f.latency.max <= 5_000,
      `fan-out: one change → ${fmt(f.endpoints)} endpoints, all delivered ${
        fmt(f.latency.max / 1000, 2)
      } s after the event was created (target ≤ 5 s); ${fmt(f.allDeliveredSeconds, 2)} s after the sync request (sync ${
        fmt(f.syncSeconds, 2)
      } s); hub CPU ${fmt(f.hubCpuPerDelivery * 1e6)} µs per delivery`
    )
  }
  const pass = (prefix: string) => passes.find((p) => p.pass.startsWith(`${prefix} `))
  const perSecond = (p: Sync.PassResult | undefined) => (p === undefined ? 0 : p.locations / p.seconds)
  const [load, warm, cold] = [pass("0"), pass("1"), pass("1c")]
  target(
    perSecond(load) >= 2_000,
    `sync first load (no hash cache yet): ${fmt(perSecond(load))} locations/s (target ≥ 2,000); in the hub process: ${
      fmt(hub.locations / hub.firstLoadSeconds)
    } locations/s`
  )
  target(
    perSecond(warm) >= 5_000 && perSecond(cold) >= 5_000,
    `sync no change: warm ${fmt(perSecond(warm))}, cold (no hash cache) ${
      fmt(perSecond(cold))
    } locations/s (target ≥ 5,000 each); ${
      fmt(load?.locations ?? 0)
    } locations × (${Sync.settings.resources} resources + ${Sync.settings.prices} prices)`
  )
  if (hub.rss) {
    target(
      hub.rss.settled <= 250,
      `memory: hub RSS ${fmt(hub.rss.settled)} MB with ${fmt(hub.locations)} locations synced and ${
        fmt(hub.rss.queued)
      } deliveries queued, idle (the least over ${hub.rss.settleSeconds} s; target ≤ 250 MB); ${
        fmt(hub.rss.rss)
      } MB just after the deliveries were queued, its peak over the whole run ${fmt(hub.hubPeak)} MB`
    )
  }
  if (hub.freshness) {
    const f = hub.freshness
    target(
      f.p99 <= 1_000,
      `freshness: BookingSync webhook → platform's 2xx p50 ${fmt(f.p50)} ms, p99 ${
        fmt(f.p99)
      } ms over ${f.webhooks} webhooks (target p99 ≤ 1 s)`
    )
  }

  const report = [
    `## Performance`,
    ``,
    `Machine: ${describeMachine(host)}. Command: \`${["pnpm bench all", ...process.argv.slice(3)].join(" ")}\` (${
      fmt((performance.now() - started) / 60_000, 1)
    } min).`,
    ``,
    `Delivery: ${
      fmt(comparison.contenders[0]?.deliveries ?? 0)
    } signed deliveries to ${comparison.endpoints} endpoints (${comparison.concurrency} requests in flight, spacesync's default), then ${
      fmt(comparison.rate)
    } events/s to one endpoint for ${comparison.seconds} s for the latencies (event created → 2xx). CPU per delivery over the throughput phase; peak RSS is each sender's process (VmHWM).`,
    ``,
    Compare.markdown(header, rows),
    ``,
    ...notes,
    ``,
    ...lines
  ].join("\n")
  console.log(`\n${report}\n`)
  const out = stringArg("out")
  if (out !== undefined) {
    yield* Effect.promise(() => writeFile(out, `${report}\n`))
    console.log(`written to ${out}`)
  }
})

/** The benchmark, for `test/bench/run.ts`. */
export const main: Effect.Effect<void> = program.pipe(Effect.orDie)
