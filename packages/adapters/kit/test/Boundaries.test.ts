import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

// Adapter packages (and the kit) must stay light: installing one must not pull in the database drivers,
// the embedded database or the hub.
const forbidden = ["pg", "@electric-sql/pglite", "@electric-sql/pglite-socket", "@spacesync/core", "@spacesync/server"]
const isForbidden = (name: string) => forbidden.includes(name) || name.startsWith("@effect/sql")

const adaptersDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const manifests = new Map<string, { dir: string; dependencies: Record<string, string> }>()
for (const entry of fs.readdirSync(adaptersDir)) {
  const file = path.join(adaptersDir, entry, "package.json")
  if (!fs.existsSync(file)) continue
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"))
  manifests.set(manifest.name, { dir: entry, dependencies: manifest.dependencies ?? {} })
}

/** Every production dependency of a workspace package, through the workspace packages it depends on. */
const productionClosure = (name: string, seen = new Set<string>()): Set<string> => {
  for (const dependency of Object.keys(manifests.get(name)?.dependencies ?? {})) {
    if (seen.has(dependency)) continue
    seen.add(dependency)
    if (manifests.has(dependency)) productionClosure(dependency, seen)
  }
  return seen
}

describe("package boundaries", () => {
  it("finds the kit and at least one adapter", () => {
    expect(manifests.has("@spacesync/adapter-kit")).toBe(true)
    expect([...manifests.keys()].filter((name) => name !== "@spacesync/adapter-kit").length).toBeGreaterThan(0)
  })

  for (const name of manifests.keys()) {
    it(`${name}: no production dependency on pg, PGlite, @effect/sql*, core or the server`, () => {
      expect([...productionClosure(name)].filter(isForbidden)).toEqual([])
    })
  }

  it("the kit's main entry imports nothing of core (only its testing entry may)", () => {
    const src = path.join(adaptersDir, "kit", "src")
    const offenders = fs.readdirSync(src, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && !file.startsWith("testing"))
      .filter((file) => /from "@spacesync\/(core|server)/.test(fs.readFileSync(path.join(src, file), "utf8")))
    expect(offenders).toEqual([])
  })
})
