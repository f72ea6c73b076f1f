/**
 * The `bookingsync` adapter: BookingSync API v3, read with the application's client-credentials token,
 * kept to one account.
 *
 * A read lists the account's collections in bulk (`accounts/{id}`, `rentals`, `rates`, `rentals_fees`,
 * `rentals_taxes`, `taxes`, `fees_taxes`, 100 records a page) and groups them by rental: a small account
 * costs seven requests whatever its number of rentals, where a per-rental fetch would cost three or more
 * per rental. A read of changes asks the same collections (but `accounts`) with `updated_since`; when
 * nothing changed that is six requests, and when something did, one bulk read more.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, OAuthTokens } from "@spacesync/adapter-kit"
import { Chunk, Effect, Option, Stream } from "effect"
import * as BookingSyncClient from "./BookingSyncClient.js"
import * as BookingSyncNormalize from "./BookingSyncNormalize.js"
import * as BookingSyncWebhooks from "./BookingSyncWebhooks.js"

/** The credentials of a `bookingsync` account. @since 0.1.0 */
export const Credentials = BookingSyncClient.Credentials
/** @since 0.1.0 */
export type Credentials = BookingSyncClient.Credentials

/**
 * The BookingSync account a raw webhook body names (`account_id`), for the hub's route that receives
 * every account's webhooks on one URL. Unverified: only a lookup key (see `BookingSyncWebhooks`).
 *
 * @since 0.1.0
 */
export const accountKey: (body: Uint8Array) => Option.Option<string> = BookingSyncWebhooks.accountKey

/**
 * The key of an account's credentials that `accountKey` is matched against: its `accountId`.
 *
 * @since 0.1.0
 */
export const credentialsKey: (credentials: Credentials) => string = BookingSyncWebhooks.credentialsKey

/** The collections a read lists, and the bundle field each fills. */
const collections = [
  ["rentals", "rentals"],
  ["rates", "rates"],
  ["rentals_fees", "rentalsFees"],
  ["rentals_taxes", "rentalsTaxes"],
  ["taxes", "taxes"],
  ["fees_taxes", "feesTaxes"]
] as const

type Listed = {
  readonly records: ReadonlyArray<unknown>
  readonly deletedIds: ReadonlyArray<string>
  readonly syncedAt: Option.Option<string>
}

const listAll = (
  client: BookingSyncClient.BookingSyncClient,
  collection: string,
  updatedSince?: string
): Effect.Effect<Listed, AdapterError.AdapterError> =>
  Effect.map(Stream.runCollect(client.list(collection, { updatedSince })), (pages) => {
    const all = Chunk.toReadonlyArray(pages)
    return {
      records: all.flatMap((page) => page.records),
      deletedIds: all.flatMap((page) => page.deletedIds),
      syncedAt: Option.flatMap(Option.fromNullable(all[0]), (page) => page.syncedAt)
    }
  })

// A 404 for the account: the account did not authorize the application (or no longer exists).
const accountRefused = <A, R>(accountId: string, effect: Effect.Effect<A, AdapterError.AdapterError, R>) =>
  Effect.catchIf(
    effect,
    (error) => error.reason === "Upstream" && error.status === 404,
    () =>
      AdapterError.unauthorized(
        `BookingSync account ${accountId} is not among the accounts that authorized the application`
      )
  )

/** A BookingSync sync time (`2016-12-12 11:32:51 UTC`, or ISO 8601) in epoch ms; `NaN` if it is none. */
const timeOf = (value: string): number =>
  value.trim() === "" ? NaN : Date.parse(value.trim().replace(/ UTC$/, "Z").replace(" ", "T"))

const earliest = (values: ReadonlyArray<Option.Option<string>>): Option.Option<string> =>
  values.reduce<Option.Option<string>>(
    (best, value) =>
      Option.isNone(value) || Number.isNaN(timeOf(value.value))
        ? best
        : Option.isNone(best) || timeOf(value.value) < timeOf(best.value)
        ? value
        : best,
    Option.none()
  )

/**
 * One bulk read of the account: the bundle, and the server's clock when the read began (the first
 * `X-Updated-Since-Request-Synced-At`).
 */
const readBundle = (client: BookingSyncClient.BookingSyncClient) =>
  Effect.gen(function*() {
    const { account, syncedAt } = yield* accountRefused(client.credentials.accountId, client.account)
    const listed = yield* Effect.forEach(collections, ([collection]) => listAll(client, collection), {
      concurrency: 3
    })
    const bundle = { account } as Record<string, unknown>
    collections.forEach(([, field], i) => (bundle[field] = listed[i]!.records))
    return {
      bundle: bundle as unknown as BookingSyncNormalize.Bundle,
      syncedAt: Option.orElse(syncedAt, () => Option.firstSomeOf(listed.map((l) => l.syncedAt)))
    }
  })

