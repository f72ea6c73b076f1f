/**
 * The OfficeRnD Flex API v2 payloads the adapter reads, as Schemas. Only the fields the adapter uses are
 * declared; others are ignored. Amounts are JSON numbers upstream; they are turned into decimal strings at
 * the credentials' currency's minor unit by the normalizer (never added up as floats).
 *
 * Every listing answers `{"results": […], "cursorNext": "…", "cursorPrev", "rangeStart", "rangeEnd"}`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

const optNull = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(Schema.NullOr(schema), { default: () => null })

/** An OfficeRnD object id (24 hex digits in practice; any non-empty string is accepted). @since 0.1.0 */
export const Id = Schema.NonEmptyString.annotations({ identifier: "OfficeRnDId" })

/** A page of a listing: its records, still undecoded, and the next cursor. @since 0.1.0 */
export const Page = Schema.Struct({
  results: Schema.Array(Schema.Unknown),
  cursorNext: Schema.optional(Schema.NullOr(Schema.String))
})
/** @since 0.1.0 */
export type Page = typeof Page.Type

/** A structured address of a location. @since 0.1.0 */
export const Address = Schema.Struct({
  formattedAddress: optNull(Schema.String),
  country: optNull(Schema.String),
  state: optNull(Schema.String),
  city: optNull(Schema.String),
  street: optNull(Schema.String),
  zip: optNull(Schema.String),
  latitude: optNull(Schema.Number),
  longitude: optNull(Schema.Number)
})

/** A location (`GET /locations`). `address` is an object, or a string in the vendor's example. @since 0.1.0 */
export class Location extends Schema.Class<Location>("OfficeRnDLocation")({
  _id: Id,
  name: Schema.String,
  address: optNull(Schema.Union(Schema.String, Address)),
  timezone: optNull(Schema.String),
  isOpen: optNull(Schema.Boolean),
  isPublic: optNull(Schema.Boolean),
  modifiedAt: optNull(Schema.String)
}) {}

/** A resource type (`GET /resource-types`). @since 0.1.0 */
export class ResourceType extends Schema.Class<ResourceType>("OfficeRnDResourceType")({
  _id: Id,
  title: optNull(Schema.String),
  type: optNull(Schema.String),
  canBook: optNull(Schema.Boolean),
  canAssign: optNull(Schema.Boolean)
}) {}

/** A resource (`GET /resources`): `price` is the monthly assignment price, `rate` its resource rate. @since 0.1.0 */
export class Resource extends Schema.Class<Resource>("OfficeRnDResource")({
  _id: Id,
  name: Schema.String,
  type: optNull(Schema.String),
  rate: optNull(Schema.String),
  location: optNull(Schema.String),
  price: optNull(Schema.Number),
  deposit: optNull(Schema.Number),
  size: optNull(Schema.Number)
}) {}

/** The billing interval of a resource rate. @since 0.1.0 */
export const RateInterval = Schema.Literal("once", "hour", "day", "month")

/** A nested rate of a resource rate (weekend, off-peak, half-day). @since 0.1.0 */
export const SubRate = Schema.Struct({
  _id: optNull(Schema.String),
  price: Schema.Number,
  intervalLength: Schema.Literal("hour", "day", "week", "month"),
  intervalCount: Schema.optionalWith(Schema.Number, { default: () => 1 }),
  isOffRate: optNull(Schema.Boolean),
  isWeekendRate: optNull(Schema.Boolean),
  isHalfDayRate: optNull(Schema.Boolean)
})
/** @since 0.1.0 */
export type SubRate = typeof SubRate.Type

/** A resource rate (`GET /resource-rates`). `locations: []` means every location. @since 0.1.0 */
export class ResourceRate extends Schema.Class<ResourceRate>("OfficeRnDResourceRate")({
  _id: Id,
  name: Schema.String,
  intervalLength: RateInterval,
  intervalCount: Schema.optionalWith(Schema.Number, { default: () => 1 }),
  price: Schema.Number,
  useCoins: optNull(Schema.Boolean),
  rates: Schema.optionalWith(Schema.Array(SubRate), { default: () => [] }),
  revenueAccount: optNull(Schema.String),
  locations: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
}) {}

/** A plan (`GET /plans`): a membership. `locations: []` means every location. @since 0.1.0 */
export class Plan extends Schema.Class<Plan>("OfficeRnDPlan")({
  _id: Id,
  name: Schema.String,
  type: optNull(Schema.String),
  price: Schema.Number,
  deposit: optNull(Schema.Number),
  intervalLength: Schema.Literal("once", "month"),
  intervalCount: Schema.optionalWith(Schema.Number, { default: () => 1 }),
  locations: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  /** The ids of the one-off plans charged when this plan starts. */
  setupFees: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  passesForLocations: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  forMembers: optNull(Schema.Boolean),
  forNonMembers: optNull(Schema.Boolean),
  revenueAccount: optNull(Schema.String)
}) {}

/** A tax rate (`GET /tax-rates`): `rate` in percent. @since 0.1.0 */
export class TaxRate extends Schema.Class<TaxRate>("OfficeRnDTaxRate")({
  _id: Id,
  rate: Schema.Number
}) {}

/** A revenue account (`GET /revenue-accounts`): its tax rate. @since 0.1.0 */
export class RevenueAccount extends Schema.Class<RevenueAccount>("OfficeRnDRevenueAccount")({
  _id: Id,
  taxRate: optNull(Schema.String)
}) {}

/** The body of an upstream webhook: `{"eventType", "data": {"object": {…}}}`. @since 0.1.0 */
export const WebhookBody = Schema.Struct({
  eventType: Schema.String,
  data: Schema.optional(Schema.Struct({ object: Schema.optional(Schema.Unknown) }))
})
/** @since 0.1.0 */
export type WebhookBody = typeof WebhookBody.Type
