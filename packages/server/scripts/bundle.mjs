#!/usr/bin/env node
// Bundles the hub (src/bin.ts, every workspace package and npm dependency it imports) into one ES module,
// dist/spacesync.mjs, which `bin/spacesync.mjs` runs with plain Node. Running the TypeScript sources through
// tsx's loader costs about 90 MB of an idle hub's memory (257 MB → 167 MB measured) and the transform of
// every module at each start; the bundle costs neither. Run by the workspace's `prepare` script, so every
// `pnpm install` leaves a bundle of the sources it installed; `bin/spacesync.mjs` runs the sources instead
// when one of them is newer than the bundle (see bin/entry.mjs).
//
// Left outside the bundle: PGlite (its WebAssembly and data files are found next to its own module, and it
// is loaded only for the embedded database), pg-native (an optional import of `pg` that is never installed)
// and tsx (only the executable uses it, to run the sources).
import { build } from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const server = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
// `--out <dir>` (tests): another folder of the server package, at the same depth as `src` (the hub finds the
// platform guides relative to its module, and PGlite is resolved from the server package).
const outArg = process.argv.indexOf("--out")
const outdir = outArg >= 0 ? Path.resolve(process.argv[outArg + 1]) : Path.join(server, "dist")
if (Path.dirname(outdir) !== server) throw new Error(`--out must be a folder of ${server}, not ${outdir}`)
const outfile = Path.join(outdir, "spacesync.mjs")
const started = Date.now()

const result = await build({
  entryPoints: [Path.join(server, "src", "bin.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "pg-native", "tsx"],
  // CommonJS dependencies call `require`, which an ES module does not have.
  banner: {
    js:
      "import { createRequire as __spacesyncRequire } from 'node:module'; const require = __spacesyncRequire(import.meta.url);"
  },
  // Names stay as written: errors and spans are reported with their class and function names.
  keepNames: true,
  metafile: true,
  logLevel: "warning"
})

// The workspace sources the bundle was made from, for the executable's freshness check.
const workspace = Path.resolve(server, "..", "..")
const inputs = Object.keys(result.metafile.inputs)
  .map((input) => Path.resolve(process.cwd(), input))
  .filter((file) => !file.split(Path.sep).includes("node_modules"))
  .map((file) => Path.relative(workspace, file))
  .sort()
Fs.writeFileSync(Path.join(outdir, "inputs.json"), JSON.stringify({ inputs }, null, 1) + "\n")
const size = Fs.statSync(outfile).size
console.log(
  `@spacesync/server: bundled ${inputs.length} workspace sources into ${Path.relative(server, outfile)} (${
    (size / 1e6).toFixed(1)
  } MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`
)
