/**
 * Optix payloads → canonical snapshots. One Optix location is one location; its resources are resources;
 * resource prices, plan templates (memberships) and passes become prices.
 *
 * NOTE FOR THE SIMULATOR (ids the adapter produces; the conformance `changeOnePrice` must name one of them):
 * - location externalId: `String(location_id)`; a location with `is_deleted: true` is a `Deleted` element.
 * - plan template (membership): `plan-<plan_template_id>`; its `deposit` > 0: `plan-<id>-deposit`;
 *   its `set_up_fee` > 0: `plan-<id>-setup-fee`. Best price to change: a plan template's `price`.
 * - pass product (`products(type: [PASS])`): `product-<product_id>` (REGULAR products are not read).
 * - resource price in the organization's CURRENCY unit: `resource-<resource_id>-currency` (per hour); its
 *   `price_max`: `resource-<resource_id>-currency-max` (per day); `assignment_price_month` > 0:
 *   `resource-<resource_id>-assignment`. HOURS prices become an `alternatives` entry of the currency price;
 *   USES / CUSTOM prices are not mapped (reported).
 * - webhooks: only client_id and created_timestamp are signed, so a "tampered" webhook must change one of
 *   those (e.g. created_timestamp + 1 without re-signing), not `event`.
 *
 * Records arrive undecoded (`Bundle`) and are decoded per location, so that a malformed record makes only
 * the locations it belongs to `Failed` (`InvalidData` naming the path, e.g. `resources.<id>.prices.0.price`).
 * A plan template or pass with `in_all_locations` belongs to every location, else to its `locations`.
 *
 * What has no exact canonical meaning is reported, never guessed: a plan frequency outside the table
 * (`UNKNOWN`) fails its locations with `InvalidData` at `planTemplates.<id>.price_frequency`; a resource
 * price in `USES`, `CUSTOM` or `UNKNOWN` units (Optix does not say per what they are charged) is left out
 * and logged as a warning naming its path.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, HttpUrl, Location, Money, UpstreamHttp } from "@spacesync/adapter-kit"
import { Effect, Schema } from "effect"
import * as OptixSchemas from "./OptixSchemas.js"

/** What one organization holds, as read; listings undecoded. @since 0.1.0 @category models */
export interface Bundle {
  readonly organization: OptixSchemas.Organization
  readonly locations: ReadonlyArray<unknown>
  readonly resources: ReadonlyArray<unknown>
  readonly planTemplates: ReadonlyArray<unknown>
  readonly passes: ReadonlyArray<unknown>
}

type Snapshot = Adapter.SnapshotSource
type PriceOut = Snapshot["prices"][number]
type ResourceOut = Snapshot["resources"][number]
type Unit = PriceOut["unit"]
type Tax = PriceOut["tax"]
type Path = ReadonlyArray<string | number>

/**
 * Optix's `PlanFrequency` → the canonical unit, exactly. `BIANNUAL` sits between `QUARTERLY` and `ANNUAL`
 * in Optix's enum: twice a year, every six months. `UNKNOWN` (and any value Optix may add) has no entry.
 *
 * @since 0.1.0
 */
export const planFrequencies: Readonly<Record<string, Unit>> = {
  DAILY: { per: "day", count: 1 },
  WEEKLY: { per: "week", count: 1 },
  BIWEEKLY: { per: "week", count: 2 },
  THIRTY_DAYS: { per: "thirty_days", count: 1 },
  SIXTY_DAYS: { per: "thirty_days", count: 2 },
  NINETY_DAYS: { per: "thirty_days", count: 3 },
  MONTHLY: { per: "month", count: 1 },
  QUARTERLY: { per: "month", count: 3 },
  BIANNUAL: { per: "month", count: 6 },
  ANNUAL: { per: "year", count: 1 }
}

/** The canonical unit of a plan frequency; `undefined` when there is no exact one. @since 0.1.0 */
export const frequencyUnit = (frequency: string): Unit | undefined =>
  Object.prototype.hasOwnProperty.call(planFrequencies, frequency) ? planFrequencies[frequency] : undefined

