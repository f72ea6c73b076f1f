/**
 * An existing Node app (plain `node:http`) that embeds spacesync's core: sync, change detection, the
 * scheduler loop and signed webhook delivery run inside it, on its own PostgreSQL database, without the
 * server package. Its own routes wrap core's services:
 *
 * - `POST /accounts` `{name, credentials, adapter?, pollIntervalSeconds?}` → 201 the account
 * - `GET /accounts` → `{data: [account]}`
 * - `POST /accounts/:id/sync` → 200 the sync report (and the account's new locations are connected to the
 *   app's platform, so their changes reach its webhook endpoints)
 * - `GET /locations/:id` → `{version, hash, location, resources, prices}` (the stored canonical snapshot)
 * - `GET /events?after=<seq>&limit=<1..500>` → `{data: [event], next}` (the event log, oldest first)
 * - `POST /endpoints` `{url, eventTypes?, description?}` → 201 `{id, url, eventTypes, secret}`
 * - `GET /endpoints` → `{data: [endpoint]}`; `GET /endpoints/:id/deliveries` → `{data: [delivery]}`
 * - `GET /healthz`
 *
 * Errors are `application/problem+json` `{type, title, status, detail, errors?}`.
 */
import { FeedAdapter } from "@spacesync/adapter-feed"
import {
  Accounts,
  Adapters,
  Connections,
  Database,
  DeliveryQueue,
  DeliveryWorker,
  EventLog,
  Fanout,
  HubUrls,
  Ids,
  Migrations,
  Operators,
  OutboundGuard,
  Platforms,
  Scheduler,
  SecretBox,
  SnapshotStore,
  SyncEngine,
  WebhookEndpoints
} from "@spacesync/core"
import { DateTime, type Duration, Effect, Layer, ManagedRuntime, Option, Redacted, Schema } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

/** What the app needs to start. */
export interface Config {
  /** The app's own PostgreSQL database; core's migrations are applied to it at start. */
  readonly databaseUrl: string
  /** At least 32 characters: the key that encrypts upstream credentials and webhook secrets at rest. */
  readonly secretKey: string
  /** Listen address. Default 127.0.0.1 and a free port (0). */
  readonly host?: string | undefined
  readonly port?: number | undefined
  /** Base of the `apiUrl` of webhook bodies. Default `http://host:port`. */
  readonly publicUrl?: string | undefined
  /** Let feeds and webhook endpoints be on loopback/private addresses (development and tests only). */
  readonly allowPrivateTargets?: boolean | undefined
  /** How often the scheduler looks for due accounts. Default 1 second. */
  readonly schedulerTick?: Duration.DurationInput | undefined
  /** How often delivery workers poll besides being woken. Default 1 second. */
  readonly deliveryPollInterval?: Duration.DurationInput | undefined
}

/** The running app. */
export interface App {
  readonly url: string
  readonly close: () => Promise<void>
}

/** The name of the operator and the platform the app creates for itself. */
export const ownName = "embed-core example"

/** Core's services on the app's database, with the adapters the app offers. */
const coreLayer = (config: Config, publicUrl: string) => {
  const allowPrivateTargets = config.allowPrivateTargets ?? false
  const database = Layer.effectDiscard(Migrations.run([Migrations.core])).pipe(
    Layer.provideMerge(Database.layerWith({ url: Option.some(Redacted.make(config.databaseUrl)), dataDir: "" }))
  )
  const storage = Layer.mergeAll(SnapshotStore.layer, EventLog.layer).pipe(
    Layer.provideMerge(Fanout.layer),
    Layer.provideMerge(HubUrls.layer(publicUrl))
  )
  const services = Layer.mergeAll(
    Scheduler.layer(),
    WebhookEndpoints.layer({ allowPrivateTargets }),
    Platforms.layer,
    Operators.layer,
    Connections.layer()
  ).pipe(
    Layer.provideMerge(SyncEngine.layer()),
    Layer.provideMerge(Accounts.layer),
    Layer.provideMerge(Adapters.layer([FeedAdapter.make])),
    Layer.provideMerge(storage),
    Layer.provideMerge(OutboundGuard.layerWith({ allowPrivateTargets }))
  )
  // In the background: the polling loop and the webhook delivery workers.
  const background = Layer.mergeAll(
    Scheduler.layerLoop({ tick: config.schedulerTick ?? "1 second" }),
    Layer.discard(
      DeliveryWorker.layer({ pollInterval: config.deliveryPollInterval ?? "1 second" }).pipe(
        Layer.provide(Layer.mergeAll(DeliveryQueue.layer, OutboundGuard.dispatcherLayerWith({ allowPrivateTargets })))
      )
    )
  )
  return Layer.provideMerge(background, services).pipe(
    Layer.provideMerge(SecretBox.layer(Redacted.make(config.secretKey))),
    Layer.provideMerge(database)
  )
}

