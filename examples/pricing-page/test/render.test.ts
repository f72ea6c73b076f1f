import { describe, expect, it } from "vitest"
import { type LocationView, type Price, renderPage } from "../src/render.js"

const price = (id: string, fields: Partial<Price> & Pick<Price, "name" | "category" | "amount" | "unit">): Price => ({
  id,
  tax: { mode: "exclusive", ratePercent: 19 },
  status: "active",
  ...fields
})
const eur = (amount: string) => ({ amount, currency: "EUR" })

const berlin: LocationView = {
  location: {
    id: "loc_1",
    name: "Spaces <Mitte>",
    timezone: "Europe/Berlin",
    address: { line1: "Torstraße 1", city: "Berlin", postalCode: "10119", countryCode: "DE" }
  },
  resources: [
    { id: "res_room_a", name: "Room Alpha", kind: "meeting_room", capacity: 6 },
    { id: "res_room_b", name: "Room Beta", kind: "meeting_room", capacity: 1 },
    { id: "res_desk", name: "Flex desks", kind: "hot_desk" }
  ],
  prices: [
    price("prc_b_hour", {
      name: "Beta hourly",
      category: "resource_rate",
      appliesTo: { resourceIds: ["res_room_b"] },
      amount: eur("15.00"),
      unit: { per: "hour", count: 1 }
    }),
    price("prc_a_day", {
      name: "Alpha daily",
      category: "resource_rate",
      appliesTo: { resourceIds: ["res_room_a"] },
      amount: eur("240.00"),
      unit: { per: "day", count: 1 }
    }),
    price("prc_a_hour", {
      name: "Alpha hourly",
      category: "resource_rate",
      appliesTo: { resourceIds: ["res_room_a"] },
      amount: eur("35.00"),
      unit: { per: "hour", count: 1 }
    }),
    price("prc_desk", {
      name: "Hot desk",
      category: "resource_rate",
      appliesTo: { resourceKinds: ["hot_desk"] },
      amount: eur("25.00"),
      unit: { per: "day", count: 1 }
    }),
    price("prc_member", {
      name: "Resident",
      category: "membership",
      amount: eur("390.00"),
      unit: { per: "four_weeks", count: 1 },
      recurring: true,
      tax: { mode: "inclusive", ratePercent: 19 }
    }),
    price("prc_day", {
      name: "Day pass",
      category: "day_pass",
      amount: eur("29.00"),
      unit: { per: "day", count: 1 },
      tax: { mode: "unknown" },
      conditions: { weekend: true, fromTime: "08:00", toTime: "18:00" }
    }),
    price("prc_bundle", {
      name: "10 day passes",
      category: "pass_bundle",
      amount: eur("250.00"),
      unit: { per: "once", count: 1 }
    }),
    price("prc_setup", {
      name: "Setup fee",
      category: "setup_fee",
      amount: eur("50.00"),
      unit: { per: "once", count: 1 }
    }),
    price("prc_old", {
      name: "Old membership",
      category: "membership",
      amount: eur("999.00"),
      unit: { per: "month", count: 1 },
      status: "inactive"
    })
  ],
  version: 7,
  updatedAt: new Date("2026-11-30T09:15:00Z")
}

/** The page's text, in document order, without tags. */
const text = (html: string) =>
  html.replace(/<style>[\s\S]*?<\/style>/, "").replace(/<[^>]+>/g, " ").replace(/[ \t\r\n]+/g, " ").trim()

