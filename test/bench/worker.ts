/**
 * The benchmark's delivery worker in a process of its own (`--worker-process` runs of `delivery.ts`):
 * exactly the hub's worker (`DeliveryWorker.layerConfig` on `Database.layer` and `SecretBox.layerConfig`),
 * configured from the environment. It counts its database round trips on the `pg` client and answers
 * `{type: "count"}` over IPC with `{roundTrips, cpu}`; it says `{type: "ready"}` once running.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Database, DeliveryWorker, SecretBox } from "@spacesync/core"
import { Effect, Layer } from "effect"
import { createRequire } from "node:module"

const pg = createRequire(import.meta.resolve("@effect/sql-pg"))("pg") as {
  Client: { prototype: { query: (...args: Array<unknown>) => unknown } }
}
let roundTrips = 0
const originalQuery = pg.Client.prototype.query
pg.Client.prototype.query = function(this: unknown, ...args: Array<unknown>) {
  roundTrips++
  return originalQuery.apply(this, args)
}

process.on("message", (message: { type: string }) => {
  if (message.type !== "count") return
  const usage = process.cpuUsage()
  process.send!({ type: "count", roundTrips, cpu: (usage.user + usage.system) / 1e6 })
})
process.on("disconnect", () => process.exit(0))
// A clean exit when the bench ends it, so that a CPU profile (BENCH_CPU_PROF) is written.
process.on("SIGTERM", () => process.exit(0))

const WorkerLive = Layer.effectDiscard(Effect.sync(() => process.send!({ type: "ready" }))).pipe(
  Layer.provideMerge(DeliveryWorker.layerConfig),
  Layer.provide(SecretBox.layerConfig),
  Layer.provide(Database.layer)
)

Layer.launch(WorkerLive).pipe(NodeRuntime.runMain)