/** An HTTP error answered as `application/problem+json`. */
class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: ReadonlyArray<{ readonly path: string; readonly message: string }>
  ) {
    super(detail)
  }
}

const badRequest = (detail: string, errors?: ReadonlyArray<{ path: string; message: string }>) =>
  new Problem(400, "Bad Request", detail, errors)
const notFound = (detail: string) => new Problem(404, "Not Found", detail)

/** Request bodies, validated (a failure is a 400 naming each path). */
const NewAccount = Schema.Struct({
  name: Schema.NonEmptyTrimmedString,
  adapter: Schema.optionalWith(Schema.NonEmptyTrimmedString, { default: () => "feed" }),
  credentials: Schema.Unknown,
  pollIntervalSeconds: Schema.optional(Schema.Int.pipe(Schema.between(10, 86_400)))
})
const NewEndpoint = Schema.Struct({
  url: Schema.NonEmptyTrimmedString,
  eventTypes: Schema.optional(Schema.NullOr(Schema.Array(EventLog.EventType))),
  description: Schema.optional(Schema.NullOr(Schema.String))
})

const decodeBody = <A, I>(schema: Schema.Schema<A, I>, body: unknown) =>
  Effect.mapError(
    Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(body),
    (error) => badRequest("The body does not match the expected shape", Accounts.issuesOf(error))
  )

const parseJson = (text: string) =>
  Effect.try({ try: () => JSON.parse(text) as unknown, catch: () => badRequest("The body is not JSON") })

const accountView = (account: Accounts.Account) => ({
  accountId: account.accountId,
  name: account.name,
  adapter: account.adapter,
  pollIntervalSeconds: account.pollIntervalSeconds,
  status: account.status,
  pausedReason: account.pausedReason,
  lastSync: Option.getOrNull(Option.map(account.lastSync, (sync) => ({
    outcome: sync.outcome,
    finishedAt: DateTime.formatIso(sync.finishedAt),
    counts: sync.counts,
    error: sync.error
  })))
})

const eventView = (event: EventLog.StoredEvent) => ({
  seq: event.seq,
  eventId: event.eventId,
  type: event.type,
  accountId: event.accountId,
  locationId: event.locationId,
  connectionId: event.connectionId,
  version: event.version,
  changes: event.changes,
  fullResync: event.fullResync,
  createdAt: DateTime.formatIso(event.createdAt)
})

