/**
 * A fast check for sources that are already canonical: plain JSON-like data that the source schemas
 * (`LocationSource`, `ResourceSource`, `PriceSource`) would accept and decode to an equal value, i.e.
 * valid, without properties the schemas do not know, and already normalized (money at its currency's
 * minor unit, credit amounts without trailing zeros). Feeds and adapters that are in good order send
 * exactly that, so the sync engine can skip the (much slower) schema interpreter for them; anything else
 * answers `false` and goes through the schema, which is what reports errors and paths.
 *
 * It can only be stricter than the schemas, never more lenient: every leaf uses the predicate or literal
 * list the schema itself uses (`internal/checks.ts`, the schemas' `literals`), optionality is read from
 * the schemas' ASTs, and `struct` refuses (at load time, and in its type) a schema whose fields it does
 * not check one by one. `test/LocationSnapshot.test.ts` checks the equivalence on mutated fixtures.
 */
import type { Schema } from "effect"
import { SchemaAST } from "effect"
import * as Location from "../Location.js"
import { Money, normalizeDecimal } from "../Money.js"
import * as Price from "../Price.js"
import * as Resource from "../Resource.js"
import {
  creditDecimalPattern,
  isDateOrDateTime,
  isHttpUrl,
  isText,
  isTimestamp,
  localTimePattern,
  normalizeCredits
} from "./checks.js"
import { countryCodes, currencyMinorUnits } from "./iso.js"

/** @internal */
export type Check = (value: unknown) => boolean

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const hasOwn = Object.prototype.hasOwnProperty

/**
 * @internal A check of a `Schema.Struct` from one check per field: a plain object whose own enumerable
 * keys are all fields of the struct, every required field present, no field `undefined` (optional fields
 * are exact), and every present field passing its check.
 */
export const struct = <Fields extends Schema.Struct.Fields>(
  schema: { readonly fields: Fields; readonly ast: SchemaAST.AST },
  checks: { readonly [K in keyof Fields]-?: Check }
): Check => {
  const ast = schema.ast
  if (!SchemaAST.isTypeLiteral(ast) || ast.indexSignatures.length > 0) {
    throw new Error(`canonicalSource.struct: ${String(ast)} is not a plain struct`)
  }
  const byName = checks as Record<string, Check>
  const names = ast.propertySignatures.map((ps) => ps.name)
  if (
    names.length !== Object.keys(byName).length ||
    names.some((name) => typeof name !== "string" || !hasOwn.call(byName, name))
  ) {
    throw new Error(`canonicalSource.struct: the checks do not match the fields of ${String(ast)}`)
  }
  const fields = ast.propertySignatures.map((ps) => ({
    name: ps.name as string,
    optional: ps.isOptional,
    check: byName[ps.name as string]!
  }))
  const n = fields.length
  return (value) => {
    if (!isPlainObject(value)) return false
    let present = 0
    for (let i = 0; i < n; i++) {
      const field = fields[i]!
      const item = value[field.name]
      if (item === undefined) {
        // A missing required field, or an exact optional field present as `undefined`: both invalid.
        if (!field.optional || hasOwn.call(value, field.name)) return false
        continue
      }
      if (!field.check(item)) return false
      present++
    }
    // Exactly the present fields as own enumerable keys: nothing the schema would drop, nothing inherited.
    return Object.keys(value).length === present
  }
}

/** @internal */
export const array = (item: Check): Check => (value) => {
  if (!Array.isArray(value)) return false
  for (let i = 0; i < value.length; i++) {
    if (!item(value[i])) return false
  }
  return true
}

const literal = (schema: { readonly literals: ReadonlyArray<SchemaAST.LiteralValue> }): Check => {
  const values = new Set<unknown>(schema.literals)
  return (value) => values.has(value)
}

const isString: Check = (value) => typeof value === "string"
const boolean: Check = (value) => typeof value === "boolean"
const text: Check = (value) => typeof value === "string" && isText(value)
const externalId: Check = (value) => typeof value === "string" && isText(value) && value.length <= 256
const httpUrl: Check = (value) => typeof value === "string" && isHttpUrl(value)
const timestamp: Check = (value) => typeof value === "string" && isTimestamp(value)
const dateOrDateTime: Check = (value) => typeof value === "string" && isDateOrDateTime(value)
const localTime: Check = (value) => typeof value === "string" && localTimePattern.test(value)
const countryCode: Check = (value) => typeof value === "string" && countryCodes.has(value)
const currencyCode: Check = (value) => typeof value === "string" && currencyMinorUnits.has(value)
const timeZone: Check = (value) => value === null || (typeof value === "string" && Location.isIanaTimeZone(value))
const finiteBetween = (min: number, max: number): Check => (value) =>
  typeof value === "number" && Number.isFinite(value) && value >= min && value <= max