const field = (record: unknown, name: string): unknown =>
  typeof record === "object" && record !== null ? (record as Record<string, unknown>)[name] : undefined

const idText = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined

const text = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? undefined : trimmed
}

/** An upstream amount as money (`Money.fromUpstream`). @since 0.1.0 */
export const money = (amount: number, currency: string, path: Path, externalId?: string) =>
  Money.fromUpstream(amount, currency, path, externalId)

/** Exclusive and inclusive tax rates in percent (`null`: not known). @since 0.1.0 */
export interface Rates {
  readonly exclusive: number | null
  readonly inclusive: number | null
}

/** The organization's default rates. @since 0.1.0 */
export const organizationRates = (organization: OptixSchemas.Organization): Rates => ({
  exclusive: organization.exclusive_tax_rate,
  inclusive: organization.inclusive_tax_rate
})

/** A location's rates: its own when it overrides the organization's. @since 0.1.0 */
export const locationRates = (location: OptixSchemas.Location, organization: Rates): Rates =>
  location.override_tax_rate
    ? { exclusive: location.exclusive_tax_rate, inclusive: location.inclusive_tax_rate }
    : organization

/** A record's rates: each overridden one (`override_tax_rate`, `override_inclusive_tax_rate`) replaces the default. @since 0.1.0 */
export const recordRates = (
  record: {
    readonly override_tax_rate: boolean
    readonly tax_rate: number | null
    readonly override_inclusive_tax_rate: boolean
    readonly inclusive_tax_rate: number | null
    readonly no_tax_rate?: boolean
    readonly no_inclusive_tax_rate?: boolean
  },
  defaults: Rates
): Rates => ({
  exclusive: record.override_tax_rate ? (record.no_tax_rate === true ? 0 : record.tax_rate) : defaults.exclusive,
  inclusive: record.override_inclusive_tax_rate
    ? (record.no_inclusive_tax_rate === true ? 0 : record.inclusive_tax_rate)
    : defaults.inclusive
})

const isRate = (rate: number | null): rate is number =>
  rate !== null && Number.isFinite(rate) && rate >= 0 && rate <= 100

/**
 * The tax of a price from its rates: only an exclusive rate → `exclusive` (the amount is net); only an
 * inclusive rate → `inclusive` (the amount is gross); neither → `exclusive` at 0 %; both (one tax included,
 * another added) or a rate not known → `unknown`.
 *
 * @since 0.1.0
 */
export const taxOf = (rates: Rates): Tax => {
  if (!isRate(rates.exclusive) || !isRate(rates.inclusive)) return { mode: "unknown" }
  if (rates.exclusive > 0 && rates.inclusive > 0) return { mode: "unknown" }
  if (rates.inclusive > 0) return { mode: "inclusive", ratePercent: rates.inclusive }
  return { mode: "exclusive", ratePercent: rates.exclusive }
}

/** How a location displays prices: gross with only inclusive tax, net with only exclusive tax. @since 0.1.0 */
export const priceDisplayOf = (rates: Rates): "net" | "gross" | undefined => {
  const tax = taxOf(rates)
  return tax.mode === "inclusive" ? "gross" : tax.mode === "exclusive" && (tax.ratePercent ?? 0) > 0 ? "net" : undefined
}

/**
 * A resource's kind from its Optix resource type's name (Optix resource types are named by each
 * organization): meeting/conference/board rooms, phone booths, event spaces, offices, virtual offices,
 * parking; a "desk" is dedicated when the resource is assignable, else a hot desk. Anything else: `other`.
 *
 * @since 0.1.0
 */
