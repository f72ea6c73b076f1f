import { SqlClient } from "@effect/sql"
import { describe, expect, it, layer } from "@effect/vitest"
import * as Cooperative from "@spacesync/adapter-kit/Cooperative"
import type * as Ids from "@spacesync/adapter-kit/Ids"
import { DateTime, Deferred, Duration, Effect, Either, Layer, Stream } from "effect"
import { createServer, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Webhook as StandardWebhook } from "standardwebhooks"
import * as DeliveryMetrics from "../src/DeliveryMetrics.js"
import * as DeliveryQueue from "../src/DeliveryQueue.js"
import * as DeliveryWorker from "../src/DeliveryWorker.js"
import * as OutboundGuard from "../src/OutboundGuard.js"
import * as SecretBox from "../src/SecretBox.js"
import * as TestDatabase from "../src/testing/TestDatabase.js"
import * as Webhook from "../src/Webhook.js"
import * as WebhookEndpoints from "../src/WebhookEndpoints.js"
import {
  append,
  baseLayer,
  createEndpoint,
  deliveryStates,
  eventually,
  locationEvent,
  newLocation,
  realSleep,
  type Received,
  receiver,
  secretKey,
  seedConnection,
  seedPlatform
} from "./support/Delivery.js"

const Store = WebhookEndpoints.WebhookEndpoints

/** Worker settings that make retries and polling fast enough for tests. */
const fastWorker: DeliveryWorker.Options = {
  pollInterval: Duration.millis(100),
  retrySchedule: [Duration.millis(150), Duration.millis(150), Duration.millis(150), Duration.millis(150)],
  jitter: 0,
  reapInterval: Duration.millis(500),
  lease: Duration.seconds(10),
  timeout: Duration.seconds(3),
  shutdownGrace: Duration.millis(500)
}

/** A worker over the guarded client (private targets allowed unless said otherwise). */
const workerLayer = (options: DeliveryWorker.Options = {}, allowPrivateTargets = true) =>
  DeliveryWorker.layer({ ...fastWorker, ...options }).pipe(
    Layer.provide(OutboundGuard.dispatcherLayerWith({ allowPrivateTargets, connectTimeout: Duration.seconds(2) }))
  )

/** A platform with an active connection covering `n` new locations. */
const tenant = (n = 1) =>
  Effect.gen(function*() {
    const platformId = yield* seedPlatform()
    const locations = Array.from({ length: n }, () => newLocation())
    const connectionId = yield* seedConnection(platformId, locations.map((l, i) => [l, `listing-${i}`] as const))
    return { platformId, locations, connectionId }
  })

/** Every endpoint (and with it every delivery) of earlier tests goes: tests share one database. */
const reset = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`delete from spacesync.webhook_endpoints`).pipe(
  Effect.orDie
)

const plainHeaders = (request: Received) =>
  Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]))

const verifiesWith = (request: Received, secrets: ReadonlyArray<string>) => {
  const standard = secrets.some((secret) => {
    try {
      new StandardWebhook(secret).verify(request.body, plainHeaders(request))
      return true
    } catch {
      return false
    }
  })
  const ours = Either.isRight(Webhook.verify({ payload: request.body, headers: request.headers, secrets }))
  return standard && ours
}

const history = (platformId: Ids.PlatformId, endpointId: string) =>
  Effect.flatMap(Store, (store) => store.deliveries(platformId, endpointId, { limit: 500 })).pipe(Effect.orDie)

const endpointOf = (platformId: Ids.PlatformId, endpointId: string) =>
  Effect.flatMap(Store, (store) => store.get(platformId, endpointId)).pipe(Effect.orDie)

/**
 * A queue (no database) that hands out one delivery of `url` to the first claim and nothing after;
 * `complete` is what writing results does.
 */
const oneDeliveryQueue = (
  url: string,
  complete: DeliveryQueue.DeliveryQueue["Type"]["complete"]
) => {
  const claimed: DeliveryQueue.Claimed = {
    claimId: "clm_test",
    tid: "(0,1)",
    deliveryId: "dlv_test" as Webhook.DeliveryId,
    endpointId: "whe_test" as Webhook.EndpointId,
    platformId: "plt_test" as Ids.PlatformId,
    eventId: "evt_test" as Ids.EventId,
    attempt: 1,
    scheduleStep: 0,
    trigger: "scheduled",
    eventCreatedAt: Date.now(),
    url,
    secrets: [],
    body: "{}"
  }
  let handedOut = false
  return Layer.succeed(
    DeliveryQueue.DeliveryQueue,
    DeliveryQueue.DeliveryQueue.of({
      claim: () =>
        Effect.sync(() => {
          if (handedOut) return []
          handedOut = true
          return [claimed]
        }),
      complete,
      reap: Effect.succeed(0),
      disableEndpoint: () => Effect.succeed(true),
      depths: Effect.succeed([]),
      notifications: Stream.empty
    })
  )
}

