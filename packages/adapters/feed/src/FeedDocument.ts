/**
 * The canonical JSON feed: `{"locations": [{"location": …, "resources": […], "prices": […]}]}`, each entry
 * a `LocationSnapshotSource` in its encoded form (canonical fields with `externalId`s and no hub ids;
 * prices refer to resources by `externalId`).
 *
 * `entriesOfText` reads a feed's bytes entry by entry (see `FeedText`): each entry is hashed as it is and
 * given `Unparsed`, so an entry the hub stored before is recognized without being parsed or checked, and
 * no whole document is built. `entries` checks a parsed document. Both apply the same rules. The top level must be an object with a `locations` array, and every
 * entry must name its `location.externalId`: otherwise the listing could not be complete (the hub would
 * delete locations it cannot see), so the whole read fails `InvalidData` naming the path. Any other
 * problem in one entry is an `InvalidData` element for that entry alone, naming its `externalId` and the
 * path in the document (`locations.3.prices.0.amount.amount`), so the hub marks just that location bad.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, Cooperative, Digest, LocationSnapshot, UpstreamHttp } from "@spacesync/adapter-kit"
import { Effect, Either, Schema } from "effect"
import type * as FeedSource from "./FeedSource.js"
import * as FeedText from "./FeedText.js"

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
  const digest = checked === undefined ? undefined : Digest.sha256Hex(JSON.stringify(entry))
  if (digest !== undefined && checked!.has(digest)) return { source: entry as Adapter.SnapshotSource, digest }
  const source = checkDecoded(entry, index, externalId)
  if (source instanceof AdapterError.AdapterError) return source
  if (source !== entry) return { source: Either.getOrThrow(encodeEntry(source)) }
  if (digest === undefined) return { source: entry as Adapter.SnapshotSource }
  checked!.add(digest)
  return { source: entry as Adapter.SnapshotSource, digest }
}

// An entry decoded and checked: the entry itself when it is canonical already, else its decoded form; or
// its `InvalidData`.
const checkDecoded = (
  entry: unknown,
  index: number,
  externalId: string
): LocationSnapshot.LocationSnapshotSource | AdapterError.AdapterError => {
  const prefix = ["locations", index]
  let source: LocationSnapshot.LocationSnapshotSource
  if (LocationSnapshot.isCanonicalSource(entry)) {
    source = entry
  } else {
    const decoded = decodeEntry(entry)
    if (Either.isLeft(decoded)) return UpstreamHttp.fromParseError(decoded.left, { prefix, externalId })
    source = decoded.right
  }
  const issue = LocationSnapshot.checkSource(source)
  if (issue !== undefined) {
    const path = [...prefix, ...issue.path]
    return AdapterError.invalidData(path, `${path.join(".")}: ${issue.message}`, externalId)
  }
  return source
}

const missingExternalId = (i: number) =>
  AdapterError.invalidData(
    ["locations", i, "location", "externalId"],
    `locations.${i}.location.externalId: every entry needs an externalId (without it the listing is incomplete)`
  )

const duplicated = (externalId: string, at: ReadonlyArray<number>) => {
  const path = ["locations", at[1]!, "location", "externalId"]
  return AdapterError.invalidData(
    path,
    `${path.join(".")}: externalId ${JSON.stringify(externalId)} appears ${at.length} times (entries ${at.join(", ")})`,
    externalId
  )
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
      if (externalId === undefined) return yield* Effect.fail(missingExternalId(i))
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
    const slices = Cooperative.makeSlices()
    for (const { at, externalId } of groups) {
      // Checking an entry (its digest, its shape) is synchronous CPU work: a feed of thousands of
      // locations lets the event loop run between slices of them instead of holding it for seconds.
      if (slices.due()) yield* slices.next
      results.push(toResult(externalId, entryAt(document, at, externalId, checked)))
    }
    return results
  }).pipe(
    Effect.withSpan("FeedDocument.entries")
  )

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
  if (at.length > 1) return duplicated(externalId, at)
  return checkEntry((document as { locations: ReadonlyArray<unknown> }).locations[at[0]!], at[0]!, externalId, checked)
}

/**
 * The `externalId`s of entry texts seen before, by their digest (`Digest.sha256Hex` of the entry's bytes):
 * an entry whose text was seen is not parsed to find its id. Holds up to `maxEntries` (oldest dropped).
 *
 * @since 0.1.0
 * @category models
 */