/** Starts the app: migrations, core's services, the background loops and the HTTP server. */
export const start = async (config: Config): Promise<App> => {
  if (config.secretKey.length < 32) throw new Error("secretKey must be at least 32 characters")
  const host = config.host ?? "127.0.0.1"
  const server = Http.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(config.port ?? 0, host, () => resolve())
  })
  const url = `http://${host}:${(server.address() as AddressInfo).port}`
  const runtime = ManagedRuntime.make(coreLayer(config, config.publicUrl ?? url))

  const close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await runtime.dispose()
  }

  // The operator that owns the app's accounts and the platform its endpoints belong to, made once.
  const own = Effect.gen(function*() {
    const operators = yield* Operators.Operators
    const platforms = yield* Platforms.Platforms
    const operator = (yield* operators.list).find((o) => o.name === ownName) ??
      (yield* operators.create(ownName)).operator
    const platform = (yield* platforms.list).find((p) => p.name === ownName) ??
      (yield* platforms.create({ name: ownName, authorizationUrl: `${url}/authorize` })).platform
    return { operatorId: operator.operatorId, platformId: platform.platformId }
  })
  let ids: { operatorId: Ids.OperatorId; platformId: Ids.PlatformId }
  try {
    ids = await runtime.runPromise(own)
  } catch (error) {
    await close()
    throw error
  }

  /** Connects the account's locations that are not yet connected to the app's platform, and activates them. */
  const connectLocations = (accountId: Ids.AccountId) =>
    Effect.gen(function*() {
      const connections = yield* Connections.Connections
      const store = yield* SnapshotStore.SnapshotStore
      const connected = new Set(
        (yield* connections.listForPlatform(ids.platformId))
          .filter((c) => c.status === "active")
          .flatMap((c) => c.locations.map((l) => l.locationId))
      )
      const fresh = (yield* store.summaries(accountId))
        .filter((s) => !s.deleted && !connected.has(s.locationId))
        .map((s) => s.locationId)
      if (fresh.length === 0) return 0
      const { authorizeUrl, connection } = yield* connections.create(ids.operatorId, {
        platformId: ids.platformId,
        locationIds: fresh
      })
      const state = new URL(authorizeUrl).searchParams.get("state") ?? ""
      yield* connections.activate(ids.platformId, connection.connectionId, { state, listings: [] })
      return fresh.length
    })

  const accountIdOf = (raw: string) =>
    Effect.flatMap(
      Effect.orElseFail(Schema.decodeUnknown(Ids.AccountId)(raw), () => notFound(`No account ${raw}`)),
      (accountId) =>
        Effect.flatMap(
          Effect.flatMap(Accounts.Accounts, (accounts) => accounts.get(accountId, ids.operatorId)),
          Option.match({
            onNone: () => Effect.fail(notFound(`No account ${raw}`)),
            onSome: (account) => Effect.succeed(account)
          })
        )
    )

  const routes = (method: string, path: string, query: URLSearchParams, body: () => Effect.Effect<unknown, Problem>) =>
    Effect.gen(function*() {
      const parts = path.split("/").filter((p) => p !== "")
      const route = `${method} /${parts.map((p, i) => (i % 2 === 1 ? ":id" : p)).join("/")}`
      switch (route) {
        case "GET /healthz":
          return { status: 200, body: { ok: true } }

        case "POST /accounts": {
          const input = yield* Effect.flatMap(body(), (json) => decodeBody(NewAccount, json))
          const accounts = yield* Accounts.Accounts
          const account = yield* accounts.create({ ...input, operatorId: ids.operatorId }).pipe(
            Effect.catchTags({
              InvalidCredentials: (e) => Effect.fail(badRequest(e.message, e.errors)),
              UnknownAdapter: (e) =>
                Effect.fail(badRequest(`Unknown adapter ${JSON.stringify(input.adapter)} (${e.message})`))
            })
          )
          return { status: 201, body: accountView(account) }
        }

        case "GET /accounts": {
          const accounts = yield* Accounts.Accounts
          return { status: 200, body: { data: (yield* accounts.list(ids.operatorId)).map(accountView) } }
        }

        case "POST /accounts/:id/sync": {
          const account = yield* accountIdOf(parts[1]!)
          const scheduler = yield* Scheduler.Scheduler
          const report = yield* scheduler.syncNow(account.accountId).pipe(
            Effect.catchTags({
              SyncBusy: () => Effect.fail(new Problem(409, "Conflict", "A sync of this account is already running")),
              SyncError: (e) =>
                Effect.fail(
                  e.reason === "AccountPaused"
                    ? new Problem(409, "Conflict", e.message)
                    : new Problem(502, "Bad Gateway", e.message)
                )
            })
          )
          const connected = yield* Effect.orDie(connectLocations(account.accountId))
          return {
            status: 200,
            body: {
              accountId: report.accountId,
              outcome: report.outcome,
              mode: report.mode,
              durationMillis: report.durationMillis,
              counts: report.counts,
              events: report.events.map(eventView),
              errors: report.errors,
              newlyConnectedLocations: connected
            }
          }
        }

        case "GET /locations/:id": {
          const store = yield* SnapshotStore.SnapshotStore
          const found = yield* Effect.flatMap(
            Effect.orElseFail(
              Schema.decodeUnknown(Ids.LocationId)(parts[1]),
              () => notFound(`No location ${parts[1]}`)
            ),
            store.get
          )
          if (Option.isNone(found) || found.value.deleted) {
            return yield* Effect.fail(notFound(`No location ${parts[1]}`))
          }
          const { hash, snapshot, version } = found.value
          return { status: 200, body: { version, hash, ...snapshot } }
        }

        case "GET /events": {
          const after = Number(query.get("after") ?? "0")
          const limit = Number(query.get("limit") ?? "100")
          if (!Number.isSafeInteger(after) || after < 0) {
            return yield* Effect.fail(badRequest("after must be a non-negative integer (an event's seq)"))
          }
          if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
            return yield* Effect.fail(badRequest("limit must be an integer from 1 to 500"))
          }
          const events = yield* Effect.flatMap(EventLog.EventLog, (log) => log.after(after, limit))
          return {
            status: 200,
            body: { data: events.map(eventView), next: events.length === limit ? events.at(-1)!.seq : null }
          }
        }

        case "POST /endpoints": {
          const input = yield* Effect.flatMap(body(), (json) => decodeBody(NewEndpoint, json))
          const endpoints = yield* WebhookEndpoints.WebhookEndpoints
          const { endpoint, secret } = yield* endpoints.create(ids.platformId, input).pipe(
            Effect.catchTag(
              "InvalidEndpoint",
              (e) => Effect.fail(badRequest(e.message, [{ path: "url", message: e.message }]))
            )
          )
          return {
            status: 201,
            body: { id: endpoint.id, url: endpoint.url, eventTypes: endpoint.eventTypes, secret }
          }
        }

        case "GET /endpoints": {
          const endpoints = yield* WebhookEndpoints.WebhookEndpoints
          return { status: 200, body: { data: yield* endpoints.list(ids.platformId) } }
        }

        case "GET /endpoints/:id/deliveries": {
          const endpoints = yield* WebhookEndpoints.WebhookEndpoints
          const deliveries = yield* endpoints.deliveries(ids.platformId, parts[1]!).pipe(
            Effect.catchTag("EndpointNotFound", () => Effect.fail(notFound(`No endpoint ${parts[1]}`)))
          )
          return { status: 200, body: { data: deliveries } }
        }

        default:
          return yield* Effect.fail(notFound(`No route ${method} ${path}`))
      }
    })

  server.on("request", (req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const target = new URL(req.url ?? "/", url)
      const body = () => {
        if (!String(req.headers["content-type"] ?? "").includes("application/json")) {
          return Effect.fail(new Problem(415, "Unsupported Media Type", "Send the body as application/json"))
        }
        return parseJson(Buffer.concat(chunks).toString("utf8"))
      }
      const answer = routes(req.method ?? "GET", target.pathname, target.searchParams, body).pipe(
        Effect.catchAll((problem) =>
          Effect.succeed({
            status: problem.status,
            body: {
              type: "about:blank",
              title: problem.title,
              status: problem.status,
              detail: problem.detail,
              ...(problem.errors === undefined ? {} : { errors: problem.errors })
            }
          })
        ),
        Effect.catchAllDefect((defect) =>
          Effect.as(Effect.logError("Request failed", defect), {
            status: 500,
            body: { type: "about:blank", title: "Internal Server Error", status: 500, detail: "Something went wrong" }
          })
        )
      )
      runtime.runPromise(answer).then(({ body, status }) => {
        res.writeHead(status, {
          "content-type": status >= 400 ? "application/problem+json" : "application/json"
        })
        res.end(JSON.stringify(body))
      })
    })
  })

  return { url, close }
}
