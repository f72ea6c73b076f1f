/**
 * The Nexudus admin REST API payloads the adapter reads, as Schemas. Only the fields the adapter uses are
 * declared; the many others are ignored. Field names and types follow records the real API returned
 * (flattened relations: `BusinessId`, `CurrencyCode`, `TaxRateId`, `ResourceTypeId`), enumerations are
 * integers, amounts are JSON numbers (`350.0`, `0.4167`): the normalizer turns them into exact decimal
 * strings, never adding them up as floats.
 *
 * Every listing answers `{Records: […], CurrentPage, CurrentPageSize, HasNextPage, TotalPages, …}`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

const optNull = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(Schema.NullOr(schema), { default: () => null })

/** A Nexudus record id (an integer). @since 0.1.0 */
export const Id = Schema.Int.annotations({ identifier: "NexudusId" })

/** A page of a listing: its records, still undecoded, and whether more follow. @since 0.1.0 */
export const Page = Schema.Struct({
  Records: Schema.Array(Schema.Unknown),
  CurrentPage: Schema.optional(Schema.NullOr(Schema.Number)),
  HasNextPage: Schema.optional(Schema.NullOr(Schema.Boolean)),
  TotalPages: Schema.optional(Schema.NullOr(Schema.Number))
})
/** @since 0.1.0 */
export type Page = typeof Page.Type

/** What every record carries: its id, its business (when it has one) and when it last changed. @since 0.1.0 */
export const Head = Schema.Struct({
  Id,
  BusinessId: optNull(Id),
  UpdatedOn: optNull(Schema.String)
})
/** @since 0.1.0 */
export type Head = typeof Head.Type

const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const

/** The week days of a business's opening-hour fields (`MondayOpenTime`, …). @since 0.1.0 */
export const weekDays = days

const openingFields = Object.fromEntries(
  days.flatMap((day) => [
    [`${day}OpenTime`, optNull(Schema.Number)],
    [`${day}CloseTime`, optNull(Schema.Number)],
    [`${day}Closed`, optNull(Schema.Boolean)]
  ])
) as
  & {
    readonly [K in `${typeof days[number]}${"OpenTime" | "CloseTime"}`]: ReturnType<
      typeof optNull<typeof Schema.Number>
    >
  }
  & { readonly [K in `${typeof days[number]}Closed`]: ReturnType<typeof optNull<typeof Schema.Boolean>> }

/** A business (`GET /api/sys/businesses`): one location. @since 0.1.0 */
export const Business = Schema.Struct({
  Id,
  Name: Schema.String,
  Address: optNull(Schema.String),
  TownCity: optNull(Schema.String),
  PostalCode: optNull(Schema.String),
  CountryName: optNull(Schema.String),
  CurrencyCode: optNull(Schema.String),
  SimpleTimeZoneId: optNull(Id),
  Phone: optNull(Schema.String),
  EmailContact: optNull(Schema.String),
  WebContact: optNull(Schema.String),
  Latitude: optNull(Schema.Number),
  Longitude: optNull(Schema.Number),
  Suspended: optNull(Schema.Boolean),
  UpdatedOn: optNull(Schema.String),
  ...openingFields
}).annotations({ identifier: "NexudusBusiness" })
/** @since 0.1.0 */
export type Business = typeof Business.Type

/**
 * A simple time zone (`GET /api/sys/simpletimezones`). Its Windows time-zone id is `SystemId`, or `Name`
 * when `SystemId` is empty (the reference shows `Name: "GMT Standard Time"`).
 *
 * @since 0.1.0
 */
export const SimpleTimeZone = Schema.Struct({
  Id,
  Name: optNull(Schema.String),
  SystemId: optNull(Schema.String)
}).annotations({ identifier: "NexudusSimpleTimeZone" })
/** @since 0.1.0 */
export type SimpleTimeZone = typeof SimpleTimeZone.Type

/** A tax rate (`GET /api/sys/taxrates`): `Rate` in percent. @since 0.1.0 */
export const TaxRate = Schema.Struct({
  Id,
  BusinessId: optNull(Id),
  Name: optNull(Schema.String),
  Rate: Schema.Number
}).annotations({ identifier: "NexudusTaxRate" })
/** @since 0.1.0 */
export type TaxRate = typeof TaxRate.Type

