/**
 * Cobot payloads as Schemas: API 2 (JSON:API) spaces, space profiles and resources, API 1 plans, and the
 * body of a webhook. Only the fields the adapter reads are declared; others pass through unchecked.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

/** A decimal amount as Cobot sends it (`"10.0"`); a JSON number is accepted too. @since 0.1.0 */
export const Decimal = Schema.Union(Schema.String, Schema.Number)

/** An API 1 id: a string, or an integer (kept as its decimal string). @since 0.1.0 */
export const Id = Schema.Union(
  Schema.String,
  Schema.transform(Schema.Int, Schema.String, { strict: true, decode: (n) => String(n), encode: (s) => Number(s) })
)

/** API 2 Amount: `{net, gross, currency, taxes[{name, rate}]}`. @since 0.1.0 */
export const Amount = Schema.Struct({
  net: Decimal,
  gross: Decimal,
  currency: Schema.String,
  taxes: opt(Schema.Array(Schema.Struct({ name: opt(Schema.String), rate: Decimal })))
})
/** @since 0.1.0 */
export type Amount = typeof Amount.Type

/** API 2 duration: `{hours, minutes}`. @since 0.1.0 */
export const Duration = Schema.Struct({ hours: opt(Schema.Number), minutes: opt(Schema.Number) })

/** API 2 space (`GET /spaces/{id}`). @since 0.1.0 */
export const Space = Schema.Struct({
  data: Schema.Struct({
    id: Schema.String,
    attributes: Schema.Struct({
      name: Schema.String,
      subdomain: Schema.String,
      description: opt(Schema.String),
      timeZone: opt(Schema.String),
      priceDisplay: opt(Schema.Literal("net", "gross")),
      email: opt(Schema.String)
    })
  })
})
/** @since 0.1.0 */
export type Space = typeof Space.Type

/** API 2 space profile (`GET /space_profiles/{id}`). @since 0.1.0 */
export const SpaceProfile = Schema.Struct({
  data: Schema.Struct({
    attributes: Schema.Struct({
      structuredAddress: opt(Schema.Struct({
        street: opt(Schema.String),
        postCode: opt(Schema.String),
        city: opt(Schema.String),
        state: opt(Schema.String),
        countryCode: opt(Schema.String),
        fullAddress: opt(Schema.String),
        latitude: opt(Schema.Number),
        longitude: opt(Schema.Number)
      })),
      phone: opt(Schema.String),
      contactEmail: opt(Schema.String)
    })
  })
})
/** @since 0.1.0 */
export type SpaceProfile = typeof SpaceProfile.Type

/** One page of an API 2 listing, records undecoded. @since 0.1.0 */
export const Page = Schema.Struct({
  data: Schema.Array(Schema.Unknown),
  meta: Schema.optional(Schema.Struct({ totalPages: Schema.optional(Schema.Number) }))
})

/** API 2 resource. @since 0.1.0 */
export const Resource = Schema.Struct({
  id: Schema.String,
  attributes: Schema.Struct({
    name: Schema.String,
    resourceType: opt(Schema.String),
    usage: opt(Schema.String),
    hidden: opt(Schema.Boolean),
    capacity: opt(Schema.Number),
    pricing: opt(Schema.Struct({
      currency: opt(Schema.String),
      pricePerHour: opt(Amount),
      discounts: opt(Schema.Array(Schema.Struct({ pricePerHour: Amount, minimumDuration: Duration }))),
      priceCaps: opt(Schema.Array(Schema.Struct({ price: Amount, maximumDuration: Duration }))),
      fixedRates: opt(Schema.Array(Schema.Struct({ price: Amount, maximumDuration: Duration })))
    }))
  })
})
/** @since 0.1.0 */
export type Resource = typeof Resource.Type

/** API 1 plan (`GET /api/plans`). @since 0.1.0 */
export const Plan = Schema.Struct({
  id: Id,
  name: Schema.String,
  price_per_cycle: Decimal,
  cycle_duration: Schema.Number,
  currency: Schema.String,
  tax_rate: opt(Decimal),
  hidden: opt(Schema.Boolean),
  signup_charge: opt(Schema.Struct({ amount: Decimal, tax_rate: opt(Decimal), description: opt(Schema.String) })),
  time_passes: opt(Schema.Array(Schema.Struct({
    id: Id,
    name: Schema.String,
    price: Decimal,
    currency: opt(Schema.String),
    included_per_timespan: opt(Schema.Number),
    included_timespan: opt(Schema.String)
  }))),
  extras: opt(Schema.Array(Schema.Struct({
    id: Id,
    name: Schema.String,
    price: Decimal,
    currency: opt(Schema.String)
  }))),
  booking_credits: opt(Schema.Array(Schema.Struct({
    resources: opt(Schema.Array(Schema.Struct({ id: Id }))),
    hours: opt(Decimal),
    price_per_hour: opt(Decimal)
  })))
})
/** @since 0.1.0 */
export type Plan = typeof Plan.Type

/** A webhook delivery: `{url}` naming what changed. @since 0.1.0 */
export const WebhookBody = Schema.Struct({ url: Schema.String })
