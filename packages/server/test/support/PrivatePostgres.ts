/**
 * A PostgreSQL server of the test's own, which the test may stop and start at will (the shared test
 * server must stay up for every other file): `initdb` in a temporary folder, a free port on 127.0.0.1,
 * its unix socket in that folder. As root it runs as the `postgres` system user (PostgreSQL refuses to
 * run as root). Stopped and removed when the scope closes, even when the test fails.
 */
import { Data, Effect } from "effect"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { freePort } from "./HubProcess.js"

/** A PostgreSQL command failed. */
export class PrivatePostgresError extends Data.TaggedError("PrivatePostgresError")<{ readonly message: string }> {}

/** The newest installed server binaries (`/usr/lib/postgresql/<major>/bin`), or `PG_BIN_DIR`. */
const binDir = (): string => {
  const configured = process.env.PG_BIN_DIR
  if (configured !== undefined && configured !== "") return configured
  const root = "/usr/lib/postgresql"
  const majors = Fs.existsSync(root)
    ? Fs.readdirSync(root).filter((name) => Fs.existsSync(Path.join(root, name, "bin", "pg_ctl")))
    : []
  majors.sort((a, b) => Number(b) - Number(a))
  if (majors[0] === undefined) throw new Error(`No PostgreSQL server binaries (initdb, pg_ctl) under ${root}`)
  return Path.join(root, majors[0], "bin")
}

const asRoot = process.getuid?.() === 0

const run = (bin: string, args: ReadonlyArray<string>) =>
  Effect.async<string, PrivatePostgresError>((resume) => {
    const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, [...args]]
    execFile(command, argv, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        resume(Effect.fail(
          new PrivatePostgresError({ message: `${Path.basename(bin)} ${args.join(" ")}: ${error.message}\n${stderr}` })
        ))
      } else resume(Effect.succeed(stdout + stderr))
    })
  })

/** `fast`: clients are told (57P01) and the server checkpoints; `immediate`: like a crash. */
export type StopMode = "fast" | "immediate"

export interface PrivatePostgres {
  /** The `postgres` database as the `postgres` user (trust authentication). */
  readonly url: string
  readonly port: number
  readonly stop: (mode?: StopMode) => Effect.Effect<void, PrivatePostgresError>
  readonly start: Effect.Effect<void, PrivatePostgresError>
  /** The server's log, for a failure message. */
  readonly log: () => string
}

/** The connection string of a private server on `port`. */
export const urlOf = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`

/**
 * Creates and starts a server (on `port`, or a free one; `maxConnections` as PostgreSQL's
 * `max_connections`); stops and removes it when the scope closes.
 */
export const makeWith = (options: { readonly port?: number; readonly maxConnections?: number } = {}) =>
  Effect.gen(function*() {
    const bin = binDir()
    const port = options.port ?? (yield* freePort)
    const dir = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-pg-"))
        if (asRoot) {
          const { gid, uid } = Fs.statSync("/var/lib/postgresql")
          Fs.chownSync(dir, uid, gid)
        }
        return dir
      }),
      (dir) =>
        run(Path.join(bin, "pg_ctl"), ["-D", Path.join(dir, "data"), "-m", "immediate", "-w", "stop"]).pipe(
          Effect.ignore,
          Effect.andThen(Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })))
        )
    )
    const data = Path.join(dir, "data")
    const logFile = Path.join(dir, "server.log")
    yield* run(Path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
    // fsync off for speed only: the data lives as long as the test.
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${
      options.maxConnections ?? 100
    }`
    const start = run(Path.join(bin, "pg_ctl"), ["-D", data, "-o", settings, "-l", logFile, "-w", "-t", "60", "start"])
      .pipe(Effect.asVoid)
    const stop = (mode: StopMode = "fast") =>
      run(Path.join(bin, "pg_ctl"), ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]).pipe(Effect.asVoid)
    yield* start
    return {
      url: urlOf(port),
      port,
      stop,
      start,
      log: () => (Fs.existsSync(logFile) ? Fs.readFileSync(logFile, "utf8") : "")
    } satisfies PrivatePostgres
  })

/** A server on a free port, with PostgreSQL's default `max_connections`. */
export const make = makeWith()
