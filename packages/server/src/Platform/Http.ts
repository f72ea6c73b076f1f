import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import type { ConnectionId, LocationId, PlatformId } from "@spacesync/adapter-kit/Ids"
import { Connections, ContentHash, Location, SnapshotStore } from "@spacesync/core"
import * as CanonicalJson from "@spacesync/core/CanonicalJson"
import * as EventFeed from "@spacesync/core/EventFeed"
import { Effect, Option } from "effect"
import { Api } from "../Api.js"
import { CurrentPlatform, requireScope } from "../Auth.js"
import { BadRequest, Conflict, NotFound, notFound } from "../Errors.js"

type DataSet = "location" | "resources" | "prices" | "snapshot"

const platformView = (c: Connections.Connection) => ({
  connectionId: c.connectionId,
  status: c.status,
  locations: c.locations,
  createdAt: c.createdAt
})

/** Ids that are unknown, or not this platform's, are "not found" alike. */
const notFoundFrom = (e: { readonly message: string }) => Effect.fail(new NotFound({ detail: e.message }))

/** Does `If-None-Match` name this entity tag (or `*`)? Weak comparison, as RFC 9110 requires for GET. */
const matches = (header: string | undefined, etag: string) => {
  if (header === undefined) return false
  if (header.trim() === "*") return true
  return header.split(",").map((t) => t.trim().replace(/^W\//, "")).includes(etag)
}

export const HttpPlatformLive = HttpApiBuilder.group(Api, "platform", (handlers) =>
  Effect.gen(function*() {
    const connections = yield* Connections.Connections
    const store = yield* SnapshotStore.SnapshotStore
    const feed = yield* EventFeed.EventFeed

    /**
     * The data set of a location as this platform may see it: only through an active connection of its
     * own that covers the location (anything else is 404), with its resource map applied.
     */
    const dataResponse = (
      platformId: PlatformId,
      connectionId: ConnectionId,
      locationId: LocationId,
      set: DataSet,
      ifNoneMatch: string | undefined
    ) =>
      Effect.gen(function*() {
        const access = yield* connections.access(platformId, connectionId, locationId).pipe(
          Effect.catchTag("LocationNotConnected", notFoundFrom)
        )
        const stored = yield* store.get(locationId)
        if (Option.isNone(stored)) return yield* notFound(`Location ${locationId}`)
        const current = stored.value
        const location: Location.Location = current.deleted
          ? { ...current.snapshot.location, status: "deleted" }
          : current.snapshot.location
        const map = access.resourceMap
        const mapped = Object.keys(map).length > 0
        const resources = mapped
          ? current.snapshot.resources.map((
            r
          ) => (map[r.id] !== undefined ? { ...r, listingResourceId: map[r.id]! } : r))
          : current.snapshot.resources
        // A strong ETag is the content hash of exactly what this response carries.
        const mapHash = mapped ? ContentHash.dataSet(Object.entries(map)) : ""
        const withMap = (hash: string) => (mapped ? ContentHash.dataSet([["data", hash], ["map", mapHash]]) : hash)
        const deletedMark = (hash: string) => (current.deleted ? ContentHash.dataSet([["deleted", hash]]) : hash)
        let hash: string
        let body: unknown
        switch (set) {
          case "location":
            hash = deletedMark(current.hashes.location)
            body = { version: current.version, data: location }
            break
          case "resources":
            hash = withMap(current.hashes.resources)
            body = { version: current.version, data: resources }
            break
          case "prices":
            hash = current.hashes.prices
            body = { version: current.version, data: current.snapshot.prices }
            break
          case "snapshot":
            hash = deletedMark(withMap(current.hash))
            body = { version: current.version, hash, location, resources, prices: current.snapshot.prices }
            break
        }
        const etag = `"${hash}"`
        const headers = { etag, "cache-control": "private, no-cache" }
        if (matches(ifNoneMatch, etag)) return HttpServerResponse.empty({ status: 304, headers })
        return HttpServerResponse.text(CanonicalJson.stringify(body), { contentType: "application/json", headers })
      })

    const data = (set: DataSet) =>
    ({ headers, path }: {
      readonly path: { readonly connectionId: ConnectionId; readonly locationId: LocationId }
      readonly headers: { readonly "if-none-match"?: string | undefined }
    }) =>
      Effect.gen(function*() {
        const { platformId } = yield* requireScope("locations:read")
        return yield* dataResponse(platformId, path.connectionId, path.locationId, set, headers["if-none-match"])
      })

    const anyScope = Effect.flatMap(
      CurrentPlatform,
      (p) => p.scopes.has("connections:manage") ? Effect.succeed(p) : requireScope("locations:read")
    )

    return handlers
      .handle("listConnections", () =>
        Effect.gen(function*() {
          const { platformId } = yield* anyScope
          return { data: (yield* connections.listForPlatform(platformId)).map(platformView) }
        }))
      .handle("getConnection", ({ path }) =>
        Effect.gen(function*() {
          const { platformId } = yield* anyScope
          const connection = yield* connections.getForPlatform(platformId, path.connectionId).pipe(
            Effect.catchTag("ConnectionNotFound", notFoundFrom)
          )
          return platformView(connection)
        }))
      .handle("activateConnection", ({ path, payload }) =>
        Effect.gen(function*() {
          const { platformId } = yield* requireScope("connections:manage")
          const connection = yield* connections.activate(platformId, path.connectionId, payload).pipe(
            Effect.catchTags({
              ConnectionNotFound: notFoundFrom,
              InvalidState: (e) =>
                e.reason === "Used"
                  ? Effect.fail(new Conflict({ detail: e.message }))
                  : Effect.fail(
                    new BadRequest({
                      detail: "Invalid or expired state",
                      errors: [{
                        path: "state",
                        message: "Does not match this connection's authorization state, or has expired"
                      }]
                    })
                  ),
              UnknownLocations: (e) =>
                Effect.fail(
                  new BadRequest({
                    detail: "Unknown locations in listings",
                    errors: payload.listings.flatMap((listing, i) =>
                      e.locationIds.includes(listing.locationId)
                        ? [{
                          path: `listings.${i}.locationId`,
                          message: `Location ${listing.locationId} is not part of this connection`
                        }]
                        : []
                    )
                  })
                )
            })
          )
          return { connectionId: connection.connectionId, status: "active" as const, locations: connection.locations }
        }))
      .handle("revokeConnection", ({ path }) =>
        Effect.gen(function*() {
          const { platformId } = yield* requireScope("connections:manage")
          const connection = yield* connections.revoke({ platformId }, path.connectionId).pipe(
            Effect.catchTag("ConnectionNotFound", notFoundFrom)
          )
          return platformView(connection)
        }))
      .handle("putResourceMap", ({ path, payload }) =>
        Effect.gen(function*() {
          const { platformId } = yield* requireScope("connections:manage")
          return yield* connections.setResourceMap(platformId, path.connectionId, path.locationId, payload).pipe(
            Effect.catchTags({
              LocationNotConnected: notFoundFrom,
              UnknownResources: (e) =>
                Effect.fail(
                  new BadRequest({
                    detail: "Unknown resources in the map",
                    errors: e.resourceIds.map((id) => ({
                      path: id,
                      message: `Not a resource of location ${e.locationId}`
                    }))
                  })
                )
            })
          )
        }))
      .handle("getLocation", data("location"))
      .handle("getResources", data("resources"))
      .handle("getPrices", data("prices"))
      .handle("getSnapshot", data("snapshot"))
      .handle("listEvents", ({ urlParams }) =>
        Effect.gen(function*() {
          const { platformId } = yield* requireScope("locations:read")
          const page = yield* feed.forPlatform(platformId, {
            after: urlParams.after === undefined ? 0 : Number(urlParams.after),
            limit: urlParams.limit ?? 100
          })
          return { data: page.data, next: page.next === null ? null : String(page.next) }
        }))
  }))
