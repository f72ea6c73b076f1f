/**
 * Versioned schema migrations. Every spacesync table lives in the `spacesync` schema, and applied
 * migrations are recorded in `spacesync.migrations`, so an application that embeds core in its own
 * database never collides with it. Migrations come in named sets (core owns `core`; the server adds its
 * own set the same way); each set's ids only ever grow.
 *
 * `run` takes a transaction-scoped advisory lock, so several processes starting together apply each
 * migration exactly once, and applies everything pending in one transaction: a failure leaves the
 * database as it was.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Schema } from "effect"
import { coreMigrations } from "./internal/migrations/index.js"

/** One schema change. `up` runs inside the migration transaction. @since 0.1.0 */
export interface Migration {
  readonly id: number
  readonly name: string
  readonly up: Effect.Effect<void, SqlError, SqlClient.SqlClient>
}

/** An ordered list of migrations owned by one package. @since 0.1.0 */
export interface MigrationSet {
  readonly name: string
  readonly migrations: ReadonlyArray<Migration>
}

/**
 * Migrations could not be applied, or the database does not match this code (a migration recorded under
 * another name, or applied by a newer version of spacesync).
 *
 * @since 0.1.0
 */
export class MigrationError extends Schema.TaggedError<MigrationError>()("MigrationError", {
  reason: Schema.Literal("Failed", "Diverged", "Invalid"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/** The migrations of `@spacesync/core`. @since 0.1.0 */
export const core: MigrationSet = { name: "core", migrations: coreMigrations }

// An arbitrary constant: the advisory lock key that serializes migration runs.
const lockKey = 0x5ba5_e5c

const validate = (sets: ReadonlyArray<MigrationSet>) =>
  Effect.forEach(sets, (set) => {
    const ids = set.migrations.map((m) => m.id)
    const ordered = ids.every((id, i) => Number.isInteger(id) && id > 0 && (i === 0 || id > ids[i - 1]!))
    return ordered ? Effect.void : Effect.fail(
      new MigrationError({
        reason: "Invalid",
        message: `Migration ids of set "${set.name}" must be positive and increasing`
      })
    )
  }, { discard: true })

/** A migration recorded as applied. @since 0.1.0 */
export interface AppliedMigration {
  readonly set: string
  readonly id: number
  readonly name: string
}

const ensureTable = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`create schema if not exists spacesync`
  yield* sql`create table if not exists spacesync.migrations (
    set_name text not null,
    id integer not null,
    name text not null,
    applied_at timestamptz not null default now(),
    primary key (set_name, id)
  )`
})

const AppliedRow = Schema.Struct({ set: Schema.String, id: Schema.Number, name: Schema.String })

const appliedRows = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  SqlSchema.findAll({
    Request: Schema.Void,
    Result: AppliedRow,
    execute: () => sql`select set_name as "set", id, name from spacesync.migrations order by set_name, id`
  })(undefined)).pipe(Effect.catchTag("ParseError", Effect.die))

const compare = (sets: ReadonlyArray<MigrationSet>, applied: ReadonlyArray<AppliedMigration>) => {
  const pending: Array<{ readonly set: MigrationSet; readonly migration: Migration }> = []
  for (const set of sets) {
    const done = new Map(applied.filter((row) => row.set === set.name).map((row) => [row.id, row.name]))
    for (const [id, name] of done) {
      const known = set.migrations.find((m) => m.id === id)
      if (known === undefined) {
        return new MigrationError({
          reason: "Diverged",
          message:
            `The database has migration ${set.name}/${id} (${name}), which this version of spacesync does not know: it was migrated by a newer version`
        })
      }
      if (known.name !== name) {
        return new MigrationError({
          reason: "Diverged",
          message: `Migration ${set.name}/${id} is recorded as "${name}" but this code calls it "${known.name}"`
        })
      }
    }
    for (const migration of set.migrations) {
      if (!done.has(migration.id)) pending.push({ set, migration })
    }
  }
  return pending
}

/**
 * Applies every pending migration of `sets`; returns what it applied (nothing on a second run).
 *
 * @since 0.1.0
 */
export const run = (
  sets: ReadonlyArray<MigrationSet>
): Effect.Effect<ReadonlyArray<AppliedMigration>, MigrationError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    yield* validate(sets)
    const sql = yield* SqlClient.SqlClient
    const applied = yield* sql.withTransaction(Effect.gen(function*() {
      yield* sql`select pg_advisory_xact_lock(${lockKey})`
      yield* ensureTable
      const pending = compare(sets, yield* appliedRows)
      if (pending instanceof MigrationError) return yield* pending
      for (const { migration, set } of pending) {
        yield* migration.up.pipe(
          Effect.mapError((cause) =>
            new MigrationError({
              reason: "Failed",
              message: `Migration ${set.name}/${migration.id} (${migration.name}) failed: ${cause.message}`,
              cause
            })
          )
        )
        yield* sql`insert into spacesync.migrations ${
          sql.insert({ set_name: set.name, id: migration.id, name: migration.name })
        }`
      }
      return pending.map(({ migration, set }) => ({ set: set.name, id: migration.id, name: migration.name }))
    })).pipe(
      Effect.catchTag("SqlError", (cause) =>
        new MigrationError({ reason: "Failed", message: `Migrations failed: ${cause.message}`, cause }))
    )
    for (const m of applied) {
      yield* Effect.logInfo(`Applied migration ${m.set}/${m.id} ${m.name}`)
    }
    return applied
  }).pipe(Effect.withSpan("Migrations.run"))

/**
 * The migrations of `sets` not yet applied (all of them on an empty database). Readiness checks use it.
 *
 * @since 0.1.0
 */
export const pending = (
  sets: ReadonlyArray<MigrationSet>
): Effect.Effect<ReadonlyArray<AppliedMigration>, SqlError | MigrationError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const exists = yield* SqlSchema.single({
      Request: Schema.Void,
      Result: Schema.Struct({ table: Schema.NullOr(Schema.String) }),
      execute: () => sql`select to_regclass('spacesync.migrations')::text as "table"`
    })(undefined).pipe(Effect.catchTags({ ParseError: Effect.die, NoSuchElementException: Effect.die }))
    const applied = exists.table !== null ? yield* appliedRows : []
    const result = compare(sets, applied)
    if (result instanceof MigrationError) return yield* result
    return result.map(({ migration, set }) => ({ set: set.name, id: migration.id, name: migration.name }))
  })
