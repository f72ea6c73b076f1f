/**
 * `pnpm demo` as a user runs it: it starts, prints the URLs, the pricing page follows the price that
 * changes upstream, and Ctrl-C (SIGINT) stops everything it started, the hub process included.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const main = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../examples/demo/main.ts")

const until = <A>(get: () => A | undefined, what: string, timeoutMs: number) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const value = get()
      if (value !== undefined) return value
      yield* Effect.sleep("200 millis")
    }
    return yield* Effect.dieMessage(`timed out waiting for ${what}`)
  })

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("pnpm demo", () => {
  it.live(
    "starts everything, follows the changing price, and Ctrl-C leaves nothing running",
    () =>
      Effect.gen(function*() {
        const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-demo-"))
        let output = ""
        const child = spawn(process.execPath, ["--import", "tsx", main], {
          cwd: Path.dirname(main),
          env: { ...process.env, DEMO_DATA_DIR: dataDir, DEMO_PRICE_INTERVAL: "1 second", PORT: "0" },
          stdio: ["ignore", "pipe", "pipe"]
        })
        child.stdout.on("data", (chunk) => (output += chunk))
        child.stderr.on("data", (chunk) => (output += chunk))
        const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
        yield* Effect.addFinalizer(() => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL")))

        yield* until(() => (output.includes("Ctrl-C stops everything") ? true : undefined), "the demo", 150_000)
        const hubPid = Number(/\(process (\d+);/.exec(output)![1])
        const pricingUrl = /pricing page\s+(http:\/\/\S+)/.exec(output)![1]!
        const listingUrl = /listing platform\s+(http:\/\/\S+)/.exec(output)![1]!
        expect(alive(hubPid)).toBe(true)

        // The page shows a London price, and a newer one once Nexudus has changed it and sent its webhook.
        const page = () => Effect.promise(() => fetch(pricingUrl).then((r) => r.text()))
        const first = yield* page()
        expect(first).toContain("£")
        const prices = (html: string) => html.match(/£[\d,]+\.\d\d/g)?.join(" ")
        let latest = first
        yield* until(() => (prices(latest) !== prices(first) ? true : undefined), "a new price on the page", 30_000)
          .pipe(
            Effect.race(Effect.forever(
              Effect.flatMap(page(), (html) => Effect.sync(() => (latest = html))).pipe(
                Effect.zipLeft(Effect.sleep("300 millis"))
              )
            ))
          )
        expect((yield* Effect.promise(() => fetch(listingUrl))).status).toBe(200)

        child.kill("SIGINT")
        expect(yield* Effect.promise(() => exited)).toBe(0)
        expect(output).toContain("Stopped: the hub, the simulator and both sites are shut down.")
        yield* until(() => (alive(hubPid) ? undefined : true), "the hub process to exit", 15_000)
        for (const url of [pricingUrl, listingUrl]) {
          const refused = yield* Effect.promise(() => fetch(url).then(() => false, () => true))
          expect(refused, url).toBe(true)
        }
        Fs.rmSync(dataDir, { recursive: true, force: true })
      }).pipe(Effect.scoped),
    240_000
  )
})
