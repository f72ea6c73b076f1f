/**
 * Upgrading in place: a database written by the previous release (`fixtures/previous-release.sql`, a
 * `pg_dump --inserts` of the `spacesync` schema that release's own hub wrote through its HTTP API; the
 * secrets and ids it handed out are in `fixtures/previous-release.json`) opens with this code, which
 * migrates it on start, and nothing is lost: every row of every table is still there, the operator's key,
 * the platform's client secret and the admin token still authenticate, the encrypted upstream credentials
 * and the endpoint's signing secret still decrypt, the locations keep their ids, versions and ETags, the
 * connection its listings and resource map, the queued deliveries go out signed with the old secret, and
 * the events feed continues from the platform's old cursor.
 *
 * The fixture was made once with the previous release's code (commit ad1b327) and its `TestHub`: a
 * platform and an operator, a `feed` account (credentials with an `authorization` header) synced twice
 * (two locations at version 2, one at 1), a connection activated with two listings and a resource map,
 * the platform's events read once (its cursor), then an endpoint at an unreachable URL with no workers
 * running, so the last sync's two deliveries stayed queued. The feed's URL is fixed (127.0.0.1:17391,
 * below the ephemeral port range): this test serves the same document there, so a sync after the upgrade
 * reads it through the decrypted credentials.
 */
import { Reactivity } from "@effect/experimental"
import { HttpApiBuilder, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, layer } from "@effect/vitest"
import { Accounts, DeliveryQueue, DeliveryWorker, Migrations, OutboundGuard, SecretBox, Webhook } from "@spacesync/core"
import type { Ids } from "@spacesync/core"
import { TestDatabase } from "@spacesync/core/testing"
import { Context, Effect, Either, Layer, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { bundledAdapters } from "../src/BundledAdapters.js"
import { ApiLive, DocsLive, middleware, ServicesLive } from "../src/Http.js"
import * as Hub from "../src/Hub.js"
import { HubConfig } from "../src/HubConfig.js"
import { migrationSets } from "../src/Migrations.js"
import * as TestHub from "./support/TestHub.js"

const fixtureFile = (name: string) => Fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")

/** The dump: plain SQL, once psql's meta-commands (`\restrict` of recent pg_dump versions) are left out. */
const dump = fixtureFile("previous-release.sql").split("\n").filter((line) => !line.startsWith("\\")).join("\n")
const previous = JSON.parse(fixtureFile("previous-release.json"))
const version = (locationId: string): number => previous.locations.find((l: any) => l.locationId === locationId).version

/** The rows the previous release wrote, per table, as the dump inserts them. */
const dumpedRows: Record<string, number> = {}
for (const [, table] of dump.matchAll(/^INSERT INTO spacesync\.(\w+) /gm)) {
  dumpedRows[table!] = (dumpedRows[table!] ?? 0) + 1
}

interface DatabaseState {
  /** Rows per table of the `spacesync` schema. */
  readonly rows: Record<string, number>
  /** Columns per table. */
  readonly columns: Record<string, ReadonlyArray<string>>
  readonly migrations: ReadonlyArray<
    { readonly set: string; readonly id: number; readonly name: string; readonly appliedAt: string }
  >
}

const databaseState = (sql: SqlClient.SqlClient) =>
  Effect.gen(function*() {
    const tables = yield* sql<{ table: string }>`select table_name as "table" from information_schema.tables
      where table_schema = 'spacesync' and table_type = 'BASE TABLE' order by table_name`
    const rows: Record<string, number> = {}
    for (const { table } of tables) {
      const [count] = yield* sql.unsafe<{ n: number }>(`select count(*)::int as n from spacesync."${table}"`)
      rows[table] = count!.n
    }
    const columnRows = yield* sql<{ table: string; column: string }>`select table_name as "table",
      column_name as "column" from information_schema.columns where table_schema = 'spacesync'
      order by table_name, ordinal_position`
    const columns: Record<string, Array<string>> = {}
    for (const { column, table } of columnRows) (columns[table] ??= []).push(column)
    const migrations = yield* sql<DatabaseState["migrations"][number]>`select set_name as "set", id, name,
      applied_at::text as "appliedAt" from spacesync.migrations order by set_name, id`
    return { rows, columns, migrations } satisfies DatabaseState
  })

/** The database as the previous release left it, read after loading the dump and before migrating. */
class PreviousState extends Context.Tag("Upgrade/PreviousState")<PreviousState, DatabaseState>() {}

/**
 * A fresh database with the previous release's dump loaded (on a connection of its own, since the dump
 * sets its session's `search_path`), then migrated by this code as the hub does on start.
 */
const upgradedDatabase = Layer.unwrapScoped(Effect.gen(function*() {
  const { url } = yield* TestDatabase.createDatabase
  const before = yield* Effect.gen(function*() {
    const sql = yield* PgClient.make({ url: Redacted.make(url), maxConnections: 1 })
    yield* sql.unsafe(dump)
    return yield* databaseState(sql)
  }).pipe(Effect.scoped, Effect.provide(Reactivity.layer))
  return Layer.effectDiscard(Migrations.run(migrationSets)).pipe(
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 10 })),
    Layer.merge(Layer.succeed(PreviousState, before))
  )
})).pipe(Layer.orDie)

