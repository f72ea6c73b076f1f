import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { ConnectionId, LocationId, ResourceId } from "@spacesync/adapter-kit/Ids"
import { Location, Price, Resource } from "@spacesync/core"
import * as Webhook from "@spacesync/core/Webhook"
import { Schema } from "effect"
import { PlatformAuth } from "../Auth.js"
import { BadRequest, Conflict, Forbidden, NotFound } from "../Errors.js"
import * as Examples from "../Examples.js"
import { etagHeader, operation, type ResponseDoc } from "../OpenApiDocument.js"
import { Body, ConnectionLocation, Count, IntegerParam, List, Timestamp } from "../Schemas.js"

/**
 * A resource map: hub resource ids to the platform's own ids. A key that is not a resource id is an error
 * naming it (a plain `Record` keyed by `ResourceId` would drop it silently, and an all-invalid map would
 * replace the stored one with nothing).
 */
const isResourceId = Schema.is(ResourceId)
const ResourceMap = Schema.Record({ key: Schema.String, value: Schema.String.pipe(Schema.minLength(1)) }).pipe(
  Schema.filter((map) =>
    Object.keys(map).filter((key) => !isResourceId(key)).map((key) => ({
      path: [key],
      message: `Not a resource id (res_…): ${JSON.stringify(key)}`
    }))
  ),
  Schema.annotations({
    jsonSchema: {
      type: "object",
      propertyNames: { pattern: "^res_[0-9a-z]{1,64}$" },
      additionalProperties: { type: "string", minLength: 1 }
    }
  })
)
const connectionPath = Schema.Struct({ connectionId: ConnectionId })
const locationPath = Schema.Struct({ connectionId: ConnectionId, locationId: LocationId })
const conditional = Schema.Struct({ "if-none-match": Schema.optional(Schema.String) })

