/**
 * The canonical JSON feed: `{"locations": [{"location": …, "resources": […], "prices": […]}]}`, each entry
 * a `LocationSnapshotSource` in its encoded form (canonical fields with `externalId`s and no hub ids;
 * prices refer to resources by `externalId`).
 *
 * `entries` checks a parsed document. The top level must be an object with a `locations` array, and every
 * entry must name its `location.externalId`: otherwise the listing could not be complete (the hub would
 * delete locations it cannot see), so the whole read fails `InvalidData` naming the path. Any other
 * problem in one entry is an `InvalidData` element for that entry alone, naming its `externalId` and the
 * path in the document (`locations.3.prices.0.amount.amount`), so the hub marks just that location bad.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, Digest, LocationSnapshot, UpstreamHttp } from "@spacesync/adapter-kit"
import { Effect, Either, Schema } from "effect"

/**
 * The document's top level; entries are checked one by one (see `entries`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const FeedDocument = Schema.Struct({
  locations: Schema.Array(Schema.Unknown)
}).annotations({ identifier: "FeedDocument" })

/**
 * A well-formed feed, for writing one (simulators, exporters).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Feed = Schema.Struct({
  locations: Schema.Array(LocationSnapshot.LocationSnapshotSource)
}).annotations({ identifier: "Feed" })
/** @since 0.1.0 */
export type Feed = typeof Feed.Encoded

/** One entry of a checked feed: its snapshot (with its digest when known), or why it is invalid. */
type Entry = { readonly source: Adapter.SnapshotSource; readonly digest?: string } | AdapterError.AdapterError

/**
 * The digests (`Digest.sha256Hex` of the JSON text) of entries found canonical and consistent before: an
 * entry with one of them is the same JSON data, so it passes again without being checked. Holds up to
 * `maxEntries` digests (the oldest dropped first).
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckedEntries {
  readonly has: (digest: string) => boolean
  readonly add: (digest: string) => void
}

/**
 * A fresh set of checked entry digests (about 100 bytes each).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCheckedEntries = (maxEntries = 200_000): CheckedEntries => {
  const digests = new Set<string>()
  return {
    has: (digest) => digests.has(digest),
    add: (digest) => {
      digests.add(digest)
      if (digests.size > maxEntries) digests.delete(digests.values().next().value!)
    }
  }
}

const decodeEntry = Schema.decodeUnknownEither(LocationSnapshot.LocationSnapshotSource, { errors: "all" })
const encodeEntry = Schema.encodeEither(LocationSnapshot.LocationSnapshotSource)

const externalIdAt = (entry: unknown): string | undefined => {
  const location = typeof entry === "object" && entry !== null ? (entry as { location?: unknown }).location : undefined
  const id = typeof location === "object" && location !== null
    ? (location as { externalId?: unknown }).externalId
    : undefined
  return typeof id === "string" && id.trim() !== "" ? id : undefined
}

// An entry that is canonical already (the common case) is its own encoded form; anything else is decoded
// with the schema (for its errors and paths, or to normalize it) and encoded again. Then the references
// between its entities are checked (duplicate externalIds, prices naming resources it does not contain).
// With `checked`, entries come straight from `JSON.parse`: a canonical one is given with its digest (which
// lets the engine recognize it), and one whose digest passed before is not checked again.
const checkEntry = (entry: unknown, index: number, externalId: string, checked?: CheckedEntries): Entry => {
  const prefix = ["locations", index]
  let source: LocationSnapshot.LocationSnapshotSource
  let encoded: Adapter.SnapshotSource
  const digest = checked === undefined ? undefined : Digest.sha256Hex(JSON.stringify(entry))
  if (digest !== undefined && checked!.has(digest)) return { source: entry as Adapter.SnapshotSource, digest }
  if (LocationSnapshot.isCanonicalSource(entry)) {
    source = entry
    encoded = entry as Adapter.SnapshotSource
  } else {
    const decoded = decodeEntry(entry)
    if (Either.isLeft(decoded)) return UpstreamHttp.fromParseError(decoded.left, { prefix, externalId })
    source = decoded.right
    encoded = Either.getOrThrow(encodeEntry(source))
  }
  const issue = LocationSnapshot.checkSource(source)
  if (issue !== undefined) {
    const path = [...prefix, ...issue.path]
    return AdapterError.invalidData(path, `${path.join(".")}: ${issue.message}`, externalId)
  }
  if (digest === undefined || encoded !== entry) return { source: encoded }
  checked!.add(digest)
  return { source: encoded, digest }
}

/**
 * The entries of a document grouped by `externalId`, in document order. Fails `InvalidData` when the
 * document as a whole is unusable: not an object with a `locations` array, or an entry without a
 * `location.externalId`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const topLevel = (
  document: unknown
): Effect.Effect<
  ReadonlyArray<{ readonly externalId: string; readonly at: ReadonlyArray<number> }>,
  AdapterError.AdapterError
> =>
  Effect.gen(function*() {
    const top = yield* UpstreamHttp.decodeUnknown(FeedDocument)(document)
    const groups = new Map<string, Array<number>>()
    for (let i = 0; i < top.locations.length; i++) {
      const externalId = externalIdAt(top.locations[i])
      if (externalId === undefined) {
        return yield* Effect.fail(
          AdapterError.invalidData(
            ["locations", i, "location", "externalId"],
            `locations.${i}.location.externalId: every entry needs an externalId (without it the listing is incomplete)`
          )
        )
      }
      const at = groups.get(externalId)
      if (at === undefined) groups.set(externalId, [i])
      else at.push(i)
    }
    return [...groups].map(([externalId, at]) => ({ externalId, at }))
  })

/**
 * Checks a parsed feed document. Fails `InvalidData` when the document as a whole is unusable (see
 * `topLevel`); otherwise returns one result per `externalId`, in document order: its snapshot, or its
 * `InvalidData` failure (a malformed entry, or an `externalId` used twice).
 *
 * @since 0.1.0
 * @category decoding
 */
