import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import * as Cli from "./Cli.js"

Cli.run(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  // `start` logs JSON lines (see Cli.ts); the pretty logger would print every line twice.
  (effect) => NodeRuntime.runMain(effect, { disablePrettyLogger: process.argv[2] === "start" })
)
