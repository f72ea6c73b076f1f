import { describe, expect, it } from "@effect/vitest"
import { Migrations } from "@spacesync/core"
import { TestDatabase } from "@spacesync/core/testing"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import pg from "pg"
import { migrationSets } from "../src/Migrations.js"
import { runCli, spawnHub } from "./support/HubProcess.js"
import * as TestHub from "./support/TestHub.js"

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
      const total = migrationSets.reduce((n, set) => n + set.migrations.length, 0)
      expect(migrate.output).toContain(`Applied ${total} migration(s)`)
      const again = yield* runCli({ DATABASE_URL: url }, ["migrate"])
      expect(again.output).toContain("Database is up to date")
      // With a real database the secret key must be given: a key made up by one process would leave the others
      // unable to decrypt.
      const refused = yield* runCli({ DATABASE_URL: url, SPACESYNC_SECRET_KEY: "" }, ["start"])
      expect(refused.code).not.toBe(0)
      expect(refused.output).toContain(
        "SPACESYNC_SECRET_KEY (at least 32 characters) is required when DATABASE_URL is set"
      )
      const hub = yield* spawnHub({ DATABASE_URL: url, SPACESYNC_SECRET_KEY: "k".repeat(40) })
      expect(yield* get(`${hub.url}/readyz`)).toEqual({ status: 200, body: { status: "ready" } })
      const rows = yield* Effect.promise(async () => {
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        const result = await client.query("select set_name, id from spacesync.migrations order by set_name, id")
        await client.end()
        return result.rows
      })
      expect(rows).toEqual(
        migrationSets.flatMap((set) => set.migrations.map((m) => ({ set_name: set.name, id: m.id })))
      )
    }), 120_000)
})

describe("readiness", () => {
  // The whole API in process, on an empty (unmigrated) database.
  it.layer(TestHub.layer([], {}, { migrated: false }), { timeout: 60_000 })((it) => {
    it.effect("readyz answers 503 naming the pending migrations until the database is migrated", () =>
      Effect.gen(function*() {
        const before = yield* TestHub.fetchHub("/readyz")
        expect(before.status).toBe(503)
        expect(before.headers.get("content-type")).toBe("application/problem+json")
        expect(before.json).toMatchObject({
          status: 503,
          reason: "MigrationsPending",
          detail: expect.stringContaining("core/1")
        })
        expect((yield* Migrations.run(migrationSets)).length).toBeGreaterThan(0)
        const after = yield* TestHub.fetchHub("/readyz")
        expect(after.status).toBe(200)
      }))
  })
})
