import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { EventLog } from "@spacesync/core"
import * as WebhookEndpoints from "@spacesync/core/WebhookEndpoints"
import { Schema } from "effect"
import { PlatformAuth } from "../Auth.js"
import { Forbidden } from "../Errors.js"
import { Body, List } from "../Schemas.js"

const endpointPath = Schema.Struct({ endpointId: Schema.String })
const EventTypes = Schema.NullOr(Schema.Array(EventLog.EventType))

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
      .annotate(
        OpenApi.Description,
        "Registers a webhook endpoint. No `eventTypes` means all. The URL must be http(s); loopback, private, link-local and metadata addresses are refused (checked again at every connection)."
      )
  )
  .add(HttpApiEndpoint.get("listEndpoints", "/v1/webhook-endpoints").addSuccess(List(WebhookEndpoints.Endpoint)))
  .add(
    HttpApiEndpoint.get("getEndpoint", "/v1/webhook-endpoints/:endpointId").setPath(endpointPath)
      .addSuccess(WebhookEndpoints.Endpoint).addError(WebhookEndpoints.EndpointNotFound)
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
      .annotate(OpenApi.Description, "Partial update. `enabled: true` re-enables an endpoint that was disabled.")
  )
  .add(
    HttpApiEndpoint.del("deleteEndpoint", "/v1/webhook-endpoints/:endpointId").setPath(endpointPath)
      .addSuccess(HttpApiSchema.NoContent).addError(WebhookEndpoints.EndpointNotFound)
  )
  .add(
    HttpApiEndpoint.post("rotateSecret", "/v1/webhook-endpoints/:endpointId/rotate-secret").setPath(endpointPath)
      .addSuccess(Schema.Struct({ secret: Schema.String })).addError(WebhookEndpoints.EndpointNotFound)
      .annotate(OpenApi.Description, "A new secret; the previous one keeps signing alongside it for 24 hours.")
  )
  .add(
    HttpApiEndpoint.get("listDeliveries", "/v1/webhook-endpoints/:endpointId/deliveries").setPath(endpointPath)
      .setUrlParams(Schema.Struct({
        status: Schema.optional(WebhookEndpoints.DeliveryStatus),
        before: Schema.optional(Schema.DateTimeUtc),
        limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 500)))
      }))
      .addSuccess(List(WebhookEndpoints.Delivery))
      .addError(WebhookEndpoints.EndpointNotFound)
      .annotate(
        OpenApi.Description,
        "Deliveries with their attempt log (attempt, trigger, URL, status code, duration, 4 KB response excerpt, error class, next attempt), newest first."
      )
  )
  .add(
    HttpApiEndpoint.post("recover", "/v1/webhook-endpoints/:endpointId/recover").setPath(endpointPath)
      .setPayload(Body({ since: Schema.DateTimeUtc }))
      .addSuccess(Schema.Struct({ requeued: Schema.Number }))
      .addError(WebhookEndpoints.EndpointNotFound)
      .annotate(OpenApi.Description, "Re-queues every failed delivery of the endpoint since `since`.")
  )
  .add(
    HttpApiEndpoint.get("getDelivery", "/v1/deliveries/:deliveryId")
      .setPath(Schema.Struct({ deliveryId: Schema.String }))
      .addSuccess(WebhookEndpoints.Delivery).addError(WebhookEndpoints.DeliveryNotFound)
  )
  .add(
    HttpApiEndpoint.post("resend", "/v1/deliveries/:deliveryId/resend")
      .setPath(Schema.Struct({ deliveryId: Schema.String }))
      .addSuccess(WebhookEndpoints.Delivery).addError(WebhookEndpoints.DeliveryNotFound)
  )
  .addError(Forbidden)
  .middleware(PlatformAuth)
  .annotate(OpenApi.Title, "Webhook endpoints")
  .annotate(OpenApi.Description, "Scope `webhooks:manage`.")
{}