/**
 * Makes the adapter: its token cache is made here, so every hub (and test) that builds it has its own.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Adapter.Adapter<Credentials>> = Effect.gen(function*() {
  const tokens = yield* OAuthTokens.makeCache()
  const client = (credentials: Credentials) => BookingSyncClient.make(credentials, tokens)

  const read = (credentials: Credentials, request: Adapter.ReadRequest) =>
    Stream.unwrap(Effect.gen(function*() {
      const { bundle, syncedAt } = yield* readBundle(yield* client(credentials))
      if (request._tag === "All") {
        const results = yield* BookingSyncNormalize.results(bundle)
        return Adapter.withCheckpoint(Stream.fromIterable(results), Effect.succeed(syncedAt))
      }
      const wanted = new Set(request.externalIds)
      const results = yield* BookingSyncNormalize.results(bundle, wanted)
      const found = new Set(results.map((result) => Adapter.externalIdOf(result)))
      const missing = request.externalIds.filter((id) => !found.has(id)).map((externalId) =>
        Adapter.ReadItem.Failed({
          externalId,
          error: new AdapterError.AdapterError({
            reason: "Upstream",
            status: 404,
            message: `BookingSync account ${credentials.accountId} has no rental ${JSON.stringify(externalId)}`,
            externalId
          })
        })
      )
      return Stream.fromIterable([...results, ...missing])
    }))

  const changes = (credentials: Credentials, cursor: string) =>
    Stream.unwrap(Effect.gen(function*() {
      if (Number.isNaN(timeOf(cursor))) {
        return yield* AdapterError.cursorRejected(`Not a BookingSync sync time: ${JSON.stringify(cursor)}`)
      }
      const http = yield* client(credentials)
      const listed = yield* Effect.forEach(collections, ([collection]) => listAll(http, collection, cursor), {
        concurrency: 3
      }).pipe(
        Effect.catchIf(
          (error) => error.reason === "Upstream" && (error.status === 400 || error.status === 422),
          (error) => AdapterError.cursorRejected(`BookingSync refused updated_since: ${error.message}`, error)
        )
      )
      // The listings ran side by side: the earliest server time is the one that misses nothing.
      const next = earliest(listed.map((l) => l.syncedAt))
      const accountId = credentials.accountId
      const [rentals, rates, rentalsFees, rentalsTaxes, taxes, feesTaxes] = listed as unknown as [
        Listed,
        Listed,
        Listed,
        Listed,
        Listed,
        Listed
      ]
      const changed = new Set<string>()
      for (const raw of rentals.records) {
        const id = BookingSyncNormalize.idOf(raw)
        if (id !== undefined && BookingSyncNormalize.linkOf(raw, "account") === accountId) changed.add(id)
      }
      for (const list of [rates, rentalsFees, rentalsTaxes]) {
        for (const raw of list.records) {
          const rental = BookingSyncNormalize.linkOf(raw, "rental")
          if (rental !== undefined) changed.add(rental)
        }
      }
      // Which rentals a deleted rate, fee or tax belonged to is not said, nor which rentals a tax
      // change touches: re-read every rental then (unchanged ones emit nothing).
      const everything = [rates, rentalsFees, rentalsTaxes, feesTaxes].some((l) => l.deletedIds.length > 0) ||
        taxes.records.some((raw) => BookingSyncNormalize.linkOf(raw, "account") === accountId) ||
        taxes.deletedIds.length > 0 || feesTaxes.records.length > 0
      const deleted = rentals.deletedIds.map((externalId) => Adapter.ReadItem.Deleted({ externalId }))
      const checkpoint = Option.match(next, {
        onNone: () => [],
        onSome: (value) => [Adapter.ReadItem.Checkpoint({ cursor: value })]
      })
      if (!everything && changed.size === 0) return Stream.fromIterable([...deleted, ...checkpoint])
      const { bundle } = yield* readBundle(http)
      const results = yield* BookingSyncNormalize.results(bundle, everything ? undefined : changed)
      const present = new Set(results.map((result) => Adapter.externalIdOf(result)))
      return Stream.fromIterable([
        ...results,
        ...deleted.filter((item) => !present.has(item.externalId)),
        ...checkpoint
      ])
    }))

  return Adapter.make<Credentials>({
    id: "bookingsync",
    name: "BookingSync",
    credentials: Credentials,
    rateLimit: { limit: 1000, interval: "1 hour" },
    check: (credentials) =>
      Effect.flatMap(client(credentials), (http) => accountRefused(credentials.accountId, http.account)).pipe(
        Effect.asVoid
      ),
    snapshots: { read, changes },
    webhooks: {
      verify: BookingSyncWebhooks.verify,
      accountKey: {
        fromRequest: (request) => BookingSyncWebhooks.accountKey(request.body),
        fromCredentials: BookingSyncWebhooks.credentialsKey
      }
    }
  })
})
