/**
 * The BookingSync API v3 payloads the adapter reads, as Schemas. They follow the responses recorded
 * against the live API (VCR cassettes of `BookingSync/bookingsync-api`) where those and the vendor's
 * documentation disagree. Only the fields the adapter uses are declared; others are ignored.
 *
 * Every collection answers `{"<collection>": […], "links": {…}, "meta": {…}}`; with `updated_since`,
 * `meta.deleted_ids` lists the records soft-deleted since then.
 *
 * @since 0.1.0
 */
import { ParseResult, Schema } from "effect"

/** A record id: BookingSync sends integers. @since 0.1.0 */
export const Id = Schema.Int.annotations({ identifier: "BookingSyncId" })

/** A decimal amount as BookingSync sends it (`"100.0"`); never read as a float. @since 0.1.0 */
export const Decimal = Schema.String.pipe(
  Schema.pattern(/^-?\d+(\.\d+)?$/, { message: () => "Expected a decimal string such as \"100.0\"" })
)

/** A translated text: `{"en": "…", "fr": "…"}`. @since 0.1.0 */
export const Translated = Schema.Record({ key: Schema.String, value: Schema.NullOr(Schema.String) })
/** @since 0.1.0 */
export type Translated = typeof Translated.Type

const optNull = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(Schema.NullOr(schema), { default: () => null })

/**
 * An account (`GET /accounts/{id}`): the operator's business and its address.
 *
 * @since 0.1.0
 */
export class Account extends Schema.Class<Account>("BookingSyncAccount")({
  id: Id,
  business_name: optNull(Schema.String),
  address1: optNull(Schema.String),
  address2: optNull(Schema.String),
  city: optNull(Schema.String),
  state: optNull(Schema.String),
  zip: optNull(Schema.String),
  country_code: optNull(Schema.String),
  /** Not in the recorded responses; read when an account has one. */
  currency: optNull(Schema.String),
  default_locale: optNull(Schema.String)
}) {}

/**
 * A rental: one bookable property, which also carries its location data.
 *
 * @since 0.1.0
 */
export class Rental extends Schema.Class<Rental>("BookingSyncRental")({
  id: Id,
  links: Schema.Struct({ account: Id }),
  name: Schema.String,
  headline: optNull(Translated),
  summary: optNull(Translated),
  description: optNull(Translated),
  rental_type: optNull(Schema.String),
  sleeps: optNull(Schema.Int),
  sleeps_max: optNull(Schema.Int),
  currency: optNull(Schema.String),
  lat: optNull(Schema.Number),
  lng: optNull(Schema.Number),
  address1: optNull(Schema.String),
  address2: optNull(Schema.String),
  city: optNull(Schema.String),
  state: optNull(Schema.String),
  zip: optNull(Schema.String),
  country_code: optNull(Schema.String),
  published_at: optNull(Schema.String),
  updated_at: optNull(Schema.String)
}) {}

/**
 * A rate of a rental for a period: nightly, weekly and monthly amounts before (`initial_`) and after
 * (`final_`) rates rules.
 *
 * @since 0.1.0
 */
export class Rate extends Schema.Class<Rate>("BookingSyncRate")({
  id: Id,
  links: Schema.Struct({ rental: Id }),
  currency: optNull(Schema.String),
  start_date: optNull(Schema.String),
  end_date: optNull(Schema.String),
  initial_nightly_rate: optNull(Decimal),
  initial_weekly_rate: optNull(Decimal),
  initial_monthly_rate: optNull(Decimal),
  final_nightly_rate: optNull(Decimal),
  final_weekly_rate: optNull(Decimal),
  final_monthly_rate: optNull(Decimal),
  minimum_stay: optNull(Schema.Int)
}) {}

/**
 * A fee as applied to one rental (its own name, rate and rate kind).
 *
 * @since 0.1.0
 */
export class RentalsFee extends Schema.Class<RentalsFee>("BookingSyncRentalsFee")({
  id: Id,
  links: Schema.Struct({ rental: Id, fee: Schema.optional(Schema.NullOr(Id)) }),
  name: optNull(Translated),
  rate: Decimal,
  rate_kind: Schema.String,
  required: optNull(Schema.Boolean),
  public: optNull(Schema.Boolean),
  start_date: optNull(Schema.String),
  end_date: optNull(Schema.String),
  archived_at: optNull(Schema.String)
}) {}

/**
 * A tax of an account (`percentage` is a decimal string).
 *
 * @since 0.1.0
 */
export class Tax extends Schema.Class<Tax>("BookingSyncTax")({
  id: Id,
  links: Schema.Struct({ account: Id }),
  percentage: Decimal,
  name: optNull(Translated)
}) {}

/**
 * A tax as applied to one rental: whether the rental's rates include it.
 *
 * @since 0.1.0
 */
export class RentalsTax extends Schema.Class<RentalsTax>("BookingSyncRentalsTax")({
  id: Id,
  links: Schema.Struct({ rental: Id, tax: Id }),
  tax_included_in_rate: optNull(Schema.Boolean)
}) {}

/**
 * A tax as applied to one fee: whether the fee's rate includes it.
 *
 * @since 0.1.0
 */
export class FeesTax extends Schema.Class<FeesTax>("BookingSyncFeesTax")({
  id: Id,
  links: Schema.Struct({ fee: Id, tax: Id }),
  tax_included_in_rate: optNull(Schema.Boolean)
}) {}

/** `meta` of a collection: `deleted_ids` with `updated_since`. @since 0.1.0 */
export const Meta = Schema.Struct({
  deleted_ids: Schema.optionalWith(Schema.Array(Schema.Union(Id, Schema.String)), { default: () => [] })
})

/**
 * A decoded page of a collection: its records, still undecoded (each is decoded on its own later, so that
 * one malformed record is reported against its rental only), and `meta.deleted_ids`.
 *
 * @since 0.1.0
 */
export interface Page {
  readonly records: ReadonlyArray<unknown>
  readonly deletedIds: ReadonlyArray<string>
}

const PageFields = Schema.Struct({ records: Schema.Array(Schema.Unknown), deletedIds: Schema.Array(Schema.String) })
const decodeMeta = ParseResult.decodeUnknown(Schema.NullOr(Meta))

/**
 * The envelope of a page of the collection `key`: `{"<key>": […], "meta": {"deleted_ids": […]}}`.
 *
 * @since 0.1.0
 */
export const Page = (key: string): Schema.Schema<Page, { readonly [x: string]: unknown }> =>
  Schema.transformOrFail(Schema.Record({ key: Schema.String, value: Schema.Unknown }), PageFields, {
    strict: true,
    decode: (body, _, ast) => {
      const records = body[key]
      if (!Array.isArray(records)) {
        return ParseResult.fail(
          new ParseResult.Pointer(key, body, new ParseResult.Type(ast, records, `Expected an array of ${key}`))
        )
      }
      return ParseResult.map(
        ParseResult.mapError(decodeMeta(body.meta ?? null), (issue) => new ParseResult.Pointer("meta", body, issue)),
        (meta) => ({ records, deletedIds: (meta?.deleted_ids ?? []).map(String) })
      )
    },
    encode: (page) => ParseResult.succeed({ [key]: page.records })
  })

/**
 * The body of an upstream webhook: `{"account_id", "event", "resource"}`.
 *
 * @since 0.1.0
 */
export const WebhookBody = Schema.Struct({
  account_id: Schema.Union(Schema.Int, Schema.String),
  event: Schema.String,
  resource: Schema.optional(Schema.Unknown)
})
/** @since 0.1.0 */
export type WebhookBody = typeof WebhookBody.Type
