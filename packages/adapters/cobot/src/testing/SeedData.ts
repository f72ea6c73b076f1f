/**
 * Seed data of the Cobot simulator: spaces (API 2 `spaces`), their profiles (`spaceProfiles`, with a
 * `structuredAddress`), resources with inline `pricing`, products and drop-in pass templates (API 2), and
 * the plan catalogue of each space (API 1 `/api/plans`, snake_case, decimals as strings).
 *
 * Shapes follow Cobot's own API 2 OpenAPI document and its example responses; the API 1 plan follows the
 * example of dev.cobot.me/api-docs/plans. Decimals are strings as Cobot serializes them (`"10.0"`,
 * `"98.35"`), durations `{hours, minutes}`.
 *
 * The awkward cases it reproduces:
 * - three spaces (one subdomain each) in three countries: Berlin (`priceDisplay: "net"`, EUR, VAT 19 %,
 *   `priceDecimals: 2`), Tokyo (`"gross"`, JPY, consumption tax 10 %, `priceDecimals: 0`), Brooklyn
 *   (`"net"`, USD, no default taxes, `priceDecimals: 2`, `hourFormat: 12`);
 * - resources of `resourceType` `room`, `desk`, `other` and `null`, with `usage` `bookable` and
 *   `allocatable` (allocatable ones have `pricePerHour: null`), `units` > 1, a hidden one, discounts,
 *   price caps (`priceCaps[]` and the duration-only `priceCap`), a resource with `fixedRates` (which
 *   override its `pricePerHour`, discounts and caps), and a free one (`"0.0"`);
 * - plans with `cycle_duration` 1, 3 and 12 months, a hidden plan, sign-up charges (or `null`), booking
 *   credits, time passes and extras;
 * - Brooklyn's profile has no coordinates and a `state`; Tokyo's address is in Japanese.
 *
 * The data is made up. `make()` returns fresh, mutable data on every call.
 *
 * @since 0.1.0
 */

/** A JSON value as the simulator stores it. @since 0.1.0 */
export type Json = { [key: string]: unknown }

/** A JSON:API resource object without its links (the simulator adds them, with its origin). @since 0.1.0 */
export interface Entity {
  readonly id: string
  /** The id of the space it belongs to (for spaces: their own id). */
  readonly spaceId: string
  attributes: Json
}

/** An API 1 plan (snake_case, as `/api/plans` returns it). @since 0.1.0 */
export type Plan = { id: string } & Json

/** Everything the simulator serves. @since 0.1.0 */
export interface Data {
  spaces: Array<Entity>
  spaceProfiles: Array<Entity>
  resources: Array<Entity>
  products: Array<Entity>
  dropInPassTemplates: Array<Entity>
  /** API 1 plans, by space id. */
  plans: { [spaceId: string]: Array<Plan> }
}

/**
 * A 32-hex-digit id as Cobot's API 2 ids look: a fixed prefix, a kind byte and a counter.
 *
 * @since 0.1.0
 */
export const cobotId = (kind: number, n: number): string =>
  `c0b07a${kind.toString(16).padStart(2, "0")}`.padEnd(26, "0") + n.toString(16).padStart(6, "0")

const kinds = { space: 0x10, network: 0x11, user: 0x12, resource: 0x30, product: 0x40 } as const

/** The subdomains of the seed. @since 0.1.0 */
export const subdomains = { berlin: "co-up", tokyo: "desk-tokyo", brooklyn: "brooklyn-works" } as const

/** Space ids (a space profile has the id of its space, as in Cobot's examples). @since 0.1.0 */
export const spaceIds = {
  berlin: cobotId(kinds.space, 1),
  tokyo: cobotId(kinds.space, 2),
  brooklyn: cobotId(kinds.space, 3)
} as const

/** The network the spaces belong to. @since 0.1.0 */
export const networkId = cobotId(kinds.network, 1)

/** The owner of the spaces. @since 0.1.0 */
export const ownerId = cobotId(kinds.user, 1)

/** Resource ids. @since 0.1.0 */
export const resourceIds = {
  berlinMeetingRoom: cobotId(kinds.resource, 1),
  berlinPhoneBooth: cobotId(kinds.resource, 2),
  berlinHotDesk: cobotId(kinds.resource, 3),
  berlinEventHall: cobotId(kinds.resource, 4),
  berlinFixedDesk: cobotId(kinds.resource, 5),
  berlinPrivateOffice: cobotId(kinds.resource, 6),
  berlinParking: cobotId(kinds.resource, 7),
  berlinBoardroom: cobotId(kinds.resource, 8),
  berlinPodcastStudio: cobotId(kinds.resource, 9),
  berlinLocker: cobotId(kinds.resource, 10),
  tokyoMeetingRoom: cobotId(kinds.resource, 21),
  tokyoHotDesk: cobotId(kinds.resource, 22),
  brooklynLoft: cobotId(kinds.resource, 31),
  brooklynDesk: cobotId(kinds.resource, 32)
} as const

