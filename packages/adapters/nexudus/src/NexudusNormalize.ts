/**
 * Nexudus payloads → canonical snapshots. Each business is one location; its resources are resources;
 * its tariffs (membership plans, with their sign-up fees), products and booking rates (extra services,
 * linked to resources through resource types) are prices.
 *
 * Money: amounts are JSON numbers upstream. They are turned into exact decimal strings (the shortest
 * decimal that round-trips, which is what Nexudus stored: four decimals at most) and kept at the
 * currency's ISO 4217 minor unit, never added up as floats; an amount finer than the minor unit is
 * `InvalidData` naming its path, except per-minute booking rates (see `perMinute`).
 *
 * Tax: a price names a tax rate (`TaxRateId`) whose `Rate` is the percentage; Nexudus records say nowhere
 * whether an amount includes it, so the mode is always `unknown` (with the rate when there is one).
 *
 * A record that does not decode makes its business `Failed` with `InvalidData` naming the record's path
 * (`["tariffs", 7, "Price"]`, the position in its listing); the other businesses still sync. A record
 * whose business cannot even be read is a `Failed` naming the record (no `externalId`).
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, Money, UpstreamHttp } from "@spacesync/adapter-kit"
import { Effect, Either, Schema } from "effect"
import * as NexudusSchemas from "./NexudusSchemas.js"
import * as NexudusTimeZones from "./NexudusTimeZones.js"

/** What a read holds: every listing, undecoded. @since 0.1.0 @category models */
export interface Bundle {
  readonly businesses: ReadonlyArray<unknown>
  readonly simpletimezones: ReadonlyArray<unknown>
  readonly taxrates: ReadonlyArray<unknown>
  readonly resources: ReadonlyArray<unknown>
  readonly tariffs: ReadonlyArray<unknown>
  readonly products: ReadonlyArray<unknown>
  readonly extraservices: ReadonlyArray<unknown>
}

type Snapshot = Adapter.SnapshotSource
type PriceOut = Snapshot["prices"][number]
type ResourceOut = Snapshot["resources"][number]
type LocationOut = Snapshot["location"]
type Unit = PriceOut["unit"]
type Path = ReadonlyArray<string | number>

/** A problem with one record, thrown inside the build of one business and turned into its `Failed`. */
class Invalid {
  constructor(readonly error: AdapterError.AdapterError) {}
}

const invalid = (path: Path, message: string): never => {
  throw new Invalid(AdapterError.invalidData(path, `${path.join(".")}: ${message}`))
}

const decodeOrThrow = <A, I>(schema: Schema.Schema<A, I>, record: unknown, path: Path): A => {
  const decoded = Schema.decodeUnknownEither(schema)(record)
  if (Either.isLeft(decoded)) throw new Invalid(UpstreamHttp.fromParseError(decoded.left, { prefix: path }))
  return decoded.right
}

const text = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? undefined : trimmed
}

// ---- exact decimals ----

/** An exact non-negative decimal: `int / 10^scale`. @since 0.1.0 */
export interface Decimal {
  readonly int: bigint
  readonly scale: number
}

/**
 * The exact decimal a JSON number was written as (`0.4167` → 4167/10^4; `1e-7` → 1/10^7): the shortest
 * decimal that round-trips to the same double, which is the decimal the upstream serialized. `undefined`
 * for a negative or non-finite number.
 *
 * @since 0.1.0
 */
export const decimalOf = (value: number): Decimal | undefined => {
  if (!Number.isFinite(value) || value < 0) return undefined
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(value))
  if (match === null) return undefined
  const [, intPart, fracPart = "", exp = "0"] = match
  const digits = `${intPart}${fracPart}`
  const scale = fracPart.length - Number(exp)
  return scale >= 0
    ? reduce({ int: BigInt(digits), scale })
    : { int: BigInt(digits) * 10n ** BigInt(-scale), scale: 0 }
}

const reduce = (d: Decimal): Decimal => {
  let { int, scale } = d
  while (scale > 0 && int % 10n === 0n) {
    int /= 10n
    scale--
  }
  return { int, scale }
}

const times = (d: Decimal, k: bigint): Decimal => reduce({ int: d.int * k, scale: d.scale })

