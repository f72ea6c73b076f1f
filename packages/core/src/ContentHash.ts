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

/** @since 0.1.0 */
export const snapshot = (value: LocationSnapshot.LocationSnapshot): SnapshotHashes => {
  const entities: Record<string, Hash> = {}
  const locationHash = location(value.location)
  entities[value.location.id] = locationHash
  const resourceEntries = value.resources.map((r) => [r.id, entities[r.id] = resource(r)] as const)
  const priceEntries = value.prices.map((p) => [p.id, entities[p.id] = price(p)] as const)
  const resources = dataSet(resourceEntries)
  const prices = dataSet(priceEntries)
  return {
    hash: sha256(CanonicalJson.stringify({ location: locationHash, prices, resources })),
    location: locationHash,
    resources,
    prices,
    entities
  }
}