export const PlatformConnection = Schema.Struct({
  connectionId: ConnectionId,
  status: Schema.Literal("pending", "active", "revoked"),
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
const { connectionId, locationId } = Examples.ids
const connectionParameters = { connectionId: "The connection's id" }
const locationParameters = {
  connectionId: "The connection's id",
  locationId: "The location's hub id (`locationId` in the connection and in events)"
}
const dataParameters = {
  ...locationParameters,
  "if-none-match": "The `ETag` of the copy the platform holds: 304 without a body when it is still current"
}
const readLocations = [["locations:read"]] as const
const manageConnections = [["connections:manage"]] as const

/** The documentation of a data route: its 200 with `example`, and 304. */
const dataRoute = (summary: string, what: string, example: unknown) =>
  operation({
    summary,
    description: `${what} ${etagNote}`,
    scopes: readLocations,
    parameters: dataParameters,
    responses: {
      200: { description: "The current data set", headers: etagHeader, example },
      304: { description: "Not modified: `If-None-Match` names the current `ETag`", headers: etagHeader }
    } satisfies Record<number, ResponseDoc>
  })

export class PlatformApi extends HttpApiGroup.make("platform")
  .add(
    HttpApiEndpoint.get("listConnections", "/v1/connections").addSuccess(List(PlatformConnection)).addError(Forbidden)
      .annotateContext(operation({
        summary: "List connections",
        description:
          "The connections operators authorized for this platform, with their locations and the platform's listing ids for them. Pending connections are not listed.",
        scopes: [["connections:manage"], ["locations:read"]],
        responses: { 200: { description: "The connections", example: { data: [Examples.platformConnection] } } }
      }))
  )
  .add(
    HttpApiEndpoint.get("getConnection", "/v1/connections/:connectionId").setPath(connectionPath)
      .addSuccess(PlatformConnection).addError(NotFound).addError(Forbidden)
      .annotateContext(operation({
        summary: "Get a connection",
        description:
          "One connection of this platform, with its locations and listing ids. A pending connection (the one an operator's `authorizeUrl` names) can be read too, so that the platform can show its user the locations to map before activating it; its data routes answer 404 until then.",
        scopes: [["connections:manage"], ["locations:read"]],
        parameters: connectionParameters,
        responses: { 200: { description: "The connection", example: Examples.platformConnection } }
      }))
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
      .annotateContext(operation({
        summary: "Activate a connection",
        description:
          "Activates a pending connection after the platform signed its user in and checked that the user manages the listings, naming the platform's listing id for each location. A wrong or expired `state` answers 400, a reused one 409, a connection of another platform 404; nothing changes then. Emits `connection.activated`, then `location.created` with `fullResync: true` per location.",
        scopes: manageConnections,
        parameters: connectionParameters,
        request: { state: "st_Qm4Xv8Bz2Nc6Lk0Jh5Gf3Ds7", listings: [{ locationId, listingId: "p-77" }] },
        responses: {
          200: {
            description: "The active connection",
            example: { connectionId, status: "active", locations: [{ locationId, listingId: "p-77" }] }
          },
          400: { description: "A wrong or expired `state`, or a location that is not part of the connection" },
          409: { description: "The `state` was already used" }
        }
      }))
  )
  .add(
    HttpApiEndpoint.del("revokeConnection", "/v1/connections/:connectionId").setPath(connectionPath)
      .addSuccess(PlatformConnection).addError(NotFound).addError(Forbidden)
      .annotateContext(operation({
        summary: "Revoke a connection",
        description:
          "Revokes the connection from the platform's side (the listing is gone, say). `connection.revoked` is still delivered; the data routes answer 404 from then on.",
        scopes: manageConnections,
        parameters: connectionParameters,
        responses: {
          200: { description: "The revoked connection", example: { ...Examples.platformConnection, status: "revoked" } }
        }
      }))
  )
  .add(
    HttpApiEndpoint.put("putResourceMap", "/v1/connections/:connectionId/locations/:locationId/resource-map")
      .setPath(locationPath)
      .setPayload(ResourceMap)
      .addSuccess(Schema.Record({ key: Schema.String, value: Schema.String }))
      .addError(NotFound)
      .addError(BadRequest)
      .addError(Forbidden)
      .annotateContext(operation({
        summary: "Map resources to the platform's ids",
        description:
          "Replaces the map from hub resource ids to the platform's own ids for one location; mapped resources then carry `listingResourceId` in the data routes and `changes.listingResourceIds` in `resources.updated` events. Answers the map as stored.",
        scopes: manageConnections,
        parameters: locationParameters,
        request: { [Examples.ids.resourceIds[0]]: "room-3" },
        responses: {
          200: { description: "The map as stored", example: { [Examples.ids.resourceIds[0]]: "room-3" } },
          400: { description: "A key that is not a resource of this location (`errors` names it)" }
        }
      }))
  )
  .add(
    HttpApiEndpoint.get("getLocation", "/v1/connections/:connectionId/locations/:locationId")
      .setPath(locationPath).setHeaders(conditional)
      .addSuccess(Schema.Struct({ version: Count, data: Location.Location }))
      .addSuccess(notModified)
      .addError(NotFound).addError(Forbidden)
      .annotateContext(
        dataRoute("Get a location", "The location itself.", { version: 12, data: Examples.location })
      )
  )
  .add(
    HttpApiEndpoint.get("getResources", "/v1/connections/:connectionId/locations/:locationId/resources")
      .setPath(locationPath).setHeaders(conditional)
      .addSuccess(Schema.Struct({ version: Count, data: Schema.Array(PlatformResource) }))
      .addSuccess(notModified)
      .addError(NotFound).addError(Forbidden)
      .annotateContext(dataRoute(
        "List a location's resources",
        "The location's bookable and assignable resources: rooms, desks, offices. Each carries `listingResourceId` when the platform mapped it.",
        { version: 12, data: Examples.resources }
      ))
  )
  .add(
    HttpApiEndpoint.get("getPrices", "/v1/connections/:connectionId/locations/:locationId/prices")
      .setPath(locationPath).setHeaders(conditional)
      .addSuccess(Schema.Struct({ version: Count, data: Schema.Array(Price.Price) }))
      .addSuccess(notModified)
      .addError(NotFound).addError(Forbidden)
      .annotateContext(dataRoute(
        "List a location's prices",
        "The location's prices: memberships, passes, resource rates, fees. Amounts are decimal strings at the currency's minor unit, never floats.",
        { version: 12, data: Examples.prices }
      ))
  )
  .add(
    HttpApiEndpoint.get("getSnapshot", "/v1/connections/:connectionId/locations/:locationId/snapshot")
      .setPath(locationPath).setHeaders(conditional)
      .addSuccess(Schema.Struct({
        version: Count,
        hash: Schema.String,
        location: Location.Location,
        resources: Schema.Array(PlatformResource),
        prices: Schema.Array(Price.Price)
      }))
      .addSuccess(notModified)
      .addError(NotFound).addError(Forbidden)
      .annotateContext(dataRoute(
        "Get a location's snapshot",
        "The location, its resources and its prices in one body, with the content hash of the whole (`hash`).",
        {
          version: 12,
          hash: "9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d0f",
          location: Examples.location,
          resources: Examples.resources,
          prices: Examples.prices
        }
      ))
  )
  .add(
    HttpApiEndpoint.get("listEvents", "/v1/events")
      .setUrlParams(Schema.Struct({
        after: Schema.optional(
          Schema.String.pipe(Schema.pattern(/^\d{1,18}$/, { message: () => "Expected a cursor" }))
        ),
        limit: Schema.optional(IntegerParam(1, 500, "How many events to return at most (default 100)"))
      }))
      .addSuccess(Schema.Struct({ data: Schema.Array(WebhookEvent), next: Schema.NullOr(Schema.String) }))
      .addError(Forbidden)
      .annotateContext(operation({
        summary: "List events",
        description:
          "Every event ever addressed to this platform, in delivery order: the same objects webhooks carry (see `webhooks`). It lets a platform catch up after downtime without relying on webhooks. Pass the last `next` as `after` to continue; `next` is null when there is nothing newer yet (keep your cursor and poll again).",
        scopes: readLocations,
        parameters: {
          after: "The cursor: `next` of the previous page. Without it the feed starts at the oldest event"
        },
        responses: {
          200: {
            description: "A page of events",
            example: {
              data: [Examples.event("location.updated"), Examples.event("pricing.updated")],
              next: "1042"
            }
          }
        }
      }))
  )
  .middleware(PlatformAuth)
  .annotate(OpenApi.Title, "Platform")
  .annotate(
    OpenApi.Description,
    "What a listing platform reads: the connections operators authorized for it, each connected location's data (location, resources, prices, snapshot) and the events feed. Authenticated with an OAuth2 access token from `/oauth/token`, with the scope each route names."
  )
{}
