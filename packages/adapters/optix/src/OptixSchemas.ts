/**
 * Optix GraphQL results as Schemas: the response envelope (`{data, errors}`), the paged listings
 * (`{total, data}`) and the records the adapter reads. Field names are Optix's. Records of a listing are
 * decoded one by one in `OptixNormalize`, so a malformed one fails only the locations it belongs to.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** A GraphQL `ID` (a string on the wire; a number is accepted), as a string. @since 0.1.0 */
export const Id = Schema.Union(Schema.String, Schema.Int).pipe(
  Schema.transform(Schema.String, { strict: true, decode: (id) => String(id), encode: (id) => id })
)

/** One entry of a GraphQL response's `errors`. @since 0.1.0 */
export const GraphQLError = Schema.Struct({
  message: Schema.String,
  path: Schema.optional(Schema.NullOr(Schema.Array(Schema.Union(Schema.String, Schema.Number)))),
  extensions: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })))
})
/** @since 0.1.0 */
export type GraphQLError = typeof GraphQLError.Type

/** The GraphQL response envelope (`data` left undecoded). @since 0.1.0 */
export const Envelope = Schema.Struct({
  data: Schema.optional(Schema.Unknown),
  errors: Schema.optional(Schema.NullOr(Schema.Array(GraphQLError)))
})
/** @since 0.1.0 */
export type Envelope = typeof Envelope.Type

/** A page of a listing, records undecoded. @since 0.1.0 */
export const Page = Schema.Struct({ total: Schema.Int, data: Schema.Array(Schema.Unknown) })
/** @since 0.1.0 */
export type Page = typeof Page.Type

/** `data` of a listing query whose root field is `field`. @since 0.1.0 */
export const pageOf = <F extends string>(field: F) => Schema.Struct({ [field]: Page } as { [K in F]: typeof Page })

/** The token's organization. @since 0.1.0 */
export const Organization = Schema.Struct({
  organization_id: Id,
  name: Schema.String,
  currency: Schema.NullOr(Schema.String),
  timezone: Schema.NullOr(Schema.String),
  exclusive_tax_rate: Schema.Number,
  inclusive_tax_rate: Schema.Number
})
/** @since 0.1.0 */
export type Organization = typeof Organization.Type

/** `data` of `OptixQueries.organization`. @since 0.1.0 */
export const OrganizationData = Schema.Struct({ organization: Schema.NullOr(Organization) })

const nullableString = Schema.NullOr(Schema.String)
const nullableNumber = Schema.NullOr(Schema.Number)

/** A location. @since 0.1.0 */
export const Location = Schema.Struct({
  location_id: Id,
  name: nullableString,
  description: nullableString,
  address: nullableString,
  unit: nullableString,
  city: nullableString,
  region: nullableString,
  postcode: nullableString,
  country: nullableString,
  latitude: nullableNumber,
  longitude: nullableNumber,
  timezone: nullableString,
  phone: nullableString,
  contact_email: nullableString,
  website: nullableString,
  is_deleted: Schema.NullOr(Schema.Boolean),
  is_visible: Schema.NullOr(Schema.Boolean),
  is_hidden: Schema.NullOr(Schema.Boolean),
  override_tax_rate: Schema.Boolean,
  exclusive_tax_rate: Schema.Number,
  inclusive_tax_rate: Schema.Number
})
/** @since 0.1.0 */
export type Location = typeof Location.Type

/** The kinds of unit a price can be in. @since 0.1.0 */
export const UnitType = Schema.Literal("CURRENCY", "CUSTOM", "HOURS", "USES", "UNKNOWN")

/** A unit: the organization's currency or an allowance unit (hours, uses, a custom unit). @since 0.1.0 */
export const Unit = Schema.Struct({
  unit_id: Id,
  name: Schema.String,
  name_plural: Schema.String,
  type: UnitType
})

/** A price in one unit. @since 0.1.0 */
export const Price = Schema.Struct({ unit: Unit, price: nullableNumber, price_max: nullableNumber })
/** @since 0.1.0 */
export type Price = typeof Price.Type

const LocationRef = Schema.Struct({ location_id: Id })

/** A resource (room, desk, office) with its type and prices. @since 0.1.0 */
export const Resource = Schema.Struct({
  resource_id: Id,
  name: nullableString,
  capacity: Schema.NullOr(Schema.Int),
  is_bookable: Schema.NullOr(Schema.Boolean),
  is_assignable: Schema.Boolean,
  location: LocationRef,
  type: Schema.Struct({ resource_type_id: Id, name: Schema.String, is_visible: Schema.Boolean }),
  prices: Schema.Array(Price),
  assignment_price_month: nullableNumber,
  override_tax_rate: Schema.Boolean,
  tax_rate: nullableNumber,
  override_inclusive_tax_rate: Schema.Boolean,
  inclusive_tax_rate: nullableNumber
})
/** @since 0.1.0 */
export type Resource = typeof Resource.Type

/** How often a plan is charged (Optix's `PlanFrequency`; unknown values decode and are reported). @since 0.1.0 */
export const PlanFrequency = Schema.String

/** A plan template (a membership). @since 0.1.0 */
export const PlanTemplate = Schema.Struct({
  plan_template_id: Id,
  name: Schema.String,
  price: Schema.Number,
  price_frequency: PlanFrequency,
  deposit: Schema.Number,
  set_up_fee: Schema.Number,
  override_tax_rate: Schema.Boolean,
  tax_rate: nullableNumber,
  override_inclusive_tax_rate: Schema.Boolean,
  inclusive_tax_rate: nullableNumber,
  onboarding_enabled: Schema.Boolean,
  non_onboarding_enabled: Schema.Boolean,
  in_all_locations: Schema.Boolean,
  locations: Schema.Array(LocationRef)
})
/** @since 0.1.0 */
export type PlanTemplate = typeof PlanTemplate.Type

/** A product of type `PASS`. @since 0.1.0 */
export const Pass = Schema.Struct({
  product_id: Id,
  name: Schema.String,
  type: Schema.Literal("PASS", "REGULAR"),
  unit_amount: Schema.Number,
  is_deleted: Schema.Boolean,
  allowance_expire_days: Schema.Int,
  onboarding_enabled: Schema.Boolean,
  non_onboarding_enabled: Schema.Boolean,
  override_tax_rate: Schema.Boolean,
  tax_rate: Schema.Number,
  no_tax_rate: Schema.Boolean,
  override_inclusive_tax_rate: Schema.Boolean,
  inclusive_tax_rate: Schema.Number,
  no_inclusive_tax_rate: Schema.Boolean,
  in_all_locations: Schema.Boolean,
  locations: Schema.Array(LocationRef)
})
/** @since 0.1.0 */
export type Pass = typeof Pass.Type

/** An Optix webhook delivery (a form-encoded POST). @since 0.1.0 */
export interface WebhookForm {
  readonly client_id: string
  readonly created_timestamp: string
  readonly organization_id: string
  readonly event: string
  readonly request_signature: string
}
