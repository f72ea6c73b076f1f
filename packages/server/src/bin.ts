import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import * as Cli from "./Cli.js"
import * as Logging from "./Logging.js"

// The hub's own logger (Logging.ts: short lines on a terminal, JSON lines otherwise) replaces the pretty
// logger runMain would install, so each entry is written once, in one format.
Cli.run(process.argv).pipe(
  Effect.provide(Logging.layer),
  Effect.provide(NodeContext.layer),
  (effect) => NodeRuntime.runMain(effect, { disablePrettyLogger: true })
)
