/**
 * Runs one benchmark by name: `pnpm bench <name> [options]` (lists them without a name). A benchmark
 * module exports `description` and `main` (an `Effect`); add it to the map below.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"

interface Benchmark {
  readonly description: string
  readonly main: Effect.Effect<void, unknown>
}

const hubPart = async (part: "mixed" | "fanout" | "freshness" | "rss", description: string): Promise<Benchmark> => {
  const hub = await import("./hub.js")
  return { description, main: hub.only(part) }
}

const benchmarks: Record<string, () => Promise<Benchmark>> = {
  all: () => import("./all.js"),
  compare: () => import("./compare.js"),
  delivery: () => import("./delivery.js"),
  sync: () => import("./sync.js"),
  hub: () => import("./hub.js"),
  mixed: () => hubPart("mixed", "p99 event created → 2xx at 1,000 events/s while the hub syncs 10,000 locations"),
  fanout: () => hubPart("fanout", "one change to a location connected to 10,000 endpoints: time to all delivered"),
  freshness: () => hubPart("freshness", "BookingSync webhook to the hub → the platform's 2xx (simulator)"),
  rss: () => hubPart("rss", "hub RSS with 10,000 locations synced and 100,000 deliveries queued")
}

const name = process.argv[2]
const load = name === undefined ? undefined : benchmarks[name]

if (load === undefined) {
  const lines = await Promise.all(
    Object.entries(benchmarks).map(async ([key, module]) => {
      const { description } = await module()
      return `  ${key.padEnd(12)} ${description}`
    })
  )
  console.log(`Usage: pnpm bench <name> [options]\n\nBenchmarks:\n${lines.join("\n")}`)
  process.exitCode = name === undefined ? 0 : 1
} else {
  const benchmark = await load()
  Effect.suspend(() => benchmark.main).pipe(
    Effect.tap(() => Effect.sync(() => process.exit(0))),
    NodeRuntime.runMain
  )
}
