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

const benchmarks: Record<string, () => Promise<Benchmark>> = {
  delivery: () => import("./delivery.js"),
  sync: () => import("./sync.js")
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
