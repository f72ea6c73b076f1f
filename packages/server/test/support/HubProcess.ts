import { Effect, Schedule } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { appendFileSync } from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const bin = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../bin/spacesync.mjs")

/** A free TCP port on loopback. */
export const freePort = Effect.async<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as Net.AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

export interface HubProcess {
  readonly url: string
  readonly child: ChildProcess
  readonly output: () => string
}

/**
 * Runs `spacesync <args>` as a child process (as a user would) and, for `start`, waits until `/readyz`
 * answers 200 (or, for roles without the API, until it logs that it started). The process is stopped with SIGTERM when the scope closes.
 */
export const spawnHub = (
  env: Record<string, string>,
  args: ReadonlyArray<string> = ["start"],
  options: { readonly bin?: string } = {}
) =>
  Effect.gen(function*() {
    const port = yield* freePort
    let output = ""
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => {
        // BENCH_CPU_PROF=<dir> (benchmarks): the hub writes a CPU profile there when it stops.
        const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
        // BENCH_HUB_NODE_ARGS (benchmarks): more Node options for the hub, e.g. `--trace-gc`.
        const nodeArgs = process.env.BENCH_HUB_NODE_ARGS?.split(" ").filter((a) => a !== "") ?? []
        const child = spawn(process.execPath, [...profile, ...nodeArgs, options.bin ?? bin, ...args], {
          env: {
            ...process.env,
            DATABASE_URL: "",
            SPACESYNC_ADMIN_TOKEN: "",
            SPACESYNC_SECRET_KEY: "",
            ...env,
            PORT: String(port),
            HOST: "127.0.0.1"
          },
          stdio: ["ignore", "pipe", "pipe"]
        })
        child.stdout!.on("data", (chunk) => (output += chunk))
        child.stderr!.on("data", (chunk) => (output += chunk))
        return child
      }),
      (child) =>
        Effect.async<void>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
          child.once("exit", () => resume(Effect.void))
          child.kill("SIGTERM")
        }).pipe(
          Effect.timeoutOption("20 seconds"),
          // BENCH_HUB_LOG=<file> (benchmarks): what the hub printed is appended there when it stops.
          Effect.tap(() =>
            process.env.BENCH_HUB_LOG
              ? Effect.sync(() => appendFileSync(process.env.BENCH_HUB_LOG!, output))
              : Effect.void
          )
        )
    )
    const url = `http://127.0.0.1:${port}`
    const roles = args.includes("--roles") ? args[args.indexOf("--roles") + 1] ?? "" : "api"
    if (!roles.includes("api")) {
      // No HTTP server: ready once it says it started.
      yield* Effect.sync(() => output.includes("Starting spacesync")).pipe(
        Effect.filterOrFail((started) => started),
        Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("45 seconds"))),
        Effect.orElse(() => Effect.dieMessage(`hub did not start:\n${output}`))
      )
      return { url, child, output: () => output } satisfies HubProcess
    }
    yield* Effect.tryPromise((signal) => fetch(`${url}/readyz`, { signal })).pipe(
      Effect.timeout("2 seconds"),
      Effect.filterOrFail((res) => res.status === 200),
      Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("45 seconds"))),
      Effect.orElse(() => Effect.dieMessage(`hub did not become ready:\n${output}`)),
      Effect.raceFirst(Effect.async<never>((resume) => {
        child.once("exit", (code) => resume(Effect.dieMessage(`hub exited with ${code}:\n${output}`)))
      }))
    )
    return { url, child, output: () => output } satisfies HubProcess
  })

/** Runs `spacesync <args>` to completion and returns its exit code and output. */
export const runCli = (env: Record<string, string>, args: ReadonlyArray<string>) =>
  Effect.async<{ readonly code: number | null; readonly output: string }>((resume) => {
    let output = ""
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, DATABASE_URL: "", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("exit", (code) => resume(Effect.succeed({ code, output })))
  })