const positiveInt: Check = (value) => typeof value === "number" && Number.isSafeInteger(value) && value > 0
const nonNegativeInt: Check = (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0
const status = literal(Location.Status)

// `normalizeDecimal(amount, digits) === amount`, by shape: an optional minus sign, an integer part without
// leading zeros, exactly `digits` fraction digits, and no minus sign on zero.
const normalAmountShapes = [0, 1, 2, 3, 4].map((digits) =>
  digits === 0 ? /^-?(?:0|[1-9]\d*)$/ : new RegExp(`^-?(?:0|[1-9]\\d*)\\.\\d{${digits}}$`)
)
const negativeZero = /^-0(?:\.0*)?$/

/** @internal Whether `normalizeDecimal(amount, digits)` would return `amount` unchanged. */
export const isNormalAmount = (amount: string, digits: number): boolean => {
  const shape = normalAmountShapes[digits]
  if (shape === undefined) return normalizeDecimal(amount, digits) === amount
  return shape.test(amount) && !(amount.charCodeAt(0) === 45 && negativeZero.test(amount))
}

const moneyFields = struct(Money.from, { amount: isString, currency: currencyCode })
/** Valid money whose amount is already at the currency's minor unit (decoding would not rewrite it). */
const money: Check = (value) => {
  if (!moneyFields(value)) return false
  const { amount, currency } = value as { amount: string; currency: string }
  return isNormalAmount(amount, currencyMinorUnits.get(currency)!)
}
const credits: Check = (value) =>
  typeof value === "string" && creditDecimalPattern.test(value) && normalizeCredits(value) === value

/** @internal `LocationSource`. */
export const location: Check = struct(Location.LocationSource, {
  externalId,
  name: text,
  status,
  visible: boolean,
  timezone: timeZone,
  address: struct(Location.Address, {
    formatted: text,
    line1: text,
    line2: text,
    city: text,
    region: text,
    postalCode: text,
    countryCode
  }),
  geo: struct(Location.Geo, { lat: finiteBetween(-90, 90), lng: finiteBetween(-180, 180) }),
  currency: currencyCode,
  priceDisplay: literal(Location.LocationSource.fields.priceDisplay.from),
  description: isString,
  contact: struct(Location.LocationSource.fields.contact.from, { email: text, phone: text, website: httpUrl }),
  openingHours: array(
    struct(Location.OpeningHours, { day: literal(Location.Weekday), opens: localTime, closes: localTime })
  ),
  amenities: array(text),
  photos: array(httpUrl),
  sourceUpdatedAt: timestamp
})

/** @internal `ResourceSource`. */
export const resource: Check = struct(Resource.ResourceSource, {
  externalId,
  name: text,
  kind: literal(Resource.ResourceKind),
  usage: literal(Resource.ResourceUsage),
  capacity: nonNegativeInt,
  units: nonNegativeInt,
  minBookingMinutes: positiveInt,
  maxBookingMinutes: positiveInt,
  status,
  visible: boolean,
  amenities: array(text)
})

/** @internal `PriceSource`. */
export const price: Check = struct(Price.PriceSource, {
  externalId,
  name: text,
  category: literal(Price.PriceCategory),
  amount: money,
  unit: struct(Price.PriceUnit, { per: literal(Price.BillingPeriod), count: positiveInt }),
  recurring: boolean,
  tax: struct(Price.Tax, { mode: literal(Price.Tax.fields.mode), ratePercent: finiteBetween(0, 100) }),
  conditions: struct(Price.PriceConditions, {
    weekend: boolean,
    offPeak: boolean,
    membersOnly: boolean,
    minDurationMinutes: positiveInt,
    maxDurationMinutes: positiveInt,
    validFrom: dateOrDateTime,
    validTo: dateOrDateTime,
    fromTime: localTime,
    toTime: localTime
  }),
  alternatives: array(struct(Price.PriceAlternative, { amount: credits, creditUnit: text })),
  status,
  appliesTo: struct(Price.PriceSource.fields.appliesTo, {
    resourceIds: array(externalId),
    resourceKinds: array(literal(Resource.ResourceKind))
  })
})
