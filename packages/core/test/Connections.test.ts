import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Effect, Exit, Option } from "effect"
import * as Connections from "../src/Connections.js"
import * as Operators from "../src/Operators.js"
import * as Platforms from "../src/Platforms.js"
import { baseLayer, type Owner, seedLocation, seedOwner, seedPlatform } from "./support/Delivery.js"

const Service = Connections.Connections

/** The failure of `effect`, which must fail. */
const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.exit(effect), (exit) =>
    Exit.isFailure(exit) && exit.cause._tag === "Fail"
      ? Effect.succeed(exit.cause.error)
      : Effect.dieMessage(`Expected a failure, got ${JSON.stringify(exit)}`))

const connectionRow = (connectionId: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql`select status, state_hash, activated_at, revoked_at from spacesync.connections
      where connection_id = ${connectionId}`
  ).pipe(Effect.map((rows) => rows[0]), Effect.orDie)

const locationRows = (connectionId: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql`select location_id, listing_id, resource_map from spacesync.connection_locations
      where connection_id = ${connectionId} order by location_id`
  ).pipe(Effect.orDie)

const eventsOf = (connectionId: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql`select type, location_id, full_resync from spacesync.events where connection_id = ${connectionId}
      order by seq`
  ).pipe(Effect.orDie)

const countConnections = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => sql`select count(*)::int as count from spacesync.connections`
).pipe(
  Effect.map((rows) => rows[0]!.count as number),
  Effect.orDie
)

/** A pending connection of the owner's locations to the platform, and its state. */
const pending = (owner: Owner, platformId: Ids.PlatformId, locationIds: ReadonlyArray<Ids.LocationId>) =>
  Effect.gen(function*() {
    const { authorizeUrl, connection } = yield* Effect.flatMap(
      Service,
      (connections) => connections.create(owner.operatorId, { platformId, locationIds })
    )
    return { connection, authorizeUrl, state: new URL(authorizeUrl).searchParams.get("state")! }
  })

describe("Operators and Platforms", () => {
  layer(baseLayer())((it) => {
    it.effect("an operator's API key is shown once, stored as an scrypt hash, and authenticates until deletion", () =>
      Effect.gen(function*() {
        const operators = yield* Operators.Operators
        const sql = yield* SqlClient.SqlClient
        const { apiKey, operator } = yield* operators.create("Spaces GmbH")
        expect(apiKey).toMatch(new RegExp(`^sk_op_${operator.operatorId.slice(3)}_`))
        const [row] =
          yield* sql`select api_key_hash from spacesync.operators where operator_id = ${operator.operatorId}`
        expect(row!.api_key_hash).toMatch(/^scrypt\$/)
        expect(row!.api_key_hash).not.toContain(apiKey)
        expect(yield* operators.authenticate(apiKey)).toEqual(Option.some(operator.operatorId))
        // The right id with another secret, a malformed key: no operator.
        expect(yield* operators.authenticate(`${apiKey.slice(0, -4)}AAAA`)).toEqual(Option.none())
        expect(yield* operators.authenticate("sk_op_nope")).toEqual(Option.none())
        expect((yield* operators.get(operator.operatorId)).name).toBe("Spaces GmbH")
        expect((yield* operators.list).map((o) => o.operatorId)).toContain(operator.operatorId)
        yield* operators.delete(operator.operatorId)
        expect(yield* operators.authenticate(apiKey)).toEqual(Option.none())
        const gone = yield* failure(operators.delete(operator.operatorId))
        expect(gone).toBeInstanceOf(Operators.OperatorNotFound)
        expect(gone.message).toBe(`Operator ${operator.operatorId} not found`)
        expect(yield* failure(operators.get(operator.operatorId))).toBeInstanceOf(Operators.OperatorNotFound)
      }))

    it.effect("a platform's client secret is shown once, stored as an scrypt hash, and authenticates its client id only", () =>
      Effect.gen(function*() {
        const platforms = yield* Platforms.Platforms
        const sql = yield* SqlClient.SqlClient
        const { clientSecret, platform } = yield* platforms.create({
          name: "Listings",
          authorizationUrl: "https://listings.example/authorize"
        })
        const other = yield* platforms.create({ name: "Other", authorizationUrl: "https://other.example/auth" })
        const [row] = yield* sql`select client_secret_hash from spacesync.platforms
          where platform_id = ${platform.platformId}`
        expect(row!.client_secret_hash).toMatch(/^scrypt\$/)
        expect(yield* platforms.authenticate(platform.clientId, clientSecret)).toEqual(Option.some(platform.platformId))
        expect(yield* platforms.authenticate(platform.clientId, other.clientSecret)).toEqual(Option.none())
        expect(yield* platforms.authenticate(other.platform.clientId, clientSecret)).toEqual(Option.none())
        expect(yield* platforms.authenticate("cli_unknown", clientSecret)).toEqual(Option.none())
        expect(yield* platforms.get(platform.platformId)).toEqual(platform)
        const invalid = yield* failure(platforms.create({ name: "Bad", authorizationUrl: "ftp://x.example" }))
        expect(invalid).toBeInstanceOf(Platforms.InvalidAuthorizationUrl)
        yield* platforms.delete(platform.platformId)
        expect(yield* platforms.authenticate(platform.clientId, clientSecret)).toEqual(Option.none())
        expect(yield* failure(platforms.get(platform.platformId))).toBeInstanceOf(Platforms.PlatformNotFound)
        expect(yield* failure(platforms.delete(platform.platformId))).toBeInstanceOf(Platforms.PlatformNotFound)
      }))
  })
})

