/**
 * The hub composed from its parts. Roles can run together (the default) or as separate processes on one
 * database: `api` (HTTP), `scheduler` (polling and syncs), `workers` (webhook delivery).
 *
 * @since 0.1.0
 */
import type { SqlClient } from "@effect/sql"
import type * as Adapter from "@spacesync/adapter-kit/Adapter"
import { Accounts, Adapters, EventLog, Scheduler, SnapshotStore, SyncEngine, UpstreamWebhooks } from "@spacesync/core"
import * as EventFeed from "@spacesync/core/EventFeed"
import * as Fanout from "@spacesync/core/Fanout"
import * as HubUrls from "@spacesync/core/HubUrls"
import * as OutboundGuard from "@spacesync/core/OutboundGuard"
import type * as SecretBox from "@spacesync/core/SecretBox"
import * as WebhookEndpoints from "@spacesync/core/WebhookEndpoints"
import { Effect, Layer } from "effect"
import { HubConfig } from "./HubConfig.js"

/** @since 0.1.0 */
export const roles = ["api", "scheduler", "workers"] as const
/** @since 0.1.0 */
export type Role = (typeof roles)[number]

/**
 * Core's services as the hub runs them: the event log fanning out to webhook endpoints, the engine with
 * the outbound-guarded HTTP client for adapters, the scheduler service and the events feed.
 *
 * @since 0.1.0
 */
export const coreServices = (adapters: ReadonlyArray<Adapter.Build>) => {
  const urls = Layer.unwrapEffect(Effect.map(HubConfig, (config) => HubUrls.layer(config.publicUrl)))
  const storage = Layer.mergeAll(SnapshotStore.layer, EventLog.layer, EventFeed.layer).pipe(
    Layer.provideMerge(Fanout.layer),
    Layer.provideMerge(urls)
  )
  return Layer.mergeAll(Scheduler.layerConfig, WebhookEndpoints.layerConfig, UpstreamWebhooks.layer).pipe(
    Layer.provideMerge(SyncEngine.layerConfig),
    Layer.provideMerge(Accounts.layer),
    Layer.provideMerge(Adapters.layer(adapters)),
    Layer.provideMerge(storage),
    Layer.provideMerge(OutboundGuard.layer)
  )
}

/** @since 0.1.0 */
export type CoreRequirements = SqlClient.SqlClient | SecretBox.SecretBox | HubConfig
