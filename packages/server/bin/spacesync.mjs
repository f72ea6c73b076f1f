#!/usr/bin/env node
// The `spacesync` executable. The workspace ships TypeScript sources; tsx's loader runs them on Node 20
// without a build step.
import { register } from "tsx/esm/api"

register()
await import("../src/bin.ts")
