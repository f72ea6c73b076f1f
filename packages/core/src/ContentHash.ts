/**
 * Stable content hashes: SHA-256 over canonical JSON of normalized data, per entity, per data set
 * (location, resources, prices) and for the whole snapshot. Key order and the order of set-like
 * collections never change a hash; any change of content does. Volatile fields (`sourceUpdatedAt`) are
 * left out, so an upstream "touch" is not a change.
 *
 * @since 0.1.0
 */
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import type { Location } from "@spacesync/adapter-kit/Location"
import * as LocationSnapshot from "@spacesync/adapter-kit/LocationSnapshot"
import type { Price } from "@spacesync/adapter-kit/Price"
import type { Resource } from "@spacesync/adapter-kit/Resource"
import * as CanonicalJson from "./CanonicalJson.js"

/** A lower-case hex SHA-256 digest. @since 0.1.0 */
export type Hash = string

// One-shot hashing (`crypto.hash`, Node ≥ 20.12) is about twice as fast for short inputs.
const sha256 = (text: string): Hash => sha256Hex(text)

/** The hash of a location's own fields. @since 0.1.0 */
export const location = (value: Location): Hash => {
  const normalized = LocationSnapshot.normalizeLocation(value)
  if (normalized.sourceUpdatedAt === undefined) return sha256(CanonicalJson.stringify(normalized))
  const { sourceUpdatedAt: _, ...content } = normalized
  return sha256(CanonicalJson.stringify(content))
}

/** The hash of one resource. @since 0.1.0 */
export const resource = (value: Resource): Hash =>
  sha256(CanonicalJson.stringify(LocationSnapshot.normalizeResource(value)))

/** The hash of one price. @since 0.1.0 */
export const price = (value: Price): Hash => sha256(CanonicalJson.stringify(LocationSnapshot.normalizePrice(value)))

/**
 * The hash of a data set from its members' hashes, independent of their order.
 *
 * @since 0.1.0
 */
export const dataSet = (entries: Iterable<readonly [id: string, hash: Hash]>): Hash =>
  sha256(CanonicalJson.stringify([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))

/**
 * Every hash of a snapshot: the whole, each data set, and each entity by hub id.
 *
 * @since 0.1.0
 */
export interface SnapshotHashes {
  readonly hash: Hash
  readonly location: Hash
  readonly resources: Hash
  readonly prices: Hash
  readonly entities: Readonly<Record<string, Hash>>
}

const byId = <A extends { readonly id: string }>(a: A, b: A) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const sortedById = <A extends { readonly id: string }>(items: ReadonlyArray<A>): ReadonlyArray<A> => {
  for (let i = 1; i < items.length; i++) {
    if (byId(items[i - 1]!, items[i]!) > 0) return [...items].sort(byId)
  }
  return items
}

/**
 * Every hash of a snapshot, and its canonical JSON text: `CanonicalJson.stringify` of
 * `LocationSnapshot.normalize(value)`, exactly (what the snapshot store keeps), put together from the
 * texts the hashes were computed from instead of serializing every entity a second time.
 *
 * @since 0.1.0
 */
export const snapshotWithText = (
  value: LocationSnapshot.LocationSnapshot
): { readonly hashes: SnapshotHashes; readonly text: string } => {
  const entities: Record<string, Hash> = {}
  const normalizedLocation = LocationSnapshot.normalizeLocation(value.location)
  const locationText = CanonicalJson.stringify(normalizedLocation)
  let locationHash: Hash
  if (normalizedLocation.sourceUpdatedAt === undefined) locationHash = sha256(locationText)
  else {
    const { sourceUpdatedAt: _, ...content } = normalizedLocation
    locationHash = sha256(CanonicalJson.stringify(content))
  }
  entities[value.location.id] = locationHash
  const resources = sortedById(value.resources)
  const resourceTexts = new Array<string>(resources.length)
  const resourceEntries = new Array<readonly [string, Hash]>(resources.length)
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!
    const text = CanonicalJson.stringify(LocationSnapshot.normalizeResource(r))
    resourceTexts[i] = text
    resourceEntries[i] = [r.id, entities[r.id] = sha256(text)]
  }
  const prices = sortedById(value.prices)
  const priceTexts = new Array<string>(prices.length)
  const priceEntries = new Array<readonly [string, Hash]>(prices.length)
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i]!
    const text = CanonicalJson.stringify(LocationSnapshot.normalizePrice(p))
    priceTexts[i] = text
    priceEntries[i] = [p.id, entities[p.id] = sha256(text)]
  }
  const resourcesHash = dataSet(resourceEntries)
  const pricesHash = dataSet(priceEntries)
  return {
    hashes: {
      hash: sha256(CanonicalJson.stringify({ location: locationHash, prices: pricesHash, resources: resourcesHash })),
      location: locationHash,
      resources: resourcesHash,
      prices: pricesHash,
      entities
    },
    text: `{"location":${locationText},"prices":[${priceTexts.join(",")}],"resources":[${resourceTexts.join(",")}]}`
  }
}

/** @since 0.1.0 */
export const snapshot = (value: LocationSnapshot.LocationSnapshot): SnapshotHashes => snapshotWithText(value).hashes