export const kindOf = (typeName: string, assignable: boolean): ResourceOut["kind"] => {
  const name = typeName.toLowerCase().replace(/[^a-z0-9]+/g, " ")
  if (/\b(meeting|conference|board ?room|boardroom)\b/.test(name)) return "meeting_room"
  if (/\b(phone|call) ?(booth|box|room)\b|\bbooth\b/.test(name)) return "phone_booth"
  if (/\bevent/.test(name)) return "event_space"
  if (/\bvirtual\b|\bmail ?box\b/.test(name)) return "virtual_office"
  if (/\bparking\b/.test(name)) return "parking"
  if (/\bdedicated\b|\bfixed desk\b/.test(name)) return "dedicated_desk"
  if (/\bhot ?desk|\bflex/.test(name)) return "hot_desk"
  if (/\bdesk/.test(name)) return assignable ? "dedicated_desk" : "hot_desk"
  if (/\b(office|suite|studio)\b/.test(name)) return "private_office"
  return "other"
}

const appliesHere = (
  record: { in_all_locations: boolean; locations: ReadonlyArray<{ location_id: string }> },
  id: string
) => record.in_all_locations || record.locations.some((l) => l.location_id === id)

// Before decoding: a record that plainly belongs to other locations only is skipped, so its defects fail
// only the locations it belongs to.
const mayApply = (raw: unknown, id: string): boolean => {
  if (field(raw, "in_all_locations") !== false) return true
  const locations = field(raw, "locations")
  if (!Array.isArray(locations)) return true
  return locations.some((l) => {
    const lid = idText(field(l, "location_id"))
    return lid === undefined || lid === id
  })
}

const address = (l: OptixSchemas.Location): Snapshot["location"]["address"] => {
  const out: Record<string, string> = {}
  const put = (key: string, value: string | null) => {
    const t = text(value)
    if (t !== undefined) out[key] = t
  }
  put("line1", l.address)
  put("line2", l.unit)
  put("city", l.city)
  put("region", l.region)
  put("postalCode", l.postcode)
  const country = countryCodeOf(l.country)
  if (country !== undefined) out.countryCode = country
  return out
}

const isCountryCode = Schema.is(Location.CountryCode)
let countryNames: ReadonlyMap<string, string> | undefined

/**
 * An ISO 3166-1 alpha-2 code from Optix's free-text `country`: a code as is, or a country's English name
 * exactly as the runtime's region names spell it ("Canada" → "CA"); anything else is left out.
 *
 * @since 0.1.0
 */
export const countryCodeOf = (country: string | null): string | undefined => {
  const value = text(country)
  if (value === undefined) return undefined
  if (/^[A-Za-z]{2}$/.test(value)) return isCountryCode(value.toUpperCase()) ? value.toUpperCase() : undefined
  if (countryNames === undefined) {
    const names = new Map<string, string>()
    const display = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" })
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for (const a of letters) {
      for (const b of letters) {
        const code = `${a}${b}`
        const name = isCountryCode(code) ? display.of(code) : undefined
        if (name !== undefined) names.set(name.toLowerCase(), code)
      }
    }
    countryNames = names
  }
  return countryNames.get(value.toLowerCase())
}

/** The location record of `raw` (its listing entry). @since 0.1.0 */
export const locationOf = (
  bundle: Bundle,
  l: OptixSchemas.Location
): Effect.Effect<Snapshot["location"], AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const externalId = l.location_id
    const prefix = ["locations", externalId]
    const currency = bundle.organization.currency
    if (currency === null || Money.minorUnits(currency) === undefined) {
      return yield* AdapterError.invalidData(
        ["organization", "currency"],
        `organization.currency: ${JSON.stringify(currency)} is not an ISO 4217 currency`,
        externalId
      )
    }
    const name = text(l.name)
    if (name === undefined) {
      return yield* AdapterError.invalidData([...prefix, "name"], "a location without a name", externalId)
    }
    const timezone = text(l.timezone)
    const rates = locationRates(l, organizationRates(bundle.organization))
    const priceDisplay = priceDisplayOf(rates)
    const contact: { email?: string; phone?: string; website?: string } = {}
    const email = text(l.contact_email)
    if (email !== undefined) {
      contact.email = email
    }
    const phone = text(l.phone)
    if (phone !== undefined) contact.phone = phone
    const website = text(l.website)
    if (website !== undefined && HttpUrl.isHttpUrl(website)) contact.website = website
    const description = text(l.description)
    const geo = l.latitude !== null && l.longitude !== null && Math.abs(l.latitude) <= 90 &&
        Math.abs(l.longitude) <= 180
      ? { lat: l.latitude, lng: l.longitude }
      : undefined
    return {
      externalId,
      name,
      status: "active",
      visible: l.is_visible !== false && l.is_hidden !== true,
      timezone: timezone !== undefined && Location.isIanaTimeZone(timezone) ? timezone : null,
      address: address(l),
      currency,
      ...(geo !== undefined ? { geo } : {}),
      ...(priceDisplay !== undefined ? { priceDisplay } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(Object.keys(contact).length > 0 ? { contact } : {})
    }
  })

