/**
 * The embedding app end to end, on a database of its own: an account of the feed adapter on a feed served
 * on loopback, a sync through the app's route, a webhook endpoint, a changed price, and the signed webhook
 * that the app's delivery worker sends to a receiver on loopback, verified with `@spacesync/core/Webhook`.
 */
import { describe, expect, it } from "@effect/vitest"
import { FeedSimulator } from "@spacesync/adapter-feed/testing"
import { TestDatabase } from "@spacesync/core/testing"
import * as Webhook from "@spacesync/core/Webhook"
import { Effect } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { start } from "../src/app.js"

const secretKey = "embed-core-test-secret-key-0123456789abcdef"

/** The app on a fresh database, closed with the scope. */
const app = Effect.gen(function*() {
  const database = yield* TestDatabase.createDatabase
  return yield* Effect.acquireRelease(
    Effect.promise(() =>
      start({
        databaseUrl: database.url,
        secretKey,
        allowPrivateTargets: true,
        schedulerTick: "200 millis",
        deliveryPollInterval: "100 millis"
      })
    ),
    (running) => Effect.promise(() => running.close())
  )
})

/** A platform's webhook receiver on loopback, closed with the scope. */
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

const call = (base: string, path: string, init: { method?: string; body?: unknown; raw?: string } = {}) =>
  Effect.promise(async () => {
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body))
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? (body === undefined ? "GET" : "POST"),
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body })
    })
    const text = await response.text()
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      json: text === "" ? undefined : JSON.parse(text) as any
    }
  })

const waitFor = <A>(get: () => A | undefined, timeoutMs = 20_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const value = get()
      if (value !== undefined) return value
      yield* Effect.sleep("50 millis")
    }
    return yield* Effect.dieMessage("timed out waiting")
  })

