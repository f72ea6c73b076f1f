/**
 * The `nexudus` adapter: the Nexudus admin REST API, read as an account user (password grant).
 *
 * A read lists, in bulk, every business the user can read and the collections that feed them
 * (`/api/sys/businesses`, `/api/sys/simpletimezones`, `/api/sys/taxrates`, `/api/spaces/resources`,
 * `/api/billing/tariffs`, `/api/billing/products`, `/api/billing/extraservices`, up to 1,000 records a
 * page) and groups them by `BusinessId`: a token and seven requests whatever the number of businesses,
 * for an account of up to 1,000 records per collection. A full read ends with a `Checkpoint`.
 *
 * A read of changes since a checkpoint lists the businesses again (to see which are gone) and, with
 * `from_<Entity>_UpdatedOn` filters (minute precision, `overlapMinutes` before the checkpoint), the tax
 * rates, resources, tariffs, products and booking rates changed since: six requests when nothing changed.
 * The businesses those changed records belong to (and the changed and new businesses) are re-read in
 * full; a business the cursor knew that the listing no longer has is `Deleted`. Deleted tariffs, products,
 * rates or resources leave no trace in a filtered listing: the scheduled full read catches them.
 * Resource types are not read: rates name their ids and resources carry theirs, so their records add
 * nothing to a snapshot.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, OAuthTokens } from "@spacesync/adapter-kit"
import { Clock, Effect, Option, Stream } from "effect"
import * as NexudusClient from "./NexudusClient.js"
import * as NexudusNormalize from "./NexudusNormalize.js"
import * as NexudusWebhooks from "./NexudusWebhooks.js"

/** The credentials of a `nexudus` account. @since 0.1.0 */
export const Credentials = NexudusClient.Credentials
/** @since 0.1.0 */
export type Credentials = NexudusClient.Credentials

/** How far before a checkpoint a read of changes looks (clock skew, minute-precision filters). @since 0.1.0 */
export const overlapMinutes = 5

/**
 * Nexudus documents 1 request per 100 ms to the same URL, 120 a minute, 5,000 an hour and 200,000 a day
 * per user. The hub enforces 120 a minute; a read never asks one URL twice in a row (pages differ), and
 * any throttling answer (409, or 429) is waited out for as long as it asks.
 *
 * @since 0.1.0
 */
export const rateLimit = { limit: 120, interval: "1 minute" } as const

/** The collections of a full read besides businesses. */
const feeds = ["simpletimezones", "taxrates", "resources", "tariffs", "products", "extraservices"] as const

/** The collections a read of changes filters by `UpdatedOn`. @since 0.1.0 */
export const changeFeeds = ["taxrates", "resources", "tariffs", "products", "extraservices"] as const

/** A read's cursor: when it began, and the businesses it saw. @since 0.1.0 */
export interface Cursor {
  readonly since: number
  readonly businessIds: ReadonlyArray<number>
}

/** `v1:<epoch millis>:<business id>,<business id>,…` @since 0.1.0 */
export const encodeCursor = (cursor: Cursor): string =>
  `v1:${cursor.since}:${[...cursor.businessIds].sort((a, b) => a - b).join(",")}`

/** The cursor of `value`, or `None` when it is not one this adapter wrote. @since 0.1.0 */
export const decodeCursor = (value: string): Option.Option<Cursor> => {
  const match = /^v1:(\d{1,15}):(\d{1,15}(?:,\d{1,15})*)?$/.exec(value)
  if (match === null) return Option.none()
  const since = Number(match[1])
  const businessIds = match[2] === undefined ? [] : match[2].split(",").map(Number)
  return Option.some({ since, businessIds })
}

/** The `from_<Entity>_UpdatedOn` value for `millis` (UTC, `YYYY-MM-DDTHH:mm`, rounded down). @since 0.1.0 */
export const filterTime = (millis: number): string => new Date(millis).toISOString().slice(0, 16)

/** The businesses a listing names, by id. */
const headsOf = (records: ReadonlyArray<unknown>) => {
  const heads = new Map<number, { readonly updatedOn: string | null }>()
  for (const record of records) {
    const id = (record as { Id?: unknown } | null)?.Id
    const updatedOn = (record as { UpdatedOn?: unknown } | null)?.UpdatedOn
    if (typeof id === "number" && Number.isInteger(id)) {
      heads.set(id, { updatedOn: typeof updatedOn === "string" ? updatedOn : null })
    }
  }
  return heads
}