/** The decimal as a string (no trailing fraction zeros: `"1.5"`, `"25"`). @since 0.1.0 */
export const decimalString = (d: Decimal): string => {
  const r = reduce(d)
  if (r.scale === 0) return r.int.toString()
  const s = r.int.toString().padStart(r.scale + 1, "0")
  return `${s.slice(0, -r.scale)}.${s.slice(-r.scale)}`
}

/** The decimal at exactly `digits` fraction digits, when it has no more precision. @since 0.1.0 */
export const atMinorUnit = (d: Decimal, digits: number): string | undefined =>
  Money.normalizeDecimal(decimalString(d), digits)

const pow10 = (n: number) => 10n ** BigInt(n)
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b))

/**
 * A per-minute booking rate (`ChargePeriod` 1) as money at the currency's minor unit (`digits`).
 *
 * Nexudus has no hourly period: an hourly price is stored per minute, rounded to four decimals (£25/h is
 * `0.4167`). So when the hourly price `H` = the per-minute price × 60 rounded to the minor unit gives back
 * the stored figure (`H / 60` rounded to four decimals, or to the stored precision when it is finer, equals
 * it), the rate is `H` per hour: 0.4167 × 60 = 25.002 → £25.00, and 25.00 / 60 = 0.41666… → 0.4167. Else the
 * rate keeps its exact value in the finest whole unit that reaches the minor unit: per `count` minutes,
 * with the smallest `count` that makes the amount exact (0.1234 → 6.17 per 50 minutes). `factor` is what
 * the per-minute figure was multiplied by (credit prices follow it).
 *
 * @since 0.1.0
 */
export const perMinute = (
  price: Decimal,
  digits: number
): { readonly amount: string; readonly unit: Unit; readonly factor: bigint } => {
  const p = reduce(price)
  // H = p × 60 at the minor unit, rounded half up.
  const sixty = p.int * 60n
  const hourly = p.scale <= digits
    ? sixty * pow10(digits - p.scale)
    : (sixty + pow10(p.scale - digits) / 2n) / pow10(p.scale - digits)
  // H / 60 at the comparison scale, rounded half up.
  const scale = Math.max(4, p.scale)
  const back = (hourly * pow10(scale - digits) + 30n) / 60n
  if (back === p.int * pow10(scale - p.scale)) {
    return {
      amount: atMinorUnit({ int: hourly, scale: digits }, digits)!,
      unit: { per: "hour", count: 1 },
      factor: 60n
    }
  }
  // The smallest number of minutes whose price is exact at the minor unit.
  const excess = pow10(p.scale - digits)
  const count = excess / gcd(p.int, excess)
  return {
    amount: atMinorUnit(times(p, count), digits)!,
    unit: { per: "minute", count: Number(count) },
    factor: count
  }
}

// ---- lookups ----

/** What the prices of a business need from other listings. */
interface Lookups {
  readonly taxRates: ReadonlyMap<number, { readonly rate: number; readonly index: number }>
}

const taxOf = (look: Lookups, taxRateId: number | null): PriceOut["tax"] => {
  if (taxRateId === null) return { mode: "unknown" }
  const rate = look.taxRates.get(taxRateId)
  if (rate === undefined) return { mode: "unknown" }
  if (!Number.isFinite(rate.rate) || rate.rate < 0 || rate.rate > 100) {
    return invalid(["taxrates", rate.index, "Rate"], `${rate.rate} is not a percentage`)
  }
  return { mode: "unknown", ratePercent: rate.rate }
}

const moneyOf = (value: number, currency: string, path: Path): PriceOut["amount"] => {
  const digits = Money.minorUnits(currency)
  if (digits === undefined) {
    return invalid([...path.slice(0, -1), "CurrencyCode"], `${currency} is not an ISO 4217 currency`)
  }
  const decimal = decimalOf(value)
  const amount = decimal === undefined ? undefined : atMinorUnit(decimal, digits)
  return amount === undefined ? invalid(path, `${value} is not an amount of ${currency}`) : { amount, currency }
}

const statusOf = (archived: boolean | null): "active" | "inactive" => (archived === true ? "inactive" : "active")

// ---- resources ----

