/**
 * Limits under load: a platform with 10,000 endpoints whose receiver hangs, and one endpoint of it that
 * answers slowly, must not starve another platform's deliveries. The per-endpoint cap holds at every
 * endpoint and the worker's total in flight stays within its concurrency (both counted at the receivers,
 * which see every request open at once); the healthy platform's latency (event created → arrival) is
 * printed, not asserted.
 *
 * Platform A: 9,999 endpoints on a receiver that never answers (within the test) and one on a receiver
 * that answers after a second; platform B: one healthy endpoint. A's endpoints are created in one
 * statement (`WebhookEndpoints.createMany`).
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { DeliveryWorker, OutboundGuard, WebhookEndpoints } from "@spacesync/core"
import { Duration, Effect, Layer, type Scope } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import {
  append,
  baseLayer,
  eventually,
  locationEvent,
  newLocation,
  realSleep,
  seedConnection,
  seedPlatform
} from "../../packages/core/test/support/Delivery.js"

const hangingEndpoints = 9_999
/** `pricing.updated` events of A (one per location): 10,000 deliveries each. */
const aEvents = 3
/** `location.updated` events of A: only the slow endpoint takes them. */
const slowEvents = 6
const bEvents = 40
const perEndpoint = 2

/** What the receivers saw: requests open now and at most, per path and in total. */
class Traffic {
  readonly open = new Map<string, number>()
  readonly maxOpen = new Map<string, number>()
  total = 0
  maxTotal = 0

  enter(path: string) {
    const n = (this.open.get(path) ?? 0) + 1
    this.open.set(path, n)
    this.maxOpen.set(path, Math.max(this.maxOpen.get(path) ?? 0, n))
    this.total++
    this.maxTotal = Math.max(this.maxTotal, this.total)
  }

  leave(path: string) {
    this.open.set(path, (this.open.get(path) ?? 1) - 1)
    this.total--
  }

  /** Requests open now on paths starting with `prefix`. */
  openOn(prefix: string) {
    let n = 0
    for (const [path, open] of this.open) if (path.startsWith(prefix)) n += open
    return n
  }
}

