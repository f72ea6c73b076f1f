/**
 * BookingSync payloads → canonical snapshots. One rental is one location with the rental itself as its
 * one bookable resource; its rates, fees (`rentals_fees`) and taxes become prices.
 *
 * Records arrive undecoded and grouped by rental (`Bundle`), so that a malformed record makes only its
 * rental `Failed` (`InvalidData` naming the path, e.g. `rates.1127789.final_nightly_rate`).
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, Money, UpstreamHttp } from "@spacesync/adapter-kit"
import { Effect, Either, type Schema } from "effect"
import * as BookingSyncSchemas from "./BookingSyncSchemas.js"

/**
 * What one account holds, as read: its rentals and the records that hang off them, undecoded.
 *
 * @since 0.1.0
 * @category models
 */
export interface Bundle {
  readonly account: BookingSyncSchemas.Account
  readonly rentals: ReadonlyArray<unknown>
  readonly rates: ReadonlyArray<unknown>
  readonly rentalsFees: ReadonlyArray<unknown>
  readonly rentalsTaxes: ReadonlyArray<unknown>
  readonly taxes: ReadonlyArray<unknown>
  readonly feesTaxes: ReadonlyArray<unknown>
}

/** `links.<name>` of a raw record, as a string, when it has one. @since 0.1.0 */
export const linkOf = (record: unknown, name: string): string | undefined => {
  if (typeof record !== "object" || record === null) return undefined
  const links = (record as { readonly links?: unknown }).links
  if (typeof links !== "object" || links === null) return undefined
  const value = (links as Record<string, unknown>)[name]
  return typeof value === "number" || (typeof value === "string" && value !== "") ? String(value) : undefined
}

/** `id` of a raw record, as a string, when it has one. @since 0.1.0 */
export const idOf = (record: unknown): string | undefined => {
  if (typeof record !== "object" || record === null) return undefined
  const id = (record as { readonly id?: unknown }).id
  return typeof id === "number" || (typeof id === "string" && id !== "") ? String(id) : undefined
}

const text = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? undefined : trimmed
}

/** The text of a translation in `locale`, else English, else the first one. @since 0.1.0 */
export const translated = (
  value: BookingSyncSchemas.Translated | null,
  locale: string | null
): string | undefined => {
  if (value === null) return undefined
  const candidates = [locale ?? "en", "en", ...Object.keys(value).sort()]
  for (const key of candidates) {
    const found = text(value[key])
    if (found !== undefined) return found
  }
  return undefined
}

const dateOnly = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/

/**
 * A decimal string as money at the currency's minor unit (`"100.0"` EUR → `"100.00"`); `InvalidData`
 * naming `path` when the string is not an exact decimal the currency can hold or the currency is unknown.
 *
 * @since 0.1.0
 */
export const money = (
  amount: string,
  currency: string,
  path: ReadonlyArray<string | number>
): Either.Either<{ readonly amount: string; readonly currency: string }, AdapterError.AdapterError> => {
  const digits = Money.minorUnits(currency)
  if (digits === undefined) {
    return Either.left(
      AdapterError.invalidData(path, `${path.join(".")}: unknown currency ${JSON.stringify(currency)}`)
    )
  }
  const normalized = Money.normalizeDecimal(amount, digits)
  return normalized === undefined
    ? Either.left(
      AdapterError.invalidData(
        path,
        `${path.join(".")}: ${JSON.stringify(amount)} is not an amount of ${currency} (${digits} fraction digits)`
      )
    )
    : Either.right({ amount: normalized, currency })
}

type TaxLink = { readonly included: boolean | null; readonly percentage: string | undefined }

/**
 * The canonical tax of a price from the taxes that apply to it: one tax gives its mode (from
 * `tax_included_in_rate`) and rate; several with one mode give the mode; none, or a mode the data does
 * not state, is `unknown`.
 *
 * @since 0.1.0
 */
