/**
 * DeskBase's payloads as Schemas: exactly what its REST API sends, nothing canonical yet. Decoding a
 * response with these turns any surprise into an `InvalidData` error that names the path.
 */
import { Schema } from "effect"

/** One entry of `GET /v1/sites`: enough to fetch the site. */
export const SiteSummary = Schema.Struct({ id: Schema.String, name: Schema.String })
export type SiteSummary = typeof SiteSummary.Type

/** A page of `GET /v1/sites?page=N&per_page=M`. */
export const SitesPage = Schema.Struct({
  data: Schema.Array(SiteSummary),
  meta: Schema.Struct({ page: Schema.Int, total_pages: Schema.Int })
})
export type SitesPage = typeof SitesPage.Type

/** A bookable or rentable room of a site. `type` is free text in DeskBase. */
export const Room = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  type: Schema.String,
  seats: Schema.NullOr(Schema.Int),
  active: Schema.Boolean
})
export type Room = typeof Room.Type

/**
 * A rate: an integer amount in the currency's minor unit (`1250` is 12.50 EUR), per `period_count`
 * periods. `room_id` null: the rate is for the whole site (a membership, a day pass).
 */
export const Rate = Schema.Struct({
  id: Schema.String,
  room_id: Schema.NullOr(Schema.String),
  label: Schema.String,
  price_minor: Schema.Int,
  period: Schema.Literal("hour", "day", "month"),
  period_count: Schema.Int.pipe(Schema.positive()),
  active: Schema.Boolean
})
export type Rate = typeof Rate.Type

/** `GET /v1/sites/:id`: the site with its rooms and rates. */
export const Site = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  active: Schema.Boolean,
  /** An IANA zone, or null when the operator never set one. */
  timezone: Schema.NullOr(Schema.String),
  currency: Schema.String,
  address: Schema.Struct({
    street: Schema.String,
    city: Schema.String,
    postcode: Schema.NullOr(Schema.String),
    country: Schema.String
  }),
  /** Null when the operator never configured VAT: the tax treatment is unknown. */
  vat: Schema.NullOr(Schema.Struct({ included: Schema.Boolean, rate: Schema.Number })),
  rooms: Schema.Array(Room),
  rates: Schema.Array(Rate)
})
export type Site = typeof Site.Type

/** A webhook's body: what happened, and to which site when it is about one. */
export const WebhookBody = Schema.Struct({ event: Schema.String, site_id: Schema.optional(Schema.String) })
export type WebhookBody = typeof WebhookBody.Type
