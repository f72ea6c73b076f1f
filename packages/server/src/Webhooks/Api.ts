import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { EventLog } from "@spacesync/core"
import { DeliveryId, EndpointId } from "@spacesync/core/Webhook"
import * as WebhookEndpoints from "@spacesync/core/WebhookEndpoints"
import { Schema } from "effect"
import { PlatformAuth } from "../Auth.js"
import { Forbidden } from "../Errors.js"
import * as Examples from "../Examples.js"
import { operation, type OperationDoc } from "../OpenApiDocument.js"
import { Body, Count, Instant, IntegerParam, List } from "../Schemas.js"

const endpointPath = Schema.Struct({ endpointId: EndpointId })
const EventTypes = Schema.NullOr(Schema.Array(EventLog.EventType))

const endpointParameters = { endpointId: "The endpoint's id (`ep_…`)" }
const deliveryParameters = { deliveryId: "The delivery's id (`dlv_…`)" }

/** Every route of the group needs `webhooks:manage`. */
const documented = (doc: Omit<OperationDoc, "scopes">) => operation({ ...doc, scopes: [["webhooks:manage"]] })

export const CreatedEndpoint = Schema.Struct({
  ...WebhookEndpoints.Endpoint.fields,
  secret: Schema.String.annotations({ description: "`whsec_` + base64 of 32 random bytes; shown only here" })
})