const readFeeds = (client: NexudusClient.NexudusClient, businesses: ReadonlyArray<unknown>) =>
  Effect.map(
    Effect.forEach(feeds, (collection) => client.list(collection), { concurrency: 2 }),
    ([simpletimezones, taxrates, resources, tariffs, products, extraservices]): NexudusNormalize.Bundle => ({
      businesses,
      simpletimezones: simpletimezones!,
      taxrates: taxrates!,
      resources: resources!,
      tariffs: tariffs!,
      products: products!,
      extraservices: extraservices!
    })
  )

/** One bulk read of every business the user reads, undecoded. @since 0.1.0 */
export const readBundle = (
  client: NexudusClient.NexudusClient
): Effect.Effect<NexudusNormalize.Bundle, AdapterError.AdapterError> =>
  Effect.flatMap(client.list("businesses"), (businesses) => readFeeds(client, businesses))

const notFound = (externalId: string) =>
  Adapter.ReadItem.Failed({
    externalId,
    error: new AdapterError.AdapterError({
      reason: "Upstream",
      status: 404,
      message: `The Nexudus user reads no business ${JSON.stringify(externalId)}`,
      externalId
    })
  })

/**
 * Makes the adapter: its token cache is made here, so every hub (and test) that builds it has its own.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Adapter.Adapter<Credentials>> = Effect.gen(function*() {
  const tokens = yield* OAuthTokens.makeCache(NexudusClient.tokenCacheOptions)
  const client = (credentials: Credentials) => NexudusClient.make(credentials, tokens)

  const read = (credentials: Credentials, request: Adapter.ReadRequest) => {
    const items = Effect.gen(function*() {
      const since = yield* Clock.currentTimeMillis
      const bundle = yield* readBundle(yield* client(credentials))
      const businessIds = [...headsOf(bundle.businesses).keys()]
      if (request._tag === "All") {
        return { items: yield* NexudusNormalize.results(bundle), cursor: encodeCursor({ since, businessIds }) }
      }
      const results = yield* NexudusNormalize.results(bundle, new Set(request.externalIds))
      const found = new Set(results.map((result) => Adapter.externalIdOf(result)))
      const missing = [...new Set(request.externalIds)].filter((id) => !found.has(id)).map(notFound)
      return { items: [...results, ...missing], cursor: undefined }
    })
    return Stream.unwrap(Effect.map(items, ({ cursor, items }) =>
      cursor === undefined
        ? Stream.fromIterable(items)
        : Adapter.withCheckpoint(Stream.fromIterable(items), Effect.succeed(Option.some(cursor)))))
  }

  const changes = (credentials: Credentials, value: string) =>
    Stream.unwrap(Effect.gen(function*() {
      const cursor = decodeCursor(value)
      if (Option.isNone(cursor)) {
        return yield* AdapterError.cursorRejected(`Not a Nexudus cursor: ${JSON.stringify(value.slice(0, 40))}`)
      }
      const { businessIds: known, since } = cursor.value
      const now = yield* Clock.currentTimeMillis
      const from = filterTime(since - overlapMinutes * 60_000)
      const fromMillis = Date.parse(`${from}:00Z`)
      const http = yield* client(credentials)
      const businesses = yield* http.list("businesses")
      const heads = headsOf(businesses)
      const changed = yield* Effect.forEach(
        changeFeeds,
        (collection) =>
          http.list(collection, { [`from_${NexudusClient.collections[collection].entity}_UpdatedOn`]: from }),
        { concurrency: 2 }
      )
      const knownSet = new Set(known)
      const affected = new Set<number>()
      for (const [id, head] of heads) {
        const updated = head.updatedOn === null ? Number.NaN : Date.parse(head.updatedOn)
        if (!knownSet.has(id) || Number.isNaN(updated) || updated >= fromMillis) affected.add(id)
      }
      for (const records of changed) {
        for (const id of NexudusNormalize.businessIdsOf(records)) if (heads.has(id)) affected.add(id)
      }
      const deleted = known.filter((id) => !heads.has(id)).map((id) =>
        Adapter.ReadItem.Deleted({ externalId: String(id) })
      )
      const snapshots = affected.size === 0
        ? []
        : yield* Effect.flatMap(
          readFeeds(http, businesses),
          (bundle) => NexudusNormalize.results(bundle, new Set([...affected].map(String)))
        )
      const checkpoint = Adapter.ReadItem.Checkpoint({
        cursor: encodeCursor({ since: now, businessIds: [...heads.keys()] })
      })
      return Stream.fromIterable<Adapter.ReadItem>([...snapshots, ...deleted, checkpoint])
    }))

  return Adapter.make<Credentials>({
    id: "nexudus",
    name: "Nexudus",
    credentials: Credentials,
    rateLimit,
    check: (credentials) => Effect.asVoid(Effect.flatMap(client(credentials), (http) => http.list("businesses"))),
    snapshots: { read, changes },
    webhooks: { verify: NexudusWebhooks.verify }
  })
})
