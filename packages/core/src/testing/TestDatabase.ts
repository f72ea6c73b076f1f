/**
 * Databases for tests. `layer` creates a fresh database on the PostgreSQL server of
 * `SPACESYNC_TEST_DATABASE_URL` (default: the local server, `postgres://postgres@127.0.0.1:5432/postgres`),
 * migrates it, and drops it when the layer is released: every test file gets its own database, so files
 * run in parallel and leave nothing behind. `layerEmbedded` does the same on an in-memory PGlite.
 *
 * @since 0.1.0
 */
import { Reactivity } from "@effect/experimental"
import type { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Config, Effect, Layer, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import * as EmbeddedPostgres from "../EmbeddedPostgres.js"
import * as Migrations from "../Migrations.js"

/** The server on which test databases are created. @since 0.1.0 */
export const ServerUrl = Config.string("SPACESYNC_TEST_DATABASE_URL").pipe(
  Config.withDefault("postgres://postgres@127.0.0.1:5432/postgres")
)

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

const admin = <A, E>(url: string, f: (sql: PgClient.PgClient) => Effect.Effect<A, E>) =>
  PgClient.make({ url: Redacted.make(url), maxConnections: 1 }).pipe(
    Effect.flatMap(f),
    Effect.scoped,
    Effect.provide(Reactivity.layer)
  )

/** A fresh, uniquely named database and its URL; dropped when the scope closes. @since 0.1.0 */
export const createDatabase = Effect.gen(function*() {
  const server = yield* ServerUrl
  const name = `spacesync_test_${randomBytes(6).toString("hex")}`
  yield* Effect.acquireRelease(
    admin(server, (sql) => sql.unsafe(`create database "${name}"`)),
    () => admin(server, (sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)).pipe(Effect.ignoreLogged)
  )
  return { name, url: withDatabase(server, name) }
}).pipe(Effect.orDie)

/**
 * A `PgClient` on a fresh database of the test server with `sets` migrated.
 *
 * @since 0.1.0
 */
export const layer = (
  sets: ReadonlyArray<Migrations.MigrationSet> = [Migrations.core],
  options: { readonly maxConnections?: number } = {}
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient> =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const { url } = yield* createDatabase
    return Layer.effectDiscard(Migrations.run(sets)).pipe(
      Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: options.maxConnections ?? 10 }))
    )
  })).pipe(Layer.orDie)

/**
 * A `PgClient` on a fresh in-memory PGlite with `sets` migrated: the embedded default, for tests that must
 * pass on both.
 *
 * @since 0.1.0
 */
export const layerEmbedded = (
  sets: ReadonlyArray<Migrations.MigrationSet> = [Migrations.core]
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient> =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const embedded = yield* EmbeddedPostgres.start("memory")
    return Layer.effectDiscard(Migrations.run(sets)).pipe(
      Layer.provideMerge(PgClient.layer({
        host: embedded.host,
        port: embedded.port,
        username: "postgres",
        database: "postgres",
        maxConnections: 1,
        connectTimeout: "30 seconds"
      }))
    )
  })).pipe(Layer.orDie)