/** `SystemResourceType` → resource kind (the values Nexudus' own data generator names). @since 0.1.0 */
export const resourceKinds: Readonly<Record<number, ResourceOut["kind"]>> = {
  1: "meeting_room",
  2: "hot_desk",
  3: "private_office",
  4: "phone_booth",
  5: "parking"
}

/** `SystemTariffType` → the kind of resource a plan is for (only the documented values). @since 0.1.0 */
export const tariffKinds: Readonly<Record<number, ResourceOut["kind"]>> = {
  1: "private_office",
  5: "hot_desk",
  10: "virtual_office"
}

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()

/** A resource. @since 0.1.0 */
export const resource = (record: NexudusSchemas.Resource, path: Path): ResourceOut => {
  const name = text(record.Name) ?? invalid([...path, "Name"], "empty name")
  const out: { -readonly [K in keyof ResourceOut]: ResourceOut[K] } = {
    externalId: String(record.Id),
    name,
    kind: (record.SystemResourceType === null ? undefined : resourceKinds[record.SystemResourceType]) ?? "other",
    usage: "bookable",
    status: statusOf(record.Archived),
    visible: record.Visible !== false && record.Archived !== true
  }
  if (record.Allocation !== null) {
    if (record.Allocation < 0) invalid([...path, "Allocation"], `${record.Allocation} is not a capacity`)
    out.capacity = record.Allocation
  }
  if (record.MinBookingLength !== null && record.MinBookingLength > 0) out.minBookingMinutes = record.MinBookingLength
  if (record.MaxBookingLength !== null && record.MaxBookingLength > 0) out.maxBookingMinutes = record.MaxBookingLength
  const amenities = NexudusSchemas.amenityFields.filter((field) => record[field] === true).map(snake)
  if (amenities.length > 0) out.amenities = amenities
  return out
}

// ---- prices ----

const conditionsOf = (
  fields: {
    readonly OnlyForMembers?: boolean | null
    readonly MinLength?: number | null
    readonly MaxLength?: number | null
    readonly ApplyFrom?: string | null
    readonly ApplyTo?: string | null
    readonly FromTime?: number | null
    readonly ToTime?: number | null
  }
): PriceOut["conditions"] => {
  const out: { -readonly [K in keyof NonNullable<PriceOut["conditions"]>]: NonNullable<PriceOut["conditions"]>[K] } = {}
  if (fields.OnlyForMembers === true) out.membersOnly = true
  if (fields.MinLength !== undefined && fields.MinLength !== null && fields.MinLength > 0) {
    out.minDurationMinutes = fields.MinLength
  }
  if (fields.MaxLength !== undefined && fields.MaxLength !== null && fields.MaxLength > 0) {
    out.maxDurationMinutes = fields.MaxLength
  }
  const date = (value: string | null | undefined) => {
    const v = text(value)
    return v !== undefined && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(v) &&
        !Number.isNaN(Date.parse(v))
      ? v
      : undefined
  }
  const from = date(fields.ApplyFrom)
  const to = date(fields.ApplyTo)
  if (from !== undefined) out.validFrom = from
  if (to !== undefined) out.validTo = to
  // FromTime/ToTime are minutes from the business's local midnight; the window is kept only when both
  // ends are whole minutes of one day (a half-open window would read as "all day").
  const clock = (minutes: number | null | undefined) =>
    minutes !== undefined && minutes !== null && Number.isInteger(minutes) && minutes >= 0 && minutes <= 1440
      ? `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`
      : undefined
  const fromTime = clock(fields.FromTime)
  const toTime = clock(fields.ToTime)
  if (fromTime !== undefined && toTime !== undefined && fromTime !== toTime) {
    out.fromTime = fromTime
    out.toTime = toTime
  }
  return Object.keys(out).length === 0 ? undefined : out
}

const withConditions = (price: PriceOut, conditions: PriceOut["conditions"]): PriceOut =>
  conditions === undefined ? price : { ...price, conditions }