export class WebhooksApi extends HttpApiGroup.make("webhooks")
  .add(
    HttpApiEndpoint.post("createEndpoint", "/v1/webhook-endpoints")
      .setPayload(Body({
        url: Schema.String,
        eventTypes: Schema.optional(EventTypes),
        description: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(500))))
      }))
      .addSuccess(CreatedEndpoint, { status: 201 })
      .addError(WebhookEndpoints.InvalidEndpoint)
      .annotateContext(documented({
        summary: "Register a webhook endpoint",
        description:
          "Registers a URL the hub POSTs events to (see `webhooks`). No `eventTypes` means all. The URL must be http(s); loopback, private, link-local and metadata addresses are refused (checked again at every connection). The answer carries the signing secret, `whsec_` + base64 of 32 random bytes, shown only here.",
        request: {
          url: Examples.endpoint.url,
          eventTypes: Examples.endpoint.eventTypes,
          description: Examples.endpoint.description
        },
        responses: {
          201: {
            description: "The endpoint, with its signing secret",
            example: { ...Examples.endpoint, secret: Examples.secret }
          },
          400: { description: "A URL that is not http(s), or that resolves to a refused address" }
        }
      }))
  )
  .add(
    HttpApiEndpoint.get("listEndpoints", "/v1/webhook-endpoints").addSuccess(List(WebhookEndpoints.Endpoint))
      .annotateContext(documented({
        summary: "List webhook endpoints",
        description: "The platform's webhook endpoints, oldest first, without their secrets.",
        responses: { 200: { description: "The endpoints", example: { data: [Examples.endpoint] } } }
      }))
  )
  .add(
    HttpApiEndpoint.get("getEndpoint", "/v1/webhook-endpoints/:endpointId").setPath(endpointPath)
      .addSuccess(WebhookEndpoints.Endpoint).addError(WebhookEndpoints.EndpointNotFound)
      .annotateContext(documented({
        summary: "Get a webhook endpoint",
        description: "One webhook endpoint of the platform; `status` says whether it is disabled, and why.",
        parameters: endpointParameters,
        responses: { 200: { description: "The endpoint", example: Examples.endpoint } }
      }))
  )
  .add(
    HttpApiEndpoint.patch("updateEndpoint", "/v1/webhook-endpoints/:endpointId").setPath(endpointPath)
      .setPayload(Body({
        url: Schema.optional(Schema.String),
        eventTypes: Schema.optional(EventTypes),
        description: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(500)))),
        enabled: Schema.optional(Schema.Boolean)
      }))
      .addSuccess(WebhookEndpoints.Endpoint)
      .addError(WebhookEndpoints.EndpointNotFound)
      .addError(WebhookEndpoints.InvalidEndpoint)
      .annotateContext(documented({
        summary: "Update a webhook endpoint",
        description:
          "Partial update: only the fields sent change. `enabled: true` re-enables an endpoint that was disabled (after a 410, or five days without a success); `enabled: false` disables it (queued deliveries fail, recoverable later). `eventTypes: null` subscribes it to every type.",
        parameters: endpointParameters,
        request: { eventTypes: null, enabled: true },
        responses: {
          200: { description: "The updated endpoint", example: { ...Examples.endpoint, eventTypes: null } },
          400: { description: "A URL that is not http(s), or that resolves to a refused address" }
        }
      }))
  )
  .add(
    HttpApiEndpoint.del("deleteEndpoint", "/v1/webhook-endpoints/:endpointId").setPath(endpointPath)
      .addSuccess(HttpApiSchema.NoContent).addError(WebhookEndpoints.EndpointNotFound)
      .annotateContext(documented({
        summary: "Delete a webhook endpoint",
        description: "Deletes the endpoint with its deliveries and their attempts; nothing more is sent to it.",
        parameters: endpointParameters,
        responses: { 204: { description: "Deleted" } }
      }))
  )
  .add(
    HttpApiEndpoint.post("rotateSecret", "/v1/webhook-endpoints/:endpointId/rotate-secret").setPath(endpointPath)
      .addSuccess(Schema.Struct({ secret: Schema.String })).addError(WebhookEndpoints.EndpointNotFound)
      .annotateContext(documented({
        summary: "Rotate the signing secret",
        description:
          "Issues a new signing secret. The previous one keeps signing alongside it for 24 hours (`webhook-signature` then carries one signature per secret), so the receiver can switch without losing events.",
        parameters: endpointParameters,
        responses: {
          200: {
            description: "The new secret, shown only here",
            example: { secret: "whsec_Jz0Y4pN7sQ2vX9bE6hK3mR8tW1cF5gL0aD4uI7oP2yS=" }
          }
        }
      }))
  )
  .add(
    HttpApiEndpoint.get("listDeliveries", "/v1/webhook-endpoints/:endpointId/deliveries").setPath(endpointPath)
      .setUrlParams(Schema.Struct({
        status: Schema.optional(WebhookEndpoints.DeliveryStatus),
        before: Schema.optional(Instant),
        cursor: Schema.optional(DeliveryId),
        limit: Schema.optional(IntegerParam(1, 500, "How many deliveries to return at most"))
      }))
      .addSuccess(Schema.Struct({
        data: Schema.Array(WebhookEndpoints.Delivery),
        next: Schema.NullOr(Schema.String).annotations({
          description: "Pass as `cursor` for the next page; `null` when this page is the last"
        })
      }))
      .addError(WebhookEndpoints.EndpointNotFound)
      .annotateContext(documented({
        summary: "List deliveries",
        description:
          "The endpoint's deliveries with their attempt log (attempt, trigger, URL, status code, duration, 4 KB response excerpt, error class, next attempt), newest first.",
        parameters: {
          ...endpointParameters,
          status: "Only deliveries in this state",
          before: "Only deliveries created before this instant",
          cursor:
            "The `next` of the previous page: pages follow each other without skipping deliveries created together"
        },
        responses: { 200: { description: "The deliveries", example: { data: [Examples.delivery], next: null } } }
      }))
  )
  .add(
    HttpApiEndpoint.post("recover", "/v1/webhook-endpoints/:endpointId/recover").setPath(endpointPath)
      .setPayload(Body({ since: Instant }))
      .addSuccess(Schema.Struct({ requeued: Count }))
      .addError(WebhookEndpoints.EndpointNotFound)
      .annotateContext(documented({
        summary: "Recover failed deliveries",
        description:
          "Re-queues every failed delivery of the endpoint created at or after `since` (after the receiver was down for longer than the retries last) and answers how many.",
        parameters: endpointParameters,
        request: { since: "2026-11-21T00:00:00.000Z" },
        responses: { 200: { description: "How many deliveries were re-queued", example: { requeued: 14 } } }
      }))
  )
  .add(
    HttpApiEndpoint.get("getDelivery", "/v1/deliveries/:deliveryId")
      .setPath(Schema.Struct({ deliveryId: DeliveryId }))
      .addSuccess(WebhookEndpoints.Delivery).addError(WebhookEndpoints.DeliveryNotFound)
      .annotateContext(documented({
        summary: "Get a delivery",
        description: "One delivery of an event to an endpoint, with its attempt log.",
        parameters: deliveryParameters,
        responses: { 200: { description: "The delivery", example: Examples.delivery } }
      }))
  )
  .add(
    HttpApiEndpoint.post("resend", "/v1/deliveries/:deliveryId/resend")
      .setPath(Schema.Struct({ deliveryId: DeliveryId }))
      .addSuccess(WebhookEndpoints.Delivery).addError(WebhookEndpoints.DeliveryNotFound)
      .annotateContext(documented({
        summary: "Resend a delivery",
        description:
          "Sends the delivery again now: a finished one gets one more attempt (trigger `manual`); a pending one waiting for a retry is moved to now.",
        parameters: deliveryParameters,
        responses: {
          200: {
            description: "The delivery, queued again",
            example: {
              ...Examples.delivery,
              status: "pending",
              nextAttemptAt: "2026-11-22T11:00:00.000Z",
              finishedAt: null
            }
          }
        }
      }))
  )
  .addError(Forbidden)
  .middleware(PlatformAuth)
  .annotate(OpenApi.Title, "Webhook endpoints")
  .annotate(
    OpenApi.Description,
    "Where the hub sends a platform's events, and the log of every delivery. Every route needs the scope `webhooks:manage`."
  )
{}
