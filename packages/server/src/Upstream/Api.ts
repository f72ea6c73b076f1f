import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { AccountId } from "@spacesync/adapter-kit/Ids"
import { Schema } from "effect"
import { NotFound, PayloadTooLarge, Unauthorized } from "../Errors.js"
import { operation } from "../OpenApiDocument.js"

/** The body is the management system's own, read raw (its signature covers the exact bytes). */
const upstreamBody = (example: unknown) => ({
  required: true,
  description: "The management system's webhook as it sends it, up to 1 MB; verified with its own signature scheme.",
  content: {
    "application/json": { schema: { type: "object", additionalProperties: true }, example }
  }
})
const rejected = { description: "The request failed verification; nothing changed" }

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
      .annotateContext(operation({
        summary: "Receive an account's upstream webhook",
        description:
          "Receives a webhook of the account's management system (point the system at the account's `webhookUrl`). The adapter verifies it with that system's signature scheme (401 and nothing changes when it fails), names the affected locations, and the hub queues a coalesced re-sync of them (202). Bodies over 1 MB answer 413. No hub credentials: the upstream signature authenticates the request.",
        parameters: { accountId: "The account's id, from its `webhookUrl`" },
        // An OfficeRnD webhook: `{eventType, data: {object}}`, signed in `officernd-signature`.
        requestBody: upstreamBody({
          eventType: "membership.updated",
          data: {
            object: {
              _id: "6571a3f0c2e4b1a9d8f7e6c5",
              location: "6571a0b2c2e4b1a9d8f7e001",
              plan: "6571a1c4c2e4b1a9d8f7e0a2",
              startDate: "2026-12-01T00:00:00.000Z"
            }
          }
        }),
        responses: {
          202: {
            description: "Verified; the locations it names (their upstream ids), or `all`, will be re-synced",
            example: { accepted: true, locations: ["6571a0b2c2e4b1a9d8f7e001"] }
          },
          401: rejected
        }
      }))
  )
  .add(
    HttpApiEndpoint.post("adapterWebhook", "/upstream/adapters/:adapterId/webhooks")
      .setPath(Schema.Struct({ adapterId: Schema.String }))
      .addSuccess(Schema.Struct({ accepted: Schema.Boolean }), { status: 202 })
      .addError(Unauthorized)
      .addError(NotFound)
      .addError(PayloadTooLarge)
      .annotateContext(operation({
        summary: "Receive an application-wide upstream webhook",
        description:
          "Receives a webhook that a management system sends for every account of an application to one URL (BookingSync). The adapter reads the upstream account the request names; the hub verifies the request with the credentials of each of that adapter's accounts naming the same upstream account and queues a re-sync of the named locations for every one it verifies with (202). None verifies: 401, and nothing changes; the answer never says which accounts exist. An adapter that takes no such webhooks: 404. Bodies over 1 MB answer 413.",
        parameters: { adapterId: "The adapter's id, e.g. `bookingsync`" },
        // A BookingSync webhook: `{account_id, event, resource}`, signed in `X-Content-Signature`.
        requestBody: upstreamBody({
          account_id: 1059638630,
          event: "rental_updated",
          resource: {
            rentals: [{ id: 1042, name: "Harbour Works Lisbon", updated_at: "2026-11-22T10:14:02Z" }]
          }
        }),
        responses: {
          202: { description: "Verified for at least one account; re-syncs are queued", example: { accepted: true } },
          401: rejected,
          404: { description: "The adapter takes no application-wide webhooks" }
        }
      }))
  )
  .annotate(OpenApi.Title, "Upstream webhooks")
  .annotate(
    OpenApi.Description,
    "Where management systems send their webhooks, so the hub re-syncs what changed without waiting for the next poll. Each request is verified with the upstream system's own signature scheme, not with hub credentials."
  )
{}
