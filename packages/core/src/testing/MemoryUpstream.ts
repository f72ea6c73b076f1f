/**
 * An in-memory upstream and its adapter, for tests of code that drives syncs (engine, scheduler, server)
 * without an HTTP simulator. Its state is plain data the test changes between syncs.
 *
 * @since 0.1.0
 */
import * as Adapter from "@spacesync/adapter-kit/Adapter"
import * as AdapterError from "@spacesync/adapter-kit/AdapterError"
import { Effect, Option, Redacted, Schema, Stream } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"

/** The mutable state of one in-memory upstream. @since 0.1.0 */
export interface MemoryUpstream {
  /** Snapshots by location externalId, in listing order. Change it through `put`/`remove` to feed reads of changes. */
  readonly locations: Map<string, Adapter.SnapshotSource>
  /** The token the upstream accepts. */
  token: string
  /** When set, listing fails with this error. */
  listingError: AdapterError.AdapterError | undefined
  /** Snapshot reads per externalId that fail with the given error. */
  readonly snapshotErrors: Map<string, AdapterError.AdapterError>
  /** How many snapshot reads happened. */
  reads: number
  /** How many listings (full reads) and reads of changes happened. */
  listings: number
  changeReads: number
  /** The upstream's change counter, and when each location last changed or was deleted. */
  revision: number
  readonly changedAt: Map<string, number>
  readonly deletedAt: Map<string, number>
  /** Revisions older than this are no longer accepted as cursors (`CursorRejected`). */
  oldestCursor: number
  /** Stores a location's snapshot (a change, for reads of changes). */
  readonly put: (source: Adapter.SnapshotSource) => void
  /** Deletes a location (listed as deleted by reads of changes). */
  readonly remove: (externalId: string) => void
}

/** @since 0.1.0 */
export const makeUpstream = (token = "good-token"): MemoryUpstream => {
  const upstream: MemoryUpstream = {
    locations: new Map(),
    token,
    listingError: undefined,
    snapshotErrors: new Map(),
    reads: 0,
    listings: 0,
    changeReads: 0,
    revision: 0,
    changedAt: new Map(),
    deletedAt: new Map(),
    oldestCursor: 0,
    put: (source) => {
      const externalId = source.location.externalId
      upstream.locations.set(externalId, source)
      upstream.changedAt.set(externalId, ++upstream.revision)
      upstream.deletedAt.delete(externalId)
    },
    remove: (externalId) => {
      upstream.locations.delete(externalId)
      upstream.changedAt.delete(externalId)
      upstream.deletedAt.set(externalId, ++upstream.revision)
    }
  }
  return upstream
}

const authorize = (upstream: MemoryUpstream, token: Redacted.Redacted<string>) =>
  Effect.suspend(() =>
    Redacted.value(token) === upstream.token ? Effect.void : Effect.fail(AdapterError.unauthorized("Invalid token"))
  )

const Credentials = Schema.Struct({
  token: Schema.Redacted(Schema.NonEmptyString),
  /** The upstream account, for webhooks sent to one URL for every account (`{"account": …}` in the body). */
  account: Schema.optionalWith(Schema.String, { exact: true })
})

/**
 * An adapter over `upstream`, with id `id` (default "memory"); credentials `{token}`. With
 * `incremental`, it also reads changes since a cursor (the upstream's revision).
 *
 * @since 0.1.0
 */
export const adapter = (upstream: MemoryUpstream, id = "memory", options: { readonly incremental?: boolean } = {}) => {
  const fetch = (credentials: typeof Credentials.Type, ref: Adapter.LocationRef) =>
    Effect.gen(function*() {
      yield* authorize(upstream, credentials.token)
      upstream.reads++
      const error = upstream.snapshotErrors.get(ref.externalId)
      if (error !== undefined) return yield* error
      const source = upstream.locations.get(ref.externalId)
      if (source === undefined) return yield* AdapterError.upstream(404, `No location ${ref.externalId}`)
      return structuredClone(source)
    })
  const read = Adapter.listThenFetch<typeof Credentials.Type>({
    list: (credentials) =>
      Stream.unwrap(Effect.gen(function*() {
        yield* authorize(upstream, credentials.token)
        upstream.listings++
        if (upstream.listingError !== undefined) return yield* upstream.listingError
        return Stream.fromIterable([...upstream.locations.keys()].map((externalId) => ({ externalId })))
      })),
    fetch
  })
  // The cursor is the revision when the read began: anything that changes during the read is read again.
  const checkpoint = (revision: number) => Effect.succeed(Option.some(String(revision)))
  return Adapter.make({
    id,
    name: "In-memory upstream",
    credentials: Credentials,
    check: (credentials) => authorize(upstream, credentials.token),
    snapshots: {
      read: options.incremental
        ? (credentials, request) =>
          request._tag === "All"
            ? Stream.suspend(() => Adapter.withCheckpoint(read(credentials, request), checkpoint(upstream.revision)))
            : read(credentials, request)
        : read,
      changes: options.incremental
        ? (credentials, cursor) =>
          Stream.unwrap(Effect.gen(function*() {
            yield* authorize(upstream, credentials.token)
            upstream.changeReads++
            const since = Number(cursor)
            if (!Number.isInteger(since) || since < upstream.oldestCursor) {
              return yield* AdapterError.cursorRejected(`Cursor ${cursor} is too old`)
            }
            const revision = upstream.revision
            const changed = [...upstream.changedAt].filter(([, at]) => at > since).map(([externalId]) => externalId)
            const deleted = [...upstream.deletedAt].filter(([, at]) => at > since).map(([externalId]) =>
              Adapter.ReadItem.Deleted({ externalId })
            )
            return Adapter.withCheckpoint(
              Stream.concat(
                read(credentials, Adapter.ReadRequest.Locations({ externalIds: changed })),
                Stream.fromIterable(deleted)
              ),
              checkpoint(revision)
            )
          }))
        : undefined
    },
    // Webhooks carry `x-memory-signature: hex(HMAC-SHA256(token, body))` and a body
    // `{"account"?: …, "locations": [externalId…]}`, `{"all": true}`, or `{"pause": reason}`.
    webhooks: {
      accountKey: {
        fromRequest: (request) => {
          try {
            const account = JSON.parse(Buffer.from(request.body).toString("utf8"))?.account
            return typeof account === "string" ? Option.some(account) : Option.none()
          } catch {
            return Option.none()
          }
        },
        fromCredentials: (credentials) => credentials.account ?? ""
      },
      verify: (request, credentials) =>
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
          return typeof body?.pause === "string"
            ? Adapter.WebhookTargets.Pause({ reason: body.pause })
            : body?.all === true
            ? Adapter.WebhookTargets.All()
            : Adapter.WebhookTargets.Locations({
              externalIds: Array.isArray(body?.locations) ? body.locations.map(String) : []
            })
        })
    }
  })
}

/** Signs a webhook body as the in-memory upstream does. @since 0.1.0 */
export const signWebhook = (token: string, body: string): string =>
  createHmac("sha256", token).update(body).digest("hex")