/** The unit of a tariff: every `InvoiceEvery` months, or every `InvoiceEveryWeeks` weeks. @since 0.1.0 */
export const tariffUnit = (record: NexudusSchemas.Tariff, path: Path): Unit => {
  const months = record.InvoiceEvery ?? 0
  const weeks = record.InvoiceEveryWeeks ?? 0
  if (months > 0 && weeks === 0) return { per: "month", count: months }
  if (weeks > 0 && months === 0) return { per: "week", count: weeks }
  return invalid(
    [...path, "InvoiceEvery"],
    `a tariff is invoiced every N months or every N weeks (InvoiceEvery ${months}, InvoiceEveryWeeks ${weeks})`
  )
}

/** A tariff's prices: the membership, and its sign-up fee when it has one. @since 0.1.0 */
export const tariffPrices = (record: NexudusSchemas.Tariff, path: Path, look: Lookups): Array<PriceOut> => {
  const name = text(record.Name) ?? invalid([...path, "Name"], "empty name")
  const kind = record.SystemTariffType === null ? undefined : tariffKinds[record.SystemTariffType]
  const appliesTo = kind === undefined ? {} : { resourceKinds: [kind] }
  const tax = taxOf(look, record.TaxRateId)
  const status = statusOf(record.Archived)
  const prices: Array<PriceOut> = [{
    externalId: `tariff-${record.Id}`,
    name,
    category: "membership",
    amount: moneyOf(record.Price, record.CurrencyCode, [...path, "Price"]),
    unit: tariffUnit(record, path),
    recurring: true,
    tax,
    status,
    appliesTo
  }]
  if (record.SignUpFee !== null && record.SignUpFee > 0) {
    prices.push({
      externalId: `signup-${record.Id}`,
      name: `${name} sign-up fee`,
      category: "setup_fee",
      amount: moneyOf(record.SignUpFee, record.CurrencyCode, [...path, "SignUpFee"]),
      unit: { per: "once", count: 1 },
      recurring: false,
      tax,
      status,
      appliesTo
    })
  }
  return prices
}

/** A product: a day pass (`SystemProductType` 1), a credit bundle (2), or an add-on. @since 0.1.0 */
export const productPrice = (record: NexudusSchemas.Product, path: Path, look: Lookups): PriceOut => {
  const name = text(record.Name) ?? invalid([...path, "Name"], "empty name")
  const category: PriceOut["category"] = record.SystemProductType === 1
    ? "day_pass"
    : record.SystemProductType === 2
    ? "credit_bundle"
    : "addon"
  return withConditions({
    externalId: `product-${record.Id}`,
    name,
    category,
    amount: moneyOf(record.Price, record.CurrencyCode, [...path, "Price"]),
    unit: category === "day_pass" ? { per: "day", count: 1 } : { per: "once", count: 1 },
    // `AvailableAs` 2 (OnlyRecurrent): charged again with every invoice of the member's contract.
    recurring: record.AvailableAs === 2,
    tax: taxOf(look, record.TaxRateId),
    status: statusOf(record.Archived),
    appliesTo: {}
  }, conditionsOf({ OnlyForMembers: record.OnlyForMembers }))
}

/** `ChargePeriod` → unit, for every period but minutes (see `perMinute`). @since 0.1.0 */
export const chargePeriods: Readonly<Record<number, Unit["per"]>> = {
  2: "day",
  3: "week",
  4: "month",
  5: "use",
  6: "four_weeks"
}

/**
 * A booking rate's prices: the rate (`rate-<Id>`) for the resources of its resource types in its
 * business, and its fixed cost for the first `FixedCostLength` minutes when it has one
 * (`rate-<Id>-fixed`). Booking-credit and printing-credit definitions are not rates: `[]`.
 *
 * @since 0.1.0
 */
