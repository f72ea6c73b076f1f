/**
 * The spacesync hub with the DeskBase adapter registered next to the bundled ones: what the `spacesync
 * start` command runs (API, scheduler loop, delivery workers, configured from the environment), with one
 * more adapter in the registry. Run it with `pnpm --filter @spacesync/example-custom-adapter hub`.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Database } from "@spacesync/core"
import * as DeliveryWorker from "@spacesync/core/DeliveryWorker"
import * as Scheduler from "@spacesync/core/Scheduler"
import { SecretBoxLive } from "@spacesync/server/Bootstrap"
import { bundledAdapters } from "@spacesync/server/BundledAdapters"
import { HttpLive, ServicesLive } from "@spacesync/server/Http"
import * as Hub from "@spacesync/server/Hub"
import * as HubConfig from "@spacesync/server/HubConfig"
import { migrationSets } from "@spacesync/server/Migrations"
import { Layer } from "effect"
import { fileURLToPath } from "node:url"
import { DeskBaseAdapter } from "./src/index.js"

export const adapters = [...bundledAdapters, DeskBaseAdapter.make]

export const HubLive = Layer.mergeAll(HttpLive, Scheduler.layerLoopConfig, Layer.discard(DeliveryWorker.layerConfig))
  .pipe(
    Layer.provide(ServicesLive),
    Layer.provide(Hub.coreServices(adapters)),
    Layer.provide(Layer.mergeAll(SecretBoxLive, HubConfig.layer)),
    Layer.provide(Database.layerMigrated(migrationSets))
  )

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  NodeRuntime.runMain(Layer.launch(HubLive))
}
