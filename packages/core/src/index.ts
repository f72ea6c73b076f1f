/**
 * @since 0.1.0
 */

/**
 * Upstream accounts with encrypted credentials, schedules and their last sync.
 *
 * @since 0.1.0
 */
export * as Accounts from "./Accounts.js"

/**
 * The registry of adapters by id.
 *
 * @since 0.1.0
 */
export * as Adapters from "./Adapters.js"

/**
 * Canonical JSON serialization (sorted keys, no whitespace), the input of every content hash.
 *
 * @since 0.1.0
 */
export * as CanonicalJson from "./CanonicalJson.js"

/**
 * Per-location authorization of platforms by operators, with listing ids and resource maps.
 *
 * @since 0.1.0
 */
export * as Connections from "./Connections.js"

/**
 * SHA-256 content hashes per entity, per data set and per snapshot.
 *
 * @since 0.1.0
 */
export * as ContentHash from "./ContentHash.js"

/**
 * The hub's database: `DATABASE_URL` or the embedded PGlite default.
 *
 * @since 0.1.0
 */
export * as Database from "./Database.js"

/**
 * Webhook delivery metrics (attempts, latency, queue depth, oldest due) and their Prometheus rendering.
 *
 * @since 0.1.0
 */
export * as DeliveryMetrics from "./DeliveryMetrics.js"

/**
 * The retry policy of webhook deliveries as pure functions: what an attempt's outcome means next.
 *
 * @since 0.1.0
 */
export * as DeliveryPolicy from "./DeliveryPolicy.js"

/**
 * The durable webhook delivery queue in PostgreSQL: batched claims with leases, completions, reaping;
 * the one writer of the webhook tables.
 *
 * @since 0.1.0
 */
export * as DeliveryQueue from "./DeliveryQueue.js"

/**
 * The transport of webhook deliveries: one signed POST through an undici dispatcher, deadlines kept by the caller.
 *
 * @since 0.1.0
 */
export * as DeliveryTransport from "./DeliveryTransport.js"

/**
 * Delivery workers: claim, sign, POST, retry; a layer for the hub or a process of its own.
 *
 * @since 0.1.0
 */
export * as DeliveryWorker from "./DeliveryWorker.js"

/**
 * PGlite behind a loopback socket, for the embedded default.
 *
 * @since 0.1.0
 */
export * as EmbeddedPostgres from "./EmbeddedPostgres.js"

/**
 * The events feed of a platform: every event addressed to it, in delivery order.
 *
 * @since 0.1.0
 */
export * as EventFeed from "./EventFeed.js"

/**
 * The event log, ordered by a cursor that never skips, and its fan-out hook.
 *
 * @since 0.1.0
 */
export * as EventLog from "./EventLog.js"

/**
 * The fan-out of events to platforms and their webhook endpoints, in the change's transaction.
 *
 * @since 0.1.0
 */
export * as Fanout from "./Fanout.js"

/**
 * The hub's public base URL (`SPACESYNC_PUBLIC_URL`), the base of every `apiUrl`.
 *
 * @since 0.1.0
 */
export * as HubUrls from "./HubUrls.js"

/**
 * Versioned schema migrations in the `spacesync` schema.
 *
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.js"

/**
 * Operators (workspace companies) and their API keys.
 *
 * @since 0.1.0
 */
export * as Operators from "./Operators.js"

/**
 * The outbound guard: an undici dispatcher and `HttpClient` that refuse private targets at connect time.
 *
 * @since 0.1.0
 */
export * as OutboundGuard from "./OutboundGuard.js"

/**
 * Platforms (listing sites, aggregators, brokers) and their OAuth2 client credentials.
 *
 * @since 0.1.0
 */
export * as Platforms from "./Platforms.js"

/**
 * Effect metrics rendered in the Prometheus text format.
 *
 * @since 0.1.0
 */
export * as Prometheus from "./Prometheus.js"

/**
 * Polling with jitter, coalesced sync requests and row leases across processes.
 *
 * @since 0.1.0
 */
export * as Scheduler from "./Scheduler.js"

/**
 * AES-256-GCM encryption at rest with keys derived from `SPACESYNC_SECRET_KEY`.
 *
 * @since 0.1.0
 */
export * as SecretBox from "./SecretBox.js"

/**
 * Random tokens, scrypt hashes of long-lived secrets and constant-time comparison.
 *
 * @since 0.1.0
 */
export * as Secrets from "./Secrets.js"

/**
 * Current and past snapshots of every location, with hashes and versions.
 *
 * @since 0.1.0
 */
export * as SnapshotStore from "./SnapshotStore.js"

/**
 * Change detection and versioned writes for one account's sync.
 *
 * @since 0.1.0
 */
export * as SyncEngine from "./SyncEngine.js"

/**
 * Webhooks from management systems: verified by the adapter, turned into coalesced re-syncs; per account
 * or for every account of an adapter on one URL.
 *
 * @since 0.1.0
 */
export * as UpstreamWebhooks from "./UpstreamWebhooks.js"

/**
 * Webhooks as platforms receive them (Standard Webhooks v1): body, signatures, `verify`.
 *
 * @since 0.1.0
 */
export * as Webhook from "./Webhook.js"

/**
 * A platform's webhook endpoints, their secrets, deliveries, resend and recovery.
 *
 * @since 0.1.0
 */
export * as WebhookEndpoints from "./WebhookEndpoints.js"

/**
 * The canonical model, the adapter contract and the adapter helpers, from `@spacesync/adapter-kit` (re-exported
 * so that an app embedding core needs one import).
 *
 * @since 0.1.0
 */
export {
  Adapter,
  AdapterError,
  Ids,
  Location,
  LocationSnapshot,
  Money,
  OAuthTokens,
  Pagination,
  Price,
  Resource,
  UpstreamHttp
} from "@spacesync/adapter-kit"
