import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { DateTime, Duration, Effect } from "effect"
import * as DeliveryQueue from "../src/DeliveryQueue.js"
import * as SecretBox from "../src/SecretBox.js"
import * as Webhook from "../src/Webhook.js"
import * as WebhookEndpoints from "../src/WebhookEndpoints.js"
import { append, baseLayer, createEndpoint, deliveryStates, locationEvent, seedTenant } from "./support/Delivery.js"

const Store = WebhookEndpoints.WebhookEndpoints

/** Claims everything due for the endpoint and records `outcome` for it, as a worker would. */
const settle = (outcome: "succeeded" | "failed" | "retry", statusCode = outcome === "succeeded" ? 200 : 500) =>
  Effect.gen(function*() {
    const queue = yield* DeliveryQueue.DeliveryQueue
    const claimed = yield* queue.claim({
      claimId: `clm_${Math.random().toString(36).slice(2)}`,
      limit: 100,
      perEndpoint: 100,
      inFlight: new Map(),
      lease: "1 minute"
    })
    yield* queue.complete(
      claimed.map((c) => ({
        claimId: c.claimId,
        tid: c.tid,
        deliveryId: c.deliveryId,
        endpointId: c.endpointId,
        attempt: c.attempt,
        trigger: c.trigger,
        url: c.url,
        outcome,
        attemptedAt: new Date(),
        durationMs: 3,
        statusCode,
        responseExcerpt: "nope",
        errorClass: outcome === "succeeded" ? null : "http",
        errorMessage: outcome === "succeeded" ? null : `HTTP ${statusCode}`,
        nextAttemptAt: outcome === "retry" ? new Date(Date.now() + 60_000) : null,
        reason: outcome === "failed" ? "Retries exhausted" : null
      })),
      { disableAfter: Duration.days(5) }
    )
    return claimed
  })

