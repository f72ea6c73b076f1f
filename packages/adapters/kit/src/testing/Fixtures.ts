/**
 * Realistic canonical data for tests, examples and benchmarks.
 *
 * @since 0.1.0
 */
import type { LocationSnapshotSource } from "../LocationSnapshot.js"

const kinds = ["meeting_room", "hot_desk", "dedicated_desk", "private_office", "phone_booth"] as const

/**
 * The source form of one location (as an adapter or feed supplies it) with `resources` resources and
 * `prices` prices. The same arguments always give the same data.
 *
 * @since 0.1.0
 */
export const locationSource = (
  externalId: string,
  options: { readonly resources?: number; readonly prices?: number; readonly currency?: string } = {}
): LocationSnapshotSource => {
  const resourceCount = options.resources ?? 3
  const priceCount = options.prices ?? 4
  const currency = options.currency ?? "EUR"
  const resources = Array.from({ length: resourceCount }, (_, i) => ({
    externalId: `${externalId}-r${i}`,
    name: `Room ${i + 1}`,
    kind: kinds[i % kinds.length]!,
    usage: i % 2 === 0 ? "bookable" as const : "assignable" as const,
    capacity: 2 + (i % 10),
    status: "active" as const,
    visible: true,
    amenities: ["wifi", "screen"]
  }))
  const prices = Array.from({ length: priceCount }, (_, i) => ({
    externalId: `${externalId}-p${i}`,
    name: `Rate ${i + 1}`,
    category: "resource_rate" as const,
    appliesTo: resourceCount > 0
      ? { resourceIds: [`${externalId}-r${i % resourceCount}`] }
      : { resourceKinds: ["hot_desk" as const] },
    amount: { amount: `${10 + i}.50`, currency },
    unit: { per: "hour" as const, count: 1 },
    recurring: false,
    tax: { mode: "exclusive" as const, ratePercent: 20 },
    status: "active" as const
  }))
  return {
    location: {
      externalId,
      name: `Workspace ${externalId}`,
      status: "active",
      visible: true,
      timezone: "Europe/Berlin",
      address: { line1: "Torstraße 1", city: "Berlin", postalCode: "10119", countryCode: "DE" },
      geo: { lat: 52.53, lng: 13.4 },
      currency,
      priceDisplay: "net",
      description: "A bright space near the park.",
      contact: { email: "hello@example.com", website: "https://example.com" },
      openingHours: [
        { day: "mon", opens: "08:00", closes: "20:00" },
        { day: "tue", opens: "08:00", closes: "20:00" }
      ],
      amenities: ["coffee", "wifi"],
      photos: ["https://example.com/a.jpg"]
    },
    resources,
    prices
  }
}
