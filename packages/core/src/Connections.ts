/**
 * Per-location authorization of a platform by an operator. An operator creates a pending connection for
 * some of its locations and follows `authorizeUrl` to the platform; the platform checks its user manages
 * those listings and activates the connection with the single-use `state` (valid one hour by default).
 * Activation and revocation are written in one transaction with their events (`connection.activated`
 * then one `location.created` with `fullResync: true` per location; `connection.revoked`), addressed to
 * that connection alone. An active connection gives the platform its locations' data, with a resource map
 * per location (hub resource id → the platform's own id).
 *
 * Everything is scoped by its owner: another operator's or platform's connection is "not found", exactly
 * like one that does not exist. Owns the tables `connections` and `connection_locations`.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema, type Statement } from "@effect/sql"
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Context, Duration, Effect, Layer, Option, Schema } from "effect"
import * as EventLog from "./EventLog.js"
import { orDie } from "./internal/sql.js"
import { PlatformNotFound } from "./Platforms.js"
import * as Secrets from "./Secrets.js"

/** Where a connection stands: created (`pending`), authorized by the platform (`active`), `revoked`. @since 0.1.0 */
export const ConnectionStatus = Schema.Literal("pending", "active", "revoked")
/** @since 0.1.0 */
export type ConnectionStatus = typeof ConnectionStatus.Type

/** A location of a connection, with the platform's listing id for it once activated. @since 0.1.0 */
export const ConnectionLocation = Schema.Struct({ locationId: Ids.LocationId, listingId: Schema.NullOr(Schema.String) })
/** @since 0.1.0 */
export type ConnectionLocation = typeof ConnectionLocation.Type

/**
 * A connection: which locations of an operator a platform may receive. `locations` are ordered by id.
 *
 * @since 0.1.0
 */