export const taxOf = (links: ReadonlyArray<TaxLink>): Adapter.SnapshotSource["prices"][number]["tax"] => {
  if (links.length === 0) return { mode: "unknown" }
  const modes = new Set(links.map((l) => l.included))
  if (modes.size !== 1 || modes.has(null)) return { mode: "unknown" }
  const mode = links[0]!.included ? "inclusive" : "exclusive"
  const percentage = links.length === 1 ? links[0]!.percentage : undefined
  const rate = percentage === undefined ? NaN : Number(percentage)
  return Number.isFinite(rate) && rate >= 0 && rate <= 100 ? { mode, ratePercent: rate } : { mode }
}

const rateUnits = [
  { per: "day", field: "nightly", label: "night" },
  { per: "week", field: "weekly", label: "week" },
  { per: "month", field: "monthly", label: "month" }
] as const

const feeUnits: Record<string, { readonly per: "once" | "day"; readonly label: string } | undefined> = {
  fixed: { per: "once", label: "per stay" },
  fixed_per_night: { per: "day", label: "per night" }
}

const decodeRecord = <A, I>(
  schema: Schema.Schema<A, I>,
  prefix: ReadonlyArray<string | number>,
  externalId: string
) => UpstreamHttp.decodeUnknown(schema, { prefix, externalId })

/**
 * The canonical snapshot of the rental `raw` of `bundle` (records grouped by rental id: see `group`), or
 * its failure.
 *
 * @since 0.1.0
 */
