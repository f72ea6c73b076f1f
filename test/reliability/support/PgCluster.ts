/**
 * A PostgreSQL server of the test's own (`initdb` in a temporary folder, a free port, its unix socket in
 * that folder), so the test may stop and start it at will. It runs as the `postgres` system user when
 * the test runs as root (PostgreSQL refuses to run as root). Removed with the scope, even on failure.
 */
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { freePort } from "../../../packages/server/test/support/HubProcess.js"

/** The newest PostgreSQL server binaries installed (`/usr/lib/postgresql/<major>/bin`). */
const binDir = (): string => {
  const root = "/usr/lib/postgresql"
  const majors = Fs.existsSync(root)
    ? Fs.readdirSync(root).filter((name) => Fs.existsSync(Path.join(root, name, "bin", "pg_ctl")))
    : []
  majors.sort((a, b) => Number(b) - Number(a))
  if (majors[0] === undefined) throw new Error(`No PostgreSQL server binaries (initdb, pg_ctl) under ${root}`)
  return Path.join(root, majors[0], "bin")
}

const asRoot = process.getuid?.() === 0

/** Runs a PostgreSQL binary, as the `postgres` user when this process is root. */
const run = (bin: string, args: ReadonlyArray<string>) =>
  Effect.async<string, Error>((resume) => {
    const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, [...args]]
    execFile(command, argv, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) resume(Effect.fail(new Error(`${Path.basename(bin)} ${args.join(" ")}: ${error.message}\n${stderr}`)))
      else resume(Effect.succeed(stdout + stderr))
    })
  })

/** The connection string of a cluster on `port`. */
export const urlOf = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`

/** How a server is stopped: `fast` (disconnect clients, checkpoint) or `immediate` (crash recovery). */
export type StopMode = "fast" | "immediate"

export interface PgCluster {
  readonly url: string
  readonly port: number
  readonly stop: (mode: StopMode) => Effect.Effect<void, Error>
  readonly start: Effect.Effect<void, Error>
  /** The server's log, for a failure message. */
  readonly log: () => string
}

/** Creates and starts a cluster (on `port`, or a free one); stops and removes it when the scope closes. */
export const make = (requestedPort?: number) =>
  Effect.gen(function*() {
    const bin = binDir()
    const port = requestedPort ?? (yield* freePort)
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
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      // Speed only: a stop, fast or immediate, keeps the WAL in the page cache, so restarts still recover.
      "-c fsync=off",
      "-c max_connections=200"
    ].join(" ")
    const start = run(Path.join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", logFile, "-w", "-t", "60", "start"])
      .pipe(Effect.asVoid)
    const stop = (mode: StopMode) =>
      run(Path.join(bin, "pg_ctl"), ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]).pipe(Effect.asVoid)
    yield* start
    return {
      url: urlOf(port),
      port,
      stop,
      start,
      log: () => (Fs.existsSync(logFile) ? Fs.readFileSync(logFile, "utf8") : "")
    } satisfies PgCluster
  })
