/**
 * BookingSync end to end: an operator's account on the BookingSync simulator, synced and connected to a
 * platform; a rate changes upstream and BookingSync sends its signed webhook to the hub's one URL for the
 * application. Without anyone calling the sync route, the platform receives a verified
 * `pricing.updated` and its `apiUrl` answers the new amount.
 */
import { expect, layer } from "@effect/vitest"
import { BookingSyncSimulator } from "@spacesync/adapter-bookingsync/testing"
import * as Webhook from "@spacesync/core/Webhook"
import { Effect, Either } from "effect"
import * as TestHub from "../../packages/server/test/support/TestHub.js"
import * as Support from "./support/Hub.js"

// Real time: the scheduler loop and the delivery workers poll on the live clock.
layer(Support.hub, {
  timeout: "120 seconds",
  excludeTestServices: true
})("BookingSync end to end", (it) => {
  it.scoped("a signed BookingSync webhook on the application URL delivers pricing.updated with the new amount", () =>
    Effect.gen(function*() {
      const simulator = yield* BookingSyncSimulator.make({ priceExternalId: (rate) => `rate-${rate.id}-day` })
      const platformHooks = yield* Support.receiver
      const call = Support.call

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

      const delivered = yield* Support.waitFor(() =>
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
