/**
 * An in-memory upstream and its adapter, for tests of code that drives syncs (engine, scheduler, server)
 * without an HTTP simulator. Its state is plain data the test changes between syncs.
 *
 * @since 0.1.0
 */
import * as Adapter from "@spacesync/adapter-kit/Adapter"
import * as AdapterError from "@spacesync/adapter-kit/AdapterError"
import { Effect, Redacted, Schema, Stream } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"

/** The mutable state of one in-memory upstream. @since 0.1.0 */
export interface MemoryUpstream {
  /** Snapshots by location externalId, in listing order. */
  readonly locations: Map<string, Adapter.SnapshotSource>
  /** The token the upstream accepts. */
  token: string
  /** When set, listing fails with this error. */
  listingError: AdapterError.AdapterError | undefined
  /** Snapshot reads per externalId that fail with the given error. */
  readonly snapshotErrors: Map<string, AdapterError.AdapterError>
  /** How many snapshot reads happened. */
  reads: number
}

/** @since 0.1.0 */
export const makeUpstream = (token = "good-token"): MemoryUpstream => ({
  locations: new Map(),
  token,
  listingError: undefined,
  snapshotErrors: new Map(),
  reads: 0
})

const authorize = (upstream: MemoryUpstream, token: Redacted.Redacted<string>) =>
  Effect.suspend(() =>
    Redacted.value(token) === upstream.token ? Effect.void : Effect.fail(AdapterError.unauthorized("Invalid token"))
  )

/**
 * An adapter over `upstream`, with id `id` (default "memory"); credentials `{token}`.
 *
 * @since 0.1.0
 */
export const adapter = (upstream: MemoryUpstream, id = "memory") =>
  Adapter.make({
    id,
    name: "In-memory upstream",
    credentials: Schema.Struct({ token: Schema.Redacted(Schema.NonEmptyString) }),
    check: (credentials) => authorize(upstream, credentials.token),
    locations: (credentials) =>
      Stream.unwrap(Effect.gen(function*() {
        yield* authorize(upstream, credentials.token)
        if (upstream.listingError !== undefined) return yield* upstream.listingError
        return Stream.fromIterable([...upstream.locations.keys()].map((externalId) => ({ externalId })))
      })),
    snapshot: (credentials, ref) =>
      Effect.gen(function*() {
        yield* authorize(upstream, credentials.token)
        upstream.reads++
        const error = upstream.snapshotErrors.get(ref.externalId)
        if (error !== undefined) return yield* error
        const source = upstream.locations.get(ref.externalId)
        if (source === undefined) return yield* AdapterError.upstream(404, `No location ${ref.externalId}`)
        return structuredClone(source)
      }),
    // Webhooks carry `x-memory-signature: hex(HMAC-SHA256(token, body))` and a body
    // `{"locations": [externalId…]}`, or `{"all": true}`.
    verifyWebhook: (request, credentials) =>
      Effect.gen(function*() {
        const expected = createHmac("sha256", Redacted.value(credentials.token)).update(request.body).digest()
        const given = Buffer.from(request.headers["x-memory-signature"] ?? "", "hex")
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          return yield* AdapterError.unauthorized("Bad webhook signature")
        }
        const body = yield* Effect.try({
          try: () => JSON.parse(Buffer.from(request.body).toString("utf8")),
          catch: () => AdapterError.invalidData([], "Webhook body is not JSON")
        })
        return body?.all === true
          ? { _tag: "All" as const }
          : {
            _tag: "Locations" as const,
            externalIds: Array.isArray(body?.locations) ? body.locations.map(String) : []
          }
      })
  })

/** Signs a webhook body as the in-memory upstream does. @since 0.1.0 */
export const signWebhook = (token: string, body: string): string =>
  createHmac("sha256", token).update(body).digest("hex")