export const ratePrices = (
  record: NexudusSchemas.ExtraService,
  path: Path,
  look: Lookups,
  resourcesOfType: (typeId: number) => ReadonlyArray<string>
): Array<PriceOut> => {
  if (record.IsBookingCredit === true || record.IsPrintingCredit === true) return []
  const name = text(record.Name) ?? invalid([...path, "Name"], "empty name")
  const digits = Money.minorUnits(record.CurrencyCode) ??
    invalid([...path, "CurrencyCode"], `${record.CurrencyCode} is not an ISO 4217 currency`)
  const decimal = decimalOf(record.Price) ?? invalid([...path, "Price"], `${record.Price} is not an amount`)
  let amount: string
  let unit: Unit
  let factor = 1n
  if (record.ChargePeriod === 1) {
    const minute = perMinute(decimal, digits)
    amount = minute.amount
    unit = minute.unit
    factor = minute.factor
  } else {
    const per = chargePeriods[record.ChargePeriod] ??
      invalid([...path, "ChargePeriod"], `${record.ChargePeriod} is not a ChargePeriod (1–6)`)
    amount = atMinorUnit(decimal, digits) ??
      invalid([...path, "Price"], `${record.Price} is not an amount of ${record.CurrencyCode}`)
    unit = { per, count: 1 }
  }
  const resourceIds = [...new Set((record.ResourceTypes ?? []).flatMap(resourcesOfType))]
  const tax = taxOf(look, record.TaxRateId)
  const status = statusOf(record.Archived)
  const conditions = conditionsOf(record)
  const rate: PriceOut = {
    externalId: `rate-${record.Id}`,
    name,
    category: "resource_rate",
    amount: { amount, currency: record.CurrencyCode },
    unit,
    recurring: false,
    tax,
    status,
    appliesTo: { resourceIds }
  }
  const prices = [withConditions(rate, conditions)]
  if (record.CreditPrice !== null) {
    const credits = decimalOf(record.CreditPrice) ??
      invalid([...path, "CreditPrice"], `${record.CreditPrice} is not a number of credits`)
    prices[0] = {
      ...prices[0]!,
      alternatives: [{ amount: decimalString(times(credits, factor)), creditUnit: "credit" }]
    }
  }
  if (record.FixedCostPrice !== null && record.FixedCostLength !== null && record.FixedCostLength > 0) {
    const length = record.FixedCostLength
    prices.push(withConditions({
      externalId: `rate-${record.Id}-fixed`,
      name: `${name} (first ${length} minutes)`,
      category: "resource_rate",
      amount: moneyOf(record.FixedCostPrice, record.CurrencyCode, [...path, "FixedCostPrice"]),
      unit: length % 60 === 0 ? { per: "hour", count: length / 60 } : { per: "minute", count: length },
      recurring: false,
      tax,
      status,
      appliesTo: { resourceIds }
    }, conditions))
  }
  return prices
}

// ---- locations ----

