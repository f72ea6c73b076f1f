/**
 * A price of a location: a membership, a day pass, an hourly room rate, a deposit…
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { LocationId, PriceId, ResourceId } from "./Ids.js"
import { creditDecimalPattern, isDateOrDateTime, normalizeCredits } from "./internal/checks.js"
import { ExternalId, LocalTime, Status, Text } from "./Location.js"
import { Money } from "./Money.js"
import { ResourceKind } from "./Resource.js"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })
const Minutes = Schema.Int.pipe(Schema.positive())

/** @since 0.1.0 */
export const PriceCategory = Schema.Literal(
  "membership",
  "day_pass",
  "pass_bundle",
  "credit_bundle",
  "resource_rate",
  "assignment",
  "setup_fee",
  "deposit",
  "addon"
)

/** @since 0.1.0 */
export const BillingPeriod = Schema.Literal(
  "minute",
  "hour",
  "half_day",
  "day",
  "week",
  "four_weeks",
  "month",
  "thirty_days",
  "year",
  "use",
  "once"
)

/** "per 2 hours" is `{per: "hour", count: 2}`. @since 0.1.0 */
export const PriceUnit = Schema.Struct({ per: BillingPeriod, count: Schema.Int.pipe(Schema.positive()) })

/**
 * How tax applies to the amount. Adapters never guess: an unknown treatment is `unknown`.
 *
 * @since 0.1.0
 */
export const Tax = Schema.Struct({
  mode: Schema.Literal("exclusive", "inclusive", "unknown"),
  ratePercent: opt(Schema.Number.pipe(Schema.finite(), Schema.between(0, 100)))
})

/** An ISO 8601 calendar date or date-time. */
const DateOrDateTime = Schema.String.pipe(
  Schema.filter((s) => isDateOrDateTime(s) || "Expected an ISO 8601 date or date-time")
)

/** @since 0.1.0 */
export const PriceConditions = Schema.Struct({
  weekend: opt(Schema.Boolean),
  offPeak: opt(Schema.Boolean),
  membersOnly: opt(Schema.Boolean),
  minDurationMinutes: opt(Minutes),
  maxDurationMinutes: opt(Minutes),
  validFrom: opt(DateOrDateTime),
  validTo: opt(DateOrDateTime),
  /**
   * The price applies to bookings within this time of day (`"HH:MM"`, the location's local time), e.g.
   * an evening rate from `"18:00"` to `"22:00"`. A window past midnight has `fromTime` > `toTime`.
   */
  fromTime: opt(LocalTime),
  toTime: opt(LocalTime)
})

/** A non-negative decimal string (credits are not money). */
const Decimal = Schema.String.pipe(
  Schema.filter((s) => creditDecimalPattern.test(s) || "Expected a non-negative decimal string"),
  Schema.transform(Schema.String, { strict: true, decode: (s) => normalizeCredits(s), encode: (s) => s })
)

/** Another way to pay, e.g. 2 booking credits instead of money. @since 0.1.0 */
export const PriceAlternative = Schema.Struct({ amount: Decimal, creditUnit: Text })

const sharedFields = {
  externalId: ExternalId,
  name: Text,
  category: PriceCategory,
  amount: Money,
  unit: PriceUnit,
  recurring: Schema.Boolean,
  tax: Tax,
  conditions: opt(PriceConditions),
  alternatives: opt(Schema.Array(PriceAlternative)),
  status: Status
}

/**
 * A price as an adapter reads it from upstream: `appliesTo.resourceIds` holds the resources'
 * `externalId`s.
 *
 * @since 0.1.0
 */
export const PriceSource = Schema.Struct({
  ...sharedFields,
  appliesTo: Schema.Struct({
    resourceIds: opt(Schema.Array(ExternalId)),
    resourceKinds: opt(Schema.Array(ResourceKind))
  })
}).annotations({ identifier: "PriceSource" })
/** @since 0.1.0 */
export type PriceSource = typeof PriceSource.Type

/** A price in the canonical model. @since 0.1.0 */
export const Price = Schema.Struct({
  id: PriceId,
  locationId: LocationId,
  ...sharedFields,
  appliesTo: Schema.Struct({
    resourceIds: opt(Schema.Array(ResourceId)),
    resourceKinds: opt(Schema.Array(ResourceKind))
  })
}).annotations({ identifier: "Price" })
/** @since 0.1.0 */
export type Price = typeof Price.Type
