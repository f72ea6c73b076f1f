/**
 * The whole published state of one location: the location, its resources and its prices. This is what
 * change detection hashes and versions, and what `/snapshot` serves.
 *
 * @since 0.1.0
 */
import { Either, type ParseResult, Schema, type SchemaAST } from "effect"
import * as Ids from "./Ids.js"
import * as CanonicalSource from "./internal/canonicalSource.js"
import { Location, LocationSource, type OpeningHours, weekdays } from "./Location.js"
import { Price, type PriceAlternative, PriceSource } from "./Price.js"
import { Resource, ResourceSource } from "./Resource.js"

/** @since 0.1.0 */
export const LocationSnapshot = Schema.Struct({
  location: Location,
  resources: Schema.Array(Resource),
  prices: Schema.Array(Price)
}).annotations({ identifier: "LocationSnapshot" })
/** @since 0.1.0 */
export type LocationSnapshot = typeof LocationSnapshot.Type

/**
 * One location as an adapter (or a canonical feed) supplies it: canonical fields with `externalId`s and
 * no hub ids; prices refer to resources by `externalId`.
 *
 * @since 0.1.0
 */
export const LocationSnapshotSource = Schema.Struct({
  location: LocationSource,
  resources: Schema.Array(ResourceSource),
  prices: Schema.Array(PriceSource)
}).annotations({ identifier: "LocationSnapshotSource" })
/** @since 0.1.0 */
export type LocationSnapshotSource = typeof LocationSnapshotSource.Type

const canonicalSource = CanonicalSource.struct(LocationSnapshotSource, {
  location: CanonicalSource.location,
  resources: CanonicalSource.array(CanonicalSource.resource),
  prices: CanonicalSource.array(CanonicalSource.price)
})

/**
 * Whether `input` is a `LocationSnapshotSource` in canonical form already: plain data that decoding would
 * accept and return unchanged (no properties the schema does not know, money at its currency's minor
 * unit, credit amounts without trailing zeros). A fast check, many times quicker than the schema, for
 * sources in good order; `false` says nothing more: decode with the schema to learn what is wrong and
 * where. See `decodeSource`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const isCanonicalSource = (input: unknown): input is LocationSnapshotSource => canonicalSource(input)

/**
 * Decodes a `LocationSnapshotSource`: a source that `isCanonicalSource` is returned as is (decoding would
 * give an equal value), anything else goes through the schema, with its errors and paths.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeSource = (
  options?: SchemaAST.ParseOptions
): (input: unknown) => Either.Either<LocationSnapshotSource, ParseResult.ParseError> => {
  const decode = Schema.decodeUnknownEither(LocationSnapshotSource, options)
  return (input) => (canonicalSource(input) ? Either.right(input as LocationSnapshotSource) : decode(input))
}

/**
 * What is wrong with a snapshot, and where (`["prices", 3, "appliesTo", "resourceIds", 0]`).
 *
 * @since 0.1.0
 */
export interface SnapshotIssue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

const isSortedUnique = (items: ReadonlyArray<string>): boolean => {
  for (let i = 1; i < items.length; i++) {
    if (!(items[i - 1]! < items[i]!)) return false
  }
  return true
}
// Already sorted and unique (the common case): the same array, not a copy.
const sortedUnique = <A extends string>(items: ReadonlyArray<A>): ReadonlyArray<A> =>
  isSortedUnique(items) ? items : [...new Set(items)].sort()
const isSortedBy = <A>(items: ReadonlyArray<A>, compare: (a: A, b: A) => number): boolean => {
  for (let i = 1; i < items.length; i++) {
    if (compare(items[i - 1]!, items[i]!) > 0) return false
  }
  return true
}
const byId = <A extends { readonly id: string }>(a: A, b: A) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const byDayAndTime = (a: typeof OpeningHours.Type, b: typeof OpeningHours.Type) =>
  weekdays.indexOf(a.day) - weekdays.indexOf(b.day) || compareStrings(a.opens, b.opens) ||
  compareStrings(a.closes, b.closes)
const byUnitAndAmount = (a: typeof PriceAlternative.Type, b: typeof PriceAlternative.Type) =>
  compareStrings(a.creditUnit, b.creditUnit) || compareStrings(a.amount, b.amount)

/**
 * Puts every set-like collection of a location in its defined order (amenities sorted and unique, opening
 * hours by day and time). `photos` keeps its order: the first photo is the cover.
 *
 * @since 0.1.0
 */
export const normalizeLocation = (location: Location): Location => {
  const amenities = location.amenities === undefined ? undefined : sortedUnique(location.amenities)
  const hoursSorted = location.openingHours === undefined || isSortedBy(location.openingHours, byDayAndTime)
  if (amenities === location.amenities && hoursSorted) return location
  const out: { -readonly [K in keyof Location]: Location[K] } = { ...location }
  if (amenities !== undefined) out.amenities = amenities
  if (!hoursSorted) out.openingHours = [...location.openingHours!].sort(byDayAndTime)
  return out
}

/** Amenities sorted and unique. @since 0.1.0 */
export const normalizeResource = (resource: Resource): Resource => {
  if (resource.amenities === undefined) return resource
  const amenities = sortedUnique(resource.amenities)
  return amenities === resource.amenities ? resource : { ...resource, amenities }
}