const localTime = (minutes: number): string | undefined => {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) return undefined
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`
}

const shortDays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value)
    return (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === ""
  } catch {
    return false
  }
}

/**
 * A business as a location. `timeZones` gives a simple time zone's Windows id by its `Id`.
 *
 * @since 0.1.0
 */
export const location = (
  record: NexudusSchemas.Business,
  path: Path,
  timeZones: ReadonlyMap<number, string | null>
): LocationOut => {
  const name = text(record.Name) ?? invalid([...path, "Name"], "empty name")
  const currency = text(record.CurrencyCode) ?? invalid([...path, "CurrencyCode"], "a business has a currency")
  if (Money.minorUnits(currency) === undefined) invalid([...path, "CurrencyCode"], `${currency} is not ISO 4217`)
  const countryCode = NexudusTimeZones.countryCodeOf(record.CountryName)
  const windowsId = record.SimpleTimeZoneId === null ? null : timeZones.get(record.SimpleTimeZoneId) ?? null
  const address: { -readonly [K in keyof LocationOut["address"]]: LocationOut["address"][K] } = {}
  const lines = (record.Address ?? "").split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "")
  if (lines.length > 0) address.formatted = lines.join(", ")
  const city = text(record.TownCity)
  const postalCode = text(record.PostalCode)
  if (city !== undefined) address.city = city
  if (postalCode !== undefined) address.postalCode = postalCode
  if (countryCode !== undefined) address.countryCode = countryCode
  const out: { -readonly [K in keyof LocationOut]: LocationOut[K] } = {
    externalId: String(record.Id),
    name,
    status: record.Suspended === true ? "inactive" : "active",
    visible: true,
    timezone: NexudusTimeZones.ianaOf(windowsId, countryCode),
    address,
    currency
  }
  const { Latitude: lat, Longitude: lng } = record
  if (
    lat !== null && lng !== null && !(lat === 0 && lng === 0) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180
  ) out.geo = { lat, lng }
  const contact: { email?: string; phone?: string; website?: string } = {}
  const email = text(record.EmailContact)
  const phone = text(record.Phone)
  const website = text(record.WebContact)
  if (email !== undefined) contact.email = email
  if (phone !== undefined) contact.phone = phone
  if (website !== undefined && isHttpUrl(website)) contact.website = website
  if (Object.keys(contact).length > 0) out.contact = contact
  const hours: Array<{ day: typeof shortDays[number]; opens: string; closes: string }> = []
  NexudusSchemas.weekDays.forEach((day, i) => {
    if (record[`${day}Closed`] === true) return
    const open = record[`${day}OpenTime`]
    const close = record[`${day}CloseTime`]
    const opens = open === null ? undefined : localTime(open)
    const closes = close === null ? undefined : localTime(close)
    if (opens !== undefined && closes !== undefined && opens < closes) hours.push({ day: shortDays[i]!, opens, closes })
  })
  if (hours.length > 0) out.openingHours = hours
  const updated = text(record.UpdatedOn)
  if (updated !== undefined && /(Z|[+-]\d{2}:\d{2})$/.test(updated) && !Number.isNaN(Date.parse(updated))) {
    out.sourceUpdatedAt = updated
  }
  return out
}

// ---- grouping ----

interface Indexed {
  readonly record: unknown
  readonly index: number
}

const headOf = Schema.decodeUnknownEither(NexudusSchemas.Head)

/**
 * The businesses the records of a listing belong to (`BusinessId`), for reads of changes. A record
 * without a readable `BusinessId` is left out.
 *
 * @since 0.1.0
 */
export const businessIdsOf = (records: ReadonlyArray<unknown>): ReadonlySet<number> => {
  const ids = new Set<number>()
  for (const record of records) {
    const head = headOf(record)
    if (Either.isRight(head) && head.right.BusinessId !== null) ids.add(head.right.BusinessId)
  }
  return ids
}

type Grouped = ReadonlyMap<number, ReadonlyArray<Indexed>>

/** The records of a listing by business, and the failures of those whose business cannot be read. */
const group = (
  collection: string,
  records: ReadonlyArray<unknown>,
  failures: Array<Adapter.LocationResult>
): Grouped => {
  const out = new Map<number, Array<Indexed>>()
  records.forEach((record, index) => {
    const head = headOf(record)
    if (Either.isLeft(head) || head.right.BusinessId === null) {
      const error = Either.isLeft(head)
        ? UpstreamHttp.fromParseError(head.left, { prefix: [collection, index] })
        : AdapterError.invalidData([collection, index, "BusinessId"], `${collection}.${index}.BusinessId: missing`)
      failures.push(Adapter.ReadItem.Failed({ externalId: null, error }))
      return
    }
    const list = out.get(head.right.BusinessId) ?? []
    list.push({ record, index })
    out.set(head.right.BusinessId, list)
  })
  return out
}

/**
 * The snapshot of one business from the records that belong to it. Throws `Invalid` on the first bad
 * record.
 */
const snapshotOf = (
  business: NexudusSchemas.Business,
  businessPath: Path,
  timeZones: ReadonlyMap<number, string | null>,
  look: Lookups,
  records: {
    readonly resources: ReadonlyArray<Indexed>
    readonly tariffs: ReadonlyArray<Indexed>
    readonly products: ReadonlyArray<Indexed>
    readonly extraservices: ReadonlyArray<Indexed>
  }
): Snapshot => {
  const loc = location(business, businessPath, timeZones)
  const resources: Array<ResourceOut> = []
  const byType = new Map<number, Array<string>>()
  for (const { index, record } of records.resources) {
    const path = ["resources", index]
    const decoded = decodeOrThrow(NexudusSchemas.Resource, record, path)
    resources.push(resource(decoded, path))
    if (decoded.ResourceTypeId !== null) {
      const list = byType.get(decoded.ResourceTypeId) ?? []
      list.push(String(decoded.Id))
      byType.set(decoded.ResourceTypeId, list)
    }
  }
  const prices: Array<PriceOut> = []
  for (const { index, record } of records.tariffs) {
    const path = ["tariffs", index]
    prices.push(...tariffPrices(decodeOrThrow(NexudusSchemas.Tariff, record, path), path, look))
  }
  for (const { index, record } of records.products) {
    const path = ["products", index]
    prices.push(productPrice(decodeOrThrow(NexudusSchemas.Product, record, path), path, look))
  }
  for (const { index, record } of records.extraservices) {
    const path = ["extraservices", index]
    prices.push(
      ...ratePrices(decodeOrThrow(NexudusSchemas.ExtraService, record, path), path, look, (id) => byType.get(id) ?? [])
    )
  }
  return { location: loc, resources, prices }
}

/**
 * Every business of the bundle (or only those in `wanted`, by externalId) as a `Snapshot`, or a
 * `Failed` with `InvalidData` naming the path of its first bad record; plus a `Failed` for each record
 * that names no readable business.
 *
 * @since 0.1.0
 */
export const results = (
  bundle: Bundle,
  wanted?: ReadonlySet<string>
): Effect.Effect<Array<Adapter.LocationResult>> =>
  Effect.sync(() => {
    const failures: Array<Adapter.LocationResult> = []
    const out: Array<Adapter.LocationResult> = []
    const timeZones = new Map<number, string | null>()
    for (const record of bundle.simpletimezones) {
      const zone = Schema.decodeUnknownEither(NexudusSchemas.SimpleTimeZone)(record)
      // A time zone record that does not decode is an unknown zone (`null`), never a guess.
      if (Either.isRight(zone)) timeZones.set(zone.right.Id, NexudusTimeZones.windowsIdOf(zone.right))
    }
    const taxRates = new Map<number, { readonly rate: number; readonly index: number }>()
    const badTaxRates = new Map<number, AdapterError.AdapterError>()
    bundle.taxrates.forEach((record, index) => {
      const head = headOf(record)
      const rate = Schema.decodeUnknownEither(NexudusSchemas.TaxRate)(record)
      if (Either.isRight(rate)) taxRates.set(rate.right.Id, { rate: rate.right.Rate, index })
      else if (Either.isRight(head)) {
        badTaxRates.set(head.right.Id, UpstreamHttp.fromParseError(rate.left, { prefix: ["taxrates", index] }))
      }
    })
    const look: Lookups = { taxRates }
    const resources = group("resources", bundle.resources, failures)
    const tariffs = group("tariffs", bundle.tariffs, failures)
    const products = group("products", bundle.products, failures)
    const extraservices = group("extraservices", bundle.extraservices, failures)
    const usesBadTaxRate = (records: ReadonlyArray<Indexed>) => {
      for (const { record } of records) {
        const id = (record as { TaxRateId?: unknown } | null)?.TaxRateId
        if (typeof id === "number" && badTaxRates.has(id)) return badTaxRates.get(id)!
      }
      return undefined
    }
    bundle.businesses.forEach((record, index) => {
      const path = ["businesses", index]
      const head = headOf(record)
      if (Either.isLeft(head)) {
        failures.push(Adapter.ReadItem.Failed({
          externalId: null,
          error: UpstreamHttp.fromParseError(head.left, { prefix: path })
        }))
        return
      }
      const externalId = String(head.right.Id)
      if (wanted !== undefined && !wanted.has(externalId)) return
      const id = head.right.Id
      const mine = {
        resources: resources.get(id) ?? [],
        tariffs: tariffs.get(id) ?? [],
        products: products.get(id) ?? [],
        extraservices: extraservices.get(id) ?? []
      }
      try {
        const badTax = usesBadTaxRate([...mine.tariffs, ...mine.products, ...mine.extraservices])
        if (badTax !== undefined) throw new Invalid(badTax)
        const business = decodeOrThrow(NexudusSchemas.Business, record, path)
        out.push(Adapter.ReadItem.Snapshot({ source: snapshotOf(business, path, timeZones, look, mine) }))
      } catch (error) {
        if (!(error instanceof Invalid)) throw error
        out.push(Adapter.ReadItem.Failed({ externalId, error: AdapterError.withExternalId(error.error, externalId) }))
      }
    })
    // Records naming no readable business concern no location: reported on full reads only.
    return wanted === undefined ? [...out, ...failures] : out
  })
