/**
 * Cobot payloads → canonical snapshots. One Cobot space is one location; its resources are resources;
 * resource pricing (hourly price, duration discounts, price caps, fixed rates) and API 1 plans (with their
 * time passes, extras and sign-up charges) become prices.
 *
 * Money: every amount is the one the space displays (`priceDisplay`): gross with tax `inclusive`, or net
 * with tax `exclusive`, with the summed rate of its taxes, so the other one follows exactly. Decimal
 * strings go through `Money.normalizeDecimal` at the currency's minor unit, never through floats; an
 * amount finer than that, or negative, is `InvalidData` naming its path.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, Money, UpstreamHttp } from "@spacesync/adapter-kit"
import { Effect, Schema } from "effect"
import * as CobotSchemas from "./CobotSchemas.js"

/** What one space holds, as read. @since 0.1.0 @category models */
export interface Bundle {
  readonly space: CobotSchemas.Space
  readonly profile: CobotSchemas.SpaceProfile
  readonly resources: ReadonlyArray<unknown>
  readonly plans: ReadonlyArray<unknown>
}

type Price = Adapter.SnapshotSource["prices"][number]
type ResourceOut = Adapter.SnapshotSource["resources"][number]
type Path = ReadonlyArray<string | number>
type Display = "net" | "gross"

const text = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === "" ? undefined : trimmed
}

const field = (record: unknown, name: string): unknown =>
  typeof record === "object" && record !== null ? (record as Record<string, unknown>)[name] : undefined

const idOf = (record: unknown): string => {
  const id = field(record, "id")
  return typeof id === "string" || typeof id === "number" ? String(id) : "?"
}

/** An upstream amount as money (`Money.fromUpstream`). @since 0.1.0 */
export const money = (value: string | number, currency: string, path: Path, externalId: string) =>
  Money.fromUpstream(value, currency, path, externalId)

const rate = (value: string | number | null | undefined): number | undefined => {
  if (value === null || value === undefined) return undefined
  const n = typeof value === "number" ? value : Number(value)
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined
}

const taxMode = (display: Display): "inclusive" | "exclusive" => display === "gross" ? "inclusive" : "exclusive"

/** Minutes of a Cobot duration, when positive. @since 0.1.0 */
export const minutesOf = (d: typeof CobotSchemas.Duration.Type): number | undefined => {
  const m = (d.hours ?? 0) * 60 + (d.minutes ?? 0)
  return Number.isInteger(m) && m > 0 ? m : undefined
}

/** The unit of a price for a booking of up to `minutes`: whole days, whole hours, else minutes. @since 0.1.0 */
export const durationUnit = (minutes: number): Price["unit"] =>
  minutes % 1440 === 0
    ? { per: "day", count: minutes / 1440 }
    : minutes % 60 === 0
    ? { per: "hour", count: minutes / 60 }
    : { per: "minute", count: minutes }

const kindOf = (type: string | null | undefined, usage: string | null | undefined): ResourceOut["kind"] =>
  type === "room"
    ? "meeting_room"
    : type === "desk"
    ? usage === "allocatable" ? "dedicated_desk" : "hot_desk"
    : "other"

const usageOf = (usage: string | null | undefined): ResourceOut["usage"] =>
  usage === "bookable" ? "bookable" : usage === "allocatable" ? "assignable" : "both"

/**
 * The canonical snapshot of a space.
 *
 * @since 0.1.0
 */