export const entries = (
  document: unknown
): Effect.Effect<ReadonlyArray<Adapter.LocationResult>, AdapterError.AdapterError> => entriesWith()(document)

/**
 * `entries`, for documents straight from `JSON.parse`, remembering in `checked` the entries that passed:
 * the same entry in a later read passes without being checked again, and every canonical entry is given
 * with its digest (`Adapter.ReadItem.Snapshot.digest`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const entriesWith = (checked?: CheckedEntries) =>
(
  document: unknown
): Effect.Effect<ReadonlyArray<Adapter.LocationResult>, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const groups = yield* topLevel(document)
    const results: Array<Adapter.LocationResult> = []
    for (const { at, externalId } of groups) {
      // Checking an entry (its digest, its shape) is synchronous CPU work: a feed of thousands of
      // locations lets the event loop run between slices of them instead of holding it for seconds.
      if (results.length > 0 && results.length % entrySliceSize === 0) yield* yieldToEventLoop
      results.push(toResult(externalId, entryAt(document, at, externalId, checked)))
    }
    return results
  }).pipe(
    Effect.withSpan("FeedDocument.entries")
  )

const entrySliceSize = 64

// `setImmediate`: pending I/O and timers run before the next slice.
const yieldToEventLoop: Effect.Effect<void> = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

const toResult = (externalId: string, entry: Entry): Adapter.LocationResult =>
  entry instanceof AdapterError.AdapterError
    ? Adapter.ReadItem.Failed({ externalId, error: entry }) as Adapter.LocationResult
    : Adapter.ReadItem.Snapshot(entry) as Adapter.LocationResult

const entryAt = (
  document: unknown,
  at: ReadonlyArray<number>,
  externalId: string,
  checked: CheckedEntries | undefined
): Entry => {
  if (at.length > 1) {
    const path = ["locations", at[1]!, "location", "externalId"]
    return AdapterError.invalidData(
      path,
      `${path.join(".")}: externalId ${JSON.stringify(externalId)} appears ${at.length} times (entries ${
        at.join(", ")
      })`,
      externalId
    )
  }
  return checkEntry((document as { locations: ReadonlyArray<unknown> }).locations[at[0]!], at[0]!, externalId, checked)
}
