/**
 * Per-location authorization of a platform by an operator. An operator creates a pending connection for
 * some of its locations and follows `authorizeUrl` to the platform; the platform checks its user manages
 * those listings and activates the connection with the single-use `state` (valid one hour). Activation
 * and revocation are written in one transaction with their events (`connection.activated` then one
 * `location.created` with `fullResync: true` per location; `connection.revoked`), addressed to that
 * connection alone.
 *
 * @since 0.1.0
 */
import { SqlClient, type Statement } from "@effect/sql"
import type { ConnectionId, LocationId, OperatorId, PlatformId } from "@spacesync/adapter-kit/Ids"
import { EventLog, Ids } from "@spacesync/core"
import { Context, DateTime, Effect, Layer } from "effect"
import { BadRequest, Conflict, NotFound, notFound } from "./Errors.js"
import { randomToken, safeEqual, sha256 } from "./internal/secrets.js"

/** @since 0.1.0 */
export type ConnectionStatus = "pending" | "active" | "revoked"

/** @since 0.1.0 */
export interface ConnectionLocation {
  readonly locationId: LocationId
  readonly listingId: string | null
}

/** @since 0.1.0 */
export interface Connection {
  readonly connectionId: ConnectionId
  readonly platformId: PlatformId
  readonly operatorId: OperatorId
  readonly status: ConnectionStatus
  readonly locations: ReadonlyArray<ConnectionLocation>
  readonly createdAt: DateTime.Utc
  readonly activatedAt: DateTime.Utc | null
  readonly revokedAt: DateTime.Utc | null
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Connections extends Context.Tag("@spacesync/server/Connections")<Connections, {
  readonly create: (
    operatorId: OperatorId,
    input: { readonly platformId: PlatformId; readonly locationIds: ReadonlyArray<LocationId> }
  ) => Effect.Effect<
    { readonly connection: Connection; readonly authorizeUrl: string },
    NotFound | Conflict | BadRequest
  >
  readonly listForOperator: (operatorId: OperatorId) => Effect.Effect<ReadonlyArray<Connection>>
  /** The platform's connections: active and revoked ones (pending ones are not yet authorized). */
  readonly listForPlatform: (platformId: PlatformId) => Effect.Effect<ReadonlyArray<Connection>>
  readonly getForPlatform: (platformId: PlatformId, connectionId: ConnectionId) => Effect.Effect<Connection, NotFound>
  readonly activate: (
    platformId: PlatformId,
    connectionId: ConnectionId,
    input: {
      readonly state: string
      readonly listings: ReadonlyArray<{ readonly locationId: LocationId; readonly listingId: string }>
    }
  ) => Effect.Effect<Connection, NotFound | Conflict | BadRequest>
  readonly revoke: (
    by: { readonly operatorId: OperatorId } | { readonly platformId: PlatformId },
    connectionId: ConnectionId
  ) => Effect.Effect<Connection, NotFound>
  /** An active connection of the platform that covers the location, with its resource map. */
  readonly access: (
    platformId: PlatformId,
    connectionId: ConnectionId,
    locationId: LocationId
  ) => Effect.Effect<
    { readonly listingId: string | null; readonly resourceMap: Readonly<Record<string, string>> },
    NotFound
  >
  readonly setResourceMap: (
    platformId: PlatformId,
    connectionId: ConnectionId,
    locationId: LocationId,
    map: Readonly<Record<string, string>>
  ) => Effect.Effect<Readonly<Record<string, string>>, NotFound | BadRequest>
}>() {}

type Row = {
  connection_id: ConnectionId
  platform_id: PlatformId
  operator_id: OperatorId
  status: ConnectionStatus
  created_at: Date
  activated_at: Date | null
  revoked_at: Date | null
  locations: Array<{ locationId: LocationId; listingId: string | null }> | null
}

const toConnection = (r: Row): Connection => ({
  connectionId: r.connection_id,
  platformId: r.platform_id,
  operatorId: r.operator_id,
  status: r.status,
  locations: [...(r.locations ?? [])].sort((a, b) => (a.locationId < b.locationId ? -1 : 1)),
  createdAt: DateTime.unsafeFromDate(r.created_at),
  activatedAt: r.activated_at ? DateTime.unsafeFromDate(r.activated_at) : null,
  revokedAt: r.revoked_at ? DateTime.unsafeFromDate(r.revoked_at) : null
})

const stateTtlSeconds = 3600

/** @since 0.1.0 */
export const layer = Layer.effect(
  Connections,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const log = yield* EventLog.EventLog

    const select = (where: Statement.Fragment) =>
      sql<Row>`select c.connection_id, c.platform_id, c.operator_id, c.status, c.created_at, c.activated_at,
          c.revoked_at,
          (select json_agg(json_build_object('locationId', cl.location_id, 'listingId', cl.listing_id))
             from spacesync.connection_locations cl where cl.connection_id = c.connection_id) as locations
        from spacesync.connections c where ${where} order by c.created_at, c.connection_id`.pipe(
        Effect.map((rows) => rows.map(toConnection)),
        Effect.orDie
      )

    const create = (
      operatorId: OperatorId,
      input: { readonly platformId: PlatformId; readonly locationIds: ReadonlyArray<LocationId> }
    ) =>
      Effect.gen(function*() {
        const ids = [...new Set(input.locationIds)]
        if (ids.length === 0) return yield* new BadRequest({ detail: "locationIds must name at least one location" })
        const [platform] = yield* sql<{ authorization_url: string }>`
          select authorization_url from spacesync.platforms where platform_id = ${input.platformId}`.pipe(Effect.orDie)
        if (platform === undefined) return yield* notFound(`Platform ${input.platformId}`)
        const owned = yield* sql<{ location_id: LocationId }>`
          select l.location_id from spacesync.locations l
          join spacesync.accounts a on a.account_id = l.account_id
          where a.operator_id = ${operatorId} and l.location_id = any(${ids}::text[]) and l.deleted_at is null`.pipe(
          Effect.orDie
        )
        const ownedIds = new Set(owned.map((r) => r.location_id))
        const missing = ids.filter((id) => !ownedIds.has(id))
        if (missing.length > 0) return yield* notFound(`Location ${missing.join(", ")}`)
        const taken = yield* sql<{ location_id: string; connection_id: string }>`
          select cl.location_id, c.connection_id from spacesync.connection_locations cl
          join spacesync.connections c on c.connection_id = cl.connection_id
          where c.platform_id = ${input.platformId} and c.status in ('pending', 'active')
            and cl.location_id = any(${ids}::text[])`.pipe(Effect.orDie)
        if (taken.length > 0) {
          return yield* new Conflict({
            detail: `Location ${taken[0]!.location_id} is already in connection ${
              taken[0]!.connection_id
            } with this platform`
          })
        }
        const connectionId = Ids.makeConnectionId()
        const state = `st_${randomToken(24)}`
        yield* Effect.gen(function*() {
          yield* sql`insert into spacesync.connections ${
            sql.insert({
              connection_id: connectionId,
              platform_id: input.platformId,
              operator_id: operatorId,
              status: "pending",
              state_hash: sha256(state),
              state_expires_at: new Date(Date.now() + stateTtlSeconds * 1000)
            })
          }`
          yield* sql`insert into spacesync.connection_locations ${
            sql.insert(ids.map((locationId) => ({ connection_id: connectionId, location_id: locationId })))
          }`
        }).pipe(sql.withTransaction, Effect.orDie)
        const url = new URL(platform.authorization_url)
        url.searchParams.set("connection_id", connectionId)
        url.searchParams.set("state", state)
        const [connection] = yield* select(sql`c.connection_id = ${connectionId}`)
        return { connection: connection!, authorizeUrl: url.toString() }
      })

    const getForPlatform = (platformId: PlatformId, connectionId: ConnectionId) =>
      select(sql`c.connection_id = ${connectionId} and c.platform_id = ${platformId} and c.status <> 'pending'`).pipe(
        Effect.flatMap((rows) =>
          rows.length === 0 ? Effect.fail(notFound(`Connection ${connectionId}`)) : Effect.succeed(rows[0]!)
        )
      )

    const activate = (
      platformId: PlatformId,
      connectionId: ConnectionId,
      input: {
        readonly state: string
        readonly listings: ReadonlyArray<{ readonly locationId: LocationId; readonly listingId: string }>
      }
    ) =>
      Effect.gen(function*() {
        const [row] = yield* sql<{ status: ConnectionStatus; state_hash: string | null; expired: boolean }>`
          select status, state_hash, state_expires_at < now() as expired from spacesync.connections
          where connection_id = ${connectionId} and platform_id = ${platformId} for update`.pipe(Effect.orDie)
        if (row === undefined) return yield* notFound(`Connection ${connectionId}`)
        if (row.status !== "pending") {
          return yield* new Conflict({
            detail: `Connection ${connectionId} is ${row.status}; its state was already used`
          })
        }
        if (row.state_hash === null || row.expired || !safeEqual(sha256(input.state), row.state_hash)) {
          return yield* new BadRequest({
            detail: "Invalid or expired state",
            errors: [{ path: "state", message: "Does not match this connection's authorization state, or has expired" }]
          })
        }
        const locations = yield* sql<{ location_id: LocationId; version: number | null }>`
          select cl.location_id, l.version from spacesync.connection_locations cl
          left join spacesync.locations l on l.location_id = cl.location_id
          where cl.connection_id = ${connectionId} order by cl.location_id`.pipe(Effect.orDie)
        const known = new Set(locations.map((l) => l.location_id))
        const issues = input.listings.flatMap((listing, i) =>
          known.has(listing.locationId)
            ? []
            : [{
              path: `listings.${i}.locationId`,
              message: `Location ${listing.locationId} is not part of this connection`
            }]
        )
        if (issues.length > 0) return yield* new BadRequest({ detail: "Unknown locations in listings", errors: issues })
        yield* sql`update spacesync.connections set status = 'active', activated_at = now(), state_hash = null,
            state_expires_at = null where connection_id = ${connectionId}`.pipe(Effect.orDie)
        for (const listing of input.listings) {
          yield* sql`update spacesync.connection_locations set listing_id = ${listing.listingId}
              where connection_id = ${connectionId} and location_id = ${listing.locationId}`.pipe(Effect.orDie)
        }
        yield* log.append([
          { type: "connection.activated", connectionId, changes: EventLog.noChanges },
          ...locations.map((l): EventLog.NewEvent => ({
            type: "location.created",
            connectionId,
            locationId: l.location_id,
            version: l.version ?? undefined,
            changes: { created: [l.location_id], updated: [], deleted: [] },
            fullResync: true
          }))
        ])
        return yield* getForPlatform(platformId, connectionId)
      }).pipe(sql.withTransaction, Effect.catchTag("SqlError", Effect.die))

    const revoke = (
      by: { readonly operatorId: OperatorId } | { readonly platformId: PlatformId },
      connectionId: ConnectionId
    ) =>
      Effect.gen(function*() {
        const owner = "operatorId" in by ? sql`operator_id = ${by.operatorId}` : sql`platform_id = ${by.platformId}`
        const [row] = yield* sql<{ status: ConnectionStatus; platform_id: PlatformId }>`
          select status, platform_id from spacesync.connections
          where connection_id = ${connectionId} and ${owner} for update`.pipe(Effect.orDie)
        if (row === undefined || ("platformId" in by && row.status === "pending")) {
          return yield* notFound(`Connection ${connectionId}`)
        }
        if (row.status === "active") {
          // Appended while the connection is still active, so it reaches the platform like any event.
          yield* log.append([{ type: "connection.revoked", connectionId, changes: EventLog.noChanges }])
        }
        if (row.status !== "revoked") {
          yield* sql`update spacesync.connections set status = 'revoked', revoked_at = now(), state_hash = null
              where connection_id = ${connectionId}`.pipe(Effect.orDie)
        }
        const [connection] = yield* select(sql`c.connection_id = ${connectionId}`)
        return connection!
      }).pipe(sql.withTransaction, Effect.catchTag("SqlError", Effect.die))

    const access = (platformId: PlatformId, connectionId: ConnectionId, locationId: LocationId) =>
      sql<{ listing_id: string | null; resource_map: Record<string, string> }>`
        select cl.listing_id, cl.resource_map from spacesync.connection_locations cl
        join spacesync.connections c on c.connection_id = cl.connection_id
        where c.connection_id = ${connectionId} and c.platform_id = ${platformId} and c.status = 'active'
          and cl.location_id = ${locationId}`.pipe(
        Effect.orDie,
        Effect.flatMap((rows) =>
          rows.length === 0
            ? Effect.fail(notFound(`Location ${locationId} in connection ${connectionId}`))
            : Effect.succeed({ listingId: rows[0]!.listing_id, resourceMap: rows[0]!.resource_map ?? {} })
        )
      )

    const setResourceMap = (
      platformId: PlatformId,
      connectionId: ConnectionId,
      locationId: LocationId,
      map: Readonly<Record<string, string>>
    ) =>
      Effect.gen(function*() {
        yield* access(platformId, connectionId, locationId)
        const keys = Object.keys(map)
        const [row] = yield* sql<{ entity_hashes: Record<string, string> }>`
          select entity_hashes from spacesync.locations where location_id = ${locationId}`.pipe(Effect.orDie)
        const resources = new Set(Object.keys(row?.entity_hashes ?? {}).filter((id) => id.startsWith("res_")))
        const issues = keys.flatMap((key) =>
          resources.has(key) ? [] : [{ path: key, message: `Not a resource of location ${locationId}` }]
        )
        if (issues.length > 0) return yield* new BadRequest({ detail: "Unknown resources in the map", errors: issues })
        yield* sql`update spacesync.connection_locations set resource_map = ${JSON.stringify(map)}
            where connection_id = ${connectionId} and location_id = ${locationId}`.pipe(Effect.orDie)
        return map
      })

    return Connections.of({
      create,
      listForOperator: (operatorId) => select(sql`c.operator_id = ${operatorId}`),
      listForPlatform: (platformId) => select(sql`c.platform_id = ${platformId} and c.status <> 'pending'`),
      getForPlatform,
      activate,
      revoke,
      access,
      setResourceMap
    })
  })
)
