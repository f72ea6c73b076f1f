/**
 * OfficeRnD end to end: an operator's account on the OfficeRnD simulator, synced and connected to a
 * platform; a plan's price changes upstream and OfficeRnD sends a signed membership webhook (a re-sync
 * hint: it has no plan events) to the account's URL. Without anyone calling the sync route, the platform
 * receives a verified `pricing.updated` and its `apiUrl` answers the new price; a stale, wrongly signed or
 * replayed webhook is refused.
 */
import { expect, layer } from "@effect/vitest"
import { OfficeRnDSimulator } from "@spacesync/adapter-officernd/testing"
import { Effect } from "effect"
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
      const connected = yield* Support.connectedPrice({
        adapter: "officernd",
        credentials: simulator.goodCredentials,
        simulator,
        listingId: "o-1"
      })
      const { accountId, before, hookUrl, pricesPath, target } = connected

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
      const event = yield* Support.verifiedPricingUpdate(connected)
      expect(new URL(event.data.apiUrl).pathname).toBe(pricesPath)
      // The simulator raises the plan's price by one unit each time.
      const after = (yield* connected.price)!
      expect(after.currency).toBe(before.currency)
      expect(Number(after.amount)).toBe(Number(before.amount) + 1)
    }))
})