describe("DeliveryWorker", () => {
  // The retry schedule, jitter and Retry-After are DeliveryPolicy's (DeliveryPolicy.test.ts, no database).

  it.live("a batch of results being written when the worker stops is written once, not again at shutdown", () =>
    Effect.gen(function*() {
      const target = yield* receiver()
      const writes: Array<ReadonlyArray<DeliveryQueue.AttemptResult>> = []
      const written = yield* Deferred.make<void>()
      // A queue whose write commits at once but answers late (as a statement does whose reply is slow to
      // come back): the worker stops in between.
      const queue = oneDeliveryQueue(`${target.url}/hook`, (results) =>
        Effect.sync(() => writes.push(results)).pipe(
          Effect.zipRight(Deferred.succeed(written, undefined)),
          Effect.zipRight(Effect.sleep("300 millis")),
          Effect.as([])
        ))
      yield* Deferred.await(written).pipe(
        Effect.provide(
          workerLayer({ listen: false }).pipe(Layer.provide(queue), Layer.provide(SecretBox.layer(secretKey)))
        )
      )
      expect(target.received).toHaveLength(1)
      expect(writes.map((batch) => batch.map((r) => [r.deliveryId, r.attempt, r.outcome]))).toEqual([
        [["dlv_test", 1, "succeeded"]]
      ])
    }).pipe(Effect.scoped))

  it.live("a request in flight comes before long synchronous work: slices of it pause, then run back to back once idle", () =>
    Effect.gen(function*() {
      const target = yield* receiver(() => ({ status: 200, delayMs: 400 }))
      const written = yield* Deferred.make<void>()
      const queue = oneDeliveryQueue(`${target.url}/hook`, () => Effect.as(Deferred.succeed(written, undefined), []))
      // A slicing loop of 3 slices, and the turns of the event loop between its slices (a mark per turn).
      const turnsBetweenSlices = Effect.gen(function*() {
        const log: Array<string> = []
        let left = 1_000_000
        let marking = true
        const mark = () => {
          log.push("x")
          if (marking && --left > 0) setImmediate(mark)
        }
        setImmediate(mark)
        for (let i = 0; i < 3; i++) {
          yield* Cooperative.yieldTurn
          log.push("s")
        }
        marking = false
        return log.join("").split("s").slice(1, -1).map((gap) => gap.length)
      })
      yield* Effect.gen(function*() {
        yield* eventually(Effect.sync(() => target.received.length === 1), 5_000, "the request")
        // The request is in flight (its answer comes 400 ms later): each slice is followed by a pause.
        const busy = yield* turnsBetweenSlices
        expect(Math.min(...busy)).toBeGreaterThan(1)
        yield* Deferred.await(written)
        // Answered and written: nothing in flight, the slices take one turn each again.
        expect(yield* turnsBetweenSlices).toEqual([1, 1])
      }).pipe(
        Effect.provide(
          workerLayer({ listen: false }).pipe(Layer.provide(queue), Layer.provide(SecretBox.layer(secretKey)))
        )
      )
    }).pipe(Effect.scoped))

  layer(baseLayer(), { excludeTestServices: true })((it) => {
    it.scoped("signs every request so that standardwebhooks and core's verify both accept it, body byte for byte", () =>
      Effect.gen(function*() {
        yield* reset
        const sql = yield* SqlClient.SqlClient
        const { locations, platformId } = yield* tenant(12)
        let secret = ""
        const target = yield* receiver((request) => ({ status: verifiesWith(request, [secret]) ? 204 : 401 }))
        const created = yield* createEndpoint(platformId, `${target.url}/hook`)
        secret = created.secret
        const events = yield* append(...locations.map((l, i) => locationEvent(l, i + 1)))
        yield* eventually(
          Effect.map(deliveryStates(created.endpoint.id), (s) => s.log.length === events.length),
          10_000,
          "all deliveries"
        ).pipe(Effect.provide(workerLayer()))
        expect(target.received).toHaveLength(events.length)
        expect(target.received.every((r) => verifiesWith(r, [secret]))).toBe(true)
        const bodies = new Map(
          (yield* sql<{ event_id: string; body: string }>`
            select event_id, body from spacesync.platform_events where platform_id = ${platformId}`)
            .map((r) => [r.event_id, r.body])
        )
        for (const request of target.received) {
          const id = request.headers["webhook-id"] as string
          expect(request.body).toBe(bodies.get(id))
          expect(request.headers["content-type"]).toBe("application/json")
          expect(Math.abs(Number(request.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(10)
        }
        expect(new Set(target.received.map((r) => r.headers["webhook-id"]))).toEqual(
          new Set(events.map((e) => e.eventId))
        )
        const states = yield* deliveryStates(created.endpoint.id)
        expect(states.log.every((l) => l.status === "succeeded" && l.attempts === 1)).toBe(true)
      }))

    it.scoped("a receiver that fails 3 times then succeeds gets the event with the same webhook-id each time", () =>
      Effect.gen(function*() {
        yield* reset
        const { locations, platformId } = yield* tenant()
        const target = yield* receiver((_, index) =>
          index < 3 ? { status: 500, body: "down for maintenance" } : { status: 200 }
        )
        const { endpoint, secret } = yield* createEndpoint(platformId, `${target.url}/hook`)
        const [event] = yield* append(locationEvent(locations[0]!, 1))
        yield* eventually(
          Effect.map(deliveryStates(endpoint.id), (s) => s.log.length === 1),
          10_000,
          "the delivery to succeed"
        ).pipe(Effect.provide(workerLayer()))
        expect(target.received.map((r) => r.headers["webhook-id"])).toEqual(Array(4).fill(event!.eventId))
        expect(target.received.every((r) => verifiesWith(r, [secret]))).toBe(true)
        const [delivery] = yield* history(platformId, endpoint.id)
        expect(delivery).toMatchObject({ status: "succeeded", attemptCount: 4, nextAttemptAt: null })
        expect(delivery!.attempts.map((a) => [a.attempt, a.trigger, a.statusCode, a.errorClass])).toEqual([
          [1, "scheduled", 500, "http"],
          [2, "scheduled", 500, "http"],
          [3, "scheduled", 500, "http"],
          [4, "scheduled", 200, null]
        ])
        expect(delivery!.attempts[0]).toMatchObject({
          url: `${target.url}/hook`,
          responseExcerpt: "down for maintenance",
          errorMessage: "HTTP 500"
        })
        for (const attempt of delivery!.attempts.slice(0, 3)) {
          expect(attempt.nextAttemptAt).not.toBeNull()
          expect(DateTime.distance(attempt.attemptedAt, attempt.nextAttemptAt!)).toBeGreaterThanOrEqual(140)
        }
        expect(delivery!.attempts[3]!.nextAttemptAt).toBeNull()
      }))

    it.scoped("bounds each exchange: no answer in time is a timeout; a large answer is read to the limit, 4 KB kept", () =>
      Effect.gen(function*() {
        yield* reset
        const { locations, platformId } = yield* tenant()
        const big = "x".repeat(1024 * 1024)
        const target = yield* receiver((request) =>
          request.path === "/hang" ? { status: 200, delayMs: 3_000 } : { status: 200, body: big }
        )
        const hang = yield* createEndpoint(platformId, `${target.url}/hang`)
        const large = yield* createEndpoint(platformId, `${target.url}/large`)
        const started = Date.now()
        yield* append(locationEvent(locations[0]!, 1))
        yield* eventually(
          Effect.map(
            Effect.all([deliveryStates(hang.endpoint.id), deliveryStates(large.endpoint.id)]),
            ([h, l]) => h.log.length === 1 && l.log.length === 1
          ),
          5_000,
          "both deliveries to finish"
        ).pipe(Effect.provide(workerLayer({ timeout: Duration.millis(300), retrySchedule: [] })))
        expect(Date.now() - started).toBeLessThan(2_500)
        const [timedOut] = yield* history(platformId, hang.endpoint.id)
        expect(timedOut).toMatchObject({ status: "failed", lastErrorClass: "timeout" })
        expect(timedOut!.attempts[0]!.durationMs).toBeGreaterThanOrEqual(280)
        expect(timedOut!.attempts[0]!.durationMs).toBeLessThan(1_500)
        const [read] = yield* history(platformId, large.endpoint.id)
        expect(read).toMatchObject({ status: "succeeded", lastStatusCode: 200 })
        expect(read!.attempts[0]!.responseExcerpt).toBe("x".repeat(4096))
      }))

    it.scoped("410 fails the delivery and disables the endpoint; its queued deliveries fail with the reason", () =>
      Effect.gen(function*() {
        yield* reset
        const { locations, platformId } = yield* tenant(5)
        const target = yield* receiver(() => ({ status: 410 }))
        const { endpoint } = yield* createEndpoint(platformId, `${target.url}/gone`)
        yield* append(...locations.map((l) => locationEvent(l, 1)))
        yield* eventually(
          Effect.map(endpointOf(platformId, endpoint.id), (e) => e.status === "disabled"),
          10_000,
          "the endpoint to be disabled"
        ).pipe(Effect.provide(workerLayer({ perEndpointConcurrency: 1 })))
        const disabled = yield* endpointOf(platformId, endpoint.id)
        expect(disabled.disabledReason).toBe("The endpoint answered 410 Gone")
        const states = yield* deliveryStates(endpoint.id)
        expect(states.queued).toEqual([])
        expect(states.log.map((l) => l.status)).toEqual(Array(5).fill("failed"))
        // The first 410 stops the sending: the other deliveries fail with the endpoint, unsent.
        expect(target.received).toHaveLength(1)
        expect(states.log.filter((l) => l.reason === "The endpoint answered 410 Gone")).toHaveLength(1)
        expect(states.log.filter((l) => l.reason === "endpoint disabled: The endpoint answered 410 Gone")).toHaveLength(
          4
        )
        // Nothing more is queued for it.
        yield* append(locationEvent(locations[0]!, 2, "location.updated"))
        expect((yield* deliveryStates(endpoint.id)).queued).toEqual([])
      }))

    it.scoped("refuses a target on 127.0.0.1 when private targets are not allowed (refused_target)", () =>
      Effect.gen(function*() {
        yield* reset
        const { locations, platformId } = yield* tenant()
        const target = yield* receiver()
        // Saved while allowed (or through a name that resolves there later): the guard acts at connect time.
        const byAddress = yield* createEndpoint(platformId, `${target.url}/direct`)
        const byName = yield* createEndpoint(platformId, `http://localhost:${target.port}/by-name`)
        yield* append(locationEvent(locations[0]!, 1))
        yield* eventually(
          Effect.map(
            Effect.all([deliveryStates(byAddress.endpoint.id), deliveryStates(byName.endpoint.id)]),
            ([a, b]) => a.log.length === 1 && b.log.length === 1
          ),
          10_000,
          "both deliveries to fail"
        ).pipe(Effect.provide(workerLayer({ retrySchedule: [] }, false)))
        expect(target.received).toEqual([])
        for (const endpointId of [byAddress.endpoint.id, byName.endpoint.id]) {
          const [delivery] = yield* history(platformId, endpointId)
          expect(delivery).toMatchObject({ status: "failed", lastErrorClass: "refused_target", lastStatusCode: null })
          expect(delivery!.attempts[0]).toMatchObject({ errorClass: "refused_target", statusCode: null })
          expect(delivery!.attempts[0]!.errorMessage).toContain("loopback")
        }
      }))

    it.scoped("a newer event supersedes a queued retry at fan-out, and an in-flight one when it completes", () =>
      Effect.gen(function*() {
        yield* reset
        const { locations, platformId } = yield* tenant(2)
        const [waiting, inFlight] = locations as [Ids.LocationId, Ids.LocationId]
        const target = yield* receiver((request, index) =>
          index > 0
            ? { status: 200 }
            : request.path === "/slow"
            ? { status: 500, delayMs: 700 }
            : { status: 500 }
        )
        const fast = yield* createEndpoint(platformId, `${target.url}/fast`, { eventTypes: ["pricing.updated"] })
        const slow = yield* createEndpoint(platformId, `${target.url}/slow`, { eventTypes: ["resources.updated"] })
        yield* Effect.gen(function*() {
          // Waiting for a retry when the newer event arrives: superseded at fan-out.
          const [old] = yield* append(locationEvent(waiting, 1))
          yield* eventually(
            Effect.map(
              history(platformId, fast.endpoint.id),
              ([d]) => d?.attemptCount === 1 && d.nextAttemptAt !== null
            ),
            5_000,
            "the first attempt to fail"
          )
          const [newer] = yield* append(locationEvent(waiting, 2))
          expect((yield* deliveryStates(fast.endpoint.id)).log).toMatchObject([
            { event_id: old!.eventId, status: "superseded", attempts: 1, superseded_by: newer!.eventId }
          ])
          // In flight when the newer event arrives: superseded when its attempt fails.
          const [oldSlow] = yield* append(locationEvent(inFlight, 1, "resources.updated"))
          yield* eventually(Effect.sync(() => target.onPath("/slow").length === 1), 5_000, "the slow request")
          const [newerSlow] = yield* append(locationEvent(inFlight, 2, "resources.updated"))
          yield* eventually(
            Effect.map(deliveryStates(slow.endpoint.id), (s) => s.log.length === 2),
            5_000,
            "both slow deliveries to finish"
          )
          yield* eventually(
            Effect.map(deliveryStates(fast.endpoint.id), (s) => s.log.length === 2),
            5_000,
            "the newer fast delivery"
          )
          const slowLog = (yield* deliveryStates(slow.endpoint.id)).log
          expect(slowLog.find((l) => l.event_id === oldSlow!.eventId)).toMatchObject({
            status: "superseded",
            attempts: 1,
            superseded_by: newerSlow!.eventId
          })
          expect(slowLog.find((l) => l.event_id === newerSlow!.eventId)).toMatchObject({ status: "succeeded" })
          yield* realSleep(400)
          // The stale events were never sent again.
          expect(target.onPath("/fast").map((r) => r.headers["webhook-id"])).toEqual([old!.eventId, newer!.eventId])
          expect(target.onPath("/slow").map((r) => r.headers["webhook-id"])).toEqual([
            oldSlow!.eventId,
            newerSlow!.eventId
          ])
        }).pipe(Effect.provide(workerLayer({ retrySchedule: [Duration.millis(1500)] })))
      }))

    it.scoped("resends one delivery, and recovers every failed delivery of an endpoint since a time", () =>
      Effect.gen(function*() {
        yield* reset
        const store = yield* Store
        const { locations, platformId } = yield* tenant(3)
        let up = false
        const target = yield* receiver(() => ({ status: up ? 200 : 503 }))
        const { endpoint } = yield* createEndpoint(platformId, `${target.url}/hook`)
        const since = DateTime.unsafeNow()
        yield* Effect.gen(function*() {
          const events = yield* append(...locations.map((l) => locationEvent(l, 1)))
          yield* eventually(
            Effect.map(deliveryStates(endpoint.id), (s) => s.log.filter((l) => l.status === "failed").length === 3),
            5_000,
            "every delivery to fail"
          )
          up = true
          expect(yield* store.recover(platformId, endpoint.id, since)).toEqual({ requeued: 3 })
          yield* eventually(
            Effect.map(deliveryStates(endpoint.id), (s) => s.log.filter((l) => l.status === "succeeded").length === 3),
            5_000,
            "every recovered delivery"
          )
          const [latest] = yield* history(platformId, endpoint.id)
          expect(latest!.attempts.map((a) => [a.trigger, a.statusCode])).toEqual([["scheduled", 503], [
            "recover",
            200
          ]])
          // Resend one delivery: same webhook-id, a manual attempt.
          yield* store.resend(platformId, latest!.id)
          yield* eventually(
            Effect.map(store.delivery(platformId, latest!.id), (d) => d.status === "succeeded" && d.attemptCount === 3),
            5_000,
            "the resend"
          )
          const resent = target.received.filter((r) => r.headers["webhook-id"] === latest!.eventId)
          expect(resent).toHaveLength(3)
          expect((yield* store.delivery(platformId, latest!.id)).attempts.map((a) => a.trigger)).toEqual([
            "scheduled",
            "recover",
            "manual"
          ])
          expect(events.map((e) => e.eventId)).toContain(latest!.eventId)
        }).pipe(Effect.provide(workerLayer({ retrySchedule: [] })))
      }))

    it.scoped(
      "deliveries recovered while the endpoint is disabled wait for it without holding up others",
      () =>
        Effect.gen(function*() {
          yield* reset
          const store = yield* Store
          const sql = yield* SqlClient.SqlClient
          const { locations, platformId } = yield* tenant(200)
          let up = false
          const target = yield* receiver((request) => request.path === "/a" && !up ? { status: 503 } : { status: 200 })
          const a = yield* createEndpoint(platformId, `${target.url}/a`, { eventTypes: ["pricing.updated"] })
          yield* createEndpoint(platformId, `${target.url}/b`, { eventTypes: ["location.updated"] })
          const since = DateTime.unsafeNow()
          yield* Effect.gen(function*() {
            yield* append(...locations.map((l) => locationEvent(l, 1)))
            yield* eventually(
              Effect.map(
                deliveryStates(a.endpoint.id),
                (s) => s.log.filter((l) => l.status === "failed").length === 200
              ),
              10_000,
              "every delivery to a to fail"
            )
            yield* store.update(platformId, a.endpoint.id, { enabled: false })
            expect(yield* store.recover(platformId, a.endpoint.id, since)).toEqual({ requeued: 200 })
            // More due deliveries of the disabled endpoint than a claim scans: b is served all the same.
            yield* append(
              ...locations.slice(0, 5).map((l) => locationEvent(l, 1, "location.updated"))
            )
            yield* eventually(Effect.sync(() => target.onPath("/b").length === 5), 5_000, "b's deliveries")
            const [{ parked }] = yield* sql<{ parked: number }>`
            select count(*)::int as parked from spacesync.webhook_deliveries
            where endpoint_id = ${a.endpoint.id} and due_at = 'infinity'`
            expect(parked).toBe(200)
            up = true
            yield* store.update(platformId, a.endpoint.id, { enabled: true })
            yield* eventually(
              Effect.map(
                deliveryStates(a.endpoint.id),
                (s) => s.log.filter((l) => l.status === "succeeded").length === 200
              ),
              10_000,
              "a's deliveries once enabled"
            )
          }).pipe(Effect.provide(workerLayer({ retrySchedule: [], batchSize: 10 })))
        }),
      30_000
    )

    it.scoped("disables an endpoint that has had no success for 5 days", () =>
      Effect.gen(function*() {
        yield* reset
        const sql = yield* SqlClient.SqlClient
        const { locations, platformId } = yield* tenant()
        const target = yield* receiver(() => ({ status: 500 }))
        const { endpoint } = yield* createEndpoint(platformId, `${target.url}/hook`)
        yield* sql`update spacesync.webhook_endpoints set failing_since = now() - interval '5 days 1 minute'
          where endpoint_id = ${endpoint.id}`
        yield* append(locationEvent(locations[0]!, 1))
        yield* eventually(
          Effect.map(endpointOf(platformId, endpoint.id), (e) => e.status === "disabled"),
          5_000,
          "the endpoint to be disabled"
        ).pipe(Effect.provide(workerLayer()))
        expect((yield* endpointOf(platformId, endpoint.id)).disabledReason).toBe("No successful delivery for 5 days")
        expect((yield* deliveryStates(endpoint.id)).log.map((l) => l.status)).toEqual(["failed"])
        // A success resets the clock: a failing endpoint that recovers is not disabled later.
        const healthy = yield* createEndpoint(platformId, `${target.url}/healthy`)
        target.respond = () => ({ status: 200 })
        yield* sql`update spacesync.webhook_endpoints set failing_since = now() - interval '6 days'
          where endpoint_id = ${healthy.endpoint.id}`
        yield* append(locationEvent(locations[0]!, 2))
        yield* eventually(
          Effect.map(deliveryStates(healthy.endpoint.id), (s) => s.log.length === 1),
          5_000,
          "the healthy delivery"
        ).pipe(Effect.provide(workerLayer()))
        const [row] = yield* sql<{ failing_since: Date | null; status: string }>`
          select failing_since, status from spacesync.webhook_endpoints where endpoint_id = ${healthy.endpoint.id}`
        expect(row).toEqual({ failing_since: null, status: "enabled" })
      }))

    it.scoped("after a rotation the old secret signs beside the new one for 24 hours, then stops", () =>
      Effect.gen(function*() {
        yield* reset
        const store = yield* Store
        const sql = yield* SqlClient.SqlClient
        const { locations, platformId } = yield* tenant(2)
        const target = yield* receiver()
        const { endpoint, secret: oldSecret } = yield* createEndpoint(platformId, `${target.url}/hook`)
        const { secret: newSecret } = yield* store.rotateSecret(platformId, endpoint.id)
        yield* Effect.gen(function*() {
          yield* append(locationEvent(locations[0]!, 1))
          yield* eventually(Effect.sync(() => target.received.length === 1), 5_000, "the first delivery")
          const [first] = target.received
          expect((first!.headers["webhook-signature"] as string).split(" ")).toHaveLength(2)
          expect(verifiesWith(first!, [oldSecret])).toBe(true)
          expect(verifiesWith(first!, [newSecret])).toBe(true)
          // 24 hours later the old secret no longer signs.
          yield* sql`update spacesync.webhook_endpoints set secrets = jsonb_set(secrets, '{1,expiresAt}',
            to_jsonb((now() - interval '1 second')::text)) where endpoint_id = ${endpoint.id}`
          yield* append(locationEvent(locations[1]!, 1))
          yield* eventually(Effect.sync(() => target.received.length === 2), 5_000, "the second delivery")
          const second = target.received[1]!
          expect((second.headers["webhook-signature"] as string).split(" ")).toHaveLength(1)
          expect(verifiesWith(second, [newSecret])).toBe(true)
          expect(verifiesWith(second, [oldSecret])).toBe(false)
        }).pipe(Effect.provide(workerLayer()))
      }))

    it.scoped("a slow endpoint is held to its concurrency cap and does not hold up the others", () =>
      Effect.gen(function*() {
        yield* reset
        const { locations, platformId } = yield* tenant(8)
        const target = yield* receiver((request) => request.path === "/slow" ? { status: 200, delayMs: 300 } : {})
        const slow = yield* createEndpoint(platformId, `${target.url}/slow`)
        const fast = yield* createEndpoint(platformId, `${target.url}/fast`)
        yield* Effect.gen(function*() {
          yield* append(...locations.map((l) => locationEvent(l, 1)))
          yield* eventually(Effect.sync(() => target.onPath("/fast").length === 8), 5_000, "the fast endpoint")
          // The fast endpoint is done while the slow one has had at most its first two rounds.
          expect(target.onPath("/slow").length).toBeLessThanOrEqual(4)
          yield* eventually(
            Effect.map(deliveryStates(slow.endpoint.id), (s) => s.log.length === 8),
            10_000,
            "the slow endpoint"
          )
        }).pipe(Effect.provide(workerLayer({ perEndpointConcurrency: 2, concurrency: 16 })))
        expect(target.maxConcurrent.get("/slow")).toBe(2)
        expect((yield* deliveryStates(fast.endpoint.id)).log).toHaveLength(8)
      }))

    it.scoped("a backlog beyond a platform's share is claimed as slots free up, not at the next poll", () =>
      Effect.gen(function*() {
        yield* reset
        const { locations, platformId } = yield* tenant(60)
        const target = yield* receiver(() => ({}))
        const { endpoint } = yield* createEndpoint(platformId, `${target.url}/backlog`)
        // Queued before the worker starts (no notification), more than one platform's share of 16 slots;
        // the worker polls once an hour, so only claims made as answers free slots can deliver them all.
        yield* append(...locations.map((l) => locationEvent(l, 1)))
        yield* eventually(
          Effect.map(deliveryStates(endpoint.id), (s) => s.log.length === 60),
          10_000,
          "the backlog"
        ).pipe(
          Effect.provide(workerLayer({ concurrency: 16, listen: false, pollInterval: Duration.hours(1) }))
        )
        expect(target.onPath("/backlog")).toHaveLength(60)
      }))

    it.scoped("answers that trickle in are recorded in few statements, not one per answer", () =>
      Effect.gen(function*() {
        yield* reset
        const { locations, platformId } = yield* tenant(24)
        // The receiver holds the requests until all 24 are in, then answers one every 8 ms.
        const held: Array<ServerResponse> = []
        const answeredAt: Array<number> = []
        const server = yield* Effect.acquireRelease(
          Effect.async<Server>((resume) => {
            const server = createServer((req, res) => {
              req.resume()
              req.on("end", () => {
                held.push(res)
                if (held.length === 24) {
                  held.forEach((r, i) =>
                    setTimeout(() => {
                      answeredAt.push(performance.now())
                      r.writeHead(200).end()
                    }, i * 8)
                  )
                }
              })
            })
            server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
          }),
          (server) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
        )
        const target = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
        const { endpoint } = yield* createEndpoint(platformId, `${target.url}/trickle`)
        const batches: Array<number> = []
        const countingQueue = Layer.effect(
          DeliveryQueue.DeliveryQueue,
          Effect.map(DeliveryQueue.make, (queue) =>
            DeliveryQueue.DeliveryQueue.of({
              ...queue,
              complete: (results, options) =>
                Effect.zipRight(Effect.sync(() => batches.push(results.length)), queue.complete(results, options))
            }))
        )
        yield* Effect.gen(function*() {
          yield* append(...locations.map((l) => locationEvent(l, 1)))
          yield* eventually(
            Effect.map(deliveryStates(endpoint.id), (s) => s.log.length === 24),
            10_000,
            "the deliveries"
          )
        }).pipe(
          Effect.provide(
            DeliveryWorker.layer({ ...fastWorker }).pipe(
              Layer.provide(countingQueue),
              Layer.provide(OutboundGuard.dispatcherLayerWith({ allowPrivateTargets: true }))
            )
          )
        )
        expect(batches.reduce((a, b) => a + b, 0)).toBe(24)
        // Written when half a claim batch is waiting or the oldest result is 100 ms old: 2 or 3 statements
        // for answers spread over ~190 ms, one more per 100 ms when a loaded machine fires the timers late
        // (one statement per answer would be 24; a statement every 20 ms would take 8 or more).
        const spread = answeredAt[answeredAt.length - 1] - answeredAt[0]
        expect(batches.length).toBeLessThanOrEqual(Math.floor(spread / 100) + 2)
      }))

    it.scoped("exposes attempts by outcome, latency, queue depth and the oldest due delivery as Prometheus text", () =>
      Effect.gen(function*() {
        yield* reset
        const { locations, platformId } = yield* tenant(2)
        const target = yield* receiver((request) => request.path === "/down" ? { status: 500 } : {})
        const down = yield* createEndpoint(platformId, `${target.url}/down`, { eventTypes: ["pricing.updated"] })
        yield* createEndpoint(platformId, `${target.url}/up`)
        yield* append(locationEvent(locations[0]!, 1), locationEvent(locations[1]!, 1, "location.updated"))
        yield* eventually(Effect.sync(() => target.received.length >= 3), 5_000, "the attempts").pipe(
          Effect.provide(workerLayer({ retrySchedule: [Duration.hours(1)] }))
        )
        const text = yield* DeliveryMetrics.render
        expect(text).toMatch(/^# TYPE spacesync_webhook_attempts_total counter$/m)
        expect(text).toMatch(/^spacesync_webhook_attempts_total\{outcome="success"\} [1-9]\d*$/m)
        expect(text).toMatch(/^spacesync_webhook_attempts_total\{outcome="http"\} [1-9]\d*$/m)
        expect(text).toMatch(/^# TYPE spacesync_webhook_delivery_latency_seconds histogram$/m)
        expect(text).toMatch(/^spacesync_webhook_delivery_latency_seconds_bucket\{le="\+Inf"\} [1-9]\d*$/m)
        expect(text).toMatch(/^spacesync_webhook_delivery_latency_seconds_count [1-9]\d*$/m)
        expect(text).toMatch(/^spacesync_webhook_queue_depth 1$/m)
        expect(text).toMatch(/^spacesync_webhook_queue_due 0$/m)
        expect(text).toContain(`spacesync_webhook_oldest_due_seconds{endpoint_id="${down.endpoint.id}"} 0`)
        // Make the waiting retry due: its age shows.
        const sql = yield* SqlClient.SqlClient
        yield* sql`update spacesync.webhook_deliveries set due_at = now() - interval '42 seconds'
          where endpoint_id = ${down.endpoint.id}`
        const later = yield* DeliveryMetrics.render
        expect(later).toMatch(/^spacesync_webhook_queue_due 1$/m)
        const age = later.match(/spacesync_webhook_oldest_due_seconds\{endpoint_id="[^"]+"\} ([\d.]+)/)
        expect(Number(age![1])).toBeGreaterThanOrEqual(42)
      }))
  })

  layer(baseLayer(TestDatabase.layerEmbedded()), { excludeTestServices: true, timeout: "60 seconds" })((it) => {
    it.scoped(
      "works on the embedded database, where it polls",
      () =>
        Effect.gen(function*() {
          const { locations, platformId } = yield* tenant(3)
          const target = yield* receiver()
          const { endpoint, secret } = yield* createEndpoint(platformId, `${target.url}/hook`)
          yield* append(...locations.map((l) => locationEvent(l, 1)))
          yield* eventually(
            Effect.map(deliveryStates(endpoint.id), (s) => s.log.length === 3),
            15_000,
            "the deliveries"
          ).pipe(Effect.provide(workerLayer({ listen: true })))
          expect(target.received.every((r) => verifiesWith(r, [secret]))).toBe(true)
        }),
      60_000
    )
  })
})
