import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { AccountId } from "@spacesync/adapter-kit/Ids"
import { Schema } from "effect"
import { NotFound, PayloadTooLarge, Unauthorized } from "../Errors.js"

export class UpstreamApi extends HttpApiGroup.make("upstream")
  .add(
    HttpApiEndpoint.post("webhook", "/upstream/:accountId/webhooks")
      .setPath(Schema.Struct({ accountId: AccountId }))
      .addSuccess(
        Schema.Struct({
          accepted: Schema.Boolean,
          locations: Schema.Union(Schema.Literal("all"), Schema.Array(Schema.String))
        }),
        {
          status: 202
        }
      )
      .addError(Unauthorized)
      .addError(NotFound)
      .addError(PayloadTooLarge)
      .annotate(
        OpenApi.Description,
        "Receives a webhook of the account's management system. The adapter verifies it with that system's signature scheme (401 and nothing changes when it fails), names the affected locations, and the hub queues a coalesced re-sync of them (202). Bodies over 1 MB answer 413."
      )
  )
  .add(
    HttpApiEndpoint.post("adapterWebhook", "/upstream/adapters/:adapterId/webhooks")
      .setPath(Schema.Struct({ adapterId: Schema.String }))
      .addSuccess(Schema.Struct({ accepted: Schema.Boolean }), { status: 202 })
      .addError(Unauthorized)
      .addError(NotFound)
      .addError(PayloadTooLarge)
      .annotate(
        OpenApi.Description,
        "Receives a webhook that a management system sends for every account of an application to one URL (BookingSync). The adapter reads the upstream account the request names; the hub verifies the request with the credentials of each of that adapter's accounts naming the same upstream account and queues a re-sync of the named locations for every one it verifies with (202). None verifies: 401, and nothing changes; the answer never says which accounts exist. An adapter that takes no such webhooks: 404. Bodies over 1 MB answer 413."
      )
  )
  .annotate(OpenApi.Title, "Upstream webhooks")
{}