/** A receiver on 127.0.0.1 answering `handle`; every request is counted open until it is answered or dropped. */
const receiver = (
  traffic: Traffic,
  handle: (req: IncomingMessage, body: string, res: ServerResponse) => void
): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<ReturnType<typeof createServer>>((resume) => {
      const server = createServer((req, res) => {
        const path = req.url ?? "/"
        traffic.enter(path)
        let left = false
        const leave = () => {
          if (!left) traffic.leave(path)
          left = true
        }
        res.on("finish", leave)
        res.on("close", leave)
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => handle(req, Buffer.concat(chunks).toString("utf8"), res))
      })
      server.keepAliveTimeout = 60_000
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`))

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0

describe("Limits under load", () => {
  layer(baseLayer(), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
    it.scoped(
      "10,000 hanging endpoints and a slow one of one platform do not starve another platform's endpoint",
      () =>
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const endpoints = yield* WebhookEndpoints.WebhookEndpoints
          const traffic = new Traffic()
          const latencies: Array<number> = []
          const hang = yield* receiver(traffic, () => {
            // Never answers: the request stays open until the worker gives up or the test ends.
          })
          const slow = yield* receiver(traffic, (_req, _body, res) => {
            setTimeout(() => res.writeHead(200).end("ok"), 1_000)
          })
          const healthy = yield* receiver(traffic, (_req, body, res) => {
            latencies.push(Date.now() - Date.parse((JSON.parse(body) as { timestamp: string }).timestamp))
            res.writeHead(204).end()
          })

          // Platform A: 10,000 endpoints in one statement; platform B: one.
          const aLocations = Array.from({ length: aEvents + slowEvents }, () => newLocation())
          const bLocations = Array.from({ length: bEvents }, () => newLocation())
          const platformA = yield* seedPlatform("A")
          const platformB = yield* seedPlatform("B")
          yield* seedConnection(platformA, aLocations.map((l, i) => [l, `a-${i}`] as const))
          yield* seedConnection(platformB, bLocations.map((l, i) => [l, `b-${i}`] as const))
          const created = yield* endpoints.createMany(platformA, [
            { url: `${slow}/slow` },
            ...Array.from(
              { length: hangingEndpoints },
              (_, i) => ({ url: `${hang}/hang/${i}`, eventTypes: ["pricing.updated" as const] })
            )
          ])
          expect(created).toHaveLength(hangingEndpoints + 1)
          const [{ count }] = yield* sql<{ count: number }>`
            select count(*)::int as count from spacesync.webhook_endpoints where platform_id = ${platformA}`
          expect(count).toBe(hangingEndpoints + 1)
          yield* endpoints.create(platformB, { url: `${healthy}/b` })

          const concurrency = DeliveryWorker.defaults.concurrency
          const worker = DeliveryWorker.layer({
            perEndpointConcurrency: perEndpoint,
            // Hanging requests stay open for the whole test.
            timeout: Duration.minutes(2),
            lease: Duration.minutes(3),
            shutdownGrace: Duration.millis(200)
          }).pipe(Layer.provide(OutboundGuard.dispatcherLayerWith({ allowPrivateTargets: true })))

          yield* Effect.gen(function*() {
            // A: the slow endpoint's events first, then 3 × 10,000 deliveries to hanging endpoints.
            yield* append(...aLocations.slice(aEvents).map((l) => locationEvent(l, 1, "location.updated")))
            for (const location of aLocations.slice(0, aEvents)) yield* append(locationEvent(location, 1))
            // A is stuck: it holds as many hanging requests as the worker lets one platform hold.
            yield* eventually(
              Effect.sync(() => traffic.openOn("/hang/") >= concurrency / 2),
              90_000,
              "A's hanging requests"
            )

            // B's events, one by one, while A's requests hang: every one arrives.
            for (const location of bLocations) {
              yield* append(locationEvent(location, 1))
              yield* realSleep(10)
            }
            yield* eventually(Effect.sync(() => latencies.length >= bEvents), 90_000, "B's deliveries")
            expect(traffic.openOn("/hang/")).toBeGreaterThanOrEqual(concurrency / 2)

            // The slow endpoint gets all of its deliveries, never more than its cap at once.
            yield* eventually(
              Effect.map(
                // Its location.updated deliveries: it takes A's pricing.updated as well, which wait behind the
                // hanging endpoints' deliveries of the same events (A's queue is served oldest first).
                sql<{ n: number }>`select count(*)::int as n from spacesync.webhook_delivery_log
                  where endpoint_id = ${created[0]!.endpoint.id} and event_type = 'location.updated'
                    and status = 'succeeded'`,
                ([row]) => row!.n === slowEvents
              ).pipe(Effect.orDie),
              90_000,
              "the slow endpoint's deliveries"
            ).pipe(
              // What the queue and the receivers held when it gave up, so that a failure says why.
              Effect.tapDefect(() =>
                Effect.gen(function*() {
                  const queued = yield* sql`select delivery_id, due_at, attempts, claim_id, lease_expires_at,
                      last_status_code, last_error_class
                    from spacesync.webhook_deliveries where endpoint_id = ${created[0]!.endpoint.id}
                    order by due_at`
                  const logged = yield* sql`select delivery_id, status, attempts, last_status_code, last_error_class
                    from spacesync.webhook_delivery_log where endpoint_id = ${created[0]!.endpoint.id}`
                  console.error(
                    "Limits: the slow endpoint's deliveries did not all succeed",
                    JSON.stringify({
                      queued,
                      logged,
                      open: { slow: traffic.open.get("/slow"), hanging: traffic.openOn("/hang/"), total: traffic.total }
                    })
                  )
                }).pipe(Effect.orDie)
              )
            )
          }).pipe(Effect.provide(worker))

          // Caps, as the receivers saw them.
          expect(traffic.maxOpen.get("/slow")).toBe(perEndpoint)
          const busiest = Math.max(...[...traffic.maxOpen].filter(([p]) => p.startsWith("/hang/")).map(([, n]) => n))
          expect(busiest).toBeLessThanOrEqual(perEndpoint)
          expect(traffic.maxTotal).toBeLessThanOrEqual(concurrency)
          expect(latencies).toHaveLength(bEvents)
          const [{ succeeded }] = yield* sql<{ succeeded: number }>`
            select count(*)::int as succeeded from spacesync.webhook_delivery_log
            where platform_id = ${platformB} and status = 'succeeded'`
          expect(succeeded).toBe(bEvents)

          const sorted = [...latencies].sort((a, b) => a - b)
          console.log(
            `Limits: B's endpoint while A's ${hangingEndpoints} endpoints hang: latency p50 ${
              percentile(sorted, 0.5)
            } ms, p99 ${
              percentile(sorted, 0.99)
            } ms (${bEvents} deliveries); at most ${traffic.maxTotal} requests open (concurrency ${concurrency}), ${busiest} per hanging endpoint, ${
              traffic.maxOpen.get("/slow")
            } on the slow one (cap ${perEndpoint})`
          )
        }),
      240_000
    )
  })
})
