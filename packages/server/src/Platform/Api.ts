import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { ConnectionId, LocationId, ResourceId } from "@spacesync/adapter-kit/Ids"
import { Location, Price, Resource } from "@spacesync/core"
import * as Webhook from "@spacesync/core/Webhook"
import { Schema } from "effect"
import { PlatformAuth } from "../Auth.js"
import { BadRequest, Conflict, Forbidden, NotFound } from "../Errors.js"
import { Body, ConnectionLocation, List, Timestamp } from "../Schemas.js"

const connectionPath = Schema.Struct({ connectionId: ConnectionId })
const locationPath = Schema.Struct({ connectionId: ConnectionId, locationId: LocationId })
const conditional = Schema.Struct({ "if-none-match": Schema.optional(Schema.String) })

export const PlatformConnection = Schema.Struct({
  connectionId: ConnectionId,
  status: Schema.Literal("active", "revoked"),
  locations: Schema.Array(ConnectionLocation),
  createdAt: Timestamp
})

/** A resource as a platform sees it: with its own id for it when the platform mapped one. */
export const PlatformResource = Schema.Struct({
  ...Resource.Resource.fields,
  listingResourceId: Schema.optional(Schema.String)
}).annotations({ identifier: "PlatformResource" })

/** The object every webhook carries, and the events feed lists. */
export const WebhookEvent = Webhook.WebhookEvent

const notModified = HttpApiSchema.Empty(304)
const etagNote =
  "Answers with a strong `ETag` (the content hash of this data set) and honours `If-None-Match` with 304. `version` rises by one with every detected change of the location. A deleted location keeps answering with its last data and `status: \"deleted\"`."

export class PlatformApi extends HttpApiGroup.make("platform")
  .add(
    HttpApiEndpoint.get("listConnections", "/v1/connections").addSuccess(List(PlatformConnection)).addError(Forbidden)
      .annotate(
        OpenApi.Description,
        "Connections operators authorized for this platform (scope `connections:manage` or `locations:read`)."
      )
  )
  .add(
    HttpApiEndpoint.get("getConnection", "/v1/connections/:connectionId").setPath(connectionPath)
      .addSuccess(PlatformConnection).addError(NotFound).addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("activateConnection", "/v1/connections/:connectionId/activate")
      .setPath(connectionPath)
      .setPayload(Body({
        state: Schema.String,
        listings: Schema.Array(Body({ locationId: LocationId, listingId: Schema.String.pipe(Schema.minLength(1)) }))
      }))
      .addSuccess(Schema.Struct({
        connectionId: ConnectionId,
        status: Schema.Literal("active"),
        locations: Schema.Array(ConnectionLocation)
      }))
      .addError(NotFound)
      .addError(Conflict)
      .addError(BadRequest)
      .addError(Forbidden)
      .annotate(
        OpenApi.Description,
        "Activates a pending connection after the platform checked its user manages the listings. A wrong or expired `state` answers 400, a reused one 409; nothing changes then. Emits `connection.activated`, then `location.created` with `fullResync: true` per location."
      )
  )
  .add(
    HttpApiEndpoint.del("revokeConnection", "/v1/connections/:connectionId").setPath(connectionPath)
      .addSuccess(PlatformConnection).addError(NotFound).addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.put("putResourceMap", "/v1/connections/:connectionId/locations/:locationId/resource-map")
      .setPath(locationPath)
      .setPayload(Schema.Record({ key: ResourceId, value: Schema.String.pipe(Schema.minLength(1)) }))
      .addSuccess(Schema.Record({ key: Schema.String, value: Schema.String }))
      .addError(NotFound)
      .addError(BadRequest)
      .addError(Forbidden)
      .annotate(
        OpenApi.Description,
        "Maps hub resource ids to the platform's own ids; mapped resources then carry `listingResourceId` in the data routes and `changes.listingResourceIds` in `resources.updated` events."
      )
  )
  .add(
    HttpApiEndpoint.get("getLocation", "/v1/connections/:connectionId/locations/:locationId")
      .setPath(locationPath).setHeaders(conditional)
      .addSuccess(Schema.Struct({ version: Schema.Number, data: Location.Location }))
      .addSuccess(notModified)
      .addError(NotFound).addError(Forbidden)
      .annotate(OpenApi.Description, etagNote)
  )
  .add(
    HttpApiEndpoint.get("getResources", "/v1/connections/:connectionId/locations/:locationId/resources")
      .setPath(locationPath).setHeaders(conditional)
      .addSuccess(Schema.Struct({ version: Schema.Number, data: Schema.Array(PlatformResource) }))
      .addSuccess(notModified)
      .addError(NotFound).addError(Forbidden)
      .annotate(OpenApi.Description, etagNote)
  )
  .add(
    HttpApiEndpoint.get("getPrices", "/v1/connections/:connectionId/locations/:locationId/prices")
      .setPath(locationPath).setHeaders(conditional)
      .addSuccess(Schema.Struct({ version: Schema.Number, data: Schema.Array(Price.Price) }))
      .addSuccess(notModified)
      .addError(NotFound).addError(Forbidden)
      .annotate(OpenApi.Description, etagNote)
  )
  .add(
    HttpApiEndpoint.get("getSnapshot", "/v1/connections/:connectionId/locations/:locationId/snapshot")
      .setPath(locationPath).setHeaders(conditional)
      .addSuccess(Schema.Struct({
        version: Schema.Number,
        hash: Schema.String,
        location: Location.Location,
        resources: Schema.Array(PlatformResource),
        prices: Schema.Array(Price.Price)
      }))
      .addSuccess(notModified)
      .addError(NotFound).addError(Forbidden)
      .annotate(OpenApi.Description, etagNote)
  )
  .add(
    HttpApiEndpoint.get("listEvents", "/v1/events")
      .setUrlParams(Schema.Struct({
        after: Schema.optional(
          Schema.String.pipe(Schema.pattern(/^\d{1,18}$/, { message: () => "Expected a cursor" }))
        ),
        limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 500)))
      }))
      .addSuccess(Schema.Struct({ data: Schema.Array(WebhookEvent), next: Schema.NullOr(Schema.String) }))
      .addError(Forbidden)
      .annotate(
        OpenApi.Description,
        "Every event ever addressed to this platform, in delivery order: the same objects webhooks carry. Pass the last `next` as `after` to continue; `next` is null when there is nothing newer yet (keep your cursor and poll again)."
      )
  )
  .middleware(PlatformAuth)
  .annotate(OpenApi.Title, "Platform")
  .annotate(OpenApi.Description, "Authenticated with an OAuth2 access token from `/oauth/token`.")
{}