/**
 * A resource and its prices. The `CURRENCY` price is money per booked hour (it replaces the deprecated
 * `booking_price_hour`), its `price_max` money per day (it replaces `booking_price_max`, "price per day");
 * an `HOURS` price is the allowance hours a booked hour costs instead (an `alternatives` entry of the
 * hourly price); `USES`, `CUSTOM` and `UNKNOWN` prices are reported and left out.
 *
 * @since 0.1.0
 */
export const resourceOf = (
  r: OptixSchemas.Resource,
  currency: string,
  defaults: Rates,
  externalId: string
): Effect.Effect<
  { readonly resource: ResourceOut; readonly prices: ReadonlyArray<PriceOut> },
  AdapterError.AdapterError
> =>
  Effect.gen(function*() {
    const prefix = ["resources", r.resource_id]
    const name = text(r.name) ?? `${r.type.name} ${r.resource_id}`.trim()
    const bookable = r.is_bookable !== false
    const resource: ResourceOut = {
      externalId: r.resource_id,
      name,
      kind: kindOf(r.type.name, r.is_assignable),
      usage: r.is_assignable ? (bookable ? "both" : "assignable") : "bookable",
      status: "active",
      visible: r.type.is_visible,
      ...(r.capacity !== null && r.capacity > 0 ? { capacity: r.capacity } : {})
    }
    const tax = taxOf(recordRates(r, defaults))
    const appliesTo = { resourceIds: [r.resource_id] }
    const prices: Array<PriceOut> = []
    const currencyIndex = r.prices.findIndex((p) => p.unit.type === "CURRENCY")
    const hoursIndex = r.prices.findIndex((p) => p.unit.type === "HOURS" && p.price !== null)
    for (let i = 0; i < r.prices.length; i++) {
      const p = r.prices[i]!
      const at = [...prefix, "prices", i]
      if (p.unit.type === "CURRENCY" && i !== currencyIndex) {
        return yield* AdapterError.invalidData(at, `${at.join(".")}: a second price in the currency unit`, externalId)
      }
      if (p.unit.type === "HOURS" && (i === hoursIndex || p.price === null)) continue
      if (p.unit.type !== "CURRENCY") {
        yield* Effect.logWarning("Optix resource price not mapped: no exact canonical meaning").pipe(
          Effect.annotateLogs({ path: at.join("."), unitType: p.unit.type, externalId })
        )
      }
    }
    const hourly = currencyIndex < 0 ? undefined : r.prices[currencyIndex]!
    const hours = hoursIndex < 0 ? undefined : r.prices[hoursIndex]!
    if (hourly !== undefined && hourly.price !== null) {
      const at = [...prefix, "prices", currencyIndex]
      const alternative =
        hours !== undefined && hours.price !== null && Number.isFinite(hours.price) && hours.price >= 0
          ? [{ amount: String(hours.price), creditUnit: text(hours.unit.name_plural) ?? "hours" }]
          : undefined
      prices.push({
        externalId: `resource-${r.resource_id}-currency`,
        name: `${name} per hour`,
        category: "resource_rate",
        appliesTo,
        amount: yield* money(hourly.price, currency, [...at, "price"], externalId),
        unit: { per: "hour", count: 1 },
        recurring: false,
        tax,
        ...(alternative !== undefined ? { alternatives: alternative } : {}),
        status: "active"
      })
      if (hourly.price_max !== null) {
        prices.push({
          externalId: `resource-${r.resource_id}-currency-max`,
          name: `${name} per day (maximum)`,
          category: "resource_rate",
          appliesTo,
          amount: yield* money(hourly.price_max, currency, [...at, "price_max"], externalId),
          unit: { per: "day", count: 1 },
          recurring: false,
          tax,
          status: "active"
        })
      }
    } else if (hours !== undefined) {
      yield* Effect.logWarning("Optix resource price in hours not mapped: the resource has no price in money").pipe(
        Effect.annotateLogs({ path: [...prefix, "prices", hoursIndex].join("."), externalId })
      )
    }
    if (r.assignment_price_month !== null && r.assignment_price_month > 0) {
      prices.push({
        externalId: `resource-${r.resource_id}-assignment`,
        name: `${name} per month`,
        category: "assignment",
        appliesTo,
        amount: yield* money(r.assignment_price_month, currency, [...prefix, "assignment_price_month"], externalId),
        unit: { per: "month", count: 1 },
        recurring: true,
        tax,
        status: "active"
      })
    }
    return { resource, prices }
  })

