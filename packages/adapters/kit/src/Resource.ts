/**
 * A bookable or assignable resource of a location: a meeting room, a desk, an office.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { LocationId, ResourceId } from "./Ids.js"
import { ExternalId, Status, Text } from "./Location.js"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })
const Count = Schema.Int.pipe(Schema.nonNegative())
const Minutes = Schema.Int.pipe(Schema.positive())

/** @since 0.1.0 */
export const ResourceKind = Schema.Literal(
  "meeting_room",
  "hot_desk",
  "dedicated_desk",
  "private_office",
  "event_space",
  "phone_booth",
  "virtual_office",
  "parking",
  "other"
)
/** @since 0.1.0 */
export type ResourceKind = typeof ResourceKind.Type

/** Booked by the hour/day, assigned to a member for a term, or both. @since 0.1.0 */
export const ResourceUsage = Schema.Literal("bookable", "assignable", "both")

/** The fields of a resource that an adapter supplies (everything but hub ids). @since 0.1.0 */
export const sourceFields = {
  externalId: ExternalId,
  name: Text,
  kind: ResourceKind,
  usage: ResourceUsage,
  capacity: opt(Count),
  units: opt(Count),
  minBookingMinutes: opt(Minutes),
  maxBookingMinutes: opt(Minutes),
  status: Status,
  visible: Schema.Boolean,
  amenities: opt(Schema.Array(Text))
}

/** A resource as an adapter reads it from upstream. @since 0.1.0 */
export const ResourceSource = Schema.Struct(sourceFields).annotations({ identifier: "ResourceSource" })
/** @since 0.1.0 */
export type ResourceSource = typeof ResourceSource.Type

/** A resource in the canonical model. @since 0.1.0 */
export const Resource = Schema.Struct({ id: ResourceId, locationId: LocationId, ...sourceFields }).annotations({
  identifier: "Resource"
})
/** @since 0.1.0 */
export type Resource = typeof Resource.Type