describe("Connections", () => {
  layer(baseLayer())((it) => {
    it.effect("create: a pending connection of the operator's own locations, its state stored only as a digest", () =>
      Effect.gen(function*() {
        const connections = yield* Service
        const owner = yield* seedOwner
        const stranger = yield* seedOwner
        const { locationId: mine } = yield* seedLocation(owner)
        const { locationId: theirs } = yield* seedLocation(stranger)
        const { platform } = yield* Effect.flatMap(
          Platforms.Platforms,
          (platforms) => platforms.create({ name: "P", authorizationUrl: "https://p.example/authorize?x=1" })
        )
        const before = yield* countConnections

        // Someone else's location is "not found", like an unknown one; nothing is stored.
        const foreign = yield* failure(
          connections.create(owner.operatorId, { platformId: platform.platformId, locationIds: [mine, theirs] })
        )
        expect(foreign).toBeInstanceOf(Connections.UnknownLocations)
        expect(foreign).toMatchObject({ locationIds: [theirs], message: `Location ${theirs} not found` })
        const unknownPlatform = yield* failure(
          connections.create(owner.operatorId, { platformId: Ids.makePlatformId(), locationIds: [mine] })
        )
        expect(unknownPlatform).toBeInstanceOf(Platforms.PlatformNotFound)
        const none = yield* failure(
          connections.create(owner.operatorId, { platformId: platform.platformId, locationIds: [] })
        )
        expect(none).toBeInstanceOf(Connections.NoLocations)
        expect(yield* countConnections).toBe(before)

        const { authorizeUrl, connection, state } = yield* pending(owner, platform.platformId, [mine])
        expect(connection).toMatchObject({
          platformId: platform.platformId,
          operatorId: owner.operatorId,
          status: "pending",
          locations: [{ locationId: mine, listingId: null }],
          activatedAt: null,
          revokedAt: null
        })
        const url = new URL(authorizeUrl)
        expect(url.origin + url.pathname).toBe("https://p.example/authorize")
        expect(url.searchParams.get("x")).toBe("1")
        expect(url.searchParams.get("connection_id")).toBe(connection.connectionId)
        expect(state).toMatch(/^st_/)
        expect(yield* connectionRow(connection.connectionId)).toMatchObject({
          status: "pending",
          state_hash: sha256Hex(state)
        })
        // Pending connections are listed to the operator, not to the platform.
        expect((yield* connections.listForOperator(owner.operatorId)).map((c) => c.connectionId)).toEqual([
          connection.connectionId
        ])
        expect(yield* connections.listForPlatform(platform.platformId)).toEqual([])
        // The platform reads a pending connection it is sent to (to let its user map the locations), by id only.
        expect((yield* connections.getForPlatform(platform.platformId, connection.connectionId)).status).toBe("pending")

        // One pending or active connection per location and platform.
        const twice = yield* failure(
          connections.create(owner.operatorId, { platformId: platform.platformId, locationIds: [mine] })
        )
        expect(twice).toMatchObject({
          _tag: "LocationAlreadyConnected",
          locationId: mine,
          connectionId: connection.connectionId
        })
      }))

    it.effect("activate: a wrong, foreign or reused state changes nothing; the right one activates once, with events", () =>
      Effect.gen(function*() {
        const connections = yield* Service
        const owner = yield* seedOwner
        const { locationId: a } = yield* seedLocation(owner)
        const { locationId: b } = yield* seedLocation(owner)
        const { locationId: outside } = yield* seedLocation(owner)
        const platformId = yield* seedPlatform()
        const otherPlatform = yield* seedPlatform()
        const { connection, state } = yield* pending(owner, platformId, [a, b])
        const id = connection.connectionId
        const unchanged = Effect.gen(function*() {
          expect(yield* connectionRow(id)).toMatchObject({ status: "pending", state_hash: sha256Hex(state) })
          expect((yield* locationRows(id)).map((r) => r.listing_id)).toEqual([null, null])
          expect(yield* eventsOf(id)).toEqual([])
        })

        const wrong = yield* failure(connections.activate(platformId, id, { state: "st_wrong", listings: [] }))
        expect(wrong).toMatchObject({ _tag: "InvalidState", reason: "Mismatch", connectionId: id })
        yield* unchanged
        // Another platform's connection does not exist for it, even with the right state.
        const foreign = yield* failure(connections.activate(otherPlatform, id, { state, listings: [] }))
        expect(foreign).toBeInstanceOf(Connections.ConnectionNotFound)
        expect(foreign.message).toBe(`Connection ${id} not found`)
        yield* unchanged
        const stray = yield* failure(
          connections.activate(platformId, id, { state, listings: [{ locationId: outside, listingId: "x" }] })
        )
        expect(stray).toMatchObject({ _tag: "UnknownLocations", locationIds: [outside] })
        yield* unchanged

        const active = yield* connections.activate(platformId, id, {
          state,
          listings: [{ locationId: a, listingId: "p-1" }]
        })
        const expectedLocations = [{ locationId: a, listingId: "p-1" }, { locationId: b, listingId: null }]
          .sort((x, y) => (x.locationId < y.locationId ? -1 : 1))
        expect(active).toMatchObject({ connectionId: id, status: "active", locations: expectedLocations })
        expect(active.activatedAt).not.toBeNull()
        expect(yield* connectionRow(id)).toMatchObject({ status: "active", state_hash: null })
        expect(yield* eventsOf(id)).toEqual([
          { type: "connection.activated", location_id: null, full_resync: false },
          ...expectedLocations.map((l) => ({ type: "location.created", location_id: l.locationId, full_resync: true }))
        ])

        const reused = yield* failure(connections.activate(platformId, id, { state, listings: [] }))
        expect(reused).toMatchObject({
          _tag: "InvalidState",
          reason: "Used",
          message: `Connection ${id} is active; its state was already used`
        })
        expect(yield* eventsOf(id)).toHaveLength(3)
        expect((yield* connections.getForPlatform(platformId, id)).status).toBe("active")
        expect((yield* connections.listForPlatform(platformId)).map((c) => c.connectionId)).toEqual([id])
      }))

    it.effect("activate: an expired state is refused", () =>
      Effect.gen(function*() {
        const connections = yield* Connections.make({ stateTtl: 0 })
        const owner = yield* seedOwner
        const { locationId } = yield* seedLocation(owner)
        const platformId = yield* seedPlatform()
        const { authorizeUrl, connection } = yield* connections.create(owner.operatorId, {
          platformId,
          locationIds: [locationId]
        })
        const state = new URL(authorizeUrl).searchParams.get("state")!
        const expired = yield* failure(
          connections.activate(platformId, connection.connectionId, { state, listings: [] })
        )
        expect(expired).toMatchObject({ _tag: "InvalidState", reason: "Expired" })
        expect(yield* connectionRow(connection.connectionId)).toMatchObject({ status: "pending" })
      }))

    it.effect("revoke: by its operator or platform only; an active one emits connection.revoked once", () =>
      Effect.gen(function*() {
        const connections = yield* Service
        const owner = yield* seedOwner
        const stranger = yield* seedOwner
        const { locationId } = yield* seedLocation(owner)
        const platformId = yield* seedPlatform()
        const otherPlatform = yield* seedPlatform()
        const { connection, state } = yield* pending(owner, platformId, [locationId])
        const id = connection.connectionId
        // The platform cannot see (nor revoke) a pending connection; nobody else can revoke it.
        expect(yield* failure(connections.revoke({ platformId }, id))).toBeInstanceOf(Connections.ConnectionNotFound)
        expect(yield* failure(connections.revoke({ operatorId: stranger.operatorId }, id)))
          .toBeInstanceOf(Connections.ConnectionNotFound)
        yield* connections.activate(platformId, id, { state, listings: [] })
        expect(yield* failure(connections.revoke({ platformId: otherPlatform }, id)))
          .toBeInstanceOf(Connections.ConnectionNotFound)
        expect(yield* connectionRow(id)).toMatchObject({ status: "active", revoked_at: null })

        const revoked = yield* connections.revoke({ operatorId: owner.operatorId }, id)
        expect(revoked.status).toBe("revoked")
        expect(revoked.revokedAt).not.toBeNull()
        const again = yield* connections.revoke({ platformId }, id)
        expect(again).toEqual(revoked)
        expect((yield* eventsOf(id)).map((e) => e.type)).toEqual([
          "connection.activated",
          "location.created",
          "connection.revoked"
        ])
        expect(yield* failure(connections.access(platformId, id, locationId))).toBeInstanceOf(
          Connections.LocationNotConnected
        )
        // A revoked location can be connected again.
        const next = yield* pending(owner, platformId, [locationId])
        expect(next.connection.status).toBe("pending")
      }))

    it.effect("resource map: only the location's resource ids; a refused map leaves the stored one", () =>
      Effect.gen(function*() {
        const connections = yield* Service
        const owner = yield* seedOwner
        const { locationId, resourceIds } = yield* seedLocation(owner, { resources: 2 })
        const { locationId: sibling, resourceIds: siblingResources } = yield* seedLocation(owner, { resources: 1 })
        const platformId = yield* seedPlatform()
        const otherPlatform = yield* seedPlatform()
        const { connection, state } = yield* pending(owner, platformId, [locationId])
        const id = connection.connectionId
        yield* connections.activate(platformId, id, { state, listings: [{ locationId, listingId: "p-9" }] })

        const map = { [resourceIds[0]!]: "room-1", [resourceIds[1]!]: "room-2" }
        expect(yield* connections.setResourceMap(platformId, id, locationId, map)).toEqual(map)
        expect((yield* locationRows(id))[0]!.resource_map).toEqual(map)
        expect(yield* connections.access(platformId, id, locationId)).toEqual({ listingId: "p-9", resourceMap: map })

        // Another location's resource, or no resource at all: refused, and the stored map stays.
        const refused = yield* failure(
          connections.setResourceMap(platformId, id, locationId, {
            [resourceIds[0]!]: "room-9",
            [siblingResources[0]!]: "x",
            res_unknown: "y"
          })
        )
        expect(refused).toMatchObject({
          _tag: "UnknownResources",
          locationId,
          resourceIds: [siblingResources[0], "res_unknown"]
        })
        expect((yield* locationRows(id))[0]!.resource_map).toEqual(map)

        // Another platform, or a location outside the connection: not connected.
        const foreign = yield* failure(connections.setResourceMap(otherPlatform, id, locationId, {}))
        expect(foreign).toMatchObject({
          _tag: "LocationNotConnected",
          message: `Location ${locationId} in connection ${id} not found`
        })
        expect(yield* failure(connections.access(platformId, id, sibling))).toBeInstanceOf(
          Connections.LocationNotConnected
        )
        expect((yield* locationRows(id))[0]!.resource_map).toEqual(map)
      }))
  })
})
