/**
 * Money is never a float: an amount is a decimal string at the currency's ISO 4217 minor unit
 * (`"175.00"` for EUR, `"1500"` for JPY, `"1.250"` for BHD).
 *
 * @since 0.1.0
 */
import { Either, ParseResult, Schema } from "effect"
import * as AdapterError from "./AdapterError.js"
import { currencyMinorUnits } from "./internal/iso.js"

/**
 * An ISO 4217 alphabetic currency code with a minor unit (the current list, see `internal/iso.ts`).
 *
 * @since 0.1.0
 */
export const CurrencyCode = Schema.String.pipe(
  Schema.filter((code) =>
    currencyMinorUnits.has(code) || `Expected an ISO 4217 currency code, got ${JSON.stringify(code)}`
  ),
  Schema.annotations({
    identifier: "CurrencyCode",
    description: "ISO 4217 alphabetic currency code",
    examples: ["EUR"]
  })
)
/** @since 0.1.0 */
export type CurrencyCode = typeof CurrencyCode.Type

/**
 * The number of digits after the decimal point for a currency (`EUR` → 2, `JPY` → 0), or `undefined`
 * when the code is not an ISO 4217 currency.
 *
 * @since 0.1.0
 */
export const minorUnits = (currency: string): number | undefined => currencyMinorUnits.get(currency)

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/

/**
 * Writes a decimal string at exactly `digits` fraction digits: pads with zeros, drops only zeros, strips
 * leading zeros of the integer part. Returns `undefined` when the string is not a decimal or would lose
 * precision ("1.005" at 2 digits).
 *
 * @since 0.1.0
 */
export const normalizeDecimal = (value: string, digits: number): string | undefined => {
  const match = decimalPattern.exec(value)
  if (match === null) return undefined
  const [, sign, intPart, fracPart = ""] = match
  const trimmed = fracPart.replace(/0+$/, "")
  if (trimmed.length > digits) return undefined
  const integer = intPart!.replace(/^0+(?=\d)/, "")
  const fraction = trimmed.padEnd(digits, "0")
  const isZero = /^0+$/.test(integer) && /^0*$/.test(fraction)
  return `${isZero ? "" : sign}${integer}${digits > 0 ? `.${fraction}` : ""}`
}

const MoneyFields = Schema.Struct({
  amount: Schema.String.annotations({
    description: "Decimal string at the currency's minor unit, e.g. \"175.00\"; never a number"
  }),
  currency: CurrencyCode
})

/**
 * An amount of money. Decoding accepts any exact decimal string (`"175"`, `"175.5"`) and normalizes it to
 * the currency's minor unit; a number, a malformed string, more precision than the currency has, or an
 * unknown currency is a decode error naming the path.
 *
 * @since 0.1.0
 */
export const Money = Schema.transformOrFail(MoneyFields, Schema.typeSchema(MoneyFields), {
  strict: true,
  decode: (input, _, ast) => {
    const digits = currencyMinorUnits.get(input.currency)!
    const amount = normalizeDecimal(input.amount, digits)
    return amount === undefined
      ? ParseResult.fail(
        new ParseResult.Pointer(
          "amount",
          input,
          new ParseResult.Type(
            ast,
            input.amount,
            `Expected a decimal amount with at most ${digits} fraction digit(s) for ${input.currency}, got ${
              JSON.stringify(input.amount)
            }`
          )
        )
      )
      : ParseResult.succeed({ amount, currency: input.currency })
  },
  encode: ParseResult.succeed
}).annotations({ identifier: "Money", description: "{amount: decimal string, currency: ISO 4217}" })
/** @since 0.1.0 */
export type Money = typeof Money.Type

/**
 * Builds a `Money` value, normalizing the amount; throws on invalid input (for literals in code and
 * tests; decode untrusted input with the `Money` schema instead).
 *
 * @since 0.1.0
 */
export const make = (amount: string, currency: string): Money => Schema.decodeUnknownSync(Money)({ amount, currency })

/**
 * An upstream amount (a JSON number, or a decimal string) as money at the currency's minor unit, for
 * normalizers: `InvalidData` naming `path` (and the location's `externalId`) when the currency is unknown
 * or the amount is negative, not an exact decimal, or finer than the currency's minor unit. An `Either`,
 * so it can be yielded in an `Effect.gen` too.
 *
 * @since 0.1.0
 */
export const fromUpstream = (
  value: string | number,
  currency: string,
  path: ReadonlyArray<string | number>,
  externalId?: string
): Either.Either<{ readonly amount: string; readonly currency: string }, AdapterError.AdapterError> => {
  const digits = currencyMinorUnits.get(currency)
  if (digits === undefined) {
    return Either.left(
      AdapterError.invalidData(path, `${path.join(".")}: unknown currency ${JSON.stringify(currency)}`, externalId)
    )
  }
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value.trim()
  const amount = /^\d+(\.\d+)?$/.test(text) ? normalizeDecimal(text, digits) : undefined
  return amount === undefined
    ? Either.left(
      AdapterError.invalidData(
        path,
        `${path.join(".")}: ${JSON.stringify(value)} is not an amount of ${currency}`,
        externalId
      )
    )
    : Either.right({ amount, currency })
}
