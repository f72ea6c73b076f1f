// Which module the `spacesync` executable runs: the bundle (dist/spacesync.mjs, made by scripts/bundle.mjs
// at install) when it is as new as every workspace source it was made from, otherwise the TypeScript
// sources through tsx. A source edited after the install is therefore always what runs, and
// SPACESYNC_FROM_SOURCE=true runs the sources whatever the bundle (stack traces then name .ts lines).
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const defaultServer = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

/**
 * @param {{ server?: string, env?: Record<string, string | undefined> }} [options]
 * @returns {{ kind: "bundle" | "source", url: string, reason: string }}
 */
export const choose = ({ server = defaultServer, env = process.env } = {}) => {
  const source = (reason) => ({
    kind: "source",
    url: pathToFileURL(Path.join(server, "src", "bin.ts")).href,
    reason
  })
  if (/^(1|true|yes)$/i.test(env.SPACESYNC_FROM_SOURCE ?? "")) return source("SPACESYNC_FROM_SOURCE is set")
  const bundle = Path.join(server, "dist", "spacesync.mjs")
  let built
  let inputs
  try {
    built = Fs.statSync(bundle).mtimeMs
    inputs = JSON.parse(Fs.readFileSync(Path.join(server, "dist", "inputs.json"), "utf8")).inputs
  } catch {
    return source("no bundle (it is made by `pnpm install`)")
  }
  if (!Array.isArray(inputs) || inputs.length === 0) return source("the bundle lists no sources")
  const workspace = Path.resolve(server, "..", "..")
  for (const input of inputs) {
    let modified
    try {
      modified = Fs.statSync(Path.join(workspace, input)).mtimeMs
    } catch {
      return source(`${input}, bundled, no longer exists`)
    }
    if (modified > built) return source(`${input} changed after the bundle was made`)
  }
  return { kind: "bundle", url: pathToFileURL(bundle).href, reason: "the bundle is up to date" }
}