/** Product ids. @since 0.1.0 */
export const productIds = {
  berlinCoffee: cobotId(kinds.product, 1),
  berlinProjector: cobotId(kinds.product, 2),
  tokyoTea: cobotId(kinds.product, 3)
} as const

/** Drop-in pass template ids (UUIDs, as in Cobot's example). @since 0.1.0 */
export const dropInPassTemplateIds = {
  berlinDayPass: "0c0b07a1-0000-4000-8000-000000000001",
  berlinHalfDay: "0c0b07a1-0000-4000-8000-000000000002",
  tokyoDayPass: "0c0b07a1-0000-4000-8000-000000000003"
} as const

/** API 1 plan ids (numeric strings, as in the API 1 example). @since 0.1.0 */
export const planIds = {
  berlinFlex: "10001",
  berlinFixedDesk: "10002",
  berlinOfficeQuarterly: "10003",
  berlinAnnual: "10004",
  berlinStaff: "10005",
  berlinVirtual: "10006",
  tokyoFlex: "20001",
  tokyoHidden: "20002",
  brooklynFlex: "30001"
} as const

// ---- money ----

/** A decimal as Cobot serializes it: `"10.0"`, `"98.35"`. @since 0.1.0 */
export const decimal = (value: number): string => {
  const rounded = Math.round(value * 100) / 100
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded)
}

interface Tax {
  readonly name: string
  readonly rate: string
}

/** An API 2 amount `{net, gross, currency, taxes}` from a net value. @since 0.1.0 */
export const amount = (
  net: number,
  currency: string,
  taxes: ReadonlyArray<Tax>,
  options: { readonly taxAmounts?: boolean } = {}
): Json => {
  const rate = taxes.reduce((sum, t) => sum + Number(t.rate), 0)
  return {
    net: decimal(net),
    gross: decimal(net * (1 + rate / 100)),
    currency,
    taxes: taxes.map((t) =>
      options.taxAmounts === true ? { name: t.name, rate: t.rate, amount: decimal(net * Number(t.rate) / 100) } : {
        rate: t.rate,
        name: t.name
      }
    )
  }
}

const duration = (hours: number, minutes = 0) => ({ hours, minutes })

// ---- spaces ----

const vat: ReadonlyArray<Tax> = [{ name: "VAT", rate: "19.0" }]
const jct: ReadonlyArray<Tax> = [{ name: "消費税", rate: "10.0" }]
const none: ReadonlyArray<Tax> = []

const space = (
  id: string,
  attributes: {
    name: string
    subdomain: string
    countryCode: string
    locale: string
    timeZone: string
    inEu: boolean
    defaultTaxes: ReadonlyArray<Tax>
    hourFormat: 12 | 24
    priceDisplay: "net" | "gross"
    priceDecimals: number
    email: string
    description: string | null
    createdAt: string
  }
): Entity => ({
  id,
  spaceId: id,
  attributes: { ...attributes, logo: null, defaultTaxes: [...attributes.defaultTaxes] }
})

const profile = (spaceId: string, attributes: Json): Entity => ({ id: spaceId, spaceId, attributes })

// ---- resources ----

interface ResourceArgs {
  readonly id: string
  readonly spaceId: string
  readonly name: string
  readonly resourceType: "room" | "desk" | "other" | null
  readonly usage: "bookable" | "allocatable"
  readonly currency: string
  readonly taxes: ReadonlyArray<Tax>
  /** Net price per hour (`null`: none, as for allocatable resources). */
  readonly perHour: number | null
  readonly discounts?: ReadonlyArray<{ readonly perHour: number; readonly minimumHours: number }>
  readonly priceCaps?: ReadonlyArray<
    { readonly price: number; readonly maximumHours: number; readonly minutes?: number }
  >
  readonly priceCap?: number | undefined
  readonly fixedRates?: ReadonlyArray<{ readonly price: number; readonly maximumHours: number }>
  readonly units?: number
  readonly capacity?: number | null
  readonly hidden?: boolean
  readonly description?: string | null
  readonly bookingTimes?: ReadonlyArray<Json>
}

