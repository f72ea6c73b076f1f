import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as TestDatabase from "../src/testing/TestDatabase.js"

const recorder = fileURLToPath(new URL("./fixtures/record-imports.mjs", import.meta.url))
const fixture = fileURLToPath(new URL("./fixtures/database-open.ts", import.meta.url))

/** Runs the fixture in a child process; returns its exit code, output and the module specifiers it resolved. */
const openDatabase = (databaseUrl: string) =>
  Effect.async<{ readonly code: number | null; readonly output: string; readonly resolved: Array<string> }>(
    (resume) => {
      const file = Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-imports-")), "imports.txt")
      let output = ""
      const child = spawn(process.execPath, ["--import", "tsx", "--import", recorder, fixture], {
        env: { ...process.env, DATABASE_URL: databaseUrl, RECORD_IMPORTS_FILE: file },
        stdio: ["ignore", "pipe", "pipe"]
      })
      child.stdout.on("data", (chunk: Buffer) => (output += chunk))
      child.stderr.on("data", (chunk: Buffer) => (output += chunk))
      child.on("exit", (code) => {
        const resolved = Fs.existsSync(file) ? Fs.readFileSync(file, "utf8").split("\n") : []
        Fs.rmSync(Path.dirname(file), { recursive: true, force: true })
        resume(Effect.succeed({ code, output, resolved }))
      })
    }
  )

const loadsPGlite = (resolved: ReadonlyArray<string>) => resolved.some((s) => s.startsWith("@electric-sql/pglite"))

describe("embedded PostgreSQL loading", () => {
  it.scoped("with DATABASE_URL set, PGlite is never loaded", () =>
    Effect.gen(function*() {
      const { url } = yield* TestDatabase.createDatabase
      const run = yield* openDatabase(url)
      expect(run.code, run.output).toBe(0)
      expect(run.output).toContain("database open: 1")
      // The recorder saw the process's imports (so an absent PGlite means it was not loaded).
      expect(run.resolved).toContain("@effect/sql-pg")
      expect(loadsPGlite(run.resolved)).toBe(false)
    }), 60_000)

  it.effect("without DATABASE_URL, the embedded database loads PGlite and answers", () =>
    Effect.gen(function*() {
      const run = yield* openDatabase("")
      expect(run.code, run.output).toBe(0)
      expect(run.output).toContain("database open: 1")
      expect(loadsPGlite(run.resolved)).toBe(true)
    }), 60_000)
})