export class Connection extends Schema.Class<Connection>("Connection")({
  connectionId: Ids.ConnectionId,
  platformId: Ids.PlatformId,
  operatorId: Ids.OperatorId,
  status: ConnectionStatus,
  locations: Schema.Array(ConnectionLocation),
  createdAt: Schema.DateTimeUtc,
  activatedAt: Schema.NullOr(Schema.DateTimeUtc),
  revokedAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

/**
 * No connection with this id belongs to the caller (for a platform: none that it can see; pending
 * connections are not visible to it).
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectionNotFound extends Schema.TaggedError<ConnectionNotFound>()("ConnectionNotFound", {
  connectionId: Schema.String,
  message: Schema.String
}) {}

/**
 * A connection must name at least one location.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoLocations extends Schema.TaggedError<NoLocations>()("NoLocations", {
  message: Schema.String
}) {}

/**
 * Locations that are not the operator's (or no longer exist) when creating a connection, or that are not
 * part of the connection when activating it.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownLocations extends Schema.TaggedError<UnknownLocations>()("UnknownLocations", {
  locationIds: Schema.Array(Schema.String),
  message: Schema.String
}) {}

/**
 * The location is already in a pending or active connection with this platform.
 *
 * @since 0.1.0
 * @category errors
 */
export class LocationAlreadyConnected extends Schema.TaggedError<LocationAlreadyConnected>()(
  "LocationAlreadyConnected",
  { locationId: Schema.String, connectionId: Schema.String, message: Schema.String }
) {}

/**
 * The activation `state` does not match the connection's (`Mismatch`), has expired (`Expired`), or the
 * connection is no longer pending: its state was already used (`Used`).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidState extends Schema.TaggedError<InvalidState>()("InvalidState", {
  connectionId: Schema.String,
  reason: Schema.Literal("Mismatch", "Expired", "Used"),
  message: Schema.String
}) {}

/**
 * The platform has no active connection with this id that covers this location.
 *
 * @since 0.1.0
 * @category errors
 */
export class LocationNotConnected extends Schema.TaggedError<LocationNotConnected>()("LocationNotConnected", {
  connectionId: Schema.String,
  locationId: Schema.String,
  message: Schema.String
}) {}

/**
 * Resource ids in a resource map that are not resources of the location.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownResources extends Schema.TaggedError<UnknownResources>()("UnknownResources", {
  locationId: Schema.String,
  resourceIds: Schema.Array(Schema.String),
  message: Schema.String
}) {}

/** Who revokes: the operator that created the connection, or the platform it authorizes. @since 0.1.0 */
export type Revoker = { readonly operatorId: Ids.OperatorId } | { readonly platformId: Ids.PlatformId }

/** A listing id for one location of the connection, given at activation. @since 0.1.0 */
export interface Listing {
  readonly locationId: Ids.LocationId
  readonly listingId: string
}

/** What a platform sees of one location of an active connection. @since 0.1.0 */
export interface Access {
  readonly listingId: string | null
  readonly resourceMap: Readonly<Record<string, string>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Connections extends Context.Tag("@spacesync/core/Connections")<Connections, {
  /**
   * Creates a pending connection of the operator's locations to a platform, and the URL to send the
   * operator to: the platform's authorization URL with `connection_id` and the single-use `state`.
   */
  readonly create: (
    operatorId: Ids.OperatorId,
    input: { readonly platformId: Ids.PlatformId; readonly locationIds: ReadonlyArray<Ids.LocationId> }
  ) => Effect.Effect<
    { readonly connection: Connection; readonly authorizeUrl: string },
    PlatformNotFound | NoLocations | UnknownLocations | LocationAlreadyConnected
  >
  /** The operator's connections, oldest first. */
  readonly listForOperator: (operatorId: Ids.OperatorId) => Effect.Effect<ReadonlyArray<Connection>>
  /** The platform's connections: active and revoked ones (pending ones are not yet authorized). */
  readonly listForPlatform: (platformId: Ids.PlatformId) => Effect.Effect<ReadonlyArray<Connection>>
  /**
   * One of the platform's connections, pending ones included: the platform reads a pending connection's
   * locations to let its user pick a listing for each before activating it (it is not listed, though).
   */
  readonly getForPlatform: (
    platformId: Ids.PlatformId,
    connectionId: Ids.ConnectionId
  ) => Effect.Effect<Connection, ConnectionNotFound>
  /**
   * Activates a pending connection of the platform with its `state`, recording listing ids for some of
   * its locations. A wrong, expired or reused state changes nothing.
   */
  readonly activate: (
    platformId: Ids.PlatformId,
    connectionId: Ids.ConnectionId,
    input: { readonly state: string; readonly listings: ReadonlyArray<Listing> }
  ) => Effect.Effect<Connection, ConnectionNotFound | InvalidState | UnknownLocations>
  /**
   * Revokes a connection (the operator's, or the platform's active or revoked one). Revoking an active
   * connection emits `connection.revoked`; revoking a revoked one changes nothing.
   */
  readonly revoke: (by: Revoker, connectionId: Ids.ConnectionId) => Effect.Effect<Connection, ConnectionNotFound>
  /** An active connection of the platform that covers the location: its listing id and resource map. */
  readonly access: (
    platformId: Ids.PlatformId,
    connectionId: Ids.ConnectionId,
    locationId: Ids.LocationId
  ) => Effect.Effect<Access, LocationNotConnected>
  /**
   * Replaces the resource map of a location of an active connection. Every key must be a resource of the
   * location; otherwise the map stays as it was.
   */
  readonly setResourceMap: (
    platformId: Ids.PlatformId,
    connectionId: Ids.ConnectionId,
    locationId: Ids.LocationId,
    map: Readonly<Record<string, string>>
  ) => Effect.Effect<Readonly<Record<string, string>>, LocationNotConnected | UnknownResources>
}>() {}

/** Settings of the service. @since 0.1.0 */
export interface Options {
  /** How long an activation `state` is valid (default one hour). */
  readonly stateTtl?: Duration.DurationInput | undefined
}

const ConnectionRow = Schema.Struct({
  connection_id: Ids.ConnectionId,
  platform_id: Ids.PlatformId,
  operator_id: Ids.OperatorId,
  status: ConnectionStatus,
  created_at: Schema.DateTimeUtcFromDate,
  activated_at: Schema.NullOr(Schema.DateTimeUtcFromDate),
  revoked_at: Schema.NullOr(Schema.DateTimeUtcFromDate),
  locations: Schema.Array(ConnectionLocation)
})

const toConnection = (row: typeof ConnectionRow.Type) =>
  new Connection({
    connectionId: row.connection_id,
    platformId: row.platform_id,
    operatorId: row.operator_id,
    status: row.status,
    locations: row.locations,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    revokedAt: row.revoked_at
  })

const ResourceMap = Schema.Record({ key: Schema.String, value: Schema.String })

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const log = yield* EventLog.EventLog
    const stateTtlSeconds = Duration.toSeconds(options.stateTtl ?? Duration.hours(1))

    const select = (where: Statement.Fragment) =>
      sql`select c.connection_id, c.platform_id, c.operator_id, c.status, c.created_at, c.activated_at, c.revoked_at,
          coalesce((
            select json_agg(json_build_object('locationId', cl.location_id, 'listingId', cl.listing_id)
              order by cl.location_id collate "C")
            from spacesync.connection_locations cl where cl.connection_id = c.connection_id
          ), '[]') as locations
        from spacesync.connections c where ${where} order by c.created_at, c.connection_id`

    const byId = orDie(SqlSchema.findOne({
      Request: Ids.ConnectionId,
      Result: ConnectionRow,
      execute: (id) => select(sql`c.connection_id = ${id}`)
    }))
    // A connection this module just wrote.
    const existing = (connectionId: Ids.ConnectionId) =>
      byId(connectionId).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.dieMessage(`Connection ${connectionId} vanished`),
          onSome: (row) => Effect.succeed(toConnection(row))
        }))
      )
    const ofOperator = orDie(SqlSchema.findAll({
      Request: Ids.OperatorId,
      Result: ConnectionRow,
      execute: (id) => select(sql`c.operator_id = ${id}`)
    }))
    const ofPlatform = orDie(SqlSchema.findAll({
      Request: Ids.PlatformId,
      Result: ConnectionRow,
      execute: (id) => select(sql`c.platform_id = ${id} and c.status <> 'pending'`)
    }))
    const oneOfPlatform = orDie(SqlSchema.findOne({
      Request: Schema.Struct({ platformId: Ids.PlatformId, connectionId: Ids.ConnectionId }),
      Result: ConnectionRow,
      execute: (r) => select(sql`c.connection_id = ${r.connectionId} and c.platform_id = ${r.platformId}`)
    }))

    // Creating: the platform row is locked (not against foreign keys to it) so that two creates for one
    // platform run one after the other and cannot both take the same location.
    const lockPlatform = orDie(SqlSchema.findOne({
      Request: Ids.PlatformId,
      Result: Schema.Struct({ authorization_url: Schema.String }),
      execute: (id) =>
        sql`select authorization_url from spacesync.platforms where platform_id = ${id} for no key update`
    }))
    const ownedLocations = orDie(SqlSchema.findAll({
      Request: Schema.Struct({ operatorId: Ids.OperatorId, locationIds: Schema.Array(Ids.LocationId) }),
      Result: Schema.Struct({ location_id: Ids.LocationId }),
      execute: (r) =>
        sql`select l.location_id from spacesync.locations l
          join spacesync.accounts a on a.account_id = l.account_id
          where a.operator_id = ${r.operatorId} and l.location_id = any(${r.locationIds}::text[])
            and l.deleted_at is null`
    }))
    const takenLocations = orDie(SqlSchema.findAll({
      Request: Schema.Struct({ platformId: Ids.PlatformId, locationIds: Schema.Array(Ids.LocationId) }),
      Result: Schema.Struct({ location_id: Ids.LocationId, connection_id: Ids.ConnectionId }),
      execute: (r) =>
        sql`select cl.location_id, c.connection_id from spacesync.connection_locations cl
          join spacesync.connections c on c.connection_id = cl.connection_id
          where c.platform_id = ${r.platformId} and c.status in ('pending', 'active')
            and cl.location_id = any(${r.locationIds}::text[])
          order by cl.location_id collate "C"`
    }))
    const insertPending = orDie(SqlSchema.void({
      Request: Schema.Struct({
        connectionId: Ids.ConnectionId,
        platformId: Ids.PlatformId,
        operatorId: Ids.OperatorId,
        stateHash: Schema.String,
        locationIds: Schema.Array(Ids.LocationId)
      }),
      execute: (r) =>
        sql`with connection as (
            insert into spacesync.connections (connection_id, platform_id, operator_id, status, state_hash,
              state_expires_at)
            values (${r.connectionId}, ${r.platformId}, ${r.operatorId}, 'pending', ${r.stateHash},
              now() + make_interval(secs => ${stateTtlSeconds}))
            returning connection_id
          )
          insert into spacesync.connection_locations (connection_id, location_id)
          select connection.connection_id, l from connection, unnest(${r.locationIds}::text[]) l`
    }))

    const create = Effect.fn("Connections.create")(function*(
      operatorId: Ids.OperatorId,
      input: { readonly platformId: Ids.PlatformId; readonly locationIds: ReadonlyArray<Ids.LocationId> }
    ) {
      const locationIds = [...new Set(input.locationIds)]
      if (locationIds.length === 0) {
        return yield* new NoLocations({ message: "locationIds must name at least one location" })
      }
      const connectionId = Ids.makeConnectionId()
      const state = `st_${Secrets.randomToken(24)}`
      const authorizationUrl = yield* Effect.gen(function*() {
        const platform = yield* lockPlatform(input.platformId)
        if (Option.isNone(platform)) {
          return yield* new PlatformNotFound({
            platformId: input.platformId,
            message: `Platform ${input.platformId} not found`
          })
        }
        const owned = new Set((yield* ownedLocations({ operatorId, locationIds })).map((r) => r.location_id))
        const missing = locationIds.filter((id) => !owned.has(id))
        if (missing.length > 0) {
          return yield* new UnknownLocations({
            locationIds: missing,
            message: `Location ${missing.join(", ")} not found`
          })
        }
        const [taken] = yield* takenLocations({ platformId: input.platformId, locationIds })
        if (taken !== undefined) {
          return yield* new LocationAlreadyConnected({
            locationId: taken.location_id,
            connectionId: taken.connection_id,
            message: `Location ${taken.location_id} is already in connection ${taken.connection_id} with this platform`
          })
        }
        yield* insertPending({
          connectionId,
          platformId: input.platformId,
          operatorId,
          stateHash: sha256Hex(state),
          locationIds
        })
        return platform.value.authorization_url
      }).pipe(sql.withTransaction, Effect.catchTag("SqlError", Effect.die))
      const url = new URL(authorizationUrl)
      url.searchParams.set("connection_id", connectionId)
      url.searchParams.set("state", state)
      return { connection: yield* existing(connectionId), authorizeUrl: url.toString() }
    })

    const notFound = (connectionId: string) =>
      new ConnectionNotFound({ connectionId, message: `Connection ${connectionId} not found` })

    const getForPlatform = Effect.fn("Connections.getForPlatform")(function*(
      platformId: Ids.PlatformId,
      connectionId: Ids.ConnectionId
    ) {
      const row = yield* oneOfPlatform({ platformId, connectionId })
      if (Option.isNone(row)) return yield* notFound(connectionId)
      return toConnection(row.value)
    })

    const lockForActivation = orDie(SqlSchema.findOne({
      Request: Schema.Struct({ platformId: Ids.PlatformId, connectionId: Ids.ConnectionId }),
      Result: Schema.Struct({
        status: ConnectionStatus,
        state_hash: Schema.NullOr(Schema.String),
        expired: Schema.NullOr(Schema.Boolean)
      }),
      execute: (r) =>
        sql`select status, state_hash, state_expires_at < now() as expired from spacesync.connections
          where connection_id = ${r.connectionId} and platform_id = ${r.platformId} for update`
    }))
    const locationsOf = orDie(SqlSchema.findAll({
      Request: Ids.ConnectionId,
      Result: Schema.Struct({ location_id: Ids.LocationId, version: Schema.NullOr(Schema.Number) }),
      execute: (id) =>
        sql`select cl.location_id, l.version from spacesync.connection_locations cl
          left join spacesync.locations l on l.location_id = cl.location_id
          where cl.connection_id = ${id} order by cl.location_id collate "C"`
    }))
    const markActive = orDie(SqlSchema.void({
      Request: Schema.Struct({
        connectionId: Ids.ConnectionId,
        locationIds: Schema.Array(Ids.LocationId),
        listingIds: Schema.Array(Schema.String)
      }),
      execute: (r) =>
        sql`with activated as (
            update spacesync.connections set status = 'active', activated_at = now(), state_hash = null,
              state_expires_at = null
            where connection_id = ${r.connectionId}
            returning connection_id
          )
          update spacesync.connection_locations cl set listing_id = l.listing_id
          from activated, unnest(${r.locationIds}::text[], ${r.listingIds}::text[]) as l (location_id, listing_id)
          where cl.connection_id = activated.connection_id and cl.location_id = l.location_id`
    }))

    const activate = Effect.fn("Connections.activate")(function*(
      platformId: Ids.PlatformId,
      connectionId: Ids.ConnectionId,
      input: { readonly state: string; readonly listings: ReadonlyArray<Listing> }
    ) {
      return yield* Effect.gen(function*() {
        const found = yield* lockForActivation({ platformId, connectionId })
        if (Option.isNone(found)) return yield* notFound(connectionId)
        const row = found.value
        if (row.status !== "pending") {
          return yield* new InvalidState({
            connectionId,
            reason: "Used",
            message: `Connection ${connectionId} is ${row.status}; its state was already used`
          })
        }
        if (row.state_hash === null || !Secrets.safeEqual(sha256Hex(input.state), row.state_hash)) {
          return yield* new InvalidState({
            connectionId,
            reason: "Mismatch",
            message: "The state does not match this connection's authorization state"
          })
        }
        if (row.expired === true) {
          return yield* new InvalidState({ connectionId, reason: "Expired", message: "The state has expired" })
        }
        const locations = yield* locationsOf(connectionId)
        const known = new Set(locations.map((l) => l.location_id))
        const unknown = [...new Set(input.listings.map((l) => l.locationId).filter((id) => !known.has(id)))]
        if (unknown.length > 0) {
          return yield* new UnknownLocations({
            locationIds: unknown,
            message: `Location ${unknown.join(", ")} is not part of connection ${connectionId}`
          })
        }
        // The last listing id given for a location wins.
        const listings = new Map(input.listings.map((l) => [l.locationId, l.listingId]))
        yield* markActive({ connectionId, locationIds: [...listings.keys()], listingIds: [...listings.values()] })
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
    })

    const lockForRevocation = orDie(SqlSchema.findOne({
      Request: Schema.Union(
        Schema.Struct({ connectionId: Ids.ConnectionId, operatorId: Ids.OperatorId }),
        Schema.Struct({ connectionId: Ids.ConnectionId, platformId: Ids.PlatformId })
      ),
      Result: Schema.Struct({ status: ConnectionStatus }),
      execute: (r) =>
        sql`select status from spacesync.connections where connection_id = ${r.connectionId} and ${
          "operatorId" in r ? sql`operator_id = ${r.operatorId}` : sql`platform_id = ${r.platformId}`
        } for update`
    }))
    const markRevoked = orDie(SqlSchema.void({
      Request: Ids.ConnectionId,
      execute: (id) =>
        sql`update spacesync.connections set status = 'revoked', revoked_at = now(), state_hash = null,
          state_expires_at = null where connection_id = ${id}`
    }))

    const revoke = Effect.fn("Connections.revoke")(function*(by: Revoker, connectionId: Ids.ConnectionId) {
      return yield* Effect.gen(function*() {
        const row = Option.getOrUndefined(yield* lockForRevocation({ connectionId, ...by }))
        // A platform never sees a pending connection.
        if (row === undefined || ("platformId" in by && row.status === "pending")) return yield* notFound(connectionId)
        if (row.status === "active") {
          // Appended while the connection is still active, so it reaches the platform like any event.
          yield* log.append([{ type: "connection.revoked", connectionId, changes: EventLog.noChanges }])
        }
        if (row.status !== "revoked") yield* markRevoked(connectionId)
        return yield* existing(connectionId)
      }).pipe(sql.withTransaction, Effect.catchTag("SqlError", Effect.die))
    })

    const findAccess = orDie(SqlSchema.findOne({
      Request: Schema.Struct({
        platformId: Ids.PlatformId,
        connectionId: Ids.ConnectionId,
        locationId: Ids.LocationId
      }),
      Result: Schema.Struct({ listing_id: Schema.NullOr(Schema.String), resource_map: ResourceMap }),
      execute: (r) =>
        sql`select cl.listing_id, cl.resource_map from spacesync.connection_locations cl
          join spacesync.connections c on c.connection_id = cl.connection_id
          where c.connection_id = ${r.connectionId} and c.platform_id = ${r.platformId} and c.status = 'active'
            and cl.location_id = ${r.locationId}`
    }))

    const access = Effect.fn("Connections.access")(function*(
      platformId: Ids.PlatformId,
      connectionId: Ids.ConnectionId,
      locationId: Ids.LocationId
    ) {
      const row = yield* findAccess({ platformId, connectionId, locationId })
      if (Option.isNone(row)) {
        return yield* new LocationNotConnected({
          connectionId,
          locationId,
          message: `Location ${locationId} in connection ${connectionId} not found`
        })
      }
      return { listingId: row.value.listing_id, resourceMap: row.value.resource_map } satisfies Access
    })

    const resourcesOf = orDie(SqlSchema.findOne({
      Request: Ids.LocationId,
      Result: Schema.Struct({ resource_ids: Schema.Array(Schema.String) }),
      execute: (id) =>
        sql`select array(select k from jsonb_object_keys(entity_hashes) k where starts_with(k, 'res_')) as resource_ids
          from spacesync.locations where location_id = ${id}`
    }))
    const writeResourceMap = orDie(SqlSchema.void({
      Request: Schema.Struct({
        connectionId: Ids.ConnectionId,
        locationId: Ids.LocationId,
        map: Schema.parseJson(ResourceMap)
      }),
      execute: (r) =>
        sql`update spacesync.connection_locations set resource_map = ${r.map}::jsonb
          where connection_id = ${r.connectionId} and location_id = ${r.locationId}`
    }))

    const setResourceMap = Effect.fn("Connections.setResourceMap")(function*(
      platformId: Ids.PlatformId,
      connectionId: Ids.ConnectionId,
      locationId: Ids.LocationId,
      map: Readonly<Record<string, string>>
    ) {
      yield* access(platformId, connectionId, locationId)
      const resources = new Set(Option.match(yield* resourcesOf(locationId), {
        onNone: () => [],
        onSome: (row) => row.resource_ids
      }))
      const unknown = Object.keys(map).filter((id) => !resources.has(id))
      if (unknown.length > 0) {
        return yield* new UnknownResources({
          locationId,
          resourceIds: unknown,
          message: `Not resources of location ${locationId}: ${unknown.join(", ")}`
        })
      }
      yield* writeResourceMap({ connectionId, locationId, map })
      return map
    })

    return Connections.of({
      create,
      listForOperator: (operatorId) => Effect.map(ofOperator(operatorId), (rows) => rows.map(toConnection)),
      listForPlatform: (platformId) => Effect.map(ofPlatform(platformId), (rows) => rows.map(toConnection)),
      getForPlatform,
      activate,
      revoke,
      access,
      setResourceMap
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<Connections, never, SqlClient.SqlClient | EventLog.EventLog> => Layer.effect(Connections, make(options))