const resource = (args: ResourceArgs): Entity => {
  const money = (net: number) => amount(net, args.currency, args.taxes)
  const pricing: Json = {
    currency: args.currency,
    taxes: args.taxes.map((t) => ({ rate: t.rate, name: t.name })),
    pricePerHour: args.perHour === null ? null : money(args.perHour),
    priceCap: args.priceCap === undefined ? null : { maximumDuration: duration(args.priceCap) },
    discounts: (args.discounts ?? []).map((d) => ({
      pricePerHour: money(d.perHour),
      minimumDuration: duration(d.minimumHours)
    })),
    priceCaps: (args.priceCaps ?? []).map((c) => ({
      price: money(c.price),
      maximumDuration: duration(c.maximumHours, c.minutes ?? 0)
    }))
  }
  if (args.fixedRates !== undefined) {
    pricing.fixedRates = args.fixedRates.map((r) => ({
      price: money(r.price),
      maximumDuration: duration(r.maximumHours)
    }))
  }
  const bookable = args.usage === "bookable"
  return {
    id: args.id,
    spaceId: args.spaceId,
    attributes: {
      name: args.name,
      resourceType: args.resourceType,
      usage: args.usage,
      pricing,
      accountingCode: null,
      area: [],
      areaPreferredUnit: "sqm",
      costCenter: null,
      revenueAccount: null,
      description: args.description ?? null,
      hidden: args.hidden ?? false,
      units: args.units ?? 1,
      capacity: args.capacity ?? null,
      minBookingDuration: bookable ? 15 : null,
      maxBookingDuration: bookable ? 600 : null,
      color: "#3366cc",
      bookingCutoff: 0,
      cancellationPeriod: 0,
      onlyAdminsCanBook: false,
      canBook: bookable && args.hidden !== true,
      photo: null,
      bookingTimesString: args.bookingTimes === undefined ? "" : "mo - fr 08:00 - 20:00",
      bookingTimes: [...(args.bookingTimes ?? [])]
    }
  }
}

const weekdays = [{ from: "08:00", to: "20:00", weekdays: [1, 2, 3, 4, 5] }]

// ---- plans (API 1) ----

interface PlanArgs {
  readonly id: string
  readonly name: string
  readonly description?: string
  readonly price: number
  readonly cycle: number
  readonly currency: string
  readonly taxRate: string
  readonly hidden?: boolean
  readonly cancellationPeriod?: number
  readonly signup?: { readonly amount: number; readonly taxRate: string; readonly description: string }
  readonly bookingCredits?: ReadonlyArray<Json>
  readonly timePasses?: ReadonlyArray<Json>
  readonly extras?: ReadonlyArray<Json>
}

const plan = (args: PlanArgs): Plan => ({
  id: args.id,
  name: args.name,
  description: args.description ?? "",
  price_per_cycle: decimal(args.price),
  price_per_cycle_in_cents: Math.round(args.price * 100),
  cycle_duration: args.cycle,
  currency: args.currency,
  tax_rate: args.taxRate,
  hidden: args.hidden ?? false,
  cancellation_period: args.cancellationPeriod ?? 30,
  signup_charge: args.signup === undefined ? null : {
    amount: args.signup.amount.toFixed(2),
    tax_rate: args.signup.taxRate,
    description: args.signup.description
  },
  booking_credits: [...(args.bookingCredits ?? [])],
  time_passes: [...(args.timePasses ?? [])],
  extras: [...(args.extras ?? [])]
})

/**
 * The seed: three spaces with their profiles, resources, products, drop-in pass templates and plans.
 *
 * @since 0.1.0
 */
