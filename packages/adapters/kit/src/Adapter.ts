/**
 * The adapter contract: what an author writes to connect one management system. It is deliberately
 * small (an `@effect/ai`-style provider split): the adapter declares its credentials and supplies a
 * check, a complete listing of locations and the canonical snapshot of one location. Core does the rest:
 * decoding against the canonical schema, hub ids, hashing, change detection, persistence, events,
 * scheduling, rate limiting and retries.
 *
 * Adapters make HTTP calls through the `HttpClient` in their context (see `UpstreamHttp`), so tests swap
 * the transport and the hub enforces its outbound guard and per-account rate limit on every request.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import type { Duration, Effect, Schema, Stream } from "effect"
import type { AdapterError } from "./AdapterError.js"
import type { LocationSnapshotSource } from "./LocationSnapshot.js"

/** What a listing names: enough to fetch the location's snapshot. @since 0.1.0 */
export interface LocationRef {
  readonly externalId: string
  readonly name?: string | undefined
}

/**
 * The canonical snapshot of one location as plain data, with `externalId`s and no hub ids. Core decodes
 * it against `LocationSnapshotSource`: a mistake is an `InvalidData` error naming the path.
 *
 * @since 0.1.0
 */
export type SnapshotSource = typeof LocationSnapshotSource.Encoded

/** An upstream webhook as received by the hub. @since 0.1.0 */
export interface WebhookRequest {
  readonly method: string
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body, exactly as received (signatures are computed over it). */
  readonly body: Uint8Array
}

/** Which locations an upstream webhook is about. @since 0.1.0 */
export type WebhookTargets =
  | { readonly _tag: "All" }
  | { readonly _tag: "Locations"; readonly externalIds: ReadonlyArray<string> }

/**
 * An adapter for one management system.
 *
 * @since 0.1.0
 */
export interface Adapter<Credentials = any, R = never> {
  /** The id operators use in `POST /operator/accounts` (`nexudus`, `feed`, …). */
  readonly id: string
  /** A human name for the system. */
  readonly name: string
  /**
   * The credentials an account of this system needs. Secrets should be `Schema.Redacted` so they never
   * reach a log. Account creation validates against it.
   */
  readonly credentials: Schema.Schema<Credentials, any>
  /**
   * The upstream's documented rate limit. Core enforces it per account on every request the adapter
   * makes, shared by all of that account's concurrent work.
   */
  readonly rateLimit?: { readonly limit: number; readonly interval: Duration.DurationInput } | undefined
  /** How many snapshots core may fetch at once for one account (default 4). */
  readonly concurrency?: number | undefined
  /** Succeeds when the credentials work; fails `Unauthorized` when they do not. */
  readonly check: (credentials: Credentials) => Effect.Effect<void, AdapterError, R | HttpClient.HttpClient>
  /** Every location of the account. It must be complete: core deletes what it does not list. */
  readonly locations: (credentials: Credentials) => Stream.Stream<LocationRef, AdapterError, R | HttpClient.HttpClient>
  /** The canonical snapshot of one location. */
  readonly snapshot: (
    credentials: Credentials,
    location: LocationRef
  ) => Effect.Effect<SnapshotSource, AdapterError, R | HttpClient.HttpClient>
  /**
   * For systems that return everything in one document (a feed): every snapshot of the account. When
   * present, a full sync uses it instead of `locations` + `snapshot`; what it yields is the complete
   * listing. An element that fails `InvalidData` with an `externalId` marks just that location as bad.
   */
  readonly snapshots?:
    | ((
      credentials: Credentials
    ) => Stream.Stream<SnapshotSource | AdapterError, AdapterError, R | HttpClient.HttpClient>)
    | undefined
  /**
   * Verifies an upstream webhook with the system's signature scheme and names the affected locations.
   * Fails `Unauthorized` when the request is not authentic. Absent: the system sends no webhooks.
   */
  readonly verifyWebhook?:
    | ((request: WebhookRequest, credentials: Credentials) => Effect.Effect<WebhookTargets, AdapterError, R>)
    | undefined
}

/**
 * Declares an adapter (an identity function that fixes the types).
 *
 * @since 0.1.0
 */
export const make = <Credentials, R = never>(adapter: Adapter<Credentials, R>): Adapter<Credentials, R> => adapter