/** The amenity flags of a resource, in the API's order. @since 0.1.0 */
export const amenityFields = [
  "Projector",
  "Internet",
  "ConferencePhone",
  "StandardPhone",
  "WhiteBoard",
  "LargeDisplay",
  "Catering",
  "TeaAndCoffee",
  "Drinks",
  "SecurityLock",
  "CCTV",
  "VoiceRecorder",
  "AirConditioning",
  "Heating",
  "NaturalLight",
  "StandingDesk",
  "QuietZone",
  "WirelessCharger",
  "PrivacyScreen",
  "Soundproof",
  "VideoConferencing",
  "DualDisplayScreen",
  "DisplayScreen",
  "WirelessPresentation",
  "PaSystem",
  "DesktopMonitor",
  "FlipChart",
  "SecureStorage"
] as const

const amenityFlags = Object.fromEntries(amenityFields.map((name) => [name, optNull(Schema.Boolean)])) as {
  readonly [K in typeof amenityFields[number]]: ReturnType<typeof optNull<typeof Schema.Boolean>>
}

/** A resource (`GET /api/spaces/resources`). @since 0.1.0 */
export const Resource = Schema.Struct({
  Id,
  BusinessId: Id,
  Name: Schema.String,
  SystemResourceType: optNull(Schema.Int),
  ResourceTypeId: optNull(Id),
  Visible: optNull(Schema.Boolean),
  Archived: optNull(Schema.Boolean),
  Allocation: optNull(Schema.Int),
  MinBookingLength: optNull(Schema.Int),
  MaxBookingLength: optNull(Schema.Int),
  ...amenityFlags
}).annotations({ identifier: "NexudusResource" })
/** @since 0.1.0 */
export type Resource = typeof Resource.Type

/** A tariff, i.e. a membership plan (`GET /api/billing/tariffs`). @since 0.1.0 */
export const Tariff = Schema.Struct({
  Id,
  BusinessId: Id,
  Name: Schema.String,
  SystemTariffType: optNull(Schema.Int),
  Price: Schema.Number,
  CurrencyCode: Schema.String,
  TaxRateId: optNull(Id),
  InvoiceEvery: optNull(Schema.Int),
  InvoiceEveryWeeks: optNull(Schema.Int),
  SignUpFee: optNull(Schema.Number),
  Visible: optNull(Schema.Boolean),
  Archived: optNull(Schema.Boolean)
}).annotations({ identifier: "NexudusTariff" })
/** @since 0.1.0 */
export type Tariff = typeof Tariff.Type

/** A product (`GET /api/billing/products`). @since 0.1.0 */
export const Product = Schema.Struct({
  Id,
  BusinessId: Id,
  Name: Schema.String,
  SystemProductType: optNull(Schema.Int),
  Price: Schema.Number,
  CurrencyCode: Schema.String,
  TaxRateId: optNull(Id),
  AvailableAs: optNull(Schema.Int),
  OnlyForMembers: optNull(Schema.Boolean),
  Visible: optNull(Schema.Boolean),
  Archived: optNull(Schema.Boolean)
}).annotations({ identifier: "NexudusProduct" })
/** @since 0.1.0 */
export type Product = typeof Product.Type

/** A booking rate, i.e. an extra service (`GET /api/billing/extraservices`). @since 0.1.0 */
export const ExtraService = Schema.Struct({
  Id,
  BusinessId: Id,
  Name: Schema.String,
  ResourceTypes: optNull(Schema.Array(Id)),
  Price: Schema.Number,
  CreditPrice: optNull(Schema.Number),
  ChargePeriod: Schema.Int,
  MaximumPrice: optNull(Schema.Number),
  CurrencyCode: Schema.String,
  TaxRateId: optNull(Id),
  FromTime: optNull(Schema.Number),
  ToTime: optNull(Schema.Number),
  MinLength: optNull(Schema.Int),
  MaxLength: optNull(Schema.Int),
  FixedCostLength: optNull(Schema.Int),
  FixedCostPrice: optNull(Schema.Number),
  OnlyForMembers: optNull(Schema.Boolean),
  IsBookingCredit: optNull(Schema.Boolean),
  IsPrintingCredit: optNull(Schema.Boolean),
  Visible: optNull(Schema.Boolean),
  Archived: optNull(Schema.Boolean),
  ApplyFrom: optNull(Schema.String),
  ApplyTo: optNull(Schema.String)
}).annotations({ identifier: "NexudusExtraService" })
/** @since 0.1.0 */
export type ExtraService = typeof ExtraService.Type

/**
 * A webhook body: `JsonConvert.SerializeObject(new[]{dto})`, a JSON array of one record (a booking, a
 * coworker, a contract…). Only `BusinessId` matters here.
 *
 * @since 0.1.0
 */
export const WebhookBody = Schema.Array(
  Schema.Struct({ BusinessId: Schema.optional(Schema.NullOr(Schema.Number)) })
)
