/**
 * The whole flow that the README's "The first five minutes" walks through, end to end over real HTTP and
 * the real database: a platform and an operator are created, a feed account is synced, a connection is
 * authorized, an endpoint registered; a price changes in the feed, the signed `pricing.updated` arrives
 * and verifies (with the `standardwebhooks` package and with core's own `verify`), and the `apiUrl`
 * answers with its ETag, then 304.
 */
import { describe, expect, it } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import * as DeliveryQueue from "@spacesync/core/DeliveryQueue"
import * as DeliveryWorker from "@spacesync/core/DeliveryWorker"
import * as OutboundGuard from "@spacesync/core/OutboundGuard"
import * as Webhook from "@spacesync/core/Webhook"
import { bundledAdapters } from "@spacesync/server/BundledAdapters"
import { Effect, Either, Layer } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { Webhook as StandardWebhook } from "standardwebhooks"
import * as TestHub from "../../packages/server/test/support/TestHub.js"

interface Received {
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

/** A loopback HTTP server answering with `respond`; closed with the scope. */
const serve = (respond: (req: Http.IncomingMessage, body: string, res: Http.ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<Http.Server>((resume) => {
      const server = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (chunk) => (body += chunk))
        req.on("end", () => respond(req, body, res))
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`))

const waitFor = <A>(get: () => A | undefined, timeoutMs = 15_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const value = get()
      if (value !== undefined) return value
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
    }
    return yield* Effect.dieMessage("timed out waiting")
  })

const Workers = DeliveryWorker.layer({ pollInterval: "100 millis" }).pipe(
  Layer.provide(Layer.mergeAll(DeliveryQueue.layer, OutboundGuard.dispatcherLayer))
)

describe("end to end", () => {
  it.layer(Layer.provideMerge(Workers, TestHub.layer(bundledAdapters)), { timeout: 120_000 })((it) => {
    it.scoped("a price change reaches the platform as a signed webhook and through its apiUrl", () =>
      Effect.gen(function*() {
        // The operator's system: a canonical JSON feed on loopback.
        const feed: { locations: Array<any> } = {
          locations: [Fixtures.locationSource("berlin-1"), Fixtures.locationSource("berlin-2")]
        }
        const feedUrl = yield* serve((_req, _body, res) => {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify(feed))
        })
        // The platform's webhook receiver.
        const received: Array<Received> = []
        const receiverUrl = yield* serve((req, body, res) => {
          received.push({ headers: req.headers, body })
          res.writeHead(204)
          res.end()
        })
        const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
          TestHub.fetchHub(path, {
            method: init.method ?? (init.body === undefined ? "GET" : "POST"),
            headers: {
              ...(init.body === undefined ? {} : { "content-type": "application/json" }),
              ...(init.token ? { authorization: `Bearer ${init.token}` } : {})
            },
            ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
          })

        // 1. The hub admin creates a platform and an operator.
        const platform = (yield* call("/admin/platforms", {
          token: TestHub.adminToken,
          body: { name: "Desks.example", authorizationUrl: "https://desks.example/connect" }
        })).json
        const operator = (yield* call("/admin/operators", { token: TestHub.adminToken, body: { name: "Spaces GmbH" } }))
          .json

        // 2. The operator adds a feed account and syncs it.
        const account = (yield* call("/operator/accounts", {
          token: operator.apiKey,
          body: { name: "Feed", adapter: "feed", credentials: { url: `${feedUrl}/feed.json` } }
        })).json
        const sync = yield* call(`/operator/accounts/${account.accountId}/sync`, {
          token: operator.apiKey,
          method: "POST"
        })
        expect(sync.json).toMatchObject({ locations: 2, outcome: "succeeded" })
        const locations = (yield* call(`/operator/accounts/${account.accountId}/locations`, { token: operator.apiKey }))
          .json.data
        const berlin = locations.find((l: any) => l.externalId === "berlin-1")

        // 3. The platform gets a token (client credentials) and activates the operator's connection.
        const token = (yield* TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(platform))).json.access_token
        const connection = (yield* call("/operator/connections", {
          token: operator.apiKey,
          body: { platformId: platform.platformId, locationIds: [berlin.locationId] }
        })).json
        const state = new URL(connection.authorizeUrl).searchParams.get("state")
        const activated = yield* call(`/v1/connections/${connection.connectionId}/activate`, {
          token,
          body: { state, listings: [{ locationId: berlin.locationId, listingId: "p-77" }] }
        })
        expect(activated.json.status).toBe("active")

        // 4. The platform registers its endpoint for price changes.
        const endpoint = (yield* call("/v1/webhook-endpoints", {
          token,
          body: { url: `${receiverUrl}/hooks`, eventTypes: ["pricing.updated"] }
        })).json
        expect(endpoint.secret).toMatch(/^whsec_/)

        // 5. A price changes upstream; the next sync detects it.
        const price = feed.locations[0]!.prices[1]!
        price.amount = { amount: "31.00", currency: "EUR" }
        const resync = yield* call(`/operator/accounts/${account.accountId}/sync`, {
          token: operator.apiKey,
          method: "POST"
        })
        expect(resync.json).toMatchObject({ events: 1, counts: { updated: 1, unchanged: 1 } })

        // 6. The signed webhook arrives and verifies with others' and core's implementation.
        const hook = yield* waitFor(() => received[0])
        expect(hook.headers["content-type"]).toBe("application/json")
        const headers = {
          "webhook-id": String(hook.headers["webhook-id"]),
          "webhook-timestamp": String(hook.headers["webhook-timestamp"]),
          "webhook-signature": String(hook.headers["webhook-signature"])
        }
        const verifiedByOthers = new StandardWebhook(endpoint.secret.slice("whsec_".length)).verify(
          hook.body,
          headers
        ) as any
        const verifiedByCore = Webhook.verify({ payload: hook.body, headers, secrets: endpoint.secret })
        expect(Either.isRight(verifiedByCore)).toBe(true)
        const body = JSON.parse(hook.body)
        expect(verifiedByOthers).toEqual(body)
        expect(body).toMatchObject({
          type: "pricing.updated",
          data: {
            eventId: headers["webhook-id"],
            connectionId: connection.connectionId,
            locationId: berlin.locationId,
            listingId: "p-77",
            version: 2,
            changes: { created: [], updated: [expect.stringMatching(/^prc_/)], deleted: [] },
            fullResync: false
          }
        })
        expect(body.data.apiUrl).toMatch(
          new RegExp(`/v1/connections/${connection.connectionId}/locations/${berlin.locationId}/prices$`)
        )

        // 7. The apiUrl answers with exactly the changed data set, an ETag, and then 304.
        const path = new URL(body.data.apiUrl).pathname
        const prices = yield* call(path, { token })
        expect(prices.status).toBe(200)
        expect(prices.json.version).toBe(2)
        const changed = prices.json.data.find((p: any) => p.id === body.data.changes.updated[0])
        expect(changed).toMatchObject({ externalId: price.externalId, amount: { amount: "31.00", currency: "EUR" } })
        const etag = prices.headers.get("etag")!
        const again = yield* TestHub.fetchHub(path, {
          headers: { authorization: `Bearer ${token}`, "if-none-match": etag }
        })
        expect(again.status).toBe(304)

        // The delivery log shows the attempt; the events feed carries the same object.
        const deliveries = (yield* call(`/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token })).json.data
        expect(deliveries[0]).toMatchObject({ status: "succeeded", eventId: headers["webhook-id"] })
        const events = (yield* call("/v1/events", { token })).json.data
        expect(events.find((e: any) => e.data.eventId === headers["webhook-id"])).toEqual(body)
        // And /metrics reports the delivery beside the HTTP traffic.
        const metrics = (yield* call("/metrics")).text
        expect(metrics).toMatch(/spacesync_webhook_attempts_total\{[^}]*\} [1-9]/)
        expect(metrics).toContain("spacesync_webhook_delivery_latency_seconds_bucket")
        expect(metrics).toContain("spacesync_http_requests_total")
      }))
  })
})
