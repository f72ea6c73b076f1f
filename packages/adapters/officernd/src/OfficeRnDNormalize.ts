/**
 * OfficeRnD payloads → canonical snapshots. One OfficeRnD location is one location; its resources are
 * resources; resource rates, plans and the resources' own monthly prices and deposits become prices.
 *
 * Records arrive undecoded (`Bundle`) and are decoded per location, so that a malformed record makes
 * only the locations it belongs to `Failed` (`InvalidData` naming the path, e.g.
 * `resource-rates.<id>.price`). A rate or plan with `locations: []` belongs to every location.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, Money, UpstreamHttp } from "@spacesync/adapter-kit"
import { Effect, Either, Schema } from "effect"
import * as OfficeRnDSchemas from "./OfficeRnDSchemas.js"

/** What one organization holds, as read, undecoded. @since 0.1.0 @category models */
export interface Bundle {
  readonly currency: string
  readonly locations: ReadonlyArray<unknown>
  readonly resourceTypes: ReadonlyArray<unknown>
  readonly resources: ReadonlyArray<unknown>
  readonly resourceRates: ReadonlyArray<unknown>
  readonly plans: ReadonlyArray<unknown>
  readonly taxRates: ReadonlyArray<unknown>
  readonly revenueAccounts: ReadonlyArray<unknown>
}

type Price = Adapter.SnapshotSource["prices"][number]
type ResourceOut = Adapter.SnapshotSource["resources"][number]
type Path = ReadonlyArray<string | number>

const field = (record: unknown, name: string): unknown =>
  typeof record === "object" && record !== null ? (record as Record<string, unknown>)[name] : undefined

/** `_id` of a raw record, when it has one. @since 0.1.0 */
export const idOf = (record: unknown): string | undefined => {
  const id = field(record, "_id")
  return typeof id === "string" && id !== "" ? id : undefined
}

const text = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? undefined : trimmed
}

/** An upstream amount as money (`Money.fromUpstream`). @since 0.1.0 */
export const money = (amount: number, currency: string, path: Path) => Money.fromUpstream(amount, currency, path)

const resourceKinds: Record<string, ResourceOut["kind"]> = {
  meeting_room: "meeting_room",
  team_room: "private_office",
  desk: "dedicated_desk",
  desk_tr: "dedicated_desk",
  hotdesk: "hot_desk",
  desk_na: "hot_desk",
  phone_booth: "phone_booth",
  event_space: "event_space",
  parking: "parking"
}

const planKinds: Record<string, ResourceOut["kind"]> = {
  office: "private_office",
  desk: "dedicated_desk",
  hotdesk: "hot_desk"
}

const defaultUsage: Record<string, ResourceOut["usage"]> = {
  meeting_room: "bookable",
  hot_desk: "bookable",
  private_office: "assignable",
  dedicated_desk: "assignable"
}

const unitOf = (length: string, count: number): Price["unit"] | undefined => {
  const c = Number.isInteger(count) && count > 0 ? count : undefined
  if (c === undefined) return undefined
  switch (length) {
    case "once":
      return { per: "once", count: 1 }
    case "hour":
    case "day":
    case "week":
    case "month":
      return { per: length, count: c }
  }
  return undefined
}

/** Grouped lookups of a bundle (tax by revenue account, resource types by id or type). @since 0.1.0 */
export interface Lookups {
  readonly taxByRevenueAccount: ReadonlyMap<string, number | undefined>
  readonly resourceTypes: ReadonlyMap<string, OfficeRnDSchemas.ResourceType>
}

const decodeResourceType = Schema.decodeUnknownEither(OfficeRnDSchemas.ResourceType)

const lookups = (bundle: Bundle): Lookups => {
  const rates = new Map<string, number>()
  for (const raw of bundle.taxRates) {
    const id = idOf(raw)
    const rate = field(raw, "rate")
    if (id !== undefined && typeof rate === "number" && rate >= 0 && rate <= 100) rates.set(id, rate)
  }
  const taxByRevenueAccount = new Map<string, number | undefined>()
  for (const raw of bundle.revenueAccounts) {
    const id = idOf(raw)
    const taxRate = field(raw, "taxRate")
    if (id !== undefined) taxByRevenueAccount.set(id, typeof taxRate === "string" ? rates.get(taxRate) : undefined)
  }
  const resourceTypes = new Map<string, OfficeRnDSchemas.ResourceType>()
  for (const raw of bundle.resourceTypes) {
    const decoded = Either.getOrUndefined(decodeResourceType(raw))
    if (decoded === undefined) continue
    resourceTypes.set(decoded._id, decoded)
    if (decoded.type !== null && !resourceTypes.has(decoded.type)) resourceTypes.set(decoded.type, decoded)
  }
  return { taxByRevenueAccount, resourceTypes }
}

