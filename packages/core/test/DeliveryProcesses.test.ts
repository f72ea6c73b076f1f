import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, type Scope } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Migrations from "../src/Migrations.js"
import * as TestDatabase from "../src/testing/TestDatabase.js"
import {
  append,
  baseLayer,
  createEndpoint,
  deliveryStates,
  eventually,
  locationEvent,
  newLocation,
  receiver,
  secretKey,
  seedConnection,
  seedPlatform
} from "./support/Delivery.js"

const fixture = fileURLToPath(new URL("./fixtures/delivery-worker.ts", import.meta.url))

/** A worker process on `url`; killed (SIGKILL) with the scope if still running. */
const workerProcess = (url: string, env: Record<string, string> = {}) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const output: Array<string> = []
      const child = spawn(process.execPath, ["--import", "tsx", fixture], {
        env: {
          ...process.env,
          DATABASE_URL: url,
          DATABASE_POOL_SIZE: "4",
          SPACESYNC_SECRET_KEY: Redacted.value(secretKey),
          SPACESYNC_ALLOW_PRIVATE_TARGETS: "true",
          SPACESYNC_DELIVERY_CONCURRENCY: "8",
          SPACESYNC_DELIVERY_ENDPOINT_CONCURRENCY: "8",
          SPACESYNC_DELIVERY_POLL_INTERVAL: "200 millis",
          SPACESYNC_DELIVERY_LEASE: "2 seconds",
          ...env
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      child.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()))
      child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()))
      return { child, output }
    }),
    ({ child }) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
  )

const ready = (worker: { readonly child: ChildProcess; readonly output: Array<string> }) =>
  eventually(
    Effect.sync(() => {
      if (worker.child.exitCode !== null) throw new Error(`worker exited: ${worker.output.join("")}`)
      return worker.output.join("").includes("worker ready")
    }),
    30_000,
    "the worker process to start"
  )

const exited = (child: ChildProcess) =>
  Effect.async<number | null>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.succeed(child.exitCode))
    child.once("exit", (code) => resume(Effect.succeed(code)))
  })

/** A fresh database, migrated, its URL, and the layers of the test process on it. */
const database = Effect.gen(function*() {
  const { url } = yield* TestDatabase.createDatabase
  const pg = Layer.effectDiscard(Migrations.run([Migrations.core])).pipe(
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 4 })),
    Layer.orDie
  )
  return { url, layer: baseLayer(pg) }
})

const seed = (locations: number, receiverUrl: string) =>
  Effect.gen(function*() {
    const platformId = yield* seedPlatform()
    const locationIds = Array.from({ length: locations }, () => newLocation())
    yield* seedConnection(platformId, locationIds.map((l) => [l, l] as const))
    const { endpoint } = yield* createEndpoint(platformId, `${receiverUrl}/hook`)
    return { endpointId: endpoint.id, locationIds }
  })

const allSucceeded = (endpointId: string, count: number) =>
  Effect.map(
    deliveryStates(endpointId),
    (s) => s.queued.length === 0 && s.log.filter((l) => l.status === "succeeded").length === count
  )

const run = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>) => Effect.scoped(effect)

describe("Delivery worker processes", () => {
  it.live(
    "a worker killed with SIGKILL mid-batch and restarted loses no delivery",
    () =>
      run(Effect.gen(function*() {
        const db = yield* database
        const target = yield* receiver(() => ({ status: 200, delayMs: 150 }))
        yield* Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const { endpointId, locationIds } = yield* seed(60, target.url)
          const first = yield* workerProcess(db.url)
          yield* ready(first)
          const events = yield* append(...locationIds.map((l) => locationEvent(l, 1)))
          yield* eventually(Effect.sync(() => target.received.length >= 12), 15_000, "the first deliveries")
          first.child.kill("SIGKILL")
          yield* exited(first.child)
          // Killed mid-batch: deliveries are still leased to the dead worker.
          const [{ leased }] = yield* sql<{ leased: number }>`
            select count(*)::int as leased from spacesync.webhook_deliveries where claim_id is not null`
          expect(leased).toBeGreaterThan(0)

          const second = yield* workerProcess(db.url)
          yield* ready(second)
          yield* eventually(allSucceeded(endpointId, events.length), 30_000, "every delivery after the restart")
          const received = new Set(target.received.map((r) => r.headers["webhook-id"]))
          for (const event of events) expect(received.has(event.eventId)).toBe(true)
          // At least once: the deliveries in flight at the kill may have arrived twice, nothing else.
          expect(target.received.length - events.length).toBeLessThanOrEqual(leased)
          second.child.kill("SIGTERM")
          expect(yield* exited(second.child)).not.toBe(null)
        }).pipe(Effect.provide(db.layer))
      })),
    90_000
  )

  it.live(
    "two worker processes on one database send each delivery once",
    () =>
      run(Effect.gen(function*() {
        const db = yield* database
        const target = yield* receiver(() => ({ status: 200, delayMs: 5 }))
        yield* Effect.gen(function*() {
          const { endpointId, locationIds } = yield* seed(300, target.url)
          const workers = [yield* workerProcess(db.url), yield* workerProcess(db.url)]
          yield* Effect.forEach(workers, ready, { concurrency: "unbounded" })
          const events = yield* append(...locationIds.map((l) => locationEvent(l, 1)))
          yield* eventually(allSucceeded(endpointId, events.length), 30_000, "every delivery")
          const ids = target.received.map((r) => r.headers["webhook-id"])
          expect(ids.length).toBe(events.length)
          expect(new Set(ids).size).toBe(events.length)
          for (const worker of workers) worker.child.kill("SIGTERM")
          yield* Effect.forEach(workers, (w) => exited(w.child))
        }).pipe(Effect.provide(db.layer))
      })),
    90_000
  )
})
