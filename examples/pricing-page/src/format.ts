/**
 * How the page writes money, units and tax. Money is never a float: the hub sends `{amount: "175.00",
 * currency: "EUR"}`, and the decimal string goes to `Intl.NumberFormat` as a string (exact decimal
 * formatting), with at least the currency's minor unit digits and never fewer digits than the hub sent.
 */

/** `{amount, currency}` as the hub sends it. */
export interface Money {
  readonly amount: string
  readonly currency: string
}

export interface Unit {
  readonly per: string
  readonly count: number
}

export interface Tax {
  readonly mode: "exclusive" | "inclusive" | "unknown"
  readonly ratePercent?: number | undefined
}

const decimal = /^-?\d+(?:\.(\d+))?$/
const currencyCode = /^[A-Z]{3}$/

/** The currency's ISO 4217 minor unit as the runtime knows it (2 for EUR, 0 for JPY, 3 for BHD). */
export const minorUnit = (currency: string): number =>
  new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2

/**
 * `"1234.50"` EUR in `de-DE` → `"1.234,50 €"`. Throws on an amount that is not a decimal string or a
 * currency that is not an ISO 4217 code, so bad data never shows as a wrong price.
 */
export const formatMoney = (money: Money, locale: string): string => {
  const match = decimal.exec(money.amount)
  if (match === null) throw new Error(`not a decimal amount: ${JSON.stringify(money.amount)}`)
  if (!currencyCode.test(money.currency)) throw new Error(`not an ISO 4217 currency: ${JSON.stringify(money.currency)}`)
  const minor = minorUnit(money.currency)
  const sent = match[1]?.length ?? 0
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: money.currency,
    minimumFractionDigits: minor,
    maximumFractionDigits: Math.max(minor, sent)
  })
  // A string is formatted as an exact decimal (Intl.NumberFormat v3): no rounding through a float.
  return format.format(money.amount as `${number}`)
}

/** The words of the page in the languages it speaks; other locales use English. */
const messages = {
  en: {
    per: (count: number, one: string, many: string) => count === 1 ? `per ${one}` : `per ${count} ${many}`,
    units: {
      minute: ["minute", "minutes"],
      hour: ["hour", "hours"],
      half_day: ["half day", "half days"],
      day: ["day", "days"],
      week: ["week", "weeks"],
      four_weeks: ["4 weeks", "× 4 weeks"],
      month: ["month", "months"],
      thirty_days: ["30 days", "× 30 days"],
      year: ["year", "years"],
      use: ["use", "uses"]
    } as Record<string, readonly [string, string]>,
    once: "one-off",
    inclusive: (rate: string | undefined) => rate === undefined ? "incl. VAT" : `incl. ${rate} VAT`,
    exclusive: (rate: string | undefined) => rate === undefined ? "excl. VAT" : `excl. ${rate} VAT`
  },
  de: {
    per: (count: number, one: string, many: string) => count === 1 ? `pro ${one}` : `pro ${count} ${many}`,
    units: {
      minute: ["Minute", "Minuten"],
      hour: ["Stunde", "Stunden"],
      half_day: ["halben Tag", "halbe Tage"],
      day: ["Tag", "Tage"],
      week: ["Woche", "Wochen"],
      four_weeks: ["4 Wochen", "× 4 Wochen"],
      month: ["Monat", "Monate"],
      thirty_days: ["30 Tage", "× 30 Tage"],
      year: ["Jahr", "Jahre"],
      use: ["Nutzung", "Nutzungen"]
    } as Record<string, readonly [string, string]>,
    once: "einmalig",
    inclusive: (rate: string | undefined) => rate === undefined ? "inkl. MwSt." : `inkl. ${rate} MwSt.`,
    exclusive: (rate: string | undefined) => rate === undefined ? "zzgl. MwSt." : `zzgl. ${rate} MwSt.`
  }
}

export type Language = keyof typeof messages

/** The page's language for a locale: German for `de*`, English otherwise. */
export const language = (locale: string): Language => (locale.toLowerCase().startsWith("de") ? "de" : "en")

/** `{per: "hour", count: 1}` → "per hour"; `{per: "four_weeks", count: 1}` → "per 4 weeks"; `once` → "one-off". */
export const formatUnit = (unit: Unit, locale: string): string => {
  const words = messages[language(locale)]
  if (unit.per === "once") return words.once
  const names = words.units[unit.per]
  if (names === undefined) return words.per(unit.count, unit.per, unit.per)
  if (unit.count === 1) return words.per(1, names[0], names[1])
  // "per 2 × 4 weeks" reads badly: multiples of compound units are written out.
  if (unit.per === "four_weeks") return words.per(unit.count * 4, "", words.units.week![1])
  if (unit.per === "thirty_days") return words.per(unit.count * 30, "", words.units.day![1])
  return words.per(unit.count, names[0], names[1])
}

/** A tax rate as the locale writes percentages: 19 → "19%" (en), "19 %" (de). */
export const formatPercent = (ratePercent: number, locale: string): string =>
  new Intl.NumberFormat(locale, { style: "unit", unit: "percent", maximumFractionDigits: 3 }).format(ratePercent)

/**
 * What the price says about tax: "incl. 19% VAT", "excl. VAT"… and nothing at all when the hub says
 * `unknown` (the page claims nothing the data does not say).
 */
export const formatTax = (tax: Tax, locale: string): string | undefined => {
  const words = messages[language(locale)]
  const rate = tax.ratePercent === undefined ? undefined : formatPercent(tax.ratePercent, locale)
  switch (tax.mode) {
    case "inclusive":
      return words.inclusive(rate)
    case "exclusive":
      return words.exclusive(rate)
    default:
      return undefined
  }
}
