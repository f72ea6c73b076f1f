/**
 * BookingSync end to end: an operator's account on the BookingSync simulator, synced and connected to a
 * platform; a rate changes upstream and BookingSync sends its signed webhook to the hub's one URL for the
 * application. Without anyone calling the sync route, the platform receives a verified
 * `pricing.updated` and its `apiUrl` answers the new amount.
 */
import { expect, layer } from "@effect/vitest"
import { BookingSyncSimulator } from "@spacesync/adapter-bookingsync/testing"
import * as DeliveryQueue from "@spacesync/core/DeliveryQueue"
import * as DeliveryWorker from "@spacesync/core/DeliveryWorker"
import * as OutboundGuard from "@spacesync/core/OutboundGuard"
import * as Scheduler from "@spacesync/core/Scheduler"
import * as Webhook from "@spacesync/core/Webhook"
import { bundledAdapters } from "@spacesync/server/BundledAdapters"
import { Effect, Either, Layer } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as TestHub from "../../packages/server/test/support/TestHub.js"

/** The platform's webhook receiver on loopback; closed with the scope. */
const receiver = Effect.gen(function*() {
  const received: Array<{ readonly headers: Http.IncomingHttpHeaders; readonly body: string }> = []
  const server = yield* Effect.acquireRelease(
    Effect.async<Http.Server>((resume) => {
      const server = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (chunk) => (body += chunk))
        req.on("end", () => {
          received.push({ headers: req.headers, body })
          res.writeHead(204)
          res.end()
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received }
})

const waitFor = <A>(get: () => A | undefined, timeoutMs = 20_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const value = get()
      if (value !== undefined) return value
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
    }
    return yield* Effect.dieMessage("timed out waiting")
  })

const Background = Layer.mergeAll(
  DeliveryWorker.layer({ pollInterval: "100 millis" }).pipe(
    Layer.provide(Layer.mergeAll(DeliveryQueue.layer, OutboundGuard.dispatcherLayer))
  ),
  Scheduler.layerLoop({ tick: "100 millis" })
)

// Real time: the scheduler loop and the delivery workers poll on the live clock.
layer(Layer.provideMerge(Background, TestHub.layer(bundledAdapters)), {
  timeout: "120 seconds",
  excludeTestServices: true
})("BookingSync end to end", (it) => {
  it.scoped("a signed BookingSync webhook on the application URL delivers pricing.updated with the new amount", () =>
    Effect.gen(function*() {
      const simulator = yield* BookingSyncSimulator.make({ priceExternalId: (rate) => `rate-${rate.id}-day` })
      const platformHooks = yield* receiver
      const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
        TestHub.fetchHub(path, {
          method: init.method ?? (init.body === undefined ? "GET" : "POST"),
          headers: {
            ...(init.body === undefined ? {} : { "content-type": "application/json" }),
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {})
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
        })

      const platform = (yield* call("/admin/platforms", {
        token: TestHub.adminToken,
        body: { name: "Rentals.example", authorizationUrl: "https://rentals.example/connect" }
      })).json
      const operator = (yield* call("/admin/operators", { token: TestHub.adminToken, body: { name: "Op" } })).json
      const account = yield* call("/operator/accounts", {
        token: operator.apiKey,
        body: { name: "BookingSync", adapter: "bookingsync", credentials: simulator.goodCredentials }
      })
      expect(account.status).toBe(201)
      const accountId = account.json.accountId
      const sync = yield* call(`/operator/accounts/${accountId}/sync`, { token: operator.apiKey, method: "POST" })
      expect(sync.status).toBe(200)
      const locations = (yield* call(`/operator/accounts/${accountId}/locations`, { token: operator.apiKey })).json
        .data as Array<{ locationId: string; externalId: string }>
      expect(locations.length).toBeGreaterThan(0)

      // The rental whose rate will change (the simulator's choice), connected to the platform.
      const target = yield* simulator.changeOnePrice
      yield* call(`/operator/accounts/${accountId}/sync`, { token: operator.apiKey, method: "POST" })
      const location = locations.find((l) => l.externalId === target.locationExternalId)!
      const token = (yield* TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(platform))).json.access_token
      const connection = (yield* call("/operator/connections", {
        token: operator.apiKey,
        body: { platformId: platform.platformId, locationIds: [location.locationId] }
      })).json
      const state = new URL(connection.authorizeUrl).searchParams.get("state")
      yield* call(`/v1/connections/${connection.connectionId}/activate`, {
        token,
        body: { state, listings: [{ locationId: location.locationId, listingId: "r-1" }] }
      })
      const endpoint = (yield* call("/v1/webhook-endpoints", {
        token,
        body: { url: platformHooks.url, eventTypes: ["pricing.updated"] }
      })).json

      const pricesPath = `/v1/connections/${connection.connectionId}/locations/${location.locationId}/prices`
      const amountOf = (body: any) => body.data.find((p: any) => p.externalId === target.priceExternalId)?.amount
      const before = amountOf((yield* call(pricesPath, { token })).json)
      expect(before, `the price ${target.priceExternalId}`).toBeDefined()

      // The rate changes again upstream; BookingSync sends the rental's webhook to the application URL,
      // signed with the client secret. Nobody calls the sync route.
      yield* simulator.changeOnePrice
      const hookUrl = `${yield* TestHub.baseUrl}/upstream/adapters/bookingsync/webhooks`
      const rentalId = Number(target.locationExternalId)
      const sent = yield* simulator.sendWebhook({
        accountId: simulator.accountId,
        event: "rental_updated",
        resource: simulator.resource("rentals", rentalId),
        deliverTo: hookUrl
      })
      expect(sent.status).toBe(202)

      const delivered = yield* waitFor(() =>
        platformHooks.received.find((r) => JSON.parse(r.body).type === "pricing.updated")
      )
      const headers = {
        "webhook-id": String(delivered.headers["webhook-id"]),
        "webhook-timestamp": String(delivered.headers["webhook-timestamp"]),
        "webhook-signature": String(delivered.headers["webhook-signature"])
      }
      expect(Either.isRight(Webhook.verify({ payload: delivered.body, headers, secrets: endpoint.secret }))).toBe(
        true
      )
      const event = JSON.parse(delivered.body)
      expect(event.data).toMatchObject({ connectionId: connection.connectionId, locationId: location.locationId })
      expect(new URL(event.data.apiUrl).pathname).toBe(pricesPath)
      // The simulator raises the nightly amounts by one unit each time.
      const after = amountOf((yield* call(pricesPath, { token })).json)
      expect(after.currency).toBe(before.currency)
      expect(Number(after.amount)).toBe(Number(before.amount) + 1)

      // A wrong signature answers 401 and nothing more is delivered.
      const deliveredBefore = platformHooks.received.length
      const forged = yield* simulator.sendWebhook({
        accountId: simulator.accountId,
        event: "rental_updated",
        resource: simulator.resource("rentals", rentalId),
        secret: "not-the-secret",
        deliverTo: hookUrl
      })
      expect(forged.status).toBe(401)
      yield* Effect.sleep("1 second")
      expect(platformHooks.received.length).toBe(deliveredBefore)
    }))
})
