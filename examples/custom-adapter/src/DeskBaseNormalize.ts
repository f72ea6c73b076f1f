/**
 * DeskBase payloads → canonical snapshots. The rules every adapter follows:
 * - money is never a float: DeskBase's integer minor units become a decimal string by moving the point
 *   (`1250` EUR → `"12.50"`, `1500` JPY → `"1500"`), never by dividing;
 * - nothing is guessed: a site without VAT settings has tax `unknown`, one without a time zone has
 *   `timezone: null`, a room type we do not know is `other`;
 * - units are exact: "per 4 hours" is `{per: "hour", count: 4}`, not a rate per hour.
 */
import { type Adapter, AdapterError, Money, type Resource } from "@spacesync/adapter-kit"
import { Effect } from "effect"
import type * as DeskBaseSchemas from "./DeskBaseSchemas.js"

/** DeskBase room types → canonical resource kinds; anything else is `other`. */
const kinds: Readonly<Record<string, Resource.ResourceKind>> = {
  meeting_room: "meeting_room",
  hot_desk: "hot_desk",
  fixed_desk: "dedicated_desk",
  office: "private_office",
  phone_booth: "phone_booth"
}

export const kindOf = (type: string): Resource.ResourceKind => kinds[type] ?? "other"

/** Booked by the hour, or rented for a term. */
export const usageOf = (kind: Resource.ResourceKind): "bookable" | "assignable" =>
  kind === "dedicated_desk" || kind === "private_office" ? "assignable" : "bookable"

/** An integer amount in minor units as canonical money, by moving the decimal point in the string. */
export const money = (
  minor: number,
  currency: string,
  path: ReadonlyArray<string | number>
): Effect.Effect<{ readonly amount: string; readonly currency: string }, AdapterError.AdapterError> => {
  const digits = Money.minorUnits(currency)
  if (digits === undefined) {
    return Effect.fail(AdapterError.invalidData(["currency"], `Unknown currency ${JSON.stringify(currency)}`))
  }
  if (!Number.isSafeInteger(minor) || minor < 0) {
    return Effect.fail(AdapterError.invalidData(path, `Expected a non-negative integer amount, got ${minor}`))
  }
  const text = String(minor).padStart(digits + 1, "0")
  const amount = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`
  return Effect.succeed({ amount, currency })
}

/** VAT as DeskBase knows it; no settings: unknown. */
export const tax = (vat: DeskBaseSchemas.Site["vat"]) =>
  vat === null
    ? { mode: "unknown" as const }
    : { mode: vat.included ? "inclusive" as const : "exclusive" as const, ratePercent: vat.rate }

/** What a rate is: for a room by the hour or day, a room rented monthly, or the whole site. */
export const categoryOf = (rate: DeskBaseSchemas.Rate) =>
  rate.room_id === null
    ? rate.period === "month" ? "membership" as const : "day_pass" as const
    : rate.period === "month"
    ? "assignment" as const
    : "resource_rate" as const

/** The canonical snapshot of one site. */
export const snapshot = (
  site: DeskBaseSchemas.Site
): Effect.Effect<Adapter.SnapshotSource, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const status = site.active ? "active" as const : "inactive" as const
    const resources = site.rooms.map((room) => {
      const kind = kindOf(room.type)
      return {
        externalId: room.id,
        name: room.name,
        kind,
        usage: usageOf(kind),
        ...(room.seats === null ? {} : { capacity: room.seats }),
        status: room.active ? "active" as const : "inactive" as const,
        visible: room.active
      }
    })
    const prices = yield* Effect.forEach(site.rates, (rate, i) =>
      Effect.map(money(rate.price_minor, site.currency, ["rates", i, "price_minor"]), (amount) => ({
        externalId: rate.id,
        name: rate.label,
        category: categoryOf(rate),
        appliesTo: rate.room_id === null ? {} : { resourceIds: [rate.room_id] },
        amount,
        unit: { per: rate.period, count: rate.period_count },
        recurring: rate.period === "month",
        tax: tax(site.vat),
        status: rate.active ? "active" as const : "inactive" as const
      })))
    return {
      location: {
        externalId: site.id,
        name: site.name,
        status,
        visible: site.active,
        timezone: site.timezone === null || site.timezone === "" ? null : site.timezone,
        address: {
          line1: site.address.street,
          city: site.address.city,
          ...(site.address.postcode === null ? {} : { postalCode: site.address.postcode }),
          countryCode: site.address.country
        },
        currency: site.currency,
        ...(site.vat === null ? {} : { priceDisplay: site.vat.included ? "gross" as const : "net" as const })
      },
      resources,
      prices
    }
  })
