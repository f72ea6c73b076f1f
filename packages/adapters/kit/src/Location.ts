/**
 * A workspace location (a coworking centre, a building) as every platform sees it.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { HttpUrl } from "./HttpUrl.js"
import { LocationId } from "./Ids.js"
import { isText, isTimestamp, localTimePattern } from "./internal/checks.js"
import { countryCodes } from "./internal/iso.js"
import { CurrencyCode } from "./Money.js"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** A non-empty string without surrounding whitespace. @since 0.1.0 */
export const Text = Schema.String.pipe(
  Schema.filter((s) => isText(s) || "Expected a non-empty string without surrounding spaces")
)

/** The upstream system's own id of a record. @since 0.1.0 */
export const ExternalId = Text.pipe(Schema.maxLength(256)).annotations({
  identifier: "ExternalId",
  description: "The upstream system's id of this record"
})

/** Lifecycle of a location, resource or price. @since 0.1.0 */
export const Status = Schema.Literal("active", "inactive", "deleted")
/** @since 0.1.0 */
export type Status = typeof Status.Type

/**
 * An ISO 3166-1 alpha-2 country code (upper case).
 *
 * @since 0.1.0
 */
export const CountryCode = Schema.String.pipe(
  Schema.filter((code) =>
    countryCodes.has(code) || `Expected an ISO 3166-1 alpha-2 country code, got ${JSON.stringify(code)}`
  ),
  Schema.annotations({ identifier: "CountryCode", examples: ["GB"] })
)

const ianaShape = /^(?:[A-Za-z][A-Za-z0-9_+-]*)(?:\/[A-Za-z0-9_+-]+)*$/
const zoneCache = new Map<string, boolean>()

/**
 * Whether `zone` names a time zone of the IANA database known to this runtime ("Europe/London",
 * "Asia/Calcutta", "UTC"); offsets such as "+01:00" are not zones.
 *
 * @since 0.1.0
 */
export const isIanaTimeZone = (zone: string): boolean => {
  let known = zoneCache.get(zone)
  if (known === undefined) {
    known = ianaShape.test(zone) && (() => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone })
        return true
      } catch {
        return false
      }
    })()
    if (zoneCache.size < 10_000) zoneCache.set(zone, known)
  }
  return known
}

/** An IANA time zone name. @since 0.1.0 */
export const TimeZone = Schema.String.pipe(
  Schema.filter((zone) => isIanaTimeZone(zone) || `Expected an IANA time zone, got ${JSON.stringify(zone)}`),
  Schema.annotations({ identifier: "TimeZone", examples: ["Europe/London"] })
)

/** A postal address; every part is optional because upstream systems differ. @since 0.1.0 */
export const Address = Schema.Struct({
  formatted: opt(Text),
  line1: opt(Text),
  line2: opt(Text),
  city: opt(Text),
  region: opt(Text),
  postalCode: opt(Text),
  countryCode: opt(CountryCode)
}).annotations({ identifier: "Address" })
/** @since 0.1.0 */
export type Address = typeof Address.Type

/** WGS 84 coordinates. @since 0.1.0 */
export const Geo = Schema.Struct({
  lat: Schema.Number.pipe(Schema.finite(), Schema.between(-90, 90)),
  lng: Schema.Number.pipe(Schema.finite(), Schema.between(-180, 180))
}).annotations({ identifier: "Geo" })

/** @since 0.1.0 */
export const Weekday = Schema.Literal("mon", "tue", "wed", "thu", "fri", "sat", "sun")
/** @since 0.1.0 */
export type Weekday = typeof Weekday.Type

/** The order of days in a week, for sorting. @since 0.1.0 */
export const weekdays: ReadonlyArray<Weekday> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

/** A time of day, `"HH:MM"` (`"24:00"` for the end of the day), in the location's local time. @since 0.1.0 */
export const LocalTime = Schema.String.pipe(
  Schema.pattern(localTimePattern, { message: () => "Expected a local time \"HH:MM\"" })
)

/** Opening hours of one day, in the location's local time. @since 0.1.0 */
export const OpeningHours = Schema.Struct({ day: Weekday, opens: LocalTime, closes: LocalTime }).annotations({
  identifier: "OpeningHours"
})

/** An ISO 8601 date-time with an offset or `Z`, kept as sent. @since 0.1.0 */
export const Timestamp = Schema.String.pipe(
  Schema.filter((s) => isTimestamp(s) || "Expected an ISO 8601 date-time with an offset")
)

/** The fields of a location that an adapter supplies (everything but the hub id). @since 0.1.0 */
export const sourceFields = {
  externalId: ExternalId,
  name: Text,
  status: Status,
  visible: Schema.Boolean,
  timezone: Schema.NullOr(TimeZone),
  address: Address,
  geo: opt(Geo),
  currency: CurrencyCode,
  priceDisplay: opt(Schema.Literal("net", "gross")),
  description: opt(Schema.String),
  contact: opt(Schema.Struct({ email: opt(Text), phone: opt(Text), website: opt(HttpUrl) })),
  openingHours: opt(Schema.Array(OpeningHours)),
  amenities: opt(Schema.Array(Text)),
  photos: opt(Schema.Array(HttpUrl)),
  sourceUpdatedAt: opt(Timestamp)
}

/**
 * A location as an adapter reads it from upstream: canonical fields, no hub id.
 *
 * @since 0.1.0
 */
export const LocationSource = Schema.Struct(sourceFields).annotations({ identifier: "LocationSource" })
/** @since 0.1.0 */
export type LocationSource = typeof LocationSource.Type

/**
 * A location in the canonical model.
 *
 * @since 0.1.0
 */
export const Location = Schema.Struct({ id: LocationId, ...sourceFields }).annotations({ identifier: "Location" })
/** @since 0.1.0 */
export type Location = typeof Location.Type
