import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Database from "../src/Database.js"
import * as Migrations from "../src/Migrations.js"
import * as TestDatabase from "../src/testing/TestDatabase.js"

const tempDir = () => Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-db-"))

const migratedTables = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = 'spacesync' order by 1`
  return rows.map((r) => r.name)
})

const withEnv = (env: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("Database", () => {
  it.effect(
    "without DATABASE_URL, creates and migrates the embedded database under SPACESYNC_DATA_DIR",
    () =>
      Effect.gen(function*() {
        const dir = tempDir()
        const dataDir = Path.join(dir, "data")
        const layer = Database.layerMigrated().pipe(Layer.provide(withEnv({ SPACESYNC_DATA_DIR: dataDir })))
        expect(yield* migratedTables.pipe(Effect.provide(layer))).toContain("locations")
        expect(Fs.existsSync(Path.join(dataDir, "pgdata", "PG_VERSION"))).toBe(true)
        expect(Fs.existsSync(Path.join(dataDir, "embedded.lock"))).toBe(false)
        // A second start reuses the same database: nothing left to migrate, data still there.
        const second = yield* Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const [row] = yield* sql<{ count: number }>`select count(*)::int as count from spacesync.migrations`
          return { count: row!.count, pending: yield* Migrations.pending([Migrations.core]) }
        }).pipe(Effect.provide(layer))
        expect(second).toEqual({ count: Migrations.core.migrations.length, pending: [] })
        Fs.rmSync(dir, { recursive: true, force: true })
      }),
    60_000
  )

  it.effect("refuses to open an embedded database another live process holds", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      Fs.writeFileSync(Path.join(dir, "embedded.lock"), String(process.ppid))
      const layer = Database.layer.pipe(Layer.provide(withEnv({ SPACESYNC_DATA_DIR: dir })))
      const error = yield* Effect.flip(Effect.provide(Effect.void, layer))
      expect(error).toMatchObject({ _tag: "EmbeddedPostgresError", reason: "Locked" })
      expect(Fs.existsSync(Path.join(dir, "pgdata"))).toBe(false)
      // A stale lock (its process is gone) is taken over.
      Fs.writeFileSync(Path.join(dir, "embedded.lock"), "999999999")
      expect(
        yield* migratedTables.pipe(Effect.provide(
          Database.layerMigrated().pipe(
            Layer.provide(withEnv({ SPACESYNC_DATA_DIR: dir }))
          )
        ))
      ).toContain("locations")
      Fs.rmSync(dir, { recursive: true, force: true })
    }), 60_000)

  it.scopedLive(
    "a connection lost while the migrations run is waited out: they run again, whole, on a new one",
    () =>
      Effect.gen(function*() {
        const { url } = yield* TestDatabase.createDatabase
        let attempts = 0
        // Its first run loses its connection the way a server going down drops it (57P01).
        const dropsOnce: Migrations.MigrationSet = {
          name: "drops_once",
          migrations: [{
            id: 1,
            name: "loses_its_connection_once",
            up: Effect.gen(function*() {
              const sql = yield* SqlClient.SqlClient
              attempts++
              yield* sql`create table drops_once_marker (attempt int)`
              yield* sql`insert into drops_once_marker values (${attempts})`
              if (attempts === 1) yield* sql`select pg_terminate_backend(pg_backend_pid())`
            })
          }]
        }
        const layer = Database.layerMigrated([Migrations.core, dropsOnce]).pipe(
          Layer.provide(withEnv({ DATABASE_URL: url, SPACESYNC_DATA_DIR: tempDir() }))
        )
        const result = yield* Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          return {
            markers: yield* sql<{ attempt: number }>`select attempt from drops_once_marker`,
            recorded: yield* sql<{ set_name: string }>`
            select set_name from spacesync.migrations where set_name = 'drops_once'`,
            tables: yield* migratedTables
          }
        }).pipe(Effect.provide(layer))
        expect(attempts).toBe(2)
        // The first run's transaction left nothing behind: only the second run's row.
        expect(result.markers).toEqual([{ attempt: 2 }])
        expect(result.recorded).toEqual([{ set_name: "drops_once" }])
        expect(result.tables).toEqual(expect.arrayContaining(["locations", "events"]))
      }),
    60_000
  )

  it.scoped("with DATABASE_URL, migrates that server instead", () =>
    Effect.gen(function*() {
      const { url } = yield* TestDatabase.createDatabase
      const dir = tempDir()
      const layer = Database.layerMigrated().pipe(
        Layer.provide(withEnv({ DATABASE_URL: url, SPACESYNC_DATA_DIR: Path.join(dir, "unused") }))
      )
      expect(yield* migratedTables.pipe(Effect.provide(layer))).toEqual(
        expect.arrayContaining(["location_versions", "locations", "migrations", "events"])
      )
      expect(Fs.existsSync(Path.join(dir, "unused"))).toBe(false)
      const config = yield* Database.DatabaseConfig.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["DATABASE_URL", url]])))
      )
      expect(Option.isSome(config.url)).toBe(true)
      Fs.rmSync(dir, { recursive: true, force: true })
    }), 60_000)
})
