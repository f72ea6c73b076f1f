#!/usr/bin/env node
// The `spacesync` executable: the bundle `pnpm install` made (plain Node, about 90 MB less memory than the
// sources through tsx), or the TypeScript sources through tsx's loader when one of them changed since
// (see entry.mjs). SPACESYNC_FROM_SOURCE=true always runs the sources.
import { choose } from "./entry.mjs"

const entry = choose()
if (entry.kind === "source") {
  const { register } = await import("tsx/esm/api")
  register()
}
await import(entry.url)