describe("renderPage", () => {
  const html = renderPage([berlin], { locale: "en-GB" })
  const page = text(html)

  it("shows the location with its address and a last-updated line with the version", () => {
    expect(page).toContain("Spaces &lt;Mitte&gt;")
    expect(html).not.toContain("<Mitte>")
    expect(page).toContain("Torstraße 1, 10119 Berlin")
    expect(page).toContain("Last updated 30 Nov 2026, 10:15:00 (version 7)")
  })

  it("groups prices as meeting rooms (each room with its rates), desks, memberships, day passes, bundles, fees", () => {
    const headings = [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1])
    expect(headings).toEqual([
      "Meeting rooms",
      "Desks",
      "Memberships",
      "Day passes",
      "Bundles",
      "Setup fees and deposits"
    ])
    // Rooms in the hub's order, each room's rates shortest unit first.
    expect(page).toContain(
      "Room Alpha up to 6 people Alpha hourly €35.00 per hour excl. 19% VAT Alpha daily €240.00 per day excl. 19% VAT " +
        "Room Beta up to 1 person Beta hourly €15.00 per hour excl. 19% VAT"
    )
    expect(page).toContain("Desks Hot desk €25.00 per day excl. 19% VAT")
    expect(page).toContain("Memberships Resident €390.00 per 4 weeks incl. 19% VAT")
    expect(page).toContain("Bundles 10 day passes €250.00 one-off excl. 19% VAT")
    expect(page).toContain("Setup fee €50.00 one-off excl. 19% VAT")
  })

  it("claims nothing about tax when it is unknown, and hides prices that are not active", () => {
    expect(page).toContain("Day passes Day pass €29.00 per day weekends, 08:00–18:00 Bundles")
    expect(page).not.toContain("Old membership")
  })

  it("is self-contained: no scripts and no external assets", () => {
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/(src|href)=/i)
    expect(html).toMatch(/^<!doctype html>/)
  })

  it("follows the locale: German words, numbers and dates", () => {
    const german = text(renderPage([berlin], { locale: "de-DE" }))
    expect(german).toContain("Besprechungsräume Room Alpha bis 6 Personen Alpha hourly 35,00\u00a0€ pro Stunde")
    expect(german).toContain("Resident 390,00\u00a0€ pro 4 Wochen inkl. 19\u00a0% MwSt.")
    expect(german).toContain("Zuletzt aktualisiert 30.11.2026, 10:15:00 (Version 7)")
  })

  it("shows a rate shared by several rooms once, under those rooms, and neither names nor offers hidden rooms", () => {
    const london: LocationView = {
      ...berlin,
      resources: [
        { id: "res_staff", name: "Staff Room", kind: "meeting_room", capacity: 4, visible: false },
        { id: "res_alpha", name: "Boardroom Alpha", kind: "meeting_room", capacity: 16 },
        { id: "res_gamma", name: "Room Gamma", kind: "meeting_room", capacity: 6, status: "inactive" },
        { id: "res_beta", name: "Room Beta", kind: "meeting_room", capacity: 8 },
        { id: "res_locker", name: "Lockers", kind: "locker" }
      ],
      prices: [
        price("prc_shared", {
          name: "Meeting room rate",
          category: "resource_rate",
          appliesTo: { resourceIds: ["res_beta", "res_staff", "res_gamma", "res_alpha"] },
          amount: eur("25.00"),
          unit: { per: "hour", count: 1 }
        }),
        price("prc_alpha", {
          name: "Boardroom half day",
          category: "resource_rate",
          appliesTo: { resourceIds: ["res_alpha"] },
          amount: eur("120.00"),
          unit: { per: "hour", count: 4 }
        }),
        price("prc_staff", {
          name: "Staff room rate",
          category: "resource_rate",
          appliesTo: { resourceIds: ["res_staff"] },
          amount: eur("5.00"),
          unit: { per: "hour", count: 1 }
        }),
        price("prc_any_room", {
          name: "Any room, evenings",
          category: "resource_rate",
          appliesTo: { resourceKinds: ["meeting_room"] },
          amount: eur("18.00"),
          unit: { per: "hour", count: 1 }
        }),
        price("prc_locker", {
          name: "Locker",
          category: "resource_rate",
          appliesTo: { resourceIds: ["res_locker"] },
          amount: eur("30.00"),
          unit: { per: "four_weeks", count: 1 }
        })
      ]
    }
    const html = renderPage([london], { locale: "en-GB" })
    const page = text(html)
    expect([...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1])).toEqual(["Meeting rooms", "Other rates"])
    expect(page).toContain(
      "Meeting rooms Any room, evenings €18.00 per hour excl. 19% VAT Boardroom Alpha up to 16 people Boardroom half day €120.00 per 4 hours excl. 19% VAT " +
        "Boardroom Alpha, Room Beta Meeting room rate €25.00 per hour excl. 19% VAT " +
        "Other rates Lockers Locker €30.00 per 4 weeks"
    )
    expect(html.match(/data-price-id="prc_shared"/g)).toHaveLength(1)
    // The hidden room is not named, and its own rate is not offered.
    expect(page).not.toContain("Staff Room")
    expect(page).not.toContain("Staff room rate")
    expect(page).not.toContain("Room Gamma")
    // Alone, the rates of resources that are neither rooms, desks nor offices are just "Rates".
    const lockers = renderPage([{ ...london, prices: london.prices.slice(4) }], { locale: "de-DE" })
    expect([...lockers.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1])).toEqual(["Preise"])
  })

  it("says that nothing is connected yet, and that a location has no prices yet", () => {
    expect(text(renderPage([], { locale: "en-GB" }))).toContain("No prices yet.")
    const empty = text(renderPage([{ ...berlin, prices: [] }], { locale: "en-GB" }))
    expect(empty).toContain("No prices are published for this location yet.")
  })
})
