import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Migrations from "../src/Migrations.js"
import * as TestDatabase from "../src/testing/TestDatabase.js"

const extra = (ids: ReadonlyArray<number>, failAt?: number): Migrations.MigrationSet => ({
  name: "extra",
  migrations: ids.map((id) => ({
    id,
    name: `step_${id}`,
    up: Effect.flatMap(SqlClient.SqlClient, (sql) =>
      id === failAt
        ? sql`select * from no_such_table`.pipe(Effect.asVoid)
        : sql`create table ${sql(`spacesync.extra_${id}`)} (id int)`.pipe(Effect.asVoid))
  }))
})

describe("Migrations", () => {
  // An empty database: nothing migrated yet.
  it.layer(Layer.fresh(TestDatabase.layer([])))((it) => {
    it.effect("applies every set once; later runs apply only what is new", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const coreIds = Migrations.core.migrations.map((m) => m.id)
        expect((yield* Migrations.pending([Migrations.core])).map((m) => m.id)).toEqual(coreIds)
        const first = yield* Migrations.run([Migrations.core, extra([1])])
        expect(first).toEqual([
          ...Migrations.core.migrations.map((m) => ({ set: "core", id: m.id, name: m.name })),
          { set: "extra", id: 1, name: "step_1" }
        ])
        expect(yield* Migrations.run([Migrations.core, extra([1])])).toEqual([])
        expect(yield* Migrations.run([Migrations.core, extra([1, 2])])).toEqual([{
          set: "extra",
          id: 2,
          name: "step_2"
        }])
        expect(yield* Migrations.pending([Migrations.core, extra([1, 2])])).toEqual([])
        const tables = yield* sql<{ name: string }>`
          select table_name as name from information_schema.tables where table_schema = 'spacesync' order by 1`
        expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(
          ["extra_1", "extra_2", "location_versions", "locations", "migrations", "events", "accounts"]
        ))
      }))

    it.effect("leaves the database untouched when a migration fails", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const error = yield* Effect.flip(Migrations.run([extra([1, 2, 3, 4], 4)]))
        expect(error).toMatchObject({ _tag: "MigrationError", reason: "Failed" })
        expect(error.message).toContain("extra/4 (step_4)")
        const [row] = yield* sql<{ exists: string | null }>`select to_regclass('spacesync.extra_3')::text as exists`
        expect(row!.exists).toBeNull()
        expect((yield* Migrations.pending([extra([1, 2, 3])])).map((m) => m.id)).toEqual([3])
      }))

    it.effect("refuses a database migrated by a newer version or under other names", () =>
      Effect.gen(function*() {
        const newer = yield* Effect.flip(Migrations.run([extra([1])]))
        expect(newer).toMatchObject({ reason: "Diverged" })
        expect(newer.message).toContain("extra/2")
        const renamed = yield* Effect.flip(Migrations.run([{
          name: "extra",
          migrations: [{ id: 1, name: "other", up: Effect.void }, { id: 2, name: "step_2", up: Effect.void }]
        }]))
        expect(renamed.message).toContain("recorded as \"step_1\"")
      }))

    it.effect("rejects ids that do not increase", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Migrations.run([extra([2, 1])]))
        expect(error.reason).toBe("Invalid")
      }))
  })

  it.layer(Layer.fresh(TestDatabase.layer([])))((it) => {
    it.effect("applies each migration exactly once when several processes start together", () =>
      Effect.gen(function*() {
        const results = yield* Effect.all(
          Array.from({ length: 6 }, () => Migrations.run([Migrations.core, extra([1, 2])])),
          { concurrency: "unbounded" }
        )
        expect(results.flat().length).toBe(Migrations.core.migrations.length + 2)
        const sql = yield* SqlClient.SqlClient
        const [{ count }] = yield* sql<{ count: number }>`select count(*)::int as count from spacesync.migrations`
        expect(count).toBe(Migrations.core.migrations.length + 2)
      }))
  })
})
