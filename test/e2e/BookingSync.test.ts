/**
 * BookingSync end to end: an operator's account on the BookingSync simulator, synced and connected to a
 * platform; a rate changes upstream and BookingSync sends its signed webhook to the hub's one URL for the
 * application. Without anyone calling the sync route, the platform receives a verified
 * `pricing.updated` and its `apiUrl` answers the new amount.
 */
import { expect, layer } from "@effect/vitest"
import { BookingSyncSimulator } from "@spacesync/adapter-bookingsync/testing"
import { Effect } from "effect"
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
      const connected = yield* Support.connectedPrice({
        adapter: "bookingsync",
        credentials: simulator.goodCredentials,
        simulator,
        listingId: "r-1"
      })
      const { before, platformHooks, pricesPath, target } = connected
      expect(connected.locations.length).toBeGreaterThan(0)

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

      const event = yield* Support.verifiedPricingUpdate(connected)
      expect(new URL(event.data.apiUrl).pathname).toBe(pricesPath)
      // The simulator raises the nightly amounts by one unit each time.
      const after = (yield* connected.price)!
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
