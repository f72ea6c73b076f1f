import { HttpApiBuilder, HttpClient } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Migrations } from "@spacesync/core"
import { TestDatabase } from "@spacesync/core/testing"
import { Effect, Layer } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import pg from "pg"
import { ApiLive } from "../src/Http.js"
import { migrationSets } from "../src/Migrations.js"
import { runCli, spawnHub } from "./support/HubProcess.js"

const get = (url: string) =>
  Effect.promise(async () => {
    const res = await fetch(url)
    return { status: res.status, body: await res.json() }
  })

describe("spacesync start", () => {
  it.scopedLive(
    "on the embedded default: creates its database under SPACESYNC_DATA_DIR and is ready; restarts reuse it",
    () =>
      Effect.gen(function*() {
        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-hub-"))
        const dataDir = Path.join(dir, ".spacesync")
        yield* Effect.scoped(Effect.gen(function*() {
          const hub = yield* spawnHub({ SPACESYNC_DATA_DIR: dataDir })
          expect(yield* get(`${hub.url}/readyz`)).toEqual({ status: 200, body: { status: "ready" } })
          expect(yield* get(`${hub.url}/healthz`)).toEqual({ status: 200, body: { status: "ok" } })
          expect(hub.output()).toContain("Applied migration core/1")
        }))
        expect(Fs.existsSync(Path.join(dataDir, "pgdata", "PG_VERSION"))).toBe(true)
        yield* Effect.scoped(Effect.gen(function*() {
          const hub = yield* spawnHub({ SPACESYNC_DATA_DIR: dataDir })
          expect(yield* get(`${hub.url}/readyz`)).toEqual({ status: 200, body: { status: "ready" } })
          expect(hub.output()).not.toContain("Applied migration")
        }))
        Fs.rmSync(dir, { recursive: true, force: true })
      }),
    120_000
  )

  it.scopedLive("with DATABASE_URL: migrates that server; `migrate` is idempotent", () =>
    Effect.gen(function*() {
      const { url } = yield* TestDatabase.createDatabase
      const migrate = yield* runCli({ DATABASE_URL: url }, ["migrate"])
      expect(migrate.code).toBe(0)
      expect(migrate.output).toContain(`Applied ${Migrations.core.migrations.length} migration(s)`)
      const again = yield* runCli({ DATABASE_URL: url }, ["migrate"])
      expect(again.output).toContain("Database is up to date")
      const hub = yield* spawnHub({ DATABASE_URL: url })
      expect(yield* get(`${hub.url}/readyz`)).toEqual({ status: 200, body: { status: "ready" } })
      const rows = yield* Effect.promise(async () => {
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        const result = await client.query("select set_name, id from spacesync.migrations")
        await client.end()
        return result.rows
      })
      expect(rows).toEqual(Migrations.core.migrations.map((m) => ({ set_name: "core", id: m.id })))
    }), 120_000)
})

describe("readiness", () => {
  // The API in process, on an empty (unmigrated) database.
  const Server = HttpApiBuilder.serve().pipe(
    Layer.provide(ApiLive),
    Layer.provideMerge(NodeHttpServer.layerTest),
    Layer.provideMerge(TestDatabase.layer([]))
  )
  it.layer(Server)((it) => {
    it.effect("readyz answers 503 naming the pending migrations until the database is migrated", () =>
      Effect.gen(function*() {
        const client = yield* HttpClient.HttpClient
        const before = yield* client.get("/readyz")
        expect(before.status).toBe(503)
        expect(yield* before.json).toMatchObject({
          reason: "MigrationsPending",
          detail: expect.stringContaining("core/1")
        })
        expect((yield* Migrations.run(migrationSets)).length).toBeGreaterThan(0)
        const after = yield* client.get("/readyz")
        expect(after.status).toBe(200)
      }))
  })
})
