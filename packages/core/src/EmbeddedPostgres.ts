/**
 * The embedded default: PGlite (Postgres compiled to WebAssembly) in this process, persisted under a data
 * directory and served on a loopback port by PGlite's socket server, so that the ordinary `pg` driver and
 * `@effect/sql-pg` run the very same SQL as against a real server. See docs/design/embedded-postgres.md.
 *
 * @since 0.1.0
 */
import type { PGlite } from "@electric-sql/pglite"
import { Data, Effect, type Scope } from "effect"
import * as Fs from "node:fs"
import type { AddressInfo } from "node:net"
import * as Path from "node:path"

/**
 * The embedded database could not start: the data directory is unusable or held by another process.
 *
 * @since 0.1.0
 */
export class EmbeddedPostgresError extends Data.TaggedError("EmbeddedPostgresError")<{
  readonly reason: "Locked" | "StartFailed"
  readonly message: string
  readonly cause?: unknown
}> {}

/** A running embedded Postgres. @since 0.1.0 */
export interface EmbeddedPostgres {
  readonly dataDir: string
  readonly host: string
  readonly port: number
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * One process at a time may open a PGlite data directory (two would corrupt it). The lock is a file
 * holding the owner's pid; a lock whose owner is gone is taken over.
 */
const acquireLock = (dir: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        const file = Path.join(dir, "embedded.lock")
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            Fs.writeFileSync(file, String(process.pid), { flag: "wx" })
            return file
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
            const owner = Number(Fs.readFileSync(file, "utf8").trim())
            if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
              throw new EmbeddedPostgresError({
                reason: "Locked",
                message: `The embedded database in ${dir} is in use by process ${owner}. Stop it, or set DATABASE_URL.`
              })
            }
            Fs.rmSync(file, { force: true })
          }
        }
        throw new Error(`Could not lock ${file}`)
      },
      catch: (cause) =>
        cause instanceof EmbeddedPostgresError ? cause : new EmbeddedPostgresError({
          reason: "StartFailed",
          message: `Cannot lock the embedded database directory ${dir}: ${String(cause)}`,
          cause
        })
    }),
    (file) => Effect.sync(() => Fs.rmSync(file, { force: true }))
  )

/**
 * Starts PGlite on `dataDir` (created if missing; `"memory"` for a throw-away in-memory database) behind
 * a socket server on 127.0.0.1 and a free port. Everything stops when the scope closes.
 *
 * @since 0.1.0
 */
export const start = (dataDir: string): Effect.Effect<EmbeddedPostgres, EmbeddedPostgresError, Scope.Scope> =>
  Effect.gen(function*() {
    const inMemory = dataDir === "memory"
    const dir = inMemory ? "memory://" : Path.resolve(dataDir)
    if (!inMemory) {
      yield* Effect.try({
        try: () => Fs.mkdirSync(dir, { recursive: true }),
        catch: (cause) =>
          new EmbeddedPostgresError({ reason: "StartFailed", message: `Cannot create ${dir}: ${String(cause)}`, cause })
      })
      yield* acquireLock(dir)
    }
    // PGlite (and its WebAssembly build of Postgres) is loaded only here, when the embedded database is
    // used: a hub on DATABASE_URL never loads it.
    const { PGLiteSocketServer, PGliteModule } = yield* Effect.tryPromise({
      try: async () => ({
        PGliteModule: await import("@electric-sql/pglite"),
        PGLiteSocketServer: (await import("@electric-sql/pglite-socket")).PGLiteSocketServer
      }),
      catch: (cause) =>
        new EmbeddedPostgresError({
          reason: "StartFailed",
          message: `Cannot load the embedded database (@electric-sql/pglite): ${String(cause)}`,
          cause
        })
    })
    const db: PGlite = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => inMemory ? PGliteModule.PGlite.create() : PGliteModule.PGlite.create(Path.join(dir, "pgdata")),
        catch: (cause) =>
          new EmbeddedPostgresError({
            reason: "StartFailed",
            message: `Cannot open the embedded database in ${dir}: ${String(cause)}`,
            cause
          })
      }),
      (db) => Effect.promise(() => db.close()).pipe(Effect.timeoutOption(10_000))
    )
    // Several pg connections share PGlite's single session; queries are queued and an open
    // transaction holds the others back, which is serializable by construction.
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 16 })
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => server.start(),
        catch: (cause) =>
          new EmbeddedPostgresError({
            reason: "StartFailed",
            message: `Cannot serve the embedded database: ${cause}`,
            cause
          })
      }),
      () => Effect.promise(() => server.stop()).pipe(Effect.timeoutOption(5_000))
    )
    const address = (server as unknown as { server: { address(): AddressInfo } }).server.address()
    return { dataDir: dir, host: "127.0.0.1", port: address.port }
  })