export interface TextIndex {
  readonly get: (digest: string) => string | undefined
  readonly set: (digest: string, externalId: string) => void
}

/**
 * A fresh index of entry texts (about 200 bytes each).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTextIndex = (maxEntries = 200_000): TextIndex => {
  const ids = new Map<string, string>()
  return {
    get: (digest) => ids.get(digest),
    set: (digest, externalId) => {
      ids.set(digest, externalId)
      if (ids.size > maxEntries) ids.delete(ids.keys().next().value!)
    }
  }
}

const notJson = (what: string, error: unknown) =>
  `${what}: not JSON (${error instanceof Error ? error.message : String(error)})`

/**
 * A feed's entries from its bytes, under the rules of `entries`: each entry `Unparsed` (its digest is that
 * of its bytes; `parse` checks it as `entries` does), or the `InvalidData` of an `externalId` used twice.
 * The document is never parsed whole: its skeleton (everything but the entries) and each entry whose text
 * `index` does not know are (for their `externalId`). A document the scan cannot lay out (see
 * `FeedText.layout`) is parsed whole and checked by `entries`, which gives the same results or errors.
 *
 * @since 0.1.0
 * @category decoding
 */
export const entriesOfText = (index: TextIndex = makeTextIndex()) =>
(
  body: FeedSource.Body
): Effect.Effect<ReadonlyArray<Adapter.LocationResult>, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const slices = Cooperative.makeSlices()
    const scan = FeedText.scanner(body.bytes)
    let found: FeedText.Layout | undefined
    for (;;) {
      const step = scan.step(scanStepBytes)
      if (step !== "more") {
        found = step
        break
      }
      if (slices.due()) yield* slices.next
    }
    if (found === undefined) {
      const document = yield* UpstreamHttp.parseJson(new TextDecoder().decode(body.bytes), body.what)
      return yield* entries(document)
    }
    const skeleton = yield* UpstreamHttp.parseJson(found.skeleton, body.what)
    yield* UpstreamHttp.decodeUnknown(FeedDocument)(skeleton)
    const bytes = Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength)
    const count = found.entries.length / 2
    const digests = new Array<string>(count)
    const groups = new Map<string, Array<number>>()
    for (let i = 0; i < count; i++) {
      if (slices.due()) yield* slices.next
      const start = found.entries[2 * i]!
      const end = found.entries[2 * i + 1]!
      const digest = Digest.sha256Hex(bytes.subarray(start, end))
      digests[i] = digest
      let externalId = index.get(digest)
      if (externalId === undefined) {
        let value: unknown
        try {
          value = JSON.parse(bytes.toString("utf8", start, end))
        } catch (error) {
          return yield* Effect.fail(
            AdapterError.invalidData(["locations", i], notJson(`${body.what}: locations.${i}`, error))
          )
        }
        externalId = externalIdAt(value)
        if (externalId === undefined) return yield* Effect.fail(missingExternalId(i))
        index.set(digest, externalId)
      }
      const at = groups.get(externalId)
      if (at === undefined) groups.set(externalId, [i])
      else at.push(i)
    }
    const results: Array<Adapter.LocationResult> = []
    for (const [externalId, at] of groups) {
      if (at.length > 1) {
        results.push(
          Adapter.ReadItem.Failed({ externalId, error: duplicated(externalId, at) }) as Adapter.LocationResult
        )
        continue
      }
      const i = at[0]!
      const start = found.entries[2 * i]!
      const end = found.entries[2 * i + 1]!
      results.push(Adapter.ReadItem.Unparsed({
        externalId,
        digest: digests[i]!,
        parse: () => {
          // Parsed again here, when the engine does not know the digest: nothing parsed is kept meanwhile.
          const source = checkDecoded(JSON.parse(bytes.toString("utf8", start, end)), i, externalId)
          return source instanceof AdapterError.AdapterError
            ? Adapter.ReadItem.Failed({ externalId, error: source })
            : Adapter.ReadItem.Snapshot({ source: source as Adapter.SnapshotSource })
        }
      }) as Adapter.LocationResult)
    }
    return results
  }).pipe(
    Effect.withSpan("FeedDocument.entriesOfText")
  )

// Hashing an entry's bytes is quick, parsing one (an unknown text) is not: the event loop runs between
// slices of `Cooperative.sliceMillis`, the scan included (it checks the clock every this many bytes: about
// a millisecond of scanning).
const scanStepBytes = 256 * 1024
