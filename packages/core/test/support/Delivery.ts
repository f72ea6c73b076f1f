/**
 * Shared pieces of the delivery tests: tenancy seeds (through core's services), a webhook receiver on
 * 127.0.0.1, and the layers.
 */
import { SqlClient } from "@effect/sql"
import * as Ids from "@spacesync/adapter-kit/Ids"
import * as LocationSnapshot from "@spacesync/adapter-kit/LocationSnapshot"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { Effect, Either, Layer, Option, Redacted, Schema, type Scope } from "effect"
import { randomBytes } from "node:crypto"
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import * as Accounts from "../../src/Accounts.js"
import * as Adapters from "../../src/Adapters.js"
import * as Connections from "../../src/Connections.js"
import * as DeliveryQueue from "../../src/DeliveryQueue.js"
import * as EventFeed from "../../src/EventFeed.js"
import * as EventLog from "../../src/EventLog.js"
import * as Fanout from "../../src/Fanout.js"
import * as HubUrls from "../../src/HubUrls.js"
import * as Operators from "../../src/Operators.js"
import * as Platforms from "../../src/Platforms.js"
import * as SecretBox from "../../src/SecretBox.js"
import * as SnapshotStore from "../../src/SnapshotStore.js"
import * as MemoryUpstream from "../../src/testing/MemoryUpstream.js"
import * as TestDatabase from "../../src/testing/TestDatabase.js"
import * as WebhookEndpoints from "../../src/WebhookEndpoints.js"

export const publicUrl = "https://hub.example"
export const secretKey = Redacted.make("test-secret-key-".repeat(3))

/** The adapter seeded accounts use (it is never read from: locations are stored directly). */
const upstream = MemoryUpstream.makeUpstream("memory-token")

/**
 * Everything but the worker, on a fresh database: the event log with the fan-out, the feed, the queue, the
 * endpoints, and what seeding tenants takes (operators, platforms, connections, accounts, snapshots).
 */
export const baseLayer = (database: Layer.Layer<SqlClient.SqlClient> = TestDatabase.layer()) =>
  Layer.mergeAll(
    Connections.layer(),
    Operators.layer,
    Platforms.layer,
    Accounts.layer,
    SnapshotStore.layer,
    EventFeed.layer,
    DeliveryQueue.layer,
    WebhookEndpoints.layer({ allowPrivateTargets: true })
  )
    .pipe(
      Layer.provideMerge(EventLog.layer),
      Layer.provideMerge(Fanout.layer),
      Layer.provideMerge(Layer.mergeAll(
        HubUrls.layer(publicUrl),
        SecretBox.layer(secretKey),
        Adapters.layer([MemoryUpstream.adapter(upstream)])
      )),
      Layer.provideMerge(database)
    )

/** Wall-clock sleep, whatever clock the test runs on. */
export const realSleep = (millis: number) =>
  Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

/** Polls `check` until it returns true (or dies after `timeout` ms). */
export const eventually = <E, R>(check: Effect.Effect<boolean, E, R>, timeout = 10_000, label = "condition") =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeout
    while (!(yield* check)) {
      if (Date.now() > deadline) return yield* Effect.dieMessage(`Timed out waiting for ${label}`)
      yield* realSleep(25)
    }
  })

const suffix = () => randomBytes(8).toString("hex")

/** A platform (through `Platforms`). */
export const seedPlatform = (name = "Platform") =>
  Effect.flatMap(
    Platforms.Platforms,
    (platforms) => platforms.create({ name, authorizationUrl: "https://platform.example/authorize" })
  ).pipe(Effect.map(({ platform }) => platform.platformId), Effect.orDie)

/** An operator with one account: the owner of the locations it connects. */
export interface Owner {
  readonly operatorId: Ids.OperatorId
  readonly accountId: Ids.AccountId
}

/** A new operator with one account (on the in-memory adapter). */
export const seedOwner: Effect.Effect<Owner, never, Operators.Operators | Accounts.Accounts> = Effect.gen(function*() {
  const { operator } = yield* Effect.flatMap(Operators.Operators, (operators) => operators.create("Operator"))
  const account = yield* Effect.flatMap(Accounts.Accounts, (accounts) =>
    accounts.create({
      operatorId: operator.operatorId,
      name: "Main",
      adapter: "memory",
      credentials: { token: "memory-token" }
    })).pipe(Effect.orDie)
  return { operatorId: operator.operatorId, accountId: account.accountId }
})

