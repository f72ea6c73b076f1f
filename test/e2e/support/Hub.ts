/**
 * What the end-to-end adapter tests share: the hub with its scheduler loop and delivery workers running
 * on the live clock, a platform webhook receiver on loopback, a wait for a condition, and calls to the
 * hub's API.
 */
import { expect } from "@effect/vitest"
import * as DeliveryQueue from "@spacesync/core/DeliveryQueue"
import * as DeliveryWorker from "@spacesync/core/DeliveryWorker"
import * as OutboundGuard from "@spacesync/core/OutboundGuard"
import * as Scheduler from "@spacesync/core/Scheduler"
import * as Webhook from "@spacesync/core/Webhook"
import { bundledAdapters } from "@spacesync/server/BundledAdapters"
import { Effect, Either, Layer } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as TestHub from "../../../packages/server/test/support/TestHub.js"

/** The platform's webhook receiver on loopback; closed with the scope. */
export const receiver = Effect.gen(function*() {
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

export const waitFor = <A>(get: () => A | undefined, timeoutMs = 20_000) =>
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

/** The whole hub with the bundled adapters, its scheduler loop and delivery workers. */
export const hub = Layer.provideMerge(Background, TestHub.layer(bundledAdapters))

/** A call to the hub's API with an optional bearer token and JSON body. */
export const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
  TestHub.fetchHub(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {})
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })

/** What the adapter e2e tests need of an upstream simulator: the price it changes, and where. */
export interface ChangingPrice {
  readonly changeOnePrice: Effect.Effect<{ readonly locationExternalId: string; readonly priceExternalId: string }>
}

/**
 * An operator's account of `adapter` on a simulator, synced after the simulator's first price change, and
 * the location of that price connected to a new platform whose endpoint receives `pricing.updated`. `price`
 * reads the changed price's amount from its `apiUrl`; `before` is what it answered at the start.
 */
export const connectedPrice = (options: {
  readonly adapter: string
  readonly credentials: unknown
  readonly simulator: ChangingPrice
  readonly listingId: string
}) =>
  Effect.gen(function*() {
    const platformHooks = yield* receiver
    const platform = (yield* call("/admin/platforms", {
      token: TestHub.adminToken,
      body: { name: "Desks.example", authorizationUrl: "https://desks.example/connect" }
    })).json
    const operator = (yield* call("/admin/operators", { token: TestHub.adminToken, body: { name: "Op" } })).json
    const account = yield* call("/operator/accounts", {
      token: operator.apiKey,
      body: { name: options.adapter, adapter: options.adapter, credentials: options.credentials }
    })
    expect(account.status).toBe(201)
    const accountId: string = account.json.accountId
    const hookUrl = `${yield* TestHub.baseUrl}/upstream/${accountId}/webhooks`

    // The location whose price will change (the simulator's choice), synced and connected to the platform.
    const target = yield* options.simulator.changeOnePrice
    const sync = yield* call(`/operator/accounts/${accountId}/sync`, { token: operator.apiKey, method: "POST" })
    expect(sync.status).toBe(200)
    const locations = (yield* call(`/operator/accounts/${accountId}/locations`, { token: operator.apiKey })).json
      .data as Array<{ locationId: string; externalId: string }>
    const location = locations.find((l) => l.externalId === target.locationExternalId)!
    const token: string = (yield* TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(platform))).json.access_token
    const connection = (yield* call("/operator/connections", {
      token: operator.apiKey,
      body: { platformId: platform.platformId, locationIds: [location.locationId] }
    })).json
    const state = new URL(connection.authorizeUrl).searchParams.get("state")
    yield* call(`/v1/connections/${connection.connectionId}/activate`, {
      token,
      body: { state, listings: [{ locationId: location.locationId, listingId: options.listingId }] }
    })
    const endpoint = (yield* call("/v1/webhook-endpoints", {
      token,
      body: { url: platformHooks.url, eventTypes: ["pricing.updated"] }
    })).json
    const pricesPath = `/v1/connections/${connection.connectionId}/locations/${location.locationId}/prices`
    const price = Effect.map(
      call(pricesPath, { token }),
      (res): { amount: string; currency: string } | undefined =>
        res.json.data.find((p: any) => p.externalId === target.priceExternalId)?.amount
    )
    const before = yield* price
    expect(before, `the price ${target.priceExternalId}`).toBeDefined()
    return {
      platformHooks,
      operator,
      accountId,
      hookUrl,
      target,
      sync,
      locations,
      location,
      token,
      connection,
      endpoint,
      pricesPath,
      price,
      before: before!
    }
  })

/**
 * Waits for the platform's `pricing.updated`, checks its signature with the endpoint's secret and that it
 * names the connected location; returns the event.
 */
export const verifiedPricingUpdate = (
  connected: Effect.Effect.Success<ReturnType<typeof connectedPrice>>
) =>
  Effect.gen(function*() {
    const delivered = yield* waitFor(() =>
      connected.platformHooks.received.find((r) => JSON.parse(r.body).type === "pricing.updated")
    )
    const headers = {
      "webhook-id": String(delivered.headers["webhook-id"]),
      "webhook-timestamp": String(delivered.headers["webhook-timestamp"]),
      "webhook-signature": String(delivered.headers["webhook-signature"])
    }
    expect(Either.isRight(Webhook.verify({ payload: delivered.body, headers, secrets: connected.endpoint.secret })))
      .toBe(true)
    const event = JSON.parse(delivered.body)
    expect(event.data).toMatchObject({
      connectionId: connected.connection.connectionId,
      locationId: connected.location.locationId
    })
    return event
  })
