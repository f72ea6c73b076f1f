import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it } from "@effect/vitest"
import { Database } from "@spacesync/core"
import { TestDatabase } from "@spacesync/core/testing"
import { Cause, Context, Deferred, Effect, Fiber, Layer, LogLevel, Option, Redacted, Schedule } from "effect"
import { makeServer, middleware } from "../src/Http.js"
import * as Logging from "../src/Logging.js"
import { spawnHub } from "./support/HubProcess.js"
import * as PrivatePostgres from "./support/PrivatePostgres.js"
import * as TestHub from "./support/TestHub.js"

const admin = { authorization: `Bearer ${TestHub.adminToken}` }

describe("an unexpected failure", () => {
  const lines: Array<string> = []
  const logs = Logging.layerWith({ format: "json", level: LogLevel.Info, write: (line) => lines.push(line) })
  /** The JSON log entries of requests to `url`. */
  const requestLogs = (url: string) =>
    lines.map((line) => JSON.parse(line)).filter((entry) => entry.annotations?.["http.url"] === url)

  it.layer(TestHub.layer([]).pipe(Layer.provide(logs)), { timeout: 60_000 })((it) => {
    it.effect("is logged once at ERROR with its cause, answered 500 without it; 4xx answers stay at INFO", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        // A database missing the table a route reads: the route fails with an SQL error it does not declare.
        yield* sql`alter table spacesync.operators rename to operators_away`
        const failed = yield* TestHub.fetchHub("/admin/operators", { headers: admin })
        yield* sql`alter table spacesync.operators_away rename to operators`
        expect(failed.status).toBe(500)
        expect(failed.headers.get("content-type")).toBe("application/problem+json")
        expect(failed.json).toMatchObject({ status: 500, title: "Internal Server Error" })
        expect(failed.text).not.toContain("operators")

        const logged = requestLogs("/admin/operators")
        expect(logged).toHaveLength(1)
        expect(logged[0]).toMatchObject({
          logLevel: "ERROR",
          message: "Unexpected failure",
          annotations: { "http.method": "GET", "http.status": 500 }
        })
        expect(logged[0].cause).toContain("SqlError")
        expect(logged[0].cause).toContain("relation \"spacesync.operators\" does not exist")
        expect(logged[0].annotations.requestId).toBe(failed.headers.get("x-request-id"))

        // The same route with the table back, an unknown route and a missing token: INFO, no cause.
        expect((yield* TestHub.fetchHub("/admin/operators", { headers: admin })).status).toBe(200)
        expect((yield* TestHub.fetchHub("/no/such/route")).status).toBe(404)
        expect((yield* TestHub.fetchHub("/admin/platforms")).status).toBe(401)
        const answered = [
          ...requestLogs("/admin/operators").slice(1),
          ...requestLogs("/no/such/route"),
          ...requestLogs("/admin/platforms")
        ]
        expect(answered.map((entry) => [entry.logLevel, entry.annotations["http.status"], entry.cause])).toEqual([
          ["INFO", 200, undefined],
          ["INFO", 404, undefined],
          ["INFO", 401, undefined]
        ])
      }))
  })

  it.scopedLive("pretty: the cause follows the ERROR line, with the secrets it quotes masked", () =>
    Effect.gen(function*() {
      const pretty: Array<string> = []
      const app = HttpRouter.empty.pipe(
        HttpRouter.get(
          "/boom",
          Effect.die(
            new Error(
              "could not reach postgres://hub:hunter2hunter2@db.internal/hub as Bearer sk_op_secret0123456789abc"
            )
          )
        )
      )
      const server = yield* Layer.build(
        HttpServer.serve(app, middleware).pipe(
          Layer.provideMerge(NodeHttpServer.layer(makeServer, { host: "127.0.0.1", port: 0 })),
          Layer.provide(Logging.layerWith({ format: "pretty", level: LogLevel.Info, write: (l) => pretty.push(l) }))
        )
      )
      const address = server.unsafeMap.get(HttpServer.HttpServer.key) as HttpServer.HttpServer
      const { port } = address.address as HttpServer.TcpAddress
      const response = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/boom`))
      expect(response.status).toBe(500)
      const entries = pretty.filter((entry) => entry.includes("/boom"))
      expect(entries).toHaveLength(1)
      const [line, ...cause] = entries[0]!.split("\n")
      expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR GET \/boom 500 \d+ms requestId=/)
      expect(cause.join("\n")).toContain("Error: could not reach postgres://hub:***@db.internal/hub as Bearer ***")
      expect(entries[0]).not.toContain("hunter2")
      expect(entries[0]).not.toContain("sk_op_secret")
    }))
})

describe("an unreachable database", () => {
  it("is told from other SQL errors: a refused, dropped or timed-out connection, or a server going away", () => {
    const sqlError = (cause: unknown) => new SqlError({ cause, message: "Failed to execute statement" })
    const coded = (code: string, message = code) => Object.assign(new Error(message), { code })
    const unavailable = (cause: Cause.Cause<unknown>) => Option.isSome(Database.unavailable(cause))
    expect(unavailable(Cause.fail(sqlError(coded("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"))))).toBe(true)
    // Repositories turn SQL errors into defects; Node reports a host with several addresses as an aggregate.
    expect(unavailable(Cause.die(sqlError(new AggregateError([coded("ECONNREFUSED")]))))).toBe(true)
    expect(unavailable(Cause.die(sqlError(coded("57P01", "terminating connection due to administrator command")))))
      .toBe(true)
    expect(unavailable(Cause.die(sqlError(coded("57P03", "the database system is starting up"))))).toBe(true)
    expect(unavailable(Cause.die(sqlError(coded("08006"))))).toBe(true)
    expect(unavailable(Cause.die(sqlError(new Error("Connection terminated unexpectedly"))))).toBe(true)
    expect(unavailable(Cause.die(sqlError(new Error("timeout exceeded when trying to connect"))))).toBe(true)
    // The request's or the code's fault: a missing table, a constraint, a syntax error.
    expect(unavailable(Cause.die(sqlError(coded("42P01", "relation \"x\" does not exist"))))).toBe(false)
    expect(unavailable(Cause.die(sqlError(coded("23505"))))).toBe(false)
    // A refused connection to anything but the database (an upstream, a webhook target) is not this.
    expect(unavailable(Cause.die(Object.assign(new Error("fetch failed"), { cause: coded("ECONNREFUSED") }))))
      .toBe(false)
  })

  it.scopedLive("a query that gets no connection within DATABASE_CONNECT_TIMEOUT fails as unavailable, not hangs", () =>
    Effect.gen(function*() {
      const { url } = yield* TestDatabase.createDatabase
      const context = yield* Layer.build(Database.layerWith({
        url: Option.some(Redacted.make(url)),
        dataDir: "",
        maxConnections: 1,
        connectTimeout: "1 second"
      }))
      const sql = Option.getOrThrow(Context.getOption(context, SqlClient.SqlClient))
      // The pool's one connection is held by a transaction until the end of the test.
      const held = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const holder = yield* sql.withTransaction(
        Effect.zipRight(sql`select 1`, Effect.zipRight(Deferred.succeed(held, void 0), Deferred.await(release)))
      ).pipe(Effect.fork)
      yield* Deferred.await(held)
      const waiting = yield* Effect.exit(sql`select 2`)
      yield* Deferred.succeed(release, void 0)
      yield* Fiber.join(holder)
      expect(waiting._tag).toBe("Failure")
      const reason = waiting._tag === "Failure" ? Database.unavailable(waiting.cause) : Option.none()
      expect(Option.map(reason, (e) => e.message)).toEqual(Option.some("timeout exceeded when trying to connect"))
    }))
})

describe("while the database is unreachable", () => {
  it.scopedLive(
    "the API answers 503 with Retry-After and /readyz is not ready; once it is back, 200 again without a restart",
    () =>
      Effect.gen(function*() {
        const postgres = yield* PrivatePostgres.make
        const adminToken = "sk_admin_failing_well_0123456789"
        const hub = yield* spawnHub({
          DATABASE_URL: postgres.url,
          SPACESYNC_SECRET_KEY: "f".repeat(40),
          SPACESYNC_ADMIN_TOKEN: adminToken,
          SPACESYNC_LOG_LEVEL: "info",
          // Connections refused by a stopped server fail at once; this bounds a host that drops packets.
          DATABASE_CONNECT_TIMEOUT: "3 seconds"
        })
        const request = (path: string, init: RequestInit = {}) =>
          Effect.promise(async () => {
            const response = await fetch(`${hub.url}${path}`, init)
            return { status: response.status, headers: response.headers, json: await response.json() as any }
          })
        const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
        const json = (token: string, body: unknown): RequestInit => ({
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(body)
        })
        const platform = (yield* request(
          "/admin/platforms",
          json(adminToken, { name: "P", authorizationUrl: "https://p.example/c" })
        )).json
        const operator = (yield* request("/admin/operators", json(adminToken, { name: "O" }))).json
        const tokenRequest: RequestInit = {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: platform.clientId,
            client_secret: platform.clientSecret
          }).toString()
        }
        const accessToken = (yield* request("/oauth/token", tokenRequest)).json.access_token as string
        expect(accessToken).toEqual(expect.any(String))

        // Platform, operator, admin and OAuth routes, and the probes.
        const probe = Effect.all({
          platform: request("/v1/events", bearer(accessToken)),
          operator: request("/operator/accounts", bearer(operator.apiKey)),
          admin: request("/admin/operators", bearer(adminToken)),
          token: request("/oauth/token", tokenRequest),
          readyz: request("/readyz"),
          healthz: request("/healthz")
        })
        const statuses = (answers: Record<string, { status: number }>) =>
          Object.fromEntries(Object.entries(answers).map(([route, answer]) => [route, answer.status]))
        const allUp = { platform: 200, operator: 200, admin: 200, token: 200, readyz: 200, healthz: 200 }
        expect(statuses(yield* probe)).toEqual(allUp)

        for (const mode of ["fast", "immediate"] as const) {
          yield* postgres.stop(mode)
          const down = yield* probe
          expect(statuses(down), mode).toEqual({
            platform: 503,
            operator: 503,
            admin: 503,
            token: 503,
            readyz: 503,
            healthz: 200
          })
          for (const route of ["platform", "operator", "admin", "token", "readyz"] as const) {
            expect(down[route].headers.get("retry-after"), route).toBe("5")
            expect(down[route].headers.get("content-type"), route).toBe("application/problem+json")
          }
          expect(down.admin.json).toMatchObject({
            type: "https://spacesync.dev/problems/database-unavailable",
            status: 503,
            _tag: "DatabaseUnavailable"
          })
          expect(down.readyz.json).toMatchObject({ _tag: "NotReady", reason: "DatabaseUnreachable" })

          yield* postgres.start
          // The pool reconnects by itself: at most the first requests after the restart meet a closed
          // connection (503), then everything answers as before.
          const up = yield* probe.pipe(
            Effect.filterOrFail((answers) => Object.values(answers).every((answer) => answer.status === 200)),
            Effect.retry(Schedule.spaced("250 millis").pipe(Schedule.upTo("15 seconds")))
          )
          expect(statuses(up), mode).toEqual(allUp)
        }

        // The outage is logged as warnings naming why, not as errors.
        const entries = hub.output().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line))
        const unavailable = entries.filter((entry) => entry.annotations?.["http.status"] === 503)
        expect(unavailable.length).toBeGreaterThanOrEqual(10)
        expect(new Set(unavailable.map((entry) => entry.logLevel))).toEqual(new Set(["WARN"]))
        expect(unavailable.find((entry) => entry.annotations["http.url"] === "/admin/operators")?.annotations.error)
          .toEqual(expect.any(String))
        expect(entries.filter((entry) => entry.logLevel === "ERROR" && entry.annotations?.["http.url"])).toEqual([])
      }),
    90_000
  )
})