// `appliesTo` holds its two lists only (when present), each sorted and unique; alternatives are ordered.
const isNormalPrice = (price: Price): boolean => {
  const appliesTo = price.appliesTo
  let lists = 0
  if (appliesTo.resourceIds !== undefined) {
    if (!isSortedUnique(appliesTo.resourceIds)) return false
    lists++
  }
  if (appliesTo.resourceKinds !== undefined) {
    if (!isSortedUnique(appliesTo.resourceKinds)) return false
    lists++
  }
  return Object.keys(appliesTo).length === lists &&
    (price.alternatives === undefined || isSortedBy(price.alternatives, byUnitAndAmount))
}

/** `appliesTo` lists sorted and unique, alternatives ordered. @since 0.1.0 */
export const normalizePrice = (price: Price): Price => {
  if (isNormalPrice(price)) return price
  const appliesTo: { -readonly [K in keyof Price["appliesTo"]]: Price["appliesTo"][K] } = {}
  if (price.appliesTo.resourceIds !== undefined) appliesTo.resourceIds = sortedUnique(price.appliesTo.resourceIds)
  if (price.appliesTo.resourceKinds !== undefined) {
    appliesTo.resourceKinds = sortedUnique(price.appliesTo.resourceKinds)
  }
  const out: { -readonly [K in keyof Price]: Price[K] } = { ...price, appliesTo }
  if (price.alternatives !== undefined) out.alternatives = [...price.alternatives].sort(byUnitAndAmount)
  return out
}

/**
 * Every collection of the snapshot in its defined order: resources and prices by id, and each entity
 * normalized. Normalizing twice changes nothing.
 *
 * @since 0.1.0
 */
export const normalize = (snapshot: LocationSnapshot): LocationSnapshot => ({
  location: normalizeLocation(snapshot.location),
  resources: snapshot.resources.map(normalizeResource).sort(byId),
  prices: snapshot.prices.map(normalizePrice).sort(byId)
})

const duplicates = (
  items: ReadonlyArray<{ readonly externalId: string }>,
  field: "resources" | "prices"
): SnapshotIssue | undefined => {
  const seen = new Set<string>()
  for (let i = 0; i < items.length; i++) {
    const id = items[i]!.externalId
    if (seen.has(id)) return { path: [field, i, "externalId"], message: `Duplicate externalId ${JSON.stringify(id)}` }
    seen.add(id)
  }
  return undefined
}

/**
 * What `fromSource` would refuse in a source, without deriving any id: the first duplicate `externalId`
 * (resources, then prices) or the first price reference to a resource the snapshot does not contain.
 * For adapters that check sources before handing them over.
 *
 * @since 0.1.0
 */
export const checkSource = (source: LocationSnapshotSource): SnapshotIssue | undefined => {
  const issue = duplicates(source.resources, "resources") ?? duplicates(source.prices, "prices")
  if (issue !== undefined) return issue
  const known = new Set<string>()
  for (let i = 0; i < source.resources.length; i++) known.add(source.resources[i]!.externalId)
  for (let i = 0; i < source.prices.length; i++) {
    const ids = source.prices[i]!.appliesTo.resourceIds
    if (ids === undefined) continue
    for (let j = 0; j < ids.length; j++) {
      if (!known.has(ids[j]!)) {
        return {
          path: ["prices", i, "appliesTo", "resourceIds", j],
          message: `Unknown resource externalId ${JSON.stringify(ids[j])}`
        }
      }
    }
  }
  return undefined
}

/**
 * Turns an adapter's snapshot into the canonical one: derives every hub id from (account, kind,
 * externalId), resolves price → resource references, and normalizes collection order. Fails on duplicate
 * external ids and on references to resources the snapshot does not contain (see `checkSource`).
 *
 * @since 0.1.0
 */
export const fromSource = (
  accountId: Ids.AccountId,
  source: LocationSnapshotSource
): Either.Either<LocationSnapshot, SnapshotIssue> => {
  const issue = checkSource(source)
  if (issue !== undefined) return Either.left(issue)
  const locationId = Ids.entityId(accountId, "location", source.location.externalId)
  const resourceIds = new Map<string, Ids.ResourceId>()
  const resources: Array<Resource> = []
  for (let i = 0; i < source.resources.length; i++) {
    const resource = source.resources[i]!
    const id = Ids.entityId(accountId, "resource", resource.externalId)
    resourceIds.set(resource.externalId, id)
    // Normalized as it is built: one copy, which `normalize` then keeps.
    resources.push(
      resource.amenities === undefined
        ? { id, locationId, ...resource }
        : { id, locationId, ...resource, amenities: sortedUnique(resource.amenities) }
    )
  }
  const prices: Array<Price> = []
  for (let i = 0; i < source.prices.length; i++) {
    const price = source.prices[i]!
    const appliesTo: { -readonly [K in keyof Price["appliesTo"]]: Price["appliesTo"][K] } = {}
    if (price.appliesTo.resourceIds !== undefined) {
      // checkSource made sure that every reference resolves.
      appliesTo.resourceIds = sortedUnique(
        price.appliesTo.resourceIds.map((externalId) => resourceIds.get(externalId)!)
      )
    }
    if (price.appliesTo.resourceKinds !== undefined) appliesTo.resourceKinds = price.appliesTo.resourceKinds
    prices.push({ id: Ids.entityId(accountId, "price", price.externalId), locationId, ...price, appliesTo })
  }
  return Either.right(normalize({ location: { id: locationId, ...source.location }, resources, prices }))
}