/**
 * The tax of a price from its revenue account: the account's tax rate when known. OfficeRnD does not say
 * whether prices include it, so the mode is `unknown`.
 *
 * @since 0.1.0
 */
export const taxOf = (look: Lookups, revenueAccount: string | null): Price["tax"] => {
  const rate = revenueAccount === null ? undefined : look.taxByRevenueAccount.get(revenueAccount)
  return rate === undefined ? { mode: "unknown" } : { mode: "unknown", ratePercent: rate }
}

const appliesHere = (locations: ReadonlyArray<string>, locationId: string) =>
  locations.length === 0 || locations.includes(locationId)

/**
 * The canonical snapshot of the location `raw`, or its failure.
 *
 * @since 0.1.0
 */
export const location = (
  bundle: Bundle,
  look: Lookups,
  raw: unknown
): Effect.Effect<Adapter.SnapshotSource, AdapterError.AdapterError> => {
  const externalId = idOf(raw) ?? "?"
  const currency = bundle.currency
  const decode = <A, I>(schema: Schema.Schema<A, I>, prefix: Path) =>
    UpstreamHttp.decodeUnknown(schema, { prefix, externalId })
  const amount = (value: number, path: Path) =>
    Either.match(money(value, currency, path), {
      onLeft: (error) => Effect.fail(AdapterError.withExternalId(error, externalId)),
      onRight: Effect.succeed
    })
  return Effect.gen(function*() {
    const l = yield* decode(OfficeRnDSchemas.Location, ["locations", externalId])(raw)
    const name = text(l.name)
    if (name === undefined) {
      return yield* AdapterError.invalidData(["locations", externalId, "name"], "empty name", externalId)
    }
    const address: Record<string, string> = {}
    let geo: { lat: number; lng: number } | undefined
    if (typeof l.address === "string") {
      const formatted = text(l.address)
      if (formatted !== undefined) address.formatted = formatted
    } else if (l.address !== null) {
      const a = l.address
      const put = (key: string, value: string | null) => {
        const t = text(value)
        if (t !== undefined) address[key] = t
      }
      put("formatted", a.formattedAddress)
      put("line1", a.street)
      put("city", a.city)
      put("region", a.state)
      put("postalCode", a.zip)
      const country = text(a.country)
      if (country !== undefined && /^[A-Za-z]{2}$/.test(country)) address.countryCode = country.toUpperCase()
      if (a.latitude !== null && a.longitude !== null) geo = { lat: a.latitude, lng: a.longitude }
    }
    const timezone = text(l.timezone) ?? null
    const loc: Adapter.SnapshotSource["location"] = {
      externalId,
      name,
      status: l.isOpen === false ? "inactive" : "active",
      visible: l.isPublic !== false,
      timezone,
      address,
      currency,
      ...(geo !== undefined ? { geo } : {})
    }

    const resources: Array<ResourceOut> = []
    const prices: Array<Price> = []
    const usersOfRate = new Map<string, Array<string>>()
    for (const rawResource of bundle.resources) {
      if (field(rawResource, "location") !== externalId) continue
      const prefix = ["resources", idOf(rawResource) ?? "?"]
      const r = yield* decode(OfficeRnDSchemas.Resource, prefix)(rawResource)
      const type = r.type === null ? undefined : look.resourceTypes.get(r.type)
      const kind = (r.type !== null ? resourceKinds[r.type] : undefined) ??
        (type?.type != null ? resourceKinds[type.type] : undefined) ?? "other"
      const usage: ResourceOut["usage"] = type !== undefined && type.canBook !== null && type.canAssign !== null
        ? type.canBook && type.canAssign ? "both" : type.canAssign ? "assignable" : "bookable"
        : defaultUsage[kind] ?? "bookable"
      const rName = text(r.name) ?? r._id
      resources.push({
        externalId: r._id,
        name: rName,
        kind,
        usage,
        status: "active",
        visible: true,
        ...(r.size !== null && Number.isInteger(r.size) && r.size > 0 ? { capacity: r.size } : {})
      })
      if (r.rate !== null) usersOfRate.set(r.rate, [...(usersOfRate.get(r.rate) ?? []), r._id])
      const appliesTo = { resourceIds: [r._id] }
      if (r.price !== null && r.price > 0) {
        prices.push({
          externalId: `resource-${r._id}-assignment`,
          name: `${rName} per month`,
          category: "assignment",
          appliesTo,
          amount: yield* amount(r.price, [...prefix, "price"]),
          unit: { per: "month", count: 1 },
          recurring: true,
          tax: { mode: "unknown" },
          status: "active"
        })
      }
      if (r.deposit !== null && r.deposit > 0) {
        prices.push({
          externalId: `resource-${r._id}-deposit`,
          name: `${rName} deposit`,
          category: "deposit",
          appliesTo,
          amount: yield* amount(r.deposit, [...prefix, "deposit"]),
          unit: { per: "once", count: 1 },
          recurring: false,
          tax: { mode: "unknown" },
          status: "active"
        })
      }
    }

    for (const rawRate of bundle.resourceRates) {
      const rateId = idOf(rawRate)
      const users = rateId === undefined ? undefined : usersOfRate.get(rateId)
      if (users === undefined) continue
      const prefix = ["resource-rates", rateId!]
      const rate = yield* decode(OfficeRnDSchemas.ResourceRate, prefix)(rawRate)
      if (!appliesHere(rate.locations, externalId)) continue
      const unit = unitOf(rate.intervalLength, rate.intervalCount)
      if (unit === undefined) {
        return yield* AdapterError.invalidData([...prefix, "intervalCount"], "not a positive integer", externalId)
      }
      const appliesTo = { resourceIds: [...users].sort() }
      const tax = taxOf(look, rate.revenueAccount)
      prices.push({
        externalId: `rate-${rate._id}`,
        name: rate.name,
        category: "resource_rate",
        appliesTo,
        amount: yield* amount(rate.price, [...prefix, "price"]),
        unit,
        recurring: false,
        tax,
        status: "active"
      })
      for (let i = 0; i < rate.rates.length; i++) {
        const sub = rate.rates[i]!
        const subPrefix = [...prefix, "rates", i]
        const half = sub.isHalfDayRate === true
        const subUnit: Price["unit"] | undefined = half
          ? { per: "half_day", count: 1 }
          : unitOf(sub.intervalLength, sub.intervalCount)
        if (subUnit === undefined) {
          return yield* AdapterError.invalidData([...subPrefix, "intervalCount"], "not a positive integer", externalId)
        }
        const conditions: { weekend?: boolean; offPeak?: boolean } = {}
        if (sub.isWeekendRate === true) conditions.weekend = true
        if (sub.isOffRate === true) conditions.offPeak = true
        const per = half || (subUnit.per === unit.per && subUnit.count === unit.count)
          ? undefined
          : subUnit.count === 1
          ? `per ${subUnit.per}`
          : `per ${subUnit.count} ${subUnit.per}s`
        const label = [
          half ? "half day" : per,
          conditions.weekend ? "weekend" : undefined,
          conditions.offPeak ? "off-peak" : undefined
        ]
          .filter((s) => s !== undefined).join(", ")
        prices.push({
          externalId: `rate-${rate._id}-${sub._id ?? i}`,
          name: label === "" ? rate.name : `${rate.name} (${label})`,
          category: "resource_rate",
          appliesTo,
          amount: yield* amount(sub.price, [...subPrefix, "price"]),
          unit: subUnit,
          recurring: false,
          tax,
          ...(Object.keys(conditions).length > 0 ? { conditions } : {}),
          status: "active"
        })
      }
    }

    // One-off plans that other plans name as setup fees are priced as those plans' setup fees.
    const setupFeePlans = new Set<string>()
    for (const rawPlan of bundle.plans) {
      const fees = field(rawPlan, "setupFees")
      if (Array.isArray(fees)) { for (const fee of fees) if (typeof fee === "string") setupFeePlans.add(fee) }
    }
    const plansById = new Map<string, unknown>()
    for (const rawPlan of bundle.plans) {
      const id = idOf(rawPlan)
      if (id !== undefined) plansById.set(id, rawPlan)
    }
    for (const rawPlan of bundle.plans) {
      const planId = idOf(rawPlan) ?? "?"
      const locations = field(rawPlan, "locations")
      if (Array.isArray(locations) && locations.length > 0 && !locations.includes(externalId)) continue
      if (setupFeePlans.has(planId) && field(rawPlan, "intervalLength") === "once") continue
      const prefix = ["plans", planId]
      const plan = yield* decode(OfficeRnDSchemas.Plan, prefix)(rawPlan)
      const kind = plan.type === null ? undefined : planKinds[plan.type]
      const appliesTo = kind === undefined ? {} : { resourceKinds: [kind] }
      const unit = unitOf(plan.intervalLength, plan.intervalCount)
      if (unit === undefined) {
        return yield* AdapterError.invalidData([...prefix, "intervalCount"], "not a positive integer", externalId)
      }
      const tax = taxOf(look, plan.revenueAccount)
      const price = yield* amount(plan.price, [...prefix, "price"])
      const category: Price["category"] = plan.intervalLength !== "once"
        ? "membership"
        : plan.passesForLocations.length > 0
        ? "pass_bundle"
        : "addon"
      prices.push({
        externalId: `plan-${plan._id}`,
        name: plan.name,
        category,
        appliesTo,
        amount: price,
        unit,
        recurring: plan.intervalLength !== "once",
        tax,
        status: "active"
      })
      for (let i = 0; i < plan.setupFees.length; i++) {
        const feeId = plan.setupFees[i]!
        const rawFee = plansById.get(feeId)
        if (rawFee === undefined) {
          return yield* AdapterError.invalidData(
            [...prefix, "setupFees", i],
            `${[...prefix, "setupFees", i].join(".")}: no plan ${JSON.stringify(feeId)}`,
            externalId
          )
        }
        const fee = yield* decode(OfficeRnDSchemas.Plan, ["plans", feeId])(rawFee)
        prices.push({
          externalId: `plan-${plan._id}-setup-${fee._id}`,
          name: `${plan.name}: ${fee.name}`,
          category: "setup_fee",
          appliesTo,
          amount: yield* amount(fee.price, ["plans", feeId, "price"]),
          unit: { per: "once", count: 1 },
          recurring: false,
          tax: taxOf(look, fee.revenueAccount),
          status: "active"
        })
      }
      // `depositPercent` is not mapped: which amount it is a percentage of (the first period, with or
      // without tax, prorated or not) is not documented.
      const deposit = plan.deposit !== null && plan.deposit > 0
        ? yield* amount(plan.deposit, [...prefix, "deposit"])
        : undefined
      if (deposit !== undefined) {
        prices.push({
          externalId: `plan-${plan._id}-deposit`,
          name: `${plan.name} deposit`,
          category: "deposit",
          appliesTo,
          amount: deposit,
          unit: { per: "once", count: 1 },
          recurring: false,
          tax: { mode: "unknown" },
          status: "active"
        })
      }
    }
    return { location: loc, resources, prices }
  })
}

/**
 * Every location of the bundle as a read element (`Snapshot`, or `Failed` with the path), in listing
 * order; only the `wanted` ones when given. A location without a readable `_id` fails the whole read.
 *
 * @since 0.1.0
 */
export const results = (
  bundle: Bundle,
  wanted?: ReadonlySet<string>
): Effect.Effect<ReadonlyArray<Adapter.LocationResult>, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const look = lookups(bundle)
    const out: Array<Adapter.LocationResult> = []
    for (let i = 0; i < bundle.locations.length; i++) {
      const raw = bundle.locations[i]
      const externalId = idOf(raw)
      if (externalId === undefined) {
        return yield* AdapterError.invalidData(["locations", i, "_id"], `locations.${i}._id: a location without an id`)
      }
      if (wanted !== undefined && !wanted.has(externalId)) continue
      out.push(yield* Adapter.locationResult(externalId, location(bundle, look, raw)))
    }
    return out
  })
