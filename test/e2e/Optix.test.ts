/**
 * Optix end to end: an operator's account on the Optix simulator (GraphQL), synced and connected to a
 * platform; a plan template's price changes upstream and Optix posts its signed form (client id,
 * timestamp, sha1 signature) to the account's URL. Without anyone calling the sync route, the platform
 * receives a verified `pricing.updated` and its `apiUrl` answers the new price. A wrong signature answers
 * 401 and re-syncs nothing.
 */
import { expect, layer } from "@effect/vitest"
import { OptixSimulator } from "@spacesync/adapter-optix/testing"
import { Effect } from "effect"
import * as Support from "./support/Hub.js"

// Real time: the scheduler loop and the delivery workers poll on the live clock.
layer(Support.hub, {
  timeout: "120 seconds",
  excludeTestServices: true
})("Optix end to end", (it) => {
  it.scoped("a signed Optix webhook re-syncs the account and delivers pricing.updated with the new price", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const connected = yield* Support.connectedPrice({
        adapter: "optix",
        credentials: simulator.goodCredentials,
        simulator,
        listingId: "o-1"
      })
      const { before, hookUrl, platformHooks } = connected

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
      expect((yield* connected.price)!).toEqual(before)
      expect(platformHooks.received).toEqual([])

      // Optix's signed form: the account re-syncs and the platform hears of it. Nobody calls the sync route.
      const sent = yield* simulator.sendWebhook({ event: "plan_template_updated", deliverTo: hookUrl })
      expect(sent.status).toBe(202)
      yield* Support.verifiedPricingUpdate(connected)
      const after = (yield* connected.price)!
      expect(after.currency).toBe(before.currency)
      expect(Number(after.amount)).toBeGreaterThan(Number(before.amount))
    }))
})
