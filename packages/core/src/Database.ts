/**
 * The database of a hub: a real PostgreSQL server when `DATABASE_URL` is set, otherwise the embedded
 * PGlite under `SPACESYNC_DATA_DIR`. Both are reached through `@effect/sql-pg`, so every query is the same.
 *
 * @since 0.1.0
 */
import type { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import type { SqlError } from "@effect/sql/SqlError"
import { Cause, Config, ConfigError, Duration, Effect, Layer, Option, Redacted, Schedule, Schema } from "effect"
import * as EmbeddedPostgres from "./EmbeddedPostgres.js"
import * as Migrations from "./Migrations.js"

/**
 * The default of `DATABASE_CONNECT_TIMEOUT`. Without one, `pg` waits for a connection forever: a request
 * made while the server is unreachable (a host that drops packets) would hang instead of failing.
 *
 * @since 0.1.0
 */
export const defaultConnectTimeout: Duration.Duration = Duration.seconds(10)

/**
 * How long a start waits for a PostgreSQL server that cannot be reached yet (starting, restarting).
 *
 * @since 0.1.0
 */
export const defaultStartupWait: Duration.Duration = Duration.seconds(30)

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
  ),
  connectTimeout: Config.duration("DATABASE_CONNECT_TIMEOUT").pipe(
    Config.withDefault(defaultConnectTimeout),
    Config.withDescription(
      "How long a query waits for a connection to a real PostgreSQL server (a new one, or a free one of the pool) before it fails"
    )
  )
})

/**
 * The retries of a start while the database cannot be reached (every 500 ms, up to `startupWait`), said
 * once in the log and then every 5 s. Any other failure ends the start at once.
 */
const waitForTheDatabase = (startupWait: Duration.DurationInput) => {
  let waited = 0
  return Schedule.spaced("500 millis").pipe(
    Schedule.whileInput((error: unknown) => unavailableReason(error) !== undefined),
    Schedule.upTo(startupWait),
    Schedule.tapInput((error: unknown) =>
      waited++ % 10 === 0
        ? Effect.logWarning(`Waiting for the database: ${unavailableReason(error) ?? String(error)}`)
        : Effect.void
    )
  )
}

/**
 * A `PgClient` for explicit settings: `url` for a server, or the embedded database in `dataDir`.
 *
 * @since 0.1.0
 */
export const layerWith = (options: {
  readonly url: Option.Option<Redacted.Redacted>
  readonly dataDir: string
  readonly maxConnections?: number
  readonly connectTimeout?: Duration.DurationInput | undefined
  /** How long a start waits for a server that refuses connections (default 30 s). */
  readonly startupWait?: Duration.DurationInput | undefined
}): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError | EmbeddedPostgres.EmbeddedPostgresError> =>
  Option.match(options.url, {
    onSome: (url) =>
      PgClient.layer({
        url,
        applicationName: "spacesync",
        maxConnections: options.maxConnections ?? 10,
        connectTimeout: options.connectTimeout ?? defaultConnectTimeout
      }).pipe(
        // A server that is (re)starting refuses connections for a moment: a process started meanwhile
        // waits for it (up to `startupWait`) instead of exiting. Any other failure ends the start at once.
        Layer.retry(waitForTheDatabase(options.startupWait ?? defaultStartupWait))
      ),
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
 * The configured database with every spacesync migration applied before anything uses it. A connection
 * lost while the migrations run (a server going down just after the pool connected) is waited out like an
 * unreachable server at start: the migrations run again, for up to 30 s, each in one
 * transaction, so nothing is left half applied.
 *
 * @since 0.1.0
 */
export const layerMigrated = (
  sets: ReadonlyArray<Migrations.MigrationSet> = [Migrations.core]
): Layer.Layer<
  PgClient.PgClient | SqlClient.SqlClient,
  SqlError | EmbeddedPostgres.EmbeddedPostgresError | ConfigError.ConfigError | Migrations.MigrationError
> =>
  Layer.effectDiscard(
    Migrations.run(sets).pipe(
      // A transaction whose connection is gone fails its rollback too, which surfaces as a defect.
      Effect.catchAllDefect((defect) => {
        const reason = unavailableReason(defect)
        return reason === undefined
          ? Effect.die(defect)
          : Effect.fail(
            new Migrations.MigrationError({ reason: "Failed", message: `Migrations failed: ${reason}`, cause: defect })
          )
      }),
      Effect.retry(waitForTheDatabase(defaultStartupWait))
    )
  ).pipe(Layer.provideMerge(layer))

/**
 * The database cannot be reached: the server refused or dropped the connection, is shutting down or
 * starting up, or no connection came within the connect timeout. Unlike other SQL errors it says
 * nothing about the request, and the same request may succeed later.
 *
 * @since 0.1.0
 * @category errors
 */
export class DatabaseUnavailable extends Schema.TaggedError<DatabaseUnavailable>()("DatabaseUnavailable", {
  message: Schema.String
}) {}

// PostgreSQL's connection exceptions (08…), operator intervention (57P01 admin shutdown, 57P02 crash
// shutdown, 57P03 cannot connect now) and too many connections (53300).
const unavailableCode = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/
const unavailableErrno = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE"
])
// What `pg` and `@effect/sql-pg` say when a connection is lost or never comes.
const unavailableMessage =
  /Connection terminated|timeout exceeded when trying to connect|Connection timed out|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end/i

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null

// Whether `error` (or what caused it) says the connection failed, looking at most `depth` causes deep.
const connectionFailure = (error: unknown, depth: number): string | undefined => {
  if (!isObject(error) || depth < 0) return undefined
  const code = typeof error.code === "string" ? error.code : undefined
  const message = typeof error.message === "string" ? error.message : ""
  if (
    (code !== undefined && (unavailableCode.test(code) || unavailableErrno.has(code))) ||
    unavailableMessage.test(message)
  ) {
    return message === "" ? (code ?? "connection failed") : message
  }
  // Node reports a refused connection to a host with several addresses as an AggregateError.
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors) {
      const found = connectionFailure(inner, depth - 1)
      if (found !== undefined) return found
    }
  }
  return connectionFailure(error.cause, depth - 1)
}

/**
 * Why `error` says the database cannot be reached, if it does: a `SqlError` (itself, or the cause of
 * another error) whose cause is a connection failure. Other SQL errors (a constraint, a syntax error, a
 * missing table) are not: they are the request's or the code's fault.
 *
 * @since 0.1.0
 */
export const unavailableReason = (error: unknown): string | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 8 && isObject(current); depth++) {
    if (current._tag === "DatabaseUnavailable" && typeof current.message === "string") return current.message
    if (current._tag === "SqlError") return connectionFailure(current, 6)
    current = current.cause
  }
  return undefined
}

/**
 * The `DatabaseUnavailable` a cause holds, as a failure or a defect (repositories turn `SqlError` into
 * defects), if any of its errors says the database cannot be reached.
 *
 * @since 0.1.0
 */
export const unavailable = (cause: Cause.Cause<unknown>): Option.Option<DatabaseUnavailable> =>
  Cause.find(cause, (reason) => {
    const error = reason._tag === "Fail" ? reason.error : reason._tag === "Die" ? reason.defect : undefined
    const found = unavailableReason(error)
    return found === undefined ? Option.none() : Option.some(new DatabaseUnavailable({ message: found }))
  })
