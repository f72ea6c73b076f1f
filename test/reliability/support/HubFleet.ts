/**
 * Hub processes (`spacesync start --roles …`) that the test can SIGKILL and start again with the same
 * environment and port. Every line each incarnation writes is kept (JSON logs), every exit is recorded
 * with whether the test caused it, and a kill's time is recorded so an interval the killed process
 * opened ends there.
 */
import { Effect, Schedule } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { freePort } from "../../../packages/server/test/support/HubProcess.js"

const bin = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../../packages/server/bin/spacesync.mjs")

/** One process's life: from spawn to exit. */
export interface Incarnation {
  readonly hub: number
  readonly pid: number
  readonly startedAt: number
  /** Every complete line written to stdout and stderr. */
  readonly lines: Array<string>
  /** When the test sent SIGKILL (the end of any interval this process left open). */
  killedAt: number | undefined
  /** The test stopped it with SIGTERM at the end. */
  stopping: boolean
  exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly at: number } | undefined
}

export interface Hub {
  readonly index: number
  readonly roles: string
  readonly url: string
  current: { readonly child: ChildProcess; readonly life: Incarnation } | undefined
}

export const make = (env: Record<string, string>, rolesOf: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const lives: Array<Incarnation> = []
    const hubs: Array<Hub> = []
    for (const [index, roles] of rolesOf.entries()) {
      hubs.push({ index, roles, url: `http://127.0.0.1:${yield* freePort}`, current: undefined })
    }

    const spawnOne = (hub: Hub) =>
      Effect.sync(() => {
        const child = spawn(process.execPath, [bin, "start", "--roles", hub.roles], {
          env: { ...process.env, ...env, HOST: "127.0.0.1", PORT: new URL(hub.url).port },
          stdio: ["ignore", "pipe", "pipe"]
        })
        const life: Incarnation = {
          hub: hub.index,
          pid: child.pid ?? -1,
          startedAt: Date.now(),
          lines: [],
          killedAt: undefined,
          stopping: false,
          exit: undefined
        }
        const collect = (stream: NodeJS.ReadableStream) => {
          let rest = ""
          stream.on("data", (chunk) => {
            const parts = (rest + String(chunk)).split("\n")
            rest = parts.pop() ?? ""
            life.lines.push(...parts)
          })
          stream.on("end", () => rest !== "" && life.lines.push(rest))
        }
        collect(child.stdout!)
        collect(child.stderr!)
        child.on("exit", (code, signal) => (life.exit = { code, signal, at: Date.now() }))
        lives.push(life)
        hub.current = { child, life }
        return life
      })

    /** Whether a process answers `/readyz` (API) or has logged its start (other roles). */
    const ready = (hub: Hub, life: Incarnation) =>
      hub.roles.includes("api")
        ? Effect.tryPromise(() => fetch(`${hub.url}/readyz`, { signal: AbortSignal.timeout(2_000) })).pipe(
          Effect.map((res) => res.status === 200),
          Effect.orElseSucceed(() => false)
        )
        : Effect.sync(() => life.lines.some((line) => line.includes("Starting spacesync")))

    const start = (hub: Hub) =>
      Effect.gen(function*() {
        const life = yield* spawnOne(hub)
        yield* ready(hub, life).pipe(
          Effect.filterOrFail((ok) => ok),
          // A deadline, not a measurement: on a loaded 2-core machine tsx alone can take tens of seconds.
          Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("150 seconds"))),
          Effect.orElse(() =>
            Effect.dieMessage(
              `hub ${hub.index} (${hub.roles}) did not become ready (exit ${JSON.stringify(life.exit)}):\n${
                life.lines.join("\n")
              }`
            )
          )
        )
        return life
      })

    /** SIGKILL now; resolves once the process is gone. */
    const kill = (hub: Hub) =>
      Effect.async<void>((resume) => {
        const current = hub.current
        if (current === undefined || current.life.exit !== undefined) return resume(Effect.void)
        current.child.once("exit", () => resume(Effect.void))
        current.life.killedAt = Date.now()
        current.child.kill("SIGKILL")
      })

    const stop = (hub: Hub) =>
      Effect.async<void>((resume) => {
        const current = hub.current
        if (current === undefined || current.life.exit !== undefined) return resume(Effect.void)
        current.child.once("exit", () => resume(Effect.void))
        current.life.stopping = true
        current.child.kill("SIGTERM")
      }).pipe(
        Effect.timeoutOption("20 seconds"),
        Effect.andThen(kill(hub))
      )

    yield* Effect.addFinalizer(() => Effect.forEach(hubs, stop, { concurrency: "unbounded", discard: true }))

    return { hubs, lives, start, kill, stop }
  })
