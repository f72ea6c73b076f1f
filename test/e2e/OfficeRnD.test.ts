/**
 * OfficeRnD end to end: an operator's account on the OfficeRnD simulator, synced and connected to a
 * platform; a plan's price changes upstream and OfficeRnD sends a signed membership webhook (a re-sync
 * hint: it has no plan events) to the account's URL. Without anyone calling the sync route, the platform
 * receives a verified `pricing.updated` and its `apiUrl` answers the new price; a stale, wrongly signed or
 * replayed webhook is refused.
 */
import { expect, layer } from "@effect/vitest"
import { OfficeRnDSimulator } from "@spacesync/adapter-officernd/testing"
import * as Webhook from "@spacesync/core/Webhook"
import { Effect, Either } from "effect"
import * as TestHub from "../../packages/server/test/support/TestHub.js"
import * as Support from "./support/Hub.js"

// Real time: the scheduler loop and the delivery workers poll on the live clock.
layer(Support.hub, {
  timeout: "120 seconds",
  excludeTestServices: true
})("OfficeRnD end to end", (it) => {
  it.scoped("a signed membership webhook re-syncs the account and delivers pricing.updated with the new price", () =>
    Effect.gen(function*() {
      const simulator = yield* OfficeRnDSimulator.make()
      const platformHooks = yield* Support.receiver
      const call = Support.call

      const platform = (yield* call("/admin/platforms", {
        token: TestHub.adminToken,
        body: { name: "Desks.example", authorizationUrl: "https://desks.example/connect" }
      })).json
      const operator = (yield* call("/admin/operators", { token: TestHub.adminToken, body: { name: "Op" } })).json
      const account = yield* call("/operator/accounts", {
        token: operator.apiKey,
        body: { name: "OfficeRnD", adapter: "officernd", credentials: simulator.goodCredentials }
      })
      expect(account.status).toBe(201)
      const accountId = account.json.accountId
      const hookUrl = `${yield* TestHub.baseUrl}/upstream/${accountId}/webhooks`

      // The location whose plan will change (the simulator's choice), synced and connected to the platform.
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

      // Stale and wrongly signed webhooks are refused (401) and trigger nothing.
      const membership = {
        eventType: "membership.updated",
        object: { _id: "m-1", location: target.locationExternalId }
      }
      const stale = yield* simulator.sendWebhook({
        ...membership,
        timestamp: Math.floor(Date.now() / 1000) - 600,
        deliverTo: hookUrl
      })
      expect(stale.status).toBe(401)
      const forged = yield* simulator.sendWebhook({ ...membership, secret: "not-the-secret", deliverTo: hookUrl })
      expect(forged.status).toBe(401)

      // The plan's price changes; OfficeRnD's membership webhook is the hint. Nobody calls the sync route.
      yield* simulator.changeOnePrice
      const sent = yield* simulator.sendWebhook({ ...membership, deliverTo: hookUrl })
      expect(sent.status).toBe(202)
      // The same delivery again (a replay within the timestamp window) is refused.
      const replayed = yield* TestHub.fetchHub(`/upstream/${accountId}/webhooks`, {
        method: "POST",
        headers: sent.request.headers,
        body: Buffer.from(sent.request.body)
      })
      expect(replayed.status).toBe(401)
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
      expect(new URL(event.data.apiUrl).pathname).toBe(pricesPath)
      // The simulator raises the plan's price by one unit each time.
      const after = amountOf((yield* call(pricesPath, { token })).json)
      expect(after.currency).toBe(before.currency)
      expect(Number(after.amount)).toBe(Number(before.amount) + 1)
    }))
})
