/**
 * Shared pieces of the delivery tests: tenancy seeds, a webhook receiver on 127.0.0.1, and the layers.
 */
import { SqlClient } from "@effect/sql"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Effect, Layer, Redacted, type Scope } from "effect"
import { randomBytes } from "node:crypto"
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import * as DeliveryQueue from "../../src/DeliveryQueue.js"
import * as EventFeed from "../../src/EventFeed.js"
import * as EventLog from "../../src/EventLog.js"
import * as Fanout from "../../src/Fanout.js"
import * as HubUrls from "../../src/HubUrls.js"
import * as SecretBox from "../../src/SecretBox.js"
import * as TestDatabase from "../../src/testing/TestDatabase.js"
import * as WebhookEndpoints from "../../src/WebhookEndpoints.js"

export const publicUrl = "https://hub.example"
export const secretKey = Redacted.make("test-secret-key-".repeat(3))

/** Everything but the worker, on a fresh database. */
export const baseLayer = (database: Layer.Layer<SqlClient.SqlClient> = TestDatabase.layer()) =>
  Layer.mergeAll(
    EventLog.layer,
    EventFeed.layer,
    DeliveryQueue.layer,
    WebhookEndpoints.layer({ allowPrivateTargets: true })
  )
    .pipe(
      Layer.provideMerge(Fanout.layer),
      Layer.provideMerge(HubUrls.layer(publicUrl)),
      Layer.provideMerge(SecretBox.layer(secretKey)),
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

/** A platform row. */
export const seedPlatform = (name = "Platform") =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const platformId = Ids.makePlatformId()
    yield* sql`insert into spacesync.platforms ${
      sql.insert({ platform_id: platformId, name, authorization_url: "https://platform.example/authorize" })
    }`
    return platformId
  }).pipe(Effect.orDie)

/** A connection of `platformId` covering `locations` (location id → listing id). */
export const seedConnection = (
  platformId: Ids.PlatformId,
  locations: ReadonlyArray<readonly [Ids.LocationId, string | null]>,
  status: "active" | "pending" | "revoked" = "active",
  resourceMap: Record<string, string> = {}
) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const operatorId = Ids.makeOperatorId()
    yield* sql`insert into spacesync.operators ${sql.insert({ operator_id: operatorId, name: "Operator" })}`
    const connectionId = Ids.makeConnectionId()
    yield* sql`insert into spacesync.connections ${
      sql.insert({ connection_id: connectionId, platform_id: platformId, operator_id: operatorId, status })
    }`
    if (locations.length > 0) {
      yield* sql`insert into spacesync.connection_locations ${
        sql.insert(locations.map(([locationId, listingId]) => ({
          connection_id: connectionId,
          location_id: locationId,
          listing_id: listingId,
          resource_map: JSON.stringify(resourceMap)
        })))
      }`
    }
    return connectionId
  }).pipe(Effect.orDie)

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
    const locationId = newLocation()
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
