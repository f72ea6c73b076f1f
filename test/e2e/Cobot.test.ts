/**
 * Cobot end to end: an operator's account on the Cobot simulator, synced and connected to a platform; a
 * plan's price changes upstream and Cobot posts its unsigned hint (`{"url": …}`) to the account's URL.
 * Without anyone calling the sync route, the platform receives a verified `pricing.updated` and its
 * `apiUrl` answers the new price; a hint naming another space is refused and fetches nothing.
 */
import { expect, layer } from "@effect/vitest"
import { CobotSimulator, SeedData } from "@spacesync/adapter-cobot/testing"
import { Effect } from "effect"
import * as Support from "./support/Hub.js"

// Real time: the scheduler loop and the delivery workers poll on the live clock.
layer(Support.hub, {
  timeout: "120 seconds",
  excludeTestServices: true
})("Cobot end to end", (it) => {
  it.scoped("an unsigned Cobot hint re-syncs the account and delivers pricing.updated with the new price", () =>
    Effect.gen(function*() {
      const simulator = yield* CobotSimulator.make({ priceExternalId: (plan) => `plan-${plan.id}` })
      const connected = yield* Support.connectedPrice({
        adapter: "cobot",
        credentials: simulator.goodCredentials,
        simulator,
        listingId: "c-1"
      })
      const { before, hookUrl, target } = connected

      // A hint naming another space is refused and nothing is fetched for it.
      const requests = yield* simulator.requests
      const foreign = yield* simulator.sendWebhook({
        event: "updated_resource",
        url: `https://${SeedData.subdomains.tokyo}.cobot.me/api/resources/${SeedData.resourceIds.tokyoMeetingRoom}`,
        deliverTo: hookUrl
      })
      expect(foreign.status).toBe(401)
      expect(yield* simulator.requests).toBe(requests)
      expect(yield* simulator.foreignReads).toBe(0)

      // The plan's price changes; Cobot's unsigned hint names the account's own space. Nobody calls the
      // sync route.
      yield* simulator.changeOnePrice
      const sent = yield* simulator.sendWebhook({
        event: "updated_plan",
        url: simulator.urls.space(target.locationExternalId),
        deliverTo: hookUrl
      })
      expect(sent.status).toBe(202)
      yield* Support.verifiedPricingUpdate(connected)
      const after = (yield* connected.price)!
      expect(after.currency).toBe(before.currency)
      expect(Number(after.amount)).toBeGreaterThan(Number(before.amount))
    }))
})
