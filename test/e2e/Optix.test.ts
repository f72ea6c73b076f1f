/**
 * Optix end to end: an operator's account on the Optix simulator (GraphQL), synced and connected to a
 * platform; a plan template's price changes upstream and Optix posts its signed form (client id,
 * timestamp, sha1 signature) to the account's URL. Without anyone calling the sync route, the platform
 * receives a verified `pricing.updated` and its `apiUrl` answers the new price. A wrong signature answers
 * 401 and re-syncs nothing.
 */
import { expect, layer } from "@effect/vitest"
import { OptixSimulator } from "@spacesync/adapter-optix/testing"
import * as Webhook from "@spacesync/core/Webhook"
import { Effect, Either } from "effect"
import * as TestHub from "../../packages/server/test/support/TestHub.js"
import * as Support from "./support/Hub.js"

// Real time: the scheduler loop and the delivery workers poll on the live clock.
layer(Support.hub, {
  timeout: "120 seconds",
  excludeTestServices: true
})("Optix end to end", (it) => {
  it.scoped("a signed Optix webhook re-syncs the account and delivers pricing.updated with the new price", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const platformHooks = yield* Support.receiver
      const call = Support.call

      const platform = (yield* call("/admin/platforms", {
        token: TestHub.adminToken,
        body: { name: "Desks.example", authorizationUrl: "https://desks.example/connect" }
      })).json
      const operator = (yield* call("/admin/operators", { token: TestHub.adminToken, body: { name: "Op" } })).json
      const account = yield* call("/operator/accounts", {
        token: operator.apiKey,
        body: { name: "Optix", adapter: "optix", credentials: simulator.goodCredentials }
      })
      expect(account.status).toBe(201)
      const accountId = account.json.accountId
      const hookUrl = `${yield* TestHub.baseUrl}/upstream/${accountId}/webhooks`

      const target = yield* simulator.changeOnePrice
      const sync = yield* call(`/operator/accounts/${accountId}/sync`, { token: operator.apiKey, method: "POST" })
      expect(sync.status).toBe(200)
      const locations = (yield* call(`/operator/accounts/${accountId}/locations`, { token: operator.apiKey })).json
        .data as Array<{ locationId: string; externalId: string }>
      const location = locations.find((l) => l.externalId === target.locationExternalId)!
      const token = (yield* TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(platform))).json.access_token
      const connection = (yield* call("/operator/connections", {
        token: operator.apiKey,
        body: { platformId: platform.platformId, locationIds: [location.locationId] }
      })).json
      const state = new URL(connection.authorizeUrl).searchParams.get("state")
      yield* call(`/v1/connections/${connection.connectionId}/activate`, {
        token,
        body: { state, listings: [{ locationId: location.locationId, listingId: "o-1" }] }
      })
      const endpoint = (yield* call("/v1/webhook-endpoints", {
        token,
        body: { url: platformHooks.url, eventTypes: ["pricing.updated"] }
      })).json
      const pricesPath = `/v1/connections/${connection.connectionId}/locations/${location.locationId}/prices`
      const amountOf = (body: any) => body.data.find((p: any) => p.externalId === target.priceExternalId)?.amount
      const before = amountOf((yield* call(pricesPath, { token })).json)
      expect(before, `the price ${target.priceExternalId}`).toBeDefined()

      // The price changes, but a request with a wrong signature is refused and re-syncs nothing.
      yield* simulator.changeOnePrice
      const requests = yield* simulator.requests
      const forged = yield* simulator.sendWebhook({
        event: "plan_template_updated",
        secret: "not-the-app-secret",
        deliverTo: hookUrl
      })
      expect(forged.status).toBe(401)
      yield* Effect.sleep("1 second")
      expect(yield* simulator.requests).toBe(requests)
      expect(amountOf((yield* call(pricesPath, { token })).json)).toEqual(before)
      expect(platformHooks.received).toEqual([])

      // Optix's signed form: the account re-syncs and the platform hears of it. Nobody calls the sync route.
      const sent = yield* simulator.sendWebhook({ event: "plan_template_updated", deliverTo: hookUrl })
      expect(sent.status).toBe(202)
      const delivered = yield* Support.waitFor(() =>
        platformHooks.received.find((r) => JSON.parse(r.body).type === "pricing.updated")
      )
      const headers = {
        "webhook-id": String(delivered.headers["webhook-id"]),
        "webhook-timestamp": String(delivered.headers["webhook-timestamp"]),
        "webhook-signature": String(delivered.headers["webhook-signature"])
      }
      expect(Either.isRight(Webhook.verify({ payload: delivered.body, headers, secrets: endpoint.secret }))).toBe(true)
      const event = JSON.parse(delivered.body)
      expect(event.data).toMatchObject({ connectionId: connection.connectionId, locationId: location.locationId })
      const after = amountOf((yield* call(pricesPath, { token })).json)
      expect(after.currency).toBe(before.currency)
      expect(Number(after.amount)).toBeGreaterThan(Number(before.amount))
    }))
})