/** A snapshot of the owner's account with `resources` resources and no prices, under the id `locationId`. */
const snapshotOf = (owner: Owner, resources: number, locationId?: Ids.LocationId) => {
  const source = Schema.decodeUnknownSync(LocationSnapshot.LocationSnapshotSource)(
    Fixtures.locationSource(`L-${suffix()}`, { resources, prices: 0 })
  )
  const snapshot = Either.getOrThrow(LocationSnapshot.fromSource(owner.accountId, source))
  return locationId === undefined ? snapshot : { ...snapshot, location: { ...snapshot.location, id: locationId } }
}

/** A location of the owner's account (stored in the snapshot store), and the ids of its resources. */
export const seedLocation = (
  owner: Owner,
  options: { readonly resources?: number; readonly id?: Ids.LocationId } = {}
) =>
  Effect.gen(function*() {
    const snapshot = snapshotOf(owner, options.resources ?? 0, options.id)
    yield* Effect.flatMap(SnapshotStore.SnapshotStore, (store) => store.save(owner.accountId, snapshot))
    return { locationId: snapshot.location.id, resourceIds: snapshot.resources.map((r) => r.id) }
  })

/** The owner of a stored location. */
const ownerOf = (locationId: Ids.LocationId) =>
  Effect.gen(function*() {
    const stored = yield* Effect.flatMap(SnapshotStore.SnapshotStore, (store) => store.get(locationId))
    if (Option.isNone(stored)) return Option.none<Owner>()
    const { accountId } = stored.value
    const account = yield* Effect.flatMap(Accounts.Accounts, (accounts) => accounts.get(accountId))
    const operatorId = Option.getOrThrow(account).operatorId!
    return Option.some<Owner>({ operatorId, accountId })
  })

/**
 * A connection of `platformId` covering `locations` (location id → listing id), made through
 * `Connections` as an operator would: created, then activated with its state (its activation events are
 * then in the platform's feed), or revoked by the operator before activation. Locations not stored yet
 * are stored for the operator of the stored ones (or a new operator), under these ids.
 */
export const seedConnection = (
  platformId: Ids.PlatformId,
  locations: ReadonlyArray<readonly [Ids.LocationId, string | null]>,
  status: "active" | "pending" | "revoked" = "active"
) =>
  Effect.gen(function*() {
    const connections = yield* Connections.Connections
    const owners = yield* Effect.forEach(locations, ([locationId]) => ownerOf(locationId))
    const owner = Option.getOrUndefined(Option.firstSomeOf(owners)) ?? (yield* seedOwner)
    yield* Effect.forEach(
      locations.filter((_, i) => Option.isNone(owners[i]!)),
      ([locationId]) => seedLocation(owner, { id: locationId }),
      { concurrency: 8 }
    )
    const { authorizeUrl, connection } = yield* connections.create(owner.operatorId, {
      platformId,
      locationIds: locations.map(([locationId]) => locationId)
    })
    const state = new URL(authorizeUrl).searchParams.get("state")!
    if (status === "active") {
      yield* connections.activate(platformId, connection.connectionId, {
        state,
        listings: locations.flatMap(([locationId, listingId]) => listingId === null ? [] : [{ locationId, listingId }])
      })
    } else if (status === "revoked") {
      yield* connections.revoke({ operatorId: owner.operatorId }, connection.connectionId)
    }
    return connection.connectionId
  }).pipe(Effect.orDie)

/** The cursor after the last event of the platform's feed (0 when it is empty). */
export const feedEnd = (platformId: Ids.PlatformId) =>
  Effect.gen(function*() {
    const feed = yield* EventFeed.EventFeed
    let cursor = 0
    while (true) {
      const page = yield* feed.forPlatform(platformId, { after: cursor, limit: EventFeed.maxLimit })
      if (page.next === null) return cursor
      cursor = page.next
    }
  })

