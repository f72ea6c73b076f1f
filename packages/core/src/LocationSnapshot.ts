/**
 * The whole published state of one location: the location, its resources and its prices. This is what
 * change detection hashes and versions, and what `/snapshot` serves.
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import * as Ids from "./Ids.js"
import { Location, LocationSource, weekdays } from "./Location.js"
import { Price, PriceSource } from "./Price.js"
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

/**
 * What is wrong with a snapshot, and where (`["prices", 3, "appliesTo", "resourceIds", 0]`).
 *
 * @since 0.1.0
 */
export interface SnapshotIssue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

const sortedUnique = <A extends string>(items: ReadonlyArray<A>): Array<A> => [...new Set(items)].sort()
const byId = <A extends { readonly id: string }>(a: A, b: A) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Puts every set-like collection of a location in its defined order (amenities sorted and unique, opening
 * hours by day and time). `photos` keeps its order: the first photo is the cover.
 *
 * @since 0.1.0
 */
export const normalizeLocation = (location: Location): Location => {
  const out: { -readonly [K in keyof Location]: Location[K] } = { ...location }
  if (location.amenities !== undefined) out.amenities = sortedUnique(location.amenities)
  if (location.openingHours !== undefined) {
    out.openingHours = [...location.openingHours].sort((a, b) =>
      weekdays.indexOf(a.day) - weekdays.indexOf(b.day) || compareStrings(a.opens, b.opens) ||
      compareStrings(a.closes, b.closes)
    )
  }
  return out
}

/** Amenities sorted and unique. @since 0.1.0 */
export const normalizeResource = (resource: Resource): Resource =>
  resource.amenities === undefined ? resource : { ...resource, amenities: sortedUnique(resource.amenities) }

/** `appliesTo` lists sorted and unique, alternatives ordered. @since 0.1.0 */
export const normalizePrice = (price: Price): Price => {
  const appliesTo: { -readonly [K in keyof Price["appliesTo"]]: Price["appliesTo"][K] } = {}
  if (price.appliesTo.resourceIds !== undefined) appliesTo.resourceIds = sortedUnique(price.appliesTo.resourceIds)
  if (price.appliesTo.resourceKinds !== undefined) {
    appliesTo.resourceKinds = sortedUnique(price.appliesTo.resourceKinds)
  }
  const out: { -readonly [K in keyof Price]: Price[K] } = { ...price, appliesTo }
  if (price.alternatives !== undefined) {
    out.alternatives = [...price.alternatives].sort((a, b) =>
      compareStrings(a.creditUnit, b.creditUnit) || compareStrings(a.amount, b.amount)
    )
  }
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
 * Turns an adapter's snapshot into the canonical one: derives every hub id from (account, kind,
 * externalId), resolves price → resource references, and normalizes collection order. Fails on duplicate
 * external ids and on references to resources the snapshot does not contain.
 *
 * @since 0.1.0
 */
export const fromSource = (
  accountId: Ids.AccountId,
  source: LocationSnapshotSource
): Either.Either<LocationSnapshot, SnapshotIssue> => {
  const issue = duplicates(source.resources, "resources") ?? duplicates(source.prices, "prices")
  if (issue !== undefined) return Either.left(issue)
  const locationId = Ids.entityId(accountId, "location", source.location.externalId)
  const resourceIds = new Map<string, Ids.ResourceId>()
  const resources = source.resources.map((resource) => {
    const id = Ids.entityId(accountId, "resource", resource.externalId)
    resourceIds.set(resource.externalId, id)
    return { id, locationId, ...resource }
  })
  const prices: Array<Price> = []
  for (let i = 0; i < source.prices.length; i++) {
    const { appliesTo, ...price } = source.prices[i]!
    const mapped: { resourceIds?: Array<Ids.ResourceId>; resourceKinds?: typeof appliesTo.resourceKinds } = {}
    if (appliesTo.resourceIds !== undefined) {
      const ids: Array<Ids.ResourceId> = []
      for (let j = 0; j < appliesTo.resourceIds.length; j++) {
        const id = resourceIds.get(appliesTo.resourceIds[j]!)
        if (id === undefined) {
          return Either.left({
            path: ["prices", i, "appliesTo", "resourceIds", j],
            message: `Unknown resource externalId ${JSON.stringify(appliesTo.resourceIds[j])}`
          })
        }
        ids.push(id)
      }
      mapped.resourceIds = ids
    }
    if (appliesTo.resourceKinds !== undefined) mapped.resourceKinds = appliesTo.resourceKinds
    prices.push({ id: Ids.entityId(accountId, "price", price.externalId), locationId, ...price, appliesTo: mapped })
  }
  return Either.right(normalize({ location: { id: locationId, ...source.location }, resources, prices }))
}