export const rental = (
  bundle: Bundle,
  grouped: Grouped,
  raw: unknown
): Effect.Effect<Adapter.SnapshotSource, AdapterError.AdapterError> => {
  const externalId = idOf(raw) ?? "?"
  const invalid = (path: ReadonlyArray<string | number>, message: string) =>
    AdapterError.invalidData(path, `${path.join(".")}: ${message}`, externalId)
  return Effect.gen(function*() {
    const r = yield* decodeRecord(BookingSyncSchemas.Rental, ["rental"], externalId)(raw)
    const locale = bundle.account.default_locale
    const currency = text(r.currency) ?? text(bundle.account.currency)
    if (currency === undefined) {
      return yield* invalid(["rental", "currency"], "neither the rental nor its account names a currency")
    }
    if (Money.minorUnits(currency) === undefined) {
      return yield* invalid(["rental", "currency"], `unknown currency ${JSON.stringify(currency)}`)
    }
    const name = text(r.name)
    if (name === undefined) return yield* invalid(["rental", "name"], "empty name")
    const visible = r.published_at !== null

    const address: Record<string, string> = {}
    const put = (key: string, value: string | null) => {
      const t = text(value)
      if (t !== undefined) address[key] = t
    }
    put("line1", r.address1)
    put("line2", r.address2)
    put("city", r.city)
    put("region", r.state)
    put("postalCode", r.zip)
    const country = text(r.country_code)
    if (country !== undefined) address.countryCode = country.toUpperCase()

    const description = translated(r.description, locale)
    const location: Adapter.SnapshotSource["location"] = {
      externalId,
      name,
      status: "active",
      visible,
      timezone: null,
      address,
      currency,
      ...(r.lat !== null && r.lng !== null ? { geo: { lat: r.lat, lng: r.lng } } : {}),
      ...(description !== undefined ? { description } : {})
    }
    const capacity = r.sleeps_max ?? r.sleeps
    const resource: Adapter.SnapshotSource["resources"][number] = {
      externalId,
      name,
      kind: "other",
      usage: "bookable",
      status: "active",
      visible,
      ...(capacity !== null && capacity >= 0 ? { capacity } : {})
    }
    const appliesTo = { resourceIds: [externalId] }
    const prices: Array<Adapter.SnapshotSource["prices"][number]> = []

    const rentalTaxes: Array<TaxLink> = []
    for (const rawLink of grouped.rentalsTaxes.get(externalId) ?? []) {
      const link = yield* decodeRecord(
        BookingSyncSchemas.RentalsTax,
        ["rentals_taxes", idOf(rawLink) ?? "?"],
        externalId
      )(
        rawLink
      )
      rentalTaxes.push({ included: link.tax_included_in_rate, percentage: grouped.taxes.get(String(link.links.tax)) })
    }
    const rentalTax = taxOf(rentalTaxes)

    for (const rawRate of grouped.rates.get(externalId) ?? []) {
      const prefix = ["rates", idOf(rawRate) ?? "?"]
      const rate = yield* decodeRecord(BookingSyncSchemas.Rate, prefix, externalId)(rawRate)
      const rateCurrency = text(rate.currency) ?? currency
      const conditions: Record<string, string | number> = {}
      if (rate.start_date !== null && dateOnly.test(rate.start_date)) conditions.validFrom = rate.start_date
      if (rate.end_date !== null && dateOnly.test(rate.end_date)) conditions.validTo = rate.end_date
      if (rate.minimum_stay !== null && rate.minimum_stay > 0) {
        conditions.minDurationMinutes = rate.minimum_stay * 24 * 60
      }
      const period = rate.start_date !== null && rate.end_date !== null
        ? ` (${rate.start_date} – ${rate.end_date})`
        : ""
      for (const unit of rateUnits) {
        const finalField = `final_${unit.field}_rate` as const
        const initialField = `initial_${unit.field}_rate` as const
        const field = rate[finalField] !== null ? finalField : initialField
        const value = rate[field]
        if (value === null) continue
        const amount = money(value, rateCurrency, [...prefix, field])
        if (Either.isLeft(amount)) return yield* Effect.fail(AdapterError.withExternalId(amount.left, externalId))
        prices.push({
          externalId: `rate-${rate.id}-${unit.per}`,
          name: `${name} per ${unit.label}${period}`,
          category: "resource_rate",
          appliesTo,
          amount: amount.right,
          unit: { per: unit.per, count: 1 },
          recurring: false,
          tax: rentalTax,
          ...(Object.keys(conditions).length > 0 ? { conditions } : {}),
          status: "active"
        })
      }
    }

    for (const rawFee of grouped.rentalsFees.get(externalId) ?? []) {
      const prefix = ["rentals_fees", idOf(rawFee) ?? "?"]
      const fee = yield* decodeRecord(BookingSyncSchemas.RentalsFee, prefix, externalId)(rawFee)
      const unit = feeUnits[fee.rate_kind]
      // Archived fees no longer apply; percentage and per-person fees have no canonical unit.
      if (fee.archived_at !== null || unit === undefined) continue
      const amount = money(fee.rate, currency, [...prefix, "rate"])
      if (Either.isLeft(amount)) return yield* Effect.fail(AdapterError.withExternalId(amount.left, externalId))
      const feeId = fee.links.fee === undefined || fee.links.fee === null ? undefined : String(fee.links.fee)
      const feeTaxes = feeId === undefined ? [] : (grouped.feesTaxes.get(feeId) ?? [])
      const conditions: Record<string, string> = {}
      if (fee.start_date !== null && dateOnly.test(fee.start_date)) conditions.validFrom = fee.start_date
      if (fee.end_date !== null && dateOnly.test(fee.end_date)) conditions.validTo = fee.end_date
      prices.push({
        externalId: `rentals_fee-${fee.id}`,
        name: `${translated(fee.name, locale) ?? `Fee ${fee.id}`} ${unit.label}`,
        category: "addon",
        appliesTo,
        amount: amount.right,
        unit: { per: unit.per, count: 1 },
        recurring: false,
        tax: taxOf(feeTaxes),
        ...(Object.keys(conditions).length > 0 ? { conditions } : {}),
        status: "active"
      })
    }

    return { location, resources: [resource], prices }
  })
}

/**
 * The records of a bundle grouped by the rental (or fee, or tax) they belong to. Records whose link
 * cannot be read are kept apart (`orphans`): the read cannot tell which rental they are about.
 *
 * @since 0.1.0
 * @category models
 */