/** A fresh location id. */
export const newLocation = () => Ids.entityId("acc_test" as Ids.AccountId, "location", suffix())

/** A `pricing.updated` (or other) event for a location. */
export const locationEvent = (
  locationId: Ids.LocationId,
  version: number,
  type: EventLog.EventType = "pricing.updated"
): EventLog.NewEvent => ({
  type,
  accountId: "acc_test" as Ids.AccountId,
  locationId,
  version,
  changes: { created: [], updated: [`prc_${suffix()}`], deleted: [] }
})

/** Appends events through the event log (and so the fan-out). */
export const append = (...events: ReadonlyArray<EventLog.NewEvent>) =>
  Effect.flatMap(EventLog.EventLog, (log) => log.append(events))

/** A request as the receiver got it. */
export interface Received {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  readonly at: number
}

/** What the receiver answers. */
export interface Reply {
  readonly status?: number
  readonly headers?: Record<string, string>
  readonly body?: string
  readonly delayMs?: number
}

/** A receiver on 127.0.0.1 answering with `respond` (per request, with the index of it on its path). */
export const receiver = (
  respond: (request: Received, indexOnPath: number) => Reply = () => ({ status: 200 })
): Effect.Effect<
  {
    readonly url: string
    readonly port: number
    readonly received: Array<Received>
    readonly onPath: (path: string) => ReadonlyArray<Received>
    respond: (request: Received, indexOnPath: number) => Reply
    maxConcurrent: Map<string, number>
  },
  never,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const received: Array<Received> = []
    const counts = new Map<string, number>()
    const current = new Map<string, number>()
    const state = {
      respond,
      maxConcurrent: new Map<string, number>()
    }
    const server = createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
        const path = req.url ?? "/"
        const request: Received = {
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          at: Date.now()
        }
        received.push(request)
        const index = counts.get(path) ?? 0
        counts.set(path, index + 1)
        const now = (current.get(path) ?? 0) + 1
        current.set(path, now)
        state.maxConcurrent.set(path, Math.max(state.maxConcurrent.get(path) ?? 0, now))
        const reply = state.respond(request, index)
        const send = () => {
          current.set(path, (current.get(path) ?? 1) - 1)
          res.writeHead(reply.status ?? 200, { "content-type": "text/plain", ...reply.headers })
          res.end(reply.body ?? "ok")
        }
        if (reply.delayMs) setTimeout(send, reply.delayMs)
        else send()
      })
    })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const port = (server.address() as AddressInfo).port
    return Object.assign(state, {
      url: `http://127.0.0.1:${port}`,
      port,
      received,
      onPath: (path: string) => received.filter((r) => r.path === path)
    })
  })

/** An endpoint of `platformId` at `url`, with its secret. */
export const createEndpoint = (
  platformId: Ids.PlatformId,
  url: string,
  input: Partial<WebhookEndpoints.CreateInput> = {}
) =>
  Effect.flatMap(WebhookEndpoints.WebhookEndpoints, (store) => store.create(platformId, { url, ...input })).pipe(
    Effect.orDie
  )

/** A platform with one active connection covering a new location, and that location. */
export const seedTenant = (listingId = "listing-1") =>
  Effect.gen(function*() {
    const platformId = yield* seedPlatform()
    const owner = yield* seedOwner
    const { locationId } = yield* seedLocation(owner)
    const connectionId = yield* seedConnection(platformId, [[locationId, listingId]])
    return { platformId, locationId, connectionId }
  })

/** Rows of a table for an endpoint. */
export const deliveryStates = (endpointId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const queued = yield* sql<{ delivery_id: string; event_id: string; attempts: number; claim_id: string | null }>`
      select delivery_id, event_id, attempts, claim_id from spacesync.webhook_deliveries
      where endpoint_id = ${endpointId} order by seq`
    const log = yield* sql<
      {
        delivery_id: string
        event_id: string
        status: string
        attempts: number
        reason: string | null
        superseded_by: string | null
      }
    >`
      select delivery_id, event_id, status, attempts, reason, superseded_by from spacesync.webhook_delivery_log
      where endpoint_id = ${endpointId} order by seq`
    return { queued, log }
  }).pipe(Effect.orDie)