export const make = (): Data => {
  const r = resourceIds
  const berlin = spaceIds.berlin
  const tokyo = spaceIds.tokyo
  const brooklyn = spaceIds.brooklyn
  return {
    spaces: [
      space(berlin, {
        name: "co.up Berlin",
        email: "hello@co-up.example",
        description: "Coworking in Kreuzberg",
        subdomain: subdomains.berlin,
        createdAt: "2015-03-02",
        countryCode: "DE",
        locale: "de-DE",
        timeZone: "Europe/Berlin",
        inEu: true,
        defaultTaxes: vat,
        hourFormat: 24,
        priceDisplay: "net",
        priceDecimals: 2
      }),
      space(tokyo, {
        name: "Desk Tokyo Shibuya",
        email: "info@desk-tokyo.example",
        description: null,
        subdomain: subdomains.tokyo,
        createdAt: "2019-11-20",
        countryCode: "JP",
        locale: "ja",
        timeZone: "Asia/Tokyo",
        inEu: false,
        defaultTaxes: jct,
        hourFormat: 24,
        priceDisplay: "gross",
        priceDecimals: 0
      }),
      space(brooklyn, {
        name: "Brooklyn Works",
        email: "desk@brooklyn-works.example",
        description: "Shared studios by the Navy Yard",
        subdomain: subdomains.brooklyn,
        createdAt: "2021-06-14",
        countryCode: "US",
        locale: "en",
        timeZone: "America/New_York",
        inEu: false,
        defaultTaxes: none,
        hourFormat: 12,
        priceDisplay: "net",
        priceDecimals: 2
      })
    ],
    spaceProfiles: [
      profile(berlin, {
        location: "Berlin, DE",
        structuredAddress: {
          name: "co.up Berlin",
          company: "co.up GmbH",
          street: "Adalbertstraße 8",
          postCode: "10999",
          city: "Berlin",
          state: null,
          countryCode: "DE",
          fullAddress: "Adalbertstraße 8\n10999 Berlin",
          latitude: 52.5003,
          longitude: 13.4199
        },
        phone: "+49 30 1234567",
        contactEmail: "hello@co-up.example",
        externalLinks: [{ type: "website", url: "https://co-up.example" }],
        openStatus: { status: "open", additionalInformation: null },
        openHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from: "08:00", to: "20:00" }))
      }),
      profile(tokyo, {
        location: "東京, JP",
        structuredAddress: {
          name: "Desk Tokyo Shibuya",
          company: null,
          street: "道玄坂1-2-3",
          postCode: "150-0043",
          city: "渋谷区",
          state: "東京都",
          countryCode: "JP",
          fullAddress: "〒150-0043\n東京都渋谷区道玄坂1-2-3",
          latitude: 35.6580,
          longitude: 139.6982
        },
        phone: "+81 3-1234-5678",
        contactEmail: "info@desk-tokyo.example",
        externalLinks: [],
        openStatus: { status: "open", additionalInformation: null },
        openHours: []
      }),
      profile(brooklyn, {
        location: "Brooklyn, NY, US",
        structuredAddress: {
          name: "Brooklyn Works",
          company: null,
          street: "63 Flushing Ave, Building 3",
          postCode: "11205",
          city: "Brooklyn",
          state: "NY",
          countryCode: "US",
          fullAddress: "63 Flushing Ave, Building 3\nBrooklyn, NY 11205",
          latitude: null,
          longitude: null
        },
        phone: null,
        contactEmail: "desk@brooklyn-works.example",
        externalLinks: [],
        openStatus: { status: "closed", additionalInformation: "Closed for renovation until March." },
        openHours: []
      })
    ],
    resources: [
      resource({
        id: r.berlinMeetingRoom,
        spaceId: berlin,
        name: "Meeting Room Spree",
        resourceType: "room",
        usage: "bookable",
        currency: "EUR",
        taxes: vat,
        perHour: 25,
        discounts: [{ perHour: 20, minimumHours: 4 }],
        priceCaps: [{ price: 150, maximumHours: 8, minutes: 30 }],
        priceCap: 8,
        units: 1,
        capacity: 12,
        description: "Large room, fits 12.",
        bookingTimes: weekdays
      }),
      resource({
        id: r.berlinPhoneBooth,
        spaceId: berlin,
        name: "Phone booths",
        resourceType: "room",
        usage: "bookable",
        currency: "EUR",
        taxes: vat,
        perHour: 4.5,
        units: 3,
        capacity: 1
      }),
      resource({
        id: r.berlinHotDesk,
        spaceId: berlin,
        name: "Hot desk",
        resourceType: "desk",
        usage: "bookable",
        currency: "EUR",
        taxes: vat,
        perHour: 3.5,
        priceCaps: [{ price: 22, maximumHours: 10 }],
        units: 20,
        capacity: 1
      }),
      resource({
        id: r.berlinEventHall,
        spaceId: berlin,
        name: "Event hall",
        resourceType: "other",
        usage: "bookable",
        currency: "EUR",
        taxes: vat,
        // Overridden by fixedRates: Cobot ignores the hourly price, discounts and caps then.
        perHour: 90,
        discounts: [{ perHour: 80, minimumHours: 3 }],
        fixedRates: [{ price: 300, maximumHours: 4 }, { price: 550, maximumHours: 8 }, {
          price: 900,
          maximumHours: 24
        }],
        capacity: 80,
        description: "Half day, full day or 24 hours."
      }),
      resource({
        id: r.berlinFixedDesk,
        spaceId: berlin,
        name: "Fixed desks",
        resourceType: "desk",
        usage: "allocatable",
        currency: "EUR",
        taxes: vat,
        perHour: null,
        units: 12,
        capacity: 1
      }),
      resource({
        id: r.berlinPrivateOffice,
        spaceId: berlin,
        name: "Private office 4",
        resourceType: "room",
        usage: "allocatable",
        currency: "EUR",
        taxes: vat,
        perHour: null,
        capacity: 4
      }),
      resource({
        id: r.berlinParking,
        spaceId: berlin,
        name: "Parking spot",
        resourceType: null,
        usage: "bookable",
        currency: "EUR",
        taxes: vat,
        perHour: 1.2,
        priceCaps: [{ price: 9.6, maximumHours: 8 }],
        units: 4,
        capacity: null
      }),
      resource({
        id: r.berlinBoardroom,
        spaceId: berlin,
        name: "Boardroom (staff only)",
        resourceType: "room",
        usage: "bookable",
        currency: "EUR",
        taxes: vat,
        perHour: 60,
        hidden: true,
        capacity: 16
      }),
      resource({
        id: r.berlinPodcastStudio,
        spaceId: berlin,
        name: "Podcast studio",
        resourceType: "other",
        usage: "bookable",
        currency: "EUR",
        taxes: vat,
        perHour: 0,
        capacity: 3,
        description: "Free for members."
      }),
      resource({
        id: r.berlinLocker,
        spaceId: berlin,
        name: "Lockers",
        resourceType: null,
        usage: "allocatable",
        currency: "EUR",
        taxes: vat,
        perHour: null,
        units: 30,
        capacity: null
      }),
      resource({
        id: r.tokyoMeetingRoom,
        spaceId: tokyo,
        name: "会議室 A",
        resourceType: "room",
        usage: "bookable",
        currency: "JPY",
        taxes: jct,
        perHour: 2000,
        capacity: 6
      }),
      resource({
        id: r.tokyoHotDesk,
        spaceId: tokyo,
        name: "フリーデスク",
        resourceType: "desk",
        usage: "bookable",
        currency: "JPY",
        taxes: jct,
        perHour: 500,
        priceCaps: [{ price: 2500, maximumHours: 12 }],
        units: 30
      }),
      resource({
        id: r.brooklynLoft,
        spaceId: brooklyn,
        name: "The Loft",
        resourceType: "room",
        usage: "bookable",
        currency: "USD",
        taxes: none,
        perHour: 45,
        capacity: 20
      }),
      resource({
        id: r.brooklynDesk,
        spaceId: brooklyn,
        name: "Dedicated desk",
        resourceType: "desk",
        usage: "allocatable",
        currency: "USD",
        taxes: none,
        perHour: null
      })
    ],
    products: [
      {
        id: productIds.berlinCoffee,
        spaceId: berlin,
        attributes: {
          name: "Coffee flat rate",
          description: "Per person and booking",
          accountingCode: null,
          costCenter: null,
          revenueAccount: null,
          enabledForScopes: ["bookings", "externalBookings"],
          pricing: { unit: "person", quantity: "1.0", price: amount(3, "EUR", vat, { taxAmounts: true }) }
        }
      },
      {
        id: productIds.berlinProjector,
        spaceId: berlin,
        attributes: {
          name: "Projector",
          description: null,
          accountingCode: "EQUIP",
          costCenter: null,
          revenueAccount: null,
          enabledForScopes: ["bookings"],
          pricing: { unit: "fixed", quantity: "1.0", price: amount(15, "EUR", vat, { taxAmounts: true }) }
        }
      },
      {
        id: productIds.tokyoTea,
        spaceId: tokyo,
        attributes: {
          name: "お茶",
          description: null,
          accountingCode: null,
          costCenter: null,
          revenueAccount: null,
          enabledForScopes: ["bookings"],
          pricing: { unit: "item", quantity: "1.0", price: amount(300, "JPY", jct, { taxAmounts: true }) }
        }
      }
    ],
    dropInPassTemplates: [
      {
        id: dropInPassTemplateIds.berlinDayPass,
        spaceId: berlin,
        attributes: {
          name: "Day pass",
          description: "Valid for one day",
          onboardingInstructions: "Ask at the front desk.",
          price: amount(25, "EUR", vat, { taxAmounts: true }),
          timeAvailability: weekdays,
          photo: null,
          color: "#ff9900"
        }
      },
      {
        id: dropInPassTemplateIds.berlinHalfDay,
        spaceId: berlin,
        attributes: {
          name: "Half-day pass",
          description: null,
          onboardingInstructions: null,
          price: amount(14, "EUR", vat, { taxAmounts: true }),
          timeAvailability: [{ from: "08:00", to: "13:00", weekdays: [1, 2, 3, 4, 5] }],
          photo: null,
          color: "#ffcc00"
        }
      },
      {
        id: dropInPassTemplateIds.tokyoDayPass,
        spaceId: tokyo,
        attributes: {
          name: "ドロップイン",
          description: null,
          onboardingInstructions: null,
          price: amount(2000, "JPY", jct, { taxAmounts: true }),
          timeAvailability: [],
          photo: null,
          color: "#cc0000"
        }
      }
    ],
    plans: {
      [berlin]: [
        plan({
          id: planIds.berlinFlex,
          name: "Flex 10",
          description: "10 days a month",
          price: 120,
          cycle: 1,
          currency: "EUR",
          taxRate: "19.0",
          signup: { amount: 50, taxRate: "0.0", description: "Key card deposit" },
          bookingCredits: [{
            resources: [{ id: r.berlinMeetingRoom, name: "Meeting Room Spree" }],
            hours: "3.0",
            price_per_hour: "25.0"
          }],
          timePasses: [{
            id: "0",
            name: "Day Pass",
            price: "12.00",
            price_in_cents: 1200,
            currency: "EUR",
            included_per_timespan: 10,
            included_timespan: "month"
          }],
          extras: [{ id: "1", name: "Locker", price: "15.00", currency: "EUR" }]
        }),
        plan({
          id: planIds.berlinFixedDesk,
          name: "Fixed desk",
          price: 290,
          cycle: 1,
          currency: "EUR",
          taxRate: "19.0",
          bookingCredits: [{
            resources: [
              { id: r.berlinMeetingRoom, name: "Meeting Room Spree" },
              { id: r.berlinPhoneBooth, name: "Phone booths" }
            ],
            hours: "5.0",
            price_per_hour: "20.0"
          }],
          extras: [{ id: "1", name: "Locker", price: "15.00", currency: "EUR" }, {
            id: "2",
            name: "Mail handling",
            price: "9.50",
            currency: "EUR"
          }]
        }),
        plan({
          id: planIds.berlinOfficeQuarterly,
          name: "Private office (quarterly)",
          price: 3600,
          cycle: 3,
          currency: "EUR",
          taxRate: "19.0",
          cancellationPeriod: 90,
          signup: { amount: 1200, taxRate: "0.0", description: "Deposit" }
        }),
        plan({
          id: planIds.berlinAnnual,
          name: "Resident (annual)",
          price: 2990,
          cycle: 12,
          currency: "EUR",
          taxRate: "19.0",
          cancellationPeriod: 0
        }),
        plan({
          id: planIds.berlinStaff,
          name: "Staff",
          description: "Not for sale",
          price: 0,
          cycle: 1,
          currency: "EUR",
          taxRate: "0.0",
          hidden: true
        }),
        plan({
          id: planIds.berlinVirtual,
          name: "Virtual office",
          price: 39.9,
          cycle: 1,
          currency: "EUR",
          taxRate: "19.0",
          signup: { amount: 19.9, taxRate: "19.0", description: "Setup fee" }
        })
      ],
      [tokyo]: [
        plan({
          id: planIds.tokyoFlex,
          name: "フレックス",
          price: 15000,
          cycle: 1,
          currency: "JPY",
          taxRate: "10.0",
          timePasses: [{
            id: "0",
            name: "1日パス",
            price: "2000.00",
            price_in_cents: 200000,
            currency: "JPY",
            included_per_timespan: 4,
            included_timespan: "month"
          }]
        }),
        plan({
          id: planIds.tokyoHidden,
          name: "Partner",
          price: 5000,
          cycle: 1,
          currency: "JPY",
          taxRate: "10.0",
          hidden: true
        })
      ],
      [brooklyn]: [
        plan({
          id: planIds.brooklynFlex,
          name: "Studio membership",
          price: 450,
          cycle: 1,
          currency: "USD",
          taxRate: "0.0"
        })
      ]
    }
  }
}