/**
 * A plan template's prices: the membership (`plan-<id>`), its setup fee and its deposit. A frequency
 * without an exact canonical unit fails `InvalidData` at `planTemplates.<id>.price_frequency`.
 *
 * @since 0.1.0
 */
export const planPrices = (
  plan: OptixSchemas.PlanTemplate,
  currency: string,
  defaults: Rates,
  externalId: string
): Effect.Effect<ReadonlyArray<PriceOut>, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const prefix = ["planTemplates", plan.plan_template_id]
    const unit = frequencyUnit(plan.price_frequency)
    if (unit === undefined) {
      const at = [...prefix, "price_frequency"]
      return yield* AdapterError.invalidData(
        at,
        `${at.join(".")}: ${JSON.stringify(plan.price_frequency)} has no exact canonical billing unit`,
        externalId
      )
    }
    const name = text(plan.name) ?? `Plan ${plan.plan_template_id}`
    const tax = taxOf(recordRates(plan, defaults))
    const status = plan.onboarding_enabled || plan.non_onboarding_enabled ? "active" : "inactive"
    const prices: Array<PriceOut> = [{
      externalId: `plan-${plan.plan_template_id}`,
      name,
      category: "membership",
      appliesTo: {},
      amount: yield* money(plan.price, currency, [...prefix, "price"], externalId),
      unit,
      recurring: true,
      tax,
      status
    }]
    if (plan.set_up_fee > 0) {
      prices.push({
        externalId: `plan-${plan.plan_template_id}-setup-fee`,
        name: `${name}: setup fee`,
        category: "setup_fee",
        appliesTo: {},
        amount: yield* money(plan.set_up_fee, currency, [...prefix, "set_up_fee"], externalId),
        unit: { per: "once", count: 1 },
        recurring: false,
        tax,
        status
      })
    }
    if (plan.deposit > 0) {
      prices.push({
        externalId: `plan-${plan.plan_template_id}-deposit`,
        name: `${name}: deposit`,
        category: "deposit",
        appliesTo: {},
        amount: yield* money(plan.deposit, currency, [...prefix, "deposit"], externalId),
        unit: { per: "once", count: 1 },
        recurring: false,
        // Optix does not say whether a deposit is taxed.
        tax: { mode: "unknown" },
        status
      })
    }
    return prices
  })

/**
 * A pass's price (`product-<id>`): a pass whose allowance expires after one day is a day pass (per day),
 * any other a pass bundle (once).
 *
 * @since 0.1.0
 */