describe("embed-core", () => {
  it.scopedLive(
    "syncs a feed through its own routes and delivers a signed pricing.updated webhook",
    () =>
      Effect.gen(function*() {
        const { url } = yield* app
        const feed = yield* FeedSimulator.make({ locations: 2 })
        const hooks = yield* receiver

        const created = yield* call(url, "/accounts", {
          body: { name: "Coworking Berlin", adapter: "feed", credentials: feed.goodCredentials }
        })
        expect(created.status).toBe(201)
        expect(created.json).toMatchObject({ name: "Coworking Berlin", adapter: "feed", status: "active" })
        const accountId: string = created.json.accountId
        expect(accountId).toMatch(/^acc_/)

        const first = yield* call(url, `/accounts/${accountId}/sync`, { method: "POST" })
        expect(first.status).toBe(200)
        expect(first.json).toMatchObject({ outcome: "succeeded", mode: "full", newlyConnectedLocations: 2 })
        // The scheduler loop may have synced the new account already: either way both locations are stored.
        expect(first.json.counts.created + first.json.counts.unchanged).toBe(2)

        const accounts = yield* call(url, "/accounts")
        expect(accounts.json.data).toHaveLength(1)
        expect(accounts.json.data[0].lastSync).toMatchObject({ outcome: "succeeded" })

        const endpoint = yield* call(url, "/endpoints", { body: { url: hooks.url, eventTypes: ["pricing.updated"] } })
        expect(endpoint.status).toBe(201)
        expect(endpoint.json).toMatchObject({ url: hooks.url, eventTypes: ["pricing.updated"] })
        expect(endpoint.json.secret).toMatch(/^whsec_/)

        const changed = yield* feed.changeOnePrice
        const second = yield* call(url, `/accounts/${accountId}/sync`, { method: "POST" })
        expect(second.status).toBe(200)
        expect(second.json.counts.updated).toBe(1)
        expect(second.json.newlyConnectedLocations).toBe(0)
        expect(second.json.events.map((e: any) => e.type)).toEqual(["pricing.updated"])

        // The app's delivery worker, running in the background, sends it.
        const delivery = yield* waitFor(() => hooks.received[0])
        const verified = yield* Webhook.verify({
          payload: delivery.body,
          headers: delivery.headers as Record<string, string>,
          secrets: endpoint.json.secret
        })
        const event = verified.payload as any
        expect(event.type).toBe("pricing.updated")
        expect(event.data.version).toBe(2)
        expect(event.data.changes.updated).toHaveLength(1)
        // `apiUrl` is built on the app's public URL; the data routes behind it are the server package's (see README).
        expect(event.data.apiUrl).toBe(
          `${url}/v1/connections/${event.data.connectionId}/locations/${event.data.locationId}/prices`
        )
        expect(second.json.events[0].locationId).toBe(event.data.locationId)
        expect(changed.locationExternalId).toBe("loc-1")

        // The app's own read of the location has the new version and the changed price.
        const location = yield* call(url, `/locations/${event.data.locationId}`)
        expect(location.status).toBe(200)
        expect(location.json.version).toBe(2)
        expect(location.json.location.externalId).toBe(changed.locationExternalId)
        const price = location.json.prices.find((p: any) => p.externalId === changed.priceExternalId)
        expect(price.id).toBe(event.data.changes.updated[0])
        expect(price.amount).toEqual({ amount: "11.50", currency: "EUR" })

        // A signature made with another secret does not verify.
        const forged = yield* Effect.either(Webhook.verify({
          payload: delivery.body,
          headers: delivery.headers as Record<string, string>,
          secrets: "whsec_" + Buffer.alloc(32, 7).toString("base64")
        }))
        expect(forged._tag).toBe("Left")

        // The event log and the endpoint's deliveries say the same.
        const events = yield* call(url, "/events?limit=500")
        expect(events.status).toBe(200)
        const types = events.json.data.map((e: any) => e.type)
        expect(types).toContain("connection.activated")
        expect(types.filter((t: string) => t === "location.created").length).toBeGreaterThanOrEqual(2)
        expect(types.at(-1)).toBe("pricing.updated")
        expect(events.json.next).toBeNull()
        const page = yield* call(url, "/events?limit=1")
        expect(page.json.data).toHaveLength(1)
        const rest = yield* call(url, `/events?after=${page.json.next}&limit=500`)
        expect(rest.json.data.length).toBe(events.json.data.length - 1)

        const deliveries = yield* call(url, `/endpoints/${endpoint.json.id}/deliveries`)
        expect(deliveries.status).toBe(200)
        expect(deliveries.json.data.map((d: any) => d.eventId)).toEqual([verified.id])
      }),
    60_000
  )

  it.scopedLive("the scheduler loop syncs in the background", () =>
    Effect.gen(function*() {
      const { url } = yield* app
      const feed = yield* FeedSimulator.make({ locations: 1 })
      const created = yield* call(url, "/accounts", {
        body: { name: "Polled", credentials: feed.goodCredentials, pollIntervalSeconds: 10 }
      })
      expect(created.status).toBe(201)
      // No sync through the route: the scheduler finds the new account due and syncs it.
      const events = yield* Effect.gen(function*() {
        for (let i = 0; i < 200; i++) {
          const page = yield* call(url, "/events?limit=500")
          if (page.json.data.some((e: any) => e.type === "location.created")) return page.json.data
          yield* Effect.sleep("100 millis")
        }
        return yield* Effect.dieMessage("the scheduler never synced the account")
      })
      expect(events.filter((e: any) => e.type === "location.created" && e.accountId === created.json.accountId))
        .toHaveLength(1)
    }), 60_000)

  it.scopedLive("bad input gets clear 4xx problems", () =>
    Effect.gen(function*() {
      const { url } = yield* app
      const notJson = yield* call(url, "/accounts", { raw: "{name:" })
      expect(notJson).toMatchObject({ status: 400, type: "application/problem+json" })
      expect(notJson.json).toMatchObject({ title: "Bad Request", detail: "The body is not JSON" })

      const noName = yield* call(url, "/accounts", { body: { credentials: { url: "https://example.com/feed.json" } } })
      expect(noName.status).toBe(400)
      expect(noName.json.errors.map((e: any) => e.path)).toContain("name")

      const badCredentials = yield* call(url, "/accounts", { body: { name: "x", credentials: { url: 42 } } })
      expect(badCredentials.status).toBe(400)
      expect(badCredentials.json.errors.length).toBeGreaterThan(0)

      const unknownAdapter = yield* call(url, "/accounts", { body: { name: "x", adapter: "nope", credentials: {} } })
      expect(unknownAdapter.status).toBe(400)
      expect(unknownAdapter.json.detail).toContain("nope")

      const noAccount = yield* call(url, "/accounts/acc_00000000000000000000000000/sync", { method: "POST" })
      expect(noAccount.status).toBe(404)
      const garbageId = yield* call(url, "/accounts/not-an-id/sync", { method: "POST" })
      expect(garbageId.status).toBe(404)

      const badEndpoint = yield* call(url, "/endpoints", { body: { url: "ftp://example.com/hooks" } })
      expect(badEndpoint.status).toBe(400)
      expect(badEndpoint.json.errors[0].path).toBe("url")
      const badType = yield* call(url, "/endpoints", { body: { url: "https://example.com/h", eventTypes: ["nope"] } })
      expect(badType.status).toBe(400)

      expect((yield* call(url, "/events?limit=0")).status).toBe(400)
      expect((yield* call(url, "/events?after=-1")).status).toBe(400)
      expect((yield* call(url, "/endpoints/ep_nope/deliveries")).status).toBe(404)
      expect((yield* call(url, "/locations/loc_00000000000000000000000000")).status).toBe(404)
      expect((yield* call(url, "/nowhere")).status).toBe(404)
      expect((yield* call(url, "/healthz")).json).toEqual({ ok: true })
    }), 60_000)
})