/** This code's hub, as `TestHub.layer` builds it, on the upgraded database with the old secret key and admin token. */
const hub = HttpApiBuilder.serve(middleware).pipe(
  Layer.provide(DocsLive),
  Layer.provide(ApiLive),
  Layer.provideMerge(ServicesLive),
  Layer.provideMerge(Hub.coreServices(bundledAdapters)),
  Layer.provideMerge(Layer.mergeAll(
    Layer.effect(
      HubConfig,
      Effect.map(HttpServer.HttpServer, (server) => {
        const { port } = server.address as HttpServer.TcpAddress
        return { host: "127.0.0.1", port, publicUrl: `http://127.0.0.1:${port}` }
      })
    ),
    SecretBox.layer(Redacted.make(previous.secretKey as string))
  )),
  Layer.provideMerge(NodeHttpServer.layer(Http.createServer, { host: "127.0.0.1", port: 0 })),
  Layer.provideMerge(upgradedDatabase),
  Layer.provide(TestHub.testConfig({ SPACESYNC_ADMIN_TOKEN: previous.adminToken }))
)

/** A loopback HTTP server on `port` (0: any) answering with `respond`; closed with the scope. */
const serve = (port: number, respond: (req: Http.IncomingMessage, body: string, res: Http.ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<Http.Server, Error>((resume) => {
      const server = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (chunk) => (body += chunk))
        req.on("end", () => respond(req, body, res))
      })
      server.once("error", (error) => resume(Effect.fail(error)))
      server.listen(port, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.orDie, Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`))

/**
 * The operator's feed at the URL its encrypted credentials name, answering only with the bearer token
 * they carry: a sync that reads it proves the credentials decrypted, headers included.
 */
const upstreamFeed = (feed: unknown) => {
  const url = new URL(previous.account.credentials.url)
  const requests = { authorized: 0, refused: 0 }
  return serve(Number(url.port), (req, _body, res) => {
    if (req.headers.authorization !== previous.account.credentials.headers.authorization) {
      requests.refused++
      res.writeHead(401)
      res.end()
      return
    }
    requests.authorized++
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify(feed))
  }).pipe(Effect.as(requests))
}

const call = (
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}
) =>
  TestHub.fetchHub(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })

const platformToken = Effect.map(
  TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(previous.platform)),
  (response) => {
    expect(response.status).toBe(200)
    return response.json.access_token as string
  }
)

const syncAccount = call(`/operator/accounts/${previous.account.accountId}/sync`, {
  token: previous.operator.apiKey,
  method: "POST"
})

/** Polls `effect` until it yields a value. */
const until = <A, E, R>(effect: Effect.Effect<A | undefined, E, R>, timeoutMs = 20_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const value = yield* effect
      if (value !== undefined) return value
      yield* Effect.sleep("50 millis")
    }
    return yield* Effect.dieMessage("timed out waiting")
  })

/** Redacted values (the feed's header values) revealed, for comparison with the fixture's plain JSON. */
const reveal = (value: unknown): unknown =>
  Redacted.isRedacted(value)
    ? Redacted.value(value)
    : Array.isArray(value)
    ? value.map(reveal)
    : typeof value === "object" && value !== null
    ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]))
    : value

describe("upgrade from the previous release", () => {
  layer(hub, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("migrations only append: every old row, column and migration record is kept; the new ones exist", () =>
      Effect.gen(function*() {
        const before = yield* PreviousState
        const sql = yield* PgClient.PgClient
        const after = yield* databaseState(sql)
        // The dump loaded whole: every table it fills has its rows.
        for (const [table, count] of Object.entries(dumpedRows)) expect(before.rows[table], table).toBe(count)
        expect(Object.keys(dumpedRows)).toEqual(expect.arrayContaining(["connection_locations", "webhook_deliveries"]))
        // Table by table, the migration kept every row and every column.
        // (`migrations` gains one row per migration applied, checked below.)
        for (const [table, count] of Object.entries(before.rows)) {
          const applied = table === "migrations" ? after.migrations.length - before.migrations.length : 0
          expect(after.rows[table], table).toBe(count + applied)
        }
        for (const [table, columns] of Object.entries(before.columns)) {
          expect(after.columns[table], table).toEqual(expect.arrayContaining([...columns]))
        }
        // Every migration of this code is recorded, the old records untouched.
        const expected = migrationSets.flatMap((set) =>
          set.migrations.map((m) => ({ set: set.name, id: m.id, name: m.name }))
        )
        expect(after.migrations.map(({ id, name, set }) => ({ set, id, name }))).toEqual(
          expect.arrayContaining(expected)
        )
        expect(after.migrations).toHaveLength(expected.length)
        for (const old of before.migrations) expect(after.migrations).toContainEqual(old)
        expect(before.migrations.length).toBeLessThan(expected.length)
        expect(yield* Migrations.pending(migrationSets)).toEqual([])
        // Migration core/4: the account's incremental-read cursor, empty until its next full read.
        expect(after.columns.accounts).toEqual(expect.arrayContaining(["sync_cursor", "last_full_sync_at"]))
        const [account] = yield* sql<{ cursor: string | null; lastFull: Date | null }>`select sync_cursor as cursor,
          last_full_sync_at as "lastFull" from spacesync.accounts where account_id = ${previous.account.accountId}`
        expect(account).toEqual({ cursor: null, lastFull: null })
      }))

    it.effect("the admin token, the operator's key and the platform's client secret still authenticate", () =>
      Effect.gen(function*() {
        const operators = yield* call("/admin/operators", { token: previous.adminToken })
        expect(operators.status).toBe(200)
        expect(operators.json.data).toContainEqual(
          expect.objectContaining({ operatorId: previous.operator.operatorId, name: "Spaces GmbH" })
        )
        const platforms = yield* call("/admin/platforms", { token: previous.adminToken })
        expect(platforms.json.data).toContainEqual(
          expect.objectContaining({ platformId: previous.platform.platformId, clientId: previous.platform.clientId })
        )
        const accounts = yield* call("/operator/accounts", { token: previous.operator.apiKey })
        expect(accounts.status).toBe(200)
        expect(accounts.json.data).toEqual([
          expect.objectContaining({ accountId: previous.account.accountId, adapter: "feed" })
        ])
        expect(yield* platformToken).toMatch(/\S/)
        // Wrong secrets still do not.
        expect((yield* call("/operator/accounts", { token: `${previous.operator.apiKey}x` })).status).toBe(401)
        const wrong = yield* TestHub.fetchHub(
          "/oauth/token",
          TestHub.tokenRequest({
            clientId: previous.platform.clientId,
            clientSecret: `${previous.platform.clientSecret}x`
          })
        )
        expect(wrong.status).toBe(401)
      }))

    it.effect("the locations keep their ids and versions; the encrypted credentials decrypt and read the feed", () =>
      Effect.gen(function*() {
        const listed = (yield* call(`/operator/accounts/${previous.account.accountId}/locations`, {
          token: previous.operator.apiKey
        })).json.data
        const ids = (locations: Array<any>) =>
          locations.map((l) => ({ locationId: l.locationId, externalId: l.externalId, version: l.version }))
            .sort((a, b) => a.externalId.localeCompare(b.externalId))
        const expected = [...previous.locations].sort((a: any, b: any) => a.externalId.localeCompare(b.externalId))
        expect(ids(listed)).toEqual(expected)

        const accounts = yield* Accounts.Accounts
        const { credentials } = yield* accounts.credentials(previous.account.accountId as Ids.AccountId)
        expect(reveal(credentials)).toEqual(previous.account.credentials)

        // The same upstream data read again through the decrypted credentials: nothing changed, no event.
        const feed = yield* upstreamFeed(previous.feed)
        const sync = yield* syncAccount
        expect(sync.json).toMatchObject({
          locations: previous.locations.length,
          events: 0,
          outcome: "succeeded",
          counts: { unchanged: previous.locations.length, created: 0, updated: 0, deleted: 0, failed: 0 }
        })
        expect(feed).toEqual({ authorized: 1, refused: 0 })
        const relisted = (yield* call(`/operator/accounts/${previous.account.accountId}/locations`, {
          token: previous.operator.apiKey
        })).json.data
        expect(ids(relisted)).toEqual(expected)
      }).pipe(Effect.scoped))

    it.effect("the connection is active with its listings and resource map; data routes keep versions and ETags", () =>
      Effect.gen(function*() {
        const token = yield* platformToken
        const { connectionId, listings, resourceMap } = previous.connection
        const connection = yield* call(`/v1/connections/${connectionId}`, { token })
        expect(connection.status).toBe(200)
        expect(connection.json.status).toBe("active")
        const byLocation = (a: any, b: any) => a.locationId.localeCompare(b.locationId)
        expect([...connection.json.locations].sort(byLocation)).toEqual([...listings].sort(byLocation))
        const operatorView = (yield* call("/operator/connections", { token: previous.operator.apiKey })).json.data
        expect(operatorView).toContainEqual(expect.objectContaining({ connectionId, status: "active" }))
        for (const { locationId } of listings) {
          const base = `/v1/connections/${connectionId}/locations/${locationId}`
          const location = yield* call(base, { token })
          expect(location.status).toBe(200)
          expect(location.json).toMatchObject({ version: version(locationId), data: { id: locationId } })
          // Unchanged data answers with the ETags the previous release gave, so a platform's cache holds.
          for (const [suffix, etag] of Object.entries(previous.etags[locationId] as Record<string, string>)) {
            const path = suffix === "/" ? base : `${base}${suffix}`
            const fresh = yield* call(path, { token })
            expect(fresh.status, path).toBe(200)
            expect(fresh.json.version, path).toBe(version(locationId))
            expect(fresh.headers.get("etag"), path).toBe(etag)
            const cached = yield* call(path, { token, headers: { "if-none-match": etag } })
            expect(cached.status, path).toBe(304)
          }
          const resources = (yield* call(`${base}/resources`, { token })).json.data
          const map: Record<string, string> = resourceMap[locationId] ?? {}
          for (const resource of resources) {
            expect(resource.listingResourceId ?? null, resource.id).toBe(map[resource.id] ?? null)
          }
          expect(resources.filter((r: any) => r.listingResourceId).length).toBe(Object.keys(map).length)
        }
      }))

    it.effect("the events feed continues from the platform's old cursor", () =>
      Effect.gen(function*() {
        const token = yield* platformToken
        const all = (yield* call("/v1/events", { token })).json.data
        expect(all).toHaveLength(previous.events.all)
        const after = yield* call(`/v1/events?after=${previous.events.cursor}`, { token })
        expect(after.status).toBe(200)
        expect(after.json.data.map((e: any) => e.data.eventId)).toEqual(previous.events.after)
        expect(after.json.data).toEqual(all.slice(previous.events.before))
      }))

    it.effect("the queued deliveries go out signed with the endpoint's old secret; new events follow the old ones", () =>
      Effect.gen(function*() {
        const token = yield* platformToken
        const { id, secret } = previous.endpoint
        const pending = (yield* call(`/v1/webhook-endpoints/${id}/deliveries`, { token })).json.data
        expect(pending).toHaveLength(previous.queuedDeliveries)
        expect(pending.every((d: any) => d.status === "pending" && d.attemptCount === 0)).toBe(true)

        const received: Array<{ headers: Http.IncomingHttpHeaders; body: string }> = []
        const receiver = yield* serve(0, (req, body, res) => {
          received.push({ headers: req.headers, body })
          res.writeHead(204)
          res.end()
        })
        const patched = yield* call(`/v1/webhook-endpoints/${id}`, {
          token,
          method: "PATCH",
          body: { url: `${receiver}/hooks` }
        })
        expect(patched.status).toBe(200)
        // Only now do delivery workers run (the old URL is unreachable).
        yield* Layer.build(
          DeliveryWorker.layer({ pollInterval: "100 millis" }).pipe(
            Layer.provide(Layer.mergeAll(DeliveryQueue.layer, OutboundGuard.dispatcherLayer))
          )
        )
        yield* until(Effect.sync(() => received.length >= previous.queuedDeliveries ? true : undefined))

        const verified = (hook: { headers: Http.IncomingHttpHeaders; body: string }) => {
          const headers = {
            "webhook-id": String(hook.headers["webhook-id"]),
            "webhook-timestamp": String(hook.headers["webhook-timestamp"]),
            "webhook-signature": String(hook.headers["webhook-signature"])
          }
          const result = Webhook.verify({ payload: hook.body, headers, secrets: secret })
          expect(Either.isRight(result), hook.body).toBe(true)
          return JSON.parse(hook.body)
        }
        const feed = (yield* call(`/v1/events?after=${previous.events.cursor}`, { token })).json.data
        const delivered = received.map(verified)
        expect(delivered.map((b) => b.data.eventId).sort()).toEqual([...previous.events.after].sort())
        for (const body of delivered) expect(feed).toContainEqual(body)

        // A change after the upgrade: its event follows the old ones in the feed and is delivered too.
        const changed = structuredClone(previous.feed)
        changed.locations[0].prices[0].amount = { amount: "42.00", currency: "EUR" }
        yield* upstreamFeed(changed)
        expect((yield* syncAccount).json).toMatchObject({ events: 1, outcome: "succeeded" })
        const next = yield* until(Effect.sync(() => received[previous.queuedDeliveries]))
        const body = verified(next)
        expect(body).toMatchObject({ type: "pricing.updated", data: { version: version(body.data.locationId) + 1 } })
        const continued = (yield* call(`/v1/events?after=${previous.events.cursor}`, { token })).json.data
        expect(continued.map((e: any) => e.data.eventId)).toEqual([...previous.events.after, body.data.eventId])

        // The delivery log records them all as succeeded, the old ones beside the new one.
        const deliveries = yield* until(
          Effect.map(
            call(`/v1/webhook-endpoints/${id}/deliveries`, { token }),
            (r) =>
              r.json.data.length === previous.queuedDeliveries + 1 &&
                r.json.data.every((d: any) => d.status === "succeeded") ?
                r.json.data :
                undefined
          )
        )
        expect(deliveries.map((d: any) => d.eventId).sort()).toEqual(
          [...previous.events.after, body.data.eventId].sort()
        )
      }).pipe(Effect.scoped))
  })
})