export interface Grouped {
  readonly rates: ReadonlyMap<string, ReadonlyArray<unknown>>
  readonly rentalsFees: ReadonlyMap<string, ReadonlyArray<unknown>>
  readonly rentalsTaxes: ReadonlyMap<string, ReadonlyArray<unknown>>
  /** Tax id → percentage (the account's taxes only). */
  readonly taxes: ReadonlyMap<string, string>
  /** Fee id → the taxes that apply to it. */
  readonly feesTaxes: ReadonlyMap<string, ReadonlyArray<TaxLink>>
  /** Records without a readable link: `[collection, index]`. */
  readonly orphans: ReadonlyArray<readonly [string, number]>
}

const byLink = (
  records: ReadonlyArray<unknown>,
  link: string,
  collection: string,
  orphans: Array<readonly [string, number]>
) => {
  const map = new Map<string, Array<unknown>>()
  records.forEach((record, i) => {
    const key = linkOf(record, link)
    if (key === undefined) return void orphans.push([collection, i])
    const list = map.get(key)
    if (list === undefined) map.set(key, [record])
    else list.push(record)
  })
  return map
}

/**
 * Groups the records of `bundle` by rental.
 *
 * @since 0.1.0
 */
export const group = (bundle: Bundle): Grouped => {
  const orphans: Array<readonly [string, number]> = []
  const accountId = String(bundle.account.id)
  const taxes = new Map<string, string>()
  for (const raw of bundle.taxes) {
    const id = idOf(raw)
    const percentage = (raw as { readonly percentage?: unknown } | null)?.percentage
    if (id !== undefined && linkOf(raw, "account") === accountId && typeof percentage === "string") {
      taxes.set(id, percentage)
    }
  }
  const feesTaxes = new Map<string, Array<TaxLink>>()
  for (const raw of bundle.feesTaxes) {
    const fee = linkOf(raw, "fee")
    const tax = linkOf(raw, "tax")
    if (fee === undefined || tax === undefined) continue
    const included = (raw as { readonly tax_included_in_rate?: unknown }).tax_included_in_rate
    const list = feesTaxes.get(fee) ?? []
    list.push({ included: typeof included === "boolean" ? included : null, percentage: taxes.get(tax) })
    feesTaxes.set(fee, list)
  }
  return {
    rates: byLink(bundle.rates, "rental", "rates", orphans),
    rentalsFees: byLink(bundle.rentalsFees, "rental", "rentals_fees", orphans),
    rentalsTaxes: byLink(bundle.rentalsTaxes, "rental", "rentals_taxes", orphans),
    taxes,
    feesTaxes,
    orphans
  }
}

/**
 * The rentals of the bundle's account (`links.account` is the account's id): other accounts that
 * authorized the application are never read.
 *
 * @since 0.1.0
 */
export const accountRentals = (bundle: Bundle): ReadonlyArray<unknown> =>
  bundle.rentals.filter((raw) => linkOf(raw, "account") === String(bundle.account.id))

/**
 * Every rental of the bundle's account as a read element (`Snapshot`, or `Failed` with the path), in
 * listing order. A rental without a readable id fails the whole read (which location it is cannot be
 * told).
 *
 * @since 0.1.0
 */
export const results = (
  bundle: Bundle,
  wanted?: ReadonlySet<string>
): Effect.Effect<ReadonlyArray<Adapter.LocationResult>, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const grouped = group(bundle)
    const orphan = grouped.orphans[0]
    if (orphan !== undefined) {
      const [collection, index] = orphan
      return yield* AdapterError.invalidData(
        [collection, index, "links"],
        `${collection}.${index}.links: a record that names no rental`
      )
    }
    const out: Array<Adapter.LocationResult> = []
    const rentals = accountRentals(bundle)
    for (let i = 0; i < rentals.length; i++) {
      const raw = rentals[i]
      const externalId = idOf(raw)
      if (externalId === undefined) {
        return yield* AdapterError.invalidData(["rentals", i, "id"], `rentals.${i}.id: a rental without an id`)
      }
      if (wanted !== undefined && !wanted.has(externalId)) continue
      out.push(yield* Adapter.locationResult(externalId, rental(bundle, grouped, raw)))
    }
    return out
  })