export const snapshot = (bundle: Bundle): Effect.Effect<Adapter.SnapshotSource, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const s = bundle.space.data
    const externalId = s.id
    const decode = <A, I>(schema: Schema.Schema<A, I>, prefix: Path) =>
      UpstreamHttp.decodeUnknown(schema, { prefix, externalId })
    const display: Display = s.attributes.priceDisplay ?? "net"
    const name = text(s.attributes.name)
    if (name === undefined) {
      return yield* AdapterError.invalidData(["spaces", externalId, "name"], "empty name", externalId)
    }

    // An Amount as the space displays it.
    const amountOf = (a: CobotSchemas.Amount, path: Path) =>
      Effect.gen(function*() {
        const total = (a.taxes ?? []).reduce((sum, t) => sum + (rate(t.rate) ?? 0), 0)
        const ratePercent = Math.round(total * 1e6) / 1e6
        const amount = yield* money(display === "gross" ? a.gross : a.net, a.currency, [...path, display], externalId)
        const tax: Price["tax"] = (a.taxes ?? []).length === 0
          ? { mode: taxMode(display), ratePercent: 0 }
          : ratePercent <= 100
          ? { mode: taxMode(display), ratePercent }
          : { mode: "unknown" }
        return { amount, tax }
      })

    const resources: Array<ResourceOut> = []
    const prices: Array<Price> = []
    let currency: string | undefined
    for (const raw of bundle.resources) {
      const rid = idOf(raw)
      const prefix = ["resources", rid]
      const r = yield* decode(CobotSchemas.Resource, prefix)(raw)
      const a = r.attributes
      const rName = text(a.name) ?? r.id
      const kind = kindOf(a.resourceType, a.usage)
      resources.push({
        externalId: r.id,
        name: rName,
        kind,
        usage: usageOf(a.usage),
        status: "active",
        visible: a.hidden !== true,
        ...(a.capacity != null && Number.isInteger(a.capacity) && a.capacity > 0 ? { capacity: a.capacity } : {})
      })
      const p = a.pricing
      if (p == null) continue
      currency ??= text(p.currency ?? undefined) ?? p.pricePerHour?.currency
      const appliesTo = { resourceIds: [r.id] }
      const base = { category: "resource_rate" as const, appliesTo, recurring: false, status: "active" as const }
      const fixed = p.fixedRates ?? []
      if (fixed.length > 0) {
        // Fixed rates override every other price of the resource.
        for (let i = 0; i < fixed.length; i++) {
          const f = fixed[i]!
          const path = [...prefix, "pricing", "fixedRates", i]
          const minutes = minutesOf(f.maximumDuration)
          if (minutes === undefined) {
            return yield* AdapterError.invalidData([...path, "maximumDuration"], "not a positive duration", externalId)
          }
          prices.push({
            ...base,
            externalId: `resource-${r.id}-fixed-${i}`,
            name: `${rName} (fixed rate)`,
            ...(yield* amountOf(f.price, [...path, "price"])),
            unit: durationUnit(minutes),
            conditions: { maxDurationMinutes: minutes }
          })
        }
        continue
      }
      if (p.pricePerHour != null) {
        prices.push({
          ...base,
          externalId: `resource-${r.id}-hour`,
          name: `${rName} per hour`,
          ...(yield* amountOf(p.pricePerHour, [...prefix, "pricing", "pricePerHour"])),
          unit: { per: "hour", count: 1 }
        })
      }
      const discounts = p.discounts ?? []
      for (let i = 0; i < discounts.length; i++) {
        const d = discounts[i]!
        const path = [...prefix, "pricing", "discounts", i]
        const minutes = minutesOf(d.minimumDuration)
        prices.push({
          ...base,
          externalId: `resource-${r.id}-discount-${i}`,
          name: `${rName} per hour (long bookings)`,
          ...(yield* amountOf(d.pricePerHour, [...path, "pricePerHour"])),
          unit: { per: "hour", count: 1 },
          ...(minutes !== undefined ? { conditions: { minDurationMinutes: minutes } } : {})
        })
      }
      const caps = p.priceCaps ?? []
      for (let i = 0; i < caps.length; i++) {
        const c = caps[i]!
        const path = [...prefix, "pricing", "priceCaps", i]
        const minutes = minutesOf(c.maximumDuration)
        if (minutes === undefined) {
          return yield* AdapterError.invalidData([...path, "maximumDuration"], "not a positive duration", externalId)
        }
        prices.push({
          ...base,
          externalId: `resource-${r.id}-cap-${i}`,
          name: `${rName} (price cap)`,
          ...(yield* amountOf(c.price, [...path, "price"])),
          unit: durationUnit(minutes)
        })
      }
    }

    for (const raw of bundle.plans) {
      const pid = idOf(raw)
      const prefix = ["plans", pid]
      const plan = yield* decode(CobotSchemas.Plan, prefix)(raw)
      currency ??= plan.currency
      const cycle = plan.cycle_duration
      if (!Number.isInteger(cycle) || cycle <= 0) {
        return yield* AdapterError.invalidData([...prefix, "cycle_duration"], "not a positive integer", externalId)
      }
      // API 1 prices are entered as the space displays them; the plan's tax rate applies.
      const taxOf = (value: string | number | null | undefined): Price["tax"] => {
        const r = rate(value)
        return r === undefined ? { mode: taxMode(display) } : { mode: taxMode(display), ratePercent: r }
      }
      const status = plan.hidden === true ? "inactive" as const : "active" as const
      const tax = taxOf(plan.tax_rate)
      const cycleUnit: Price["unit"] = { per: "month", count: cycle }
      prices.push({
        externalId: `plan-${plan.id}`,
        name: plan.name,
        category: "membership",
        appliesTo: {},
        amount: yield* money(plan.price_per_cycle, plan.currency, [...prefix, "price_per_cycle"], externalId),
        unit: cycleUnit,
        recurring: true,
        tax,
        status
      })
      if (plan.signup_charge != null) {
        const amount = yield* money(
          plan.signup_charge.amount,
          plan.currency,
          [...prefix, "signup_charge", "amount"],
          externalId
        )
        if (amount.amount !== Money.normalizeDecimal("0", Money.minorUnits(plan.currency) ?? 2)) {
          prices.push({
            externalId: `plan-${plan.id}-signup`,
            name: `${plan.name}: ${text(plan.signup_charge.description) ?? "sign-up charge"}`,
            category: "setup_fee",
            appliesTo: {},
            amount,
            unit: { per: "once", count: 1 },
            recurring: false,
            tax: taxOf(plan.signup_charge.tax_rate),
            status
          })
        }
      }
      for (const pass of plan.time_passes ?? []) {
        const c = pass.currency ?? plan.currency
        prices.push({
          externalId: `plan-${plan.id}-pass-${pass.id}`,
          name: `${plan.name}: ${pass.name}`,
          category: "day_pass",
          appliesTo: {},
          amount: yield* money(pass.price, c, [...prefix, "time_passes", pass.id, "price"], externalId),
          unit: { per: "use", count: 1 },
          recurring: false,
          tax,
          conditions: { membersOnly: true },
          status
        })
      }
      for (const extra of plan.extras ?? []) {
        const c = extra.currency ?? plan.currency
        prices.push({
          externalId: `plan-${plan.id}-extra-${extra.id}`,
          name: `${plan.name}: ${extra.name}`,
          category: "addon",
          appliesTo: {},
          amount: yield* money(extra.price, c, [...prefix, "extras", extra.id, "price"], externalId),
          unit: cycleUnit,
          recurring: true,
          tax,
          conditions: { membersOnly: true },
          status
        })
      }
      const credits = plan.booking_credits ?? []
      for (let i = 0; i < credits.length; i++) {
        const credit = credits[i]!
        if (credit.price_per_hour == null) continue
        const ids = (credit.resources ?? []).map((x) => x.id)
        prices.push({
          externalId: `plan-${plan.id}-credit-${i}`,
          // Members of the plan book these resources at `price_per_hour`, or with the plan's booking
          // credits (`hours` a cycle): one credit hour instead of the hourly price.
          name: `${plan.name}: members' hourly rate`,
          category: "resource_rate",
          appliesTo: ids.length > 0 ? { resourceIds: ids } : {},
          amount: yield* money(credit.price_per_hour, plan.currency, [
            ...prefix,
            "booking_credits",
            i,
            "price_per_hour"
          ], externalId),
          unit: { per: "hour", count: 1 },
          recurring: false,
          tax,
          conditions: { membersOnly: true },
          ...(credit.hours != null && Number(credit.hours) > 0
            ? { alternatives: [{ amount: "1", creditUnit: `${plan.name} booking credit hour` }] }
            : {}),
          status
        })
      }
    }

    if (currency === undefined) {
      return yield* AdapterError.invalidData(
        ["spaces", externalId, "currency"],
        "the space has no priced resource or plan to take its currency from",
        externalId
      )
    }
    const address: Record<string, string> = {}
    let geo: { lat: number; lng: number } | undefined
    const sa = bundle.profile.data.attributes.structuredAddress
    if (sa != null) {
      const put = (key: string, value: string | null | undefined) => {
        const t = text(value)
        if (t !== undefined) address[key] = t
      }
      put("formatted", sa.fullAddress)
      put("line1", sa.street)
      put("city", sa.city)
      put("region", sa.state)
      put("postalCode", sa.postCode)
      const country = text(sa.countryCode)
      if (country !== undefined && /^[A-Za-z]{2}$/.test(country)) address.countryCode = country.toUpperCase()
      if (sa.latitude != null && sa.longitude != null) geo = { lat: sa.latitude, lng: sa.longitude }
    }
    const location: Adapter.SnapshotSource["location"] = {
      externalId,
      name,
      status: "active",
      visible: true,
      timezone: text(s.attributes.timeZone) ?? null,
      address,
      currency,
      priceDisplay: display,
      ...(geo !== undefined ? { geo } : {})
    }
    return { location, resources, prices }
  })
