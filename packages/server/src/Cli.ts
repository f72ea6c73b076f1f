/**
 * The `spacesync` command line.
 *
 * @since 0.1.0
 */
import { Command } from "@effect/cli"
import { Database, Migrations } from "@spacesync/core"
import { Effect, Layer } from "effect"
import { HttpLive } from "./Http.js"
import * as HubConfig from "./HubConfig.js"
import { migrationSets } from "./Migrations.js"

const start = Command.make("start", {}, () =>
  Layer.launch(
    HttpLive.pipe(
      Layer.provide(Database.layerMigrated(migrationSets)),
      Layer.provide(HubConfig.layer)
    )
  )).pipe(Command.withDescription("Run the hub: HTTP API (with the configured database, migrated first)"))

const migrate = Command.make("migrate", {}, () =>
  Effect.gen(function*() {
    const applied = yield* Migrations.run(migrationSets)
    yield* Effect.logInfo(applied.length === 0 ? "Database is up to date" : `Applied ${applied.length} migration(s)`)
  }).pipe(Effect.provide(Database.layer))).pipe(Command.withDescription("Apply pending database migrations and exit"))

/** @since 0.1.0 */
export const command = Command.make("spacesync").pipe(
  Command.withSubcommands([start, migrate]),
  Command.withDescription("spacesync hub")
)

/** @since 0.1.0 */
export const run = Command.run(command, { name: "spacesync", version: "0.1.0" })
