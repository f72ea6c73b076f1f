/**
 * The database of a hub: a real PostgreSQL server when `DATABASE_URL` is set, otherwise the embedded
 * PGlite under `SPACESYNC_DATA_DIR`. Both are reached through `@effect/sql-pg`, so every query is the same.
 *
 * @since 0.1.0
 */
import type { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import type { SqlError } from "@effect/sql/SqlError"
import { Config, ConfigError, Effect, Layer, Option, Redacted } from "effect"
import * as EmbeddedPostgres from "./EmbeddedPostgres.js"
import * as Migrations from "./Migrations.js"

/**
 * Where the hub's data lives.
 *
 * @since 0.1.0
 */
export const DatabaseConfig = Config.all({
  url: Config.option(Config.redacted("DATABASE_URL")).pipe(
    // An empty value counts as unset, as shells and .env files often leave it.
    Config.map(Option.filter((url) => Redacted.value(url).trim() !== "")),
    Config.withDescription("PostgreSQL connection string; unset or empty: the embedded database")
  ),
  dataDir: Config.string("SPACESYNC_DATA_DIR").pipe(
    Config.withDefault(".spacesync"),
    Config.withDescription("Directory of the embedded database (used when DATABASE_URL is unset)")
  ),
  maxConnections: Config.integer("DATABASE_POOL_SIZE").pipe(
    Config.withDefault(10),
    Config.withDescription("Connections in the pool to a real PostgreSQL server")
  )
})

/**
 * A `PgClient` for explicit settings: `url` for a server, or the embedded database in `dataDir`.
 *
 * @since 0.1.0
 */
export const layerWith = (options: {
  readonly url: Option.Option<Redacted.Redacted>
  readonly dataDir: string
  readonly maxConnections?: number
}): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError | EmbeddedPostgres.EmbeddedPostgresError> =>
  Option.match(options.url, {
    onSome: (url) =>
      PgClient.layer({ url, applicationName: "spacesync", maxConnections: options.maxConnections ?? 10 }),
    onNone: () =>
      Layer.unwrapScoped(Effect.gen(function*() {
        const embedded = yield* EmbeddedPostgres.start(options.dataDir)
        yield* Effect.logInfo(`Embedded PostgreSQL (PGlite) in ${embedded.dataDir}`)
        return PgClient.layer({
          host: embedded.host,
          port: embedded.port,
          username: "postgres",
          database: "postgres",
          applicationName: "spacesync",
          // PGlite is a single session: one pooled connection keeps every transaction on it intact.
          maxConnections: 1,
          connectTimeout: "30 seconds"
        })
      }))
  })

/**
 * The configured database (`DATABASE_URL` or the embedded default), not yet migrated.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<
  PgClient.PgClient | SqlClient.SqlClient,
  SqlError | EmbeddedPostgres.EmbeddedPostgresError | ConfigError.ConfigError
> = Layer.unwrapEffect(Effect.map(DatabaseConfig, layerWith))

/**
 * The configured database with every spacesync migration applied before anything uses it.
 *
 * @since 0.1.0
 */
export const layerMigrated = (
  sets: ReadonlyArray<Migrations.MigrationSet> = [Migrations.core]
): Layer.Layer<
  PgClient.PgClient | SqlClient.SqlClient,
  SqlError | EmbeddedPostgres.EmbeddedPostgresError | ConfigError.ConfigError | Migrations.MigrationError
> => Layer.effectDiscard(Migrations.run(sets)).pipe(Layer.provideMerge(layer))