export const passPrice = (
  pass: OptixSchemas.Pass,
  currency: string,
  defaults: Rates,
  externalId: string
): Effect.Effect<PriceOut, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const day = pass.allowance_expire_days === 1
    return {
      externalId: `product-${pass.product_id}`,
      name: text(pass.name) ?? `Pass ${pass.product_id}`,
      category: day ? "day_pass" : "pass_bundle",
      appliesTo: {},
      amount: yield* money(pass.unit_amount, currency, ["passes", pass.product_id, "unit_amount"], externalId),
      unit: day ? { per: "day", count: 1 } : { per: "once", count: 1 },
      recurring: false,
      tax: taxOf(recordRates(pass, defaults)),
      status: pass.onboarding_enabled || pass.non_onboarding_enabled ? "active" : "inactive"
    }
  })

const decoder = <A, I>(schema: Schema.Schema<A, I>, prefix: Path, externalId: string) =>
  UpstreamHttp.decodeUnknown(schema, { prefix, externalId })

/**
 * The canonical snapshot of the location `l`, or its failure.
 *
 * @since 0.1.0
 */
export const snapshot = (
  bundle: Bundle,
  l: OptixSchemas.Location
): Effect.Effect<Snapshot, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const externalId = l.location_id
    const location = yield* locationOf(bundle, l)
    const currency = location.currency
    const defaults = locationRates(l, organizationRates(bundle.organization))
    const resources: Array<ResourceOut> = []
    const prices: Array<PriceOut> = []
    for (const raw of bundle.resources) {
      if (idText(field(field(raw, "location"), "location_id")) !== externalId) continue
      const id = idText(field(raw, "resource_id")) ?? "?"
      const r = yield* decoder(OptixSchemas.Resource, ["resources", id], externalId)(raw)
      const out = yield* resourceOf(r, currency, defaults, externalId)
      resources.push(out.resource)
      prices.push(...out.prices)
    }
    for (const raw of bundle.planTemplates) {
      const id = idText(field(raw, "plan_template_id")) ?? "?"
      if (!mayApply(raw, externalId)) continue
      const plan = yield* decoder(OptixSchemas.PlanTemplate, ["planTemplates", id], externalId)(raw)
      if (!appliesHere(plan, externalId)) continue
      prices.push(...(yield* planPrices(plan, currency, defaults, externalId)))
    }
    for (const raw of bundle.passes) {
      const id = idText(field(raw, "product_id")) ?? "?"
      if (!mayApply(raw, externalId)) continue
      const pass = yield* decoder(OptixSchemas.Pass, ["passes", id], externalId)(raw)
      if (pass.type !== "PASS" || pass.is_deleted || !appliesHere(pass, externalId)) continue
      prices.push(yield* passPrice(pass, currency, defaults, externalId))
    }
    return { location, resources, prices }
  })

/**
 * Every location of the bundle as a read element, in listing order: `Snapshot`, `Failed` (with the path)
 * or, for a location Optix marks deleted, `Deleted`. A location record without a readable id fails the
 * whole read (it cannot be attributed).
 *
 * @since 0.1.0
 */
export const results = (bundle: Bundle): Effect.Effect<ReadonlyArray<Adapter.ReadItem>, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const out: Array<Adapter.ReadItem> = []
    for (let i = 0; i < bundle.locations.length; i++) {
      const raw = bundle.locations[i]
      const externalId = idText(field(raw, "location_id"))
      if (externalId === undefined) {
        return yield* AdapterError.invalidData(
          ["locations", i, "location_id"],
          `locations.${i}.location_id: a location without an id`
        )
      }
      if (field(raw, "is_deleted") === true) {
        out.push(Adapter.ReadItem.Deleted({ externalId }))
        continue
      }
      out.push(
        yield* Adapter.locationResult(
          externalId,
          Effect.flatMap(
            decoder(OptixSchemas.Location, ["locations", externalId], externalId)(raw),
            (l) => snapshot(bundle, l)
          )
        )
      )
    }
    return out
  })
