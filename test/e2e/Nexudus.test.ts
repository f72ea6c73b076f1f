/**
 * Nexudus end to end: an operator's account on the Nexudus simulator (its `baseUrl`), synced and
 * connected to a platform; a tariff's price changes upstream and Nexudus posts a signed booking webhook
 * naming the business to the account's URL. Without anyone calling the sync route, the platform receives
 * a verified `pricing.updated` and its `apiUrl` answers the new price. A webhook signed with another
 * secret answers 401 and reads nothing upstream.
 */
import { expect, layer } from "@effect/vitest"
import { NexudusSimulator } from "@spacesync/adapter-nexudus/testing"
import { Effect } from "effect"
import * as Support from "./support/Hub.js"

// Real time: the scheduler loop and the delivery workers poll on the live clock.
layer(Support.hub, {
  timeout: "120 seconds",
  excludeTestServices: true
})("Nexudus end to end", (it) => {
  it.scoped("a signed booking webhook re-syncs its business and delivers pricing.updated with the new price", () =>
    Effect.gen(function*() {
      const simulator = yield* NexudusSimulator.make()
      const connected = yield* Support.connectedPrice({
        adapter: "nexudus",
        credentials: simulator.goodCredentials,
        simulator,
        listingId: "n-1"
      })
      const { before, hookUrl, target } = connected
      expect(connected.sync.json.outcome).toBe("succeeded")
      expect(connected.locations.length).toBeGreaterThanOrEqual(3)

      const booking = {
        Id: 1415400001,
        BusinessId: Number(target.locationExternalId),
        ResourceName: "Room 1",
        CoworkerFullName: "Zoë Ångström",
        UpdatedOn: new Date().toISOString()
      }
      // Signed with another secret: refused, nothing read upstream.
      const requests = yield* simulator.requests
      const forged = yield* simulator.deliverWebhook({ record: booking, secret: "not-the-shared-secret" }, hookUrl)
      expect(forged.status).toBe(401)
      expect(yield* simulator.requests).toBe(requests)

      // The tariff's price changes; Nexudus signs its booking hook. Nobody calls the sync route.
      yield* simulator.changeOnePrice
      const sent = yield* simulator.deliverWebhook({ record: booking }, hookUrl)
      expect(sent.status).toBe(202)
      yield* Support.verifiedPricingUpdate(connected)
      const after = (yield* connected.price)!
      expect(after.currency).toBe(before.currency)
      expect(Number(after.amount)).toBe(Number(before.amount) + 1)
    }))
})
