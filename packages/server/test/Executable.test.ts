import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
// @ts-expect-error: a plain ES module of the executable, without declarations
import { choose } from "../bin/entry.mjs"
import { spawnHub } from "./support/HubProcess.js"

const server = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

type Choice = { kind: "bundle" | "source"; url: string; reason: string }
const chooseIn = (dir: string, env: Record<string, string> = {}): Choice => choose({ server: dir, env })

/** A workspace `<root>/packages/server` with two sources, and a bundle made from them (or none). */
const layout = (withBundle: boolean) => {
  const root = Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-entry-"))
  const dir = Path.join(root, "packages", "server")
  Fs.mkdirSync(Path.join(dir, "src"), { recursive: true })
  Fs.mkdirSync(Path.join(root, "packages", "core", "src"), { recursive: true })
  const old = new Date(Date.now() - 60_000)
  for (const file of ["packages/server/src/bin.ts", "packages/core/src/Sync.ts"]) {
    Fs.writeFileSync(Path.join(root, file), "export {}\n")
    Fs.utimesSync(Path.join(root, file), old, old)
  }
  if (withBundle) {
    Fs.mkdirSync(Path.join(dir, "dist"))
    Fs.writeFileSync(Path.join(dir, "dist", "spacesync.mjs"), "export {}\n")
    Fs.writeFileSync(
      Path.join(dir, "dist", "inputs.json"),
      JSON.stringify({ inputs: ["packages/core/src/Sync.ts", "packages/server/src/bin.ts"] })
    )
  }
  return { root, dir, cleanup: () => Fs.rmSync(root, { recursive: true, force: true }) }
}

describe("the spacesync executable", () => {
  it("runs the bundle while it is as new as its sources, and the sources once one of them changed", () => {
    const { cleanup, dir, root } = layout(true)
    try {
      expect(chooseIn(dir)).toEqual({
        kind: "bundle",
        url: pathToFileURL(Path.join(dir, "dist", "spacesync.mjs")).href,
        reason: "the bundle is up to date"
      })
      expect(chooseIn(dir, { SPACESYNC_FROM_SOURCE: "true" })).toMatchObject({
        kind: "source",
        url: pathToFileURL(Path.join(dir, "src", "bin.ts")).href,
        reason: "SPACESYNC_FROM_SOURCE is set"
      })
      // A source of another workspace package edited after the install.
      Fs.utimesSync(Path.join(root, "packages/core/src/Sync.ts"), new Date(), new Date(Date.now() + 5_000))
      expect(chooseIn(dir)).toMatchObject({
        kind: "source",
        reason: "packages/core/src/Sync.ts changed after the bundle was made"
      })
      Fs.rmSync(Path.join(root, "packages/core/src/Sync.ts"))
      expect(chooseIn(dir)).toMatchObject({
        kind: "source",
        reason: "packages/core/src/Sync.ts, bundled, no longer exists"
      })
    } finally {
      cleanup()
    }
  })

  it("runs the sources when no bundle was made", () => {
    const { cleanup, dir } = layout(false)
    try {
      expect(chooseIn(dir)).toMatchObject({ kind: "source", reason: "no bundle (it is made by `pnpm install`)" })
    } finally {
      cleanup()
    }
  })

  it.scopedLive(
    "the bundle, run by plain Node, serves a hub on the embedded default with its platform guides",
    () =>
      Effect.gen(function*() {
        const out = Path.join(server, `dist-test-${process.pid}`)
        const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-bundle-"))
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            Fs.rmSync(out, { recursive: true, force: true })
            Fs.rmSync(dataDir, { recursive: true, force: true })
          })
        )
        execFileSync(process.execPath, [Path.join(server, "scripts", "bundle.mjs"), "--out", out], { stdio: "pipe" })
        const { inputs } = JSON.parse(Fs.readFileSync(Path.join(out, "inputs.json"), "utf8")) as {
          inputs: Array<string>
        }
        expect(inputs).toContain("packages/server/src/bin.ts")
        expect(inputs).toContain("packages/core/src/SyncEngine.ts")
        expect(inputs.some((file) => file.includes("node_modules"))).toBe(false)

        const hub = yield* spawnHub({ SPACESYNC_DATA_DIR: Path.join(dataDir, ".spacesync") }, ["start"], {
          bin: Path.join(out, "spacesync.mjs")
        })
        const ready = yield* Effect.promise(() => fetch(`${hub.url}/readyz`).then((r) => r.json()))
        expect(ready).toEqual({ status: "ready" })
        const guide = yield* Effect.promise(() => fetch(`${hub.url}/docs/platforms/webhooks.md`))
        expect(guide.status).toBe(200)
        expect(yield* Effect.promise(() => guide.text())).toContain("webhook-signature")
        // PGlite, left outside the bundle, is found from it.
        expect(hub.output()).toContain("Embedded PostgreSQL (PGlite)")
      }),
    120_000
  )
})