describe("WebhookEndpoints", () => {
  layer(baseLayer(), { excludeTestServices: true })((it) => {
    it.effect("creates an endpoint, returns its secret once and stores it encrypted, bound to the endpoint", () =>
      Effect.gen(function*() {
        const store = yield* Store
        const sql = yield* SqlClient.SqlClient
        const box = yield* SecretBox.SecretBox
        const { platformId } = yield* seedTenant()
        const { endpoint, secret } = yield* store.create(platformId, {
          url: "https://platform.example/hooks",
          eventTypes: ["pricing.updated", "resources.updated"],
          description: "prices"
        })
        expect(endpoint).toMatchObject({
          platformId,
          url: "https://platform.example/hooks",
          eventTypes: ["pricing.updated", "resources.updated"],
          description: "prices",
          status: "enabled",
          disabledReason: null
        })
        expect(endpoint.id).toMatch(/^ep_/)
        expect(secret).toMatch(/^whsec_/)
        expect(Webhook.secretKey(secret)!.length).toBe(32)
        const [row] = yield* sql<{ secrets: ReadonlyArray<DeliveryQueue.StoredSecret> }>`
          select secrets from spacesync.webhook_endpoints where endpoint_id = ${endpoint.id}`
        expect(JSON.stringify(row)).not.toContain(secret.slice(6))
        expect(yield* box.decrypt("webhook-secrets", row!.secrets[0]!.key, endpoint.id)).toBe(secret)
        expect(yield* Effect.flip(box.decrypt("webhook-secrets", row!.secrets[0]!.key, "ep_other"))).toMatchObject({
          _tag: "DecryptError"
        })
        expect((yield* store.get(platformId, endpoint.id)).eventTypes).toEqual(["pricing.updated", "resources.updated"])
        expect((yield* store.list(platformId)).map((e) => e.id)).toEqual([endpoint.id])
      }))

    it.effect("creates many endpoints in one statement, each with its own secret; one invalid URL creates none", () =>
      Effect.gen(function*() {
        const store = yield* Store
        const sql = yield* SqlClient.SqlClient
        const box = yield* SecretBox.SecretBox
        const { platformId } = yield* seedTenant()
        const created = yield* store.createMany(platformId, [
          { url: "https://a.example/hooks", eventTypes: ["pricing.updated", "pricing.updated"] },
          { url: "https://b.example/hooks", description: "b" },
          { url: "https://c.example/hooks", eventTypes: [] }
        ])
        expect(created.map((c) => [c.endpoint.url, c.endpoint.eventTypes, c.endpoint.description])).toEqual([
          ["https://a.example/hooks", ["pricing.updated"], null],
          ["https://b.example/hooks", null, "b"],
          ["https://c.example/hooks", null, null]
        ])
        expect(new Set(created.map((c) => c.secret)).size).toBe(3)
        for (const { endpoint, secret } of created) {
          const [row] = yield* sql<{ secrets: ReadonlyArray<DeliveryQueue.StoredSecret>; status: string }>`
            select secrets, status from spacesync.webhook_endpoints where endpoint_id = ${endpoint.id}`
          expect(row!.status).toBe("enabled")
          expect(yield* box.decrypt("webhook-secrets", row!.secrets[0]!.key, endpoint.id)).toBe(secret)
        }
        const error = yield* Effect.flip(store.createMany(platformId, [
          { url: "https://d.example/hooks" },
          { url: "ftp://e.example/hooks" }
        ]))
        expect(error).toMatchObject({ _tag: "InvalidEndpoint", reason: "InvalidUrl" })
        expect((yield* store.list(platformId)).map((e) => e.url).sort()).toEqual([
          "https://a.example/hooks",
          "https://b.example/hooks",
          "https://c.example/hooks"
        ])
        expect(yield* store.createMany(platformId, [])).toEqual([])
      }))

    it.effect("scopes everything by platform: another platform's endpoint is not found", () =>
      Effect.gen(function*() {
        const store = yield* Store
        const mine = yield* seedTenant()
        const theirs = yield* seedTenant()
        const { endpoint } = yield* store.create(mine.platformId, { url: "https://mine.example/" })
        const notFound = { _tag: "EndpointNotFound", endpointId: endpoint.id }
        expect(yield* Effect.flip(store.get(theirs.platformId, endpoint.id))).toMatchObject(notFound)
        expect(yield* Effect.flip(store.update(theirs.platformId, endpoint.id, { url: "https://x.example" })))
          .toMatchObject(notFound)
        expect(yield* Effect.flip(store.delete(theirs.platformId, endpoint.id))).toMatchObject(notFound)
        expect(yield* Effect.flip(store.rotateSecret(theirs.platformId, endpoint.id))).toMatchObject(notFound)
        expect(yield* Effect.flip(store.deliveries(theirs.platformId, endpoint.id))).toMatchObject(notFound)
        expect(yield* Effect.flip(store.recover(theirs.platformId, endpoint.id, DateTime.unsafeNow())))
          .toMatchObject(notFound)
        expect(yield* store.list(theirs.platformId)).toEqual([])
        expect(yield* Effect.flip(store.get(mine.platformId, "ep_doesnotexist"))).toMatchObject({
          _tag: "EndpointNotFound"
        })
        // Deliveries of another platform are not found either.
        yield* append(locationEvent(mine.locationId, 1))
        const [delivery] = yield* store.deliveries(mine.platformId, endpoint.id)
        expect(yield* Effect.flip(store.resend(theirs.platformId, delivery!.id))).toMatchObject({
          _tag: "DeliveryNotFound"
        })
        expect(yield* Effect.flip(store.delivery(theirs.platformId, delivery!.id))).toMatchObject({
          _tag: "DeliveryNotFound"
        })
        yield* store.delete(mine.platformId, endpoint.id)
        expect(yield* Effect.flip(store.get(mine.platformId, endpoint.id))).toMatchObject(notFound)
      }))

    it.effect("validates URLs, and refuses private targets at save time unless allowed", () =>
      Effect.gen(function*() {
        const store = yield* Store
        const strict = yield* WebhookEndpoints.make({ allowPrivateTargets: false })
        const { platformId } = yield* seedTenant()
        const reason = (s: typeof store, url: string) =>
          Effect.map(Effect.flip(s.create(platformId, { url })), (e) => e.reason)
        expect(yield* reason(store, "not a url")).toBe("InvalidUrl")
        expect(yield* reason(store, "ftp://example.com/x")).toBe("InvalidUrl")
        for (const url of ["http://127.0.0.1:9/x", "http://[::1]/", "http://localhost/", "http://169.254.169.254/"]) {
          expect([url, yield* reason(strict, url)]).toEqual([url, "RefusedTarget"])
        }
        expect((yield* strict.create(platformId, { url: "https://hooks.example.com/x" })).endpoint.url).toBe(
          "https://hooks.example.com/x"
        )
        // Kept exactly as given.
        expect((yield* strict.create(platformId, { url: "https://hooks.example.com" })).endpoint.url).toBe(
          "https://hooks.example.com"
        )
        expect((yield* store.create(platformId, { url: "http://127.0.0.1:9/x" })).endpoint.status).toBe("enabled")
      }))

    it.effect("updates fields; disabling fails queued deliveries with the reason, enabling clears it", () =>
      Effect.gen(function*() {
        const store = yield* Store
        const { locationId, platformId } = yield* seedTenant()
        const { endpoint } = yield* createEndpoint(platformId, "https://p.example/a")
        const updated = yield* store.update(platformId, endpoint.id, {
          url: "https://p.example/b",
          eventTypes: ["location.updated"],
          description: "only locations"
        })
        expect(updated).toMatchObject({
          url: "https://p.example/b",
          eventTypes: ["location.updated"],
          description: "only locations"
        })
        const all = yield* store.update(platformId, endpoint.id, { eventTypes: null, description: null })
        expect(all).toMatchObject({ eventTypes: null, description: null, url: "https://p.example/b" })
        // An empty filter means every event type too.
        yield* store.update(platformId, endpoint.id, { eventTypes: ["location.updated"] })
        expect((yield* store.update(platformId, endpoint.id, { eventTypes: [] })).eventTypes).toBeNull()
        yield* append(locationEvent(locationId, 1))
        const disabled = yield* store.update(platformId, endpoint.id, { enabled: false })
        expect(disabled).toMatchObject({ status: "disabled", disabledReason: "Disabled by the platform" })
        expect(disabled.disabledAt).not.toBeNull()
        const states = yield* deliveryStates(endpoint.id)
        expect(states.queued).toEqual([])
        expect(states.log.map((l) => [l.status, l.reason])).toEqual([[
          "failed",
          "endpoint disabled: Disabled by the platform"
        ]])
        // While disabled, nothing is queued for it.
        yield* append(locationEvent(locationId, 2, "location.updated"))
        expect((yield* deliveryStates(endpoint.id)).queued).toEqual([])
        const enabled = yield* store.update(platformId, endpoint.id, { enabled: true })
        expect(enabled).toMatchObject({ status: "enabled", disabledReason: null, disabledAt: null })
      }))

    it.effect("rotates the secret: the previous one stays valid for 24 hours", () =>
      Effect.gen(function*() {
        const store = yield* Store
        const sql = yield* SqlClient.SqlClient
        const box = yield* SecretBox.SecretBox
        const { platformId } = yield* seedTenant()
        const { endpoint, secret: first } = yield* createEndpoint(platformId, "https://p.example/")
        const { secret: second } = yield* store.rotateSecret(platformId, endpoint.id)
        const { secret: third } = yield* store.rotateSecret(platformId, endpoint.id)
        expect(new Set([first, second, third]).size).toBe(3)
        const [row] = yield* sql<{ secrets: ReadonlyArray<DeliveryQueue.StoredSecret> }>`
          select secrets from spacesync.webhook_endpoints where endpoint_id = ${endpoint.id}`
        const plain = yield* Effect.forEach(row!.secrets, (s) =>
          Effect.map(box.decrypt("webhook-secrets", s.key, endpoint.id), (value) => ({
            value,
            expiresAt: s.expiresAt
          })))
        expect(plain.map((s) =>
          s.value
        )).toEqual([third, second, first])
        expect(plain[0]!.expiresAt).toBeNull()
        for (const old of plain.slice(1)) {
          const left = Date.parse(old.expiresAt!) - Date.now()
          expect(left).toBeGreaterThan(23.9 * 3600_000)
          expect(left).toBeLessThanOrEqual(24 * 3600_000)
        }
      }))

    it.effect("lists deliveries by status with their attempts; resends one; recovers failed ones since a time", () =>
      Effect.gen(function*() {
        const store = yield* Store
        const { locationId, platformId } = yield* seedTenant()
        const { endpoint } = yield* createEndpoint(platformId, "https://p.example/")
        const before = DateTime.unsafeNow()
        const [succeeded] = yield* append(locationEvent(locationId, 1, "location.updated"))
        yield* settle("succeeded")
        const [failed] = yield* append(locationEvent(locationId, 1, "resources.updated"))
        yield* settle("failed")
        const [pending] = yield* append(locationEvent(locationId, 1, "pricing.updated"))
        yield* settle("retry", 503)

        const byStatus = (status?: WebhookEndpoints.DeliveryStatus) =>
          Effect.map(store.deliveries(platformId, endpoint.id, { status }), (ds) => ds.map((d) => d.eventId))
        expect(yield* byStatus()).toEqual([pending!.eventId, failed!.eventId, succeeded!.eventId])
        expect(yield* byStatus("succeeded")).toEqual([succeeded!.eventId])
        expect(yield* byStatus("failed")).toEqual([failed!.eventId])
        expect(yield* byStatus("pending")).toEqual([pending!.eventId])
        expect(yield* byStatus("superseded")).toEqual([])
        const [pendingDelivery] = yield* store.deliveries(platformId, endpoint.id, { status: "pending" })
        expect(pendingDelivery).toMatchObject({ status: "pending", attemptCount: 1, lastStatusCode: 503 })
        expect(pendingDelivery!.nextAttemptAt).not.toBeNull()
        expect(pendingDelivery!.attempts).toHaveLength(1)
        expect(pendingDelivery!.attempts[0]).toMatchObject({
          attempt: 1,
          trigger: "scheduled",
          url: "https://p.example/",
          statusCode: 503,
          errorClass: "http",
          responseExcerpt: "nope"
        })
        expect(pendingDelivery!.attempts[0]!.nextAttemptAt).not.toBeNull()

        // Resend a finished delivery: queued again, due now, one manual attempt.
        const [done] = yield* store.deliveries(platformId, endpoint.id, { status: "succeeded" })
        const resent = yield* store.resend(platformId, done!.id)
        expect(resent).toMatchObject({ id: done!.id, status: "pending", attemptCount: 1 })
        const [manual] = yield* settle("succeeded")
        expect(manual).toMatchObject({ deliveryId: done!.id, trigger: "manual", attempt: 2 })
        // Resend a delivery waiting for a retry: it is due now.
        yield* store.resend(platformId, pendingDelivery!.id)
        const again = yield* settle("retry", 500)
        expect(again.map((c) => [c.deliveryId, c.trigger])).toEqual([[pendingDelivery!.id, "manual"]])

        // Recover every failed delivery since a time.
        expect(yield* store.recover(platformId, endpoint.id, DateTime.add(DateTime.unsafeNow(), { hours: 1 })))
          .toEqual({ requeued: 0 })
        expect(yield* store.recover(platformId, endpoint.id, before)).toEqual({ requeued: 1 })
        const [recovered] = yield* settle("succeeded")
        expect(recovered).toMatchObject({ eventId: failed!.eventId, trigger: "recover", attempt: 2 })
        const history = yield* store.delivery(platformId, recovered!.deliveryId)
        expect(history.status).toBe("succeeded")
        expect(history.attempts.map((a) => [a.attempt, a.trigger, a.statusCode])).toEqual([
          [1, "scheduled", 500],
          [2, "recover", 200]
        ])
      }))
  })
})
