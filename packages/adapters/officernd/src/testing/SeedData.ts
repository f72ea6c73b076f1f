/**
 * Seed data of the OfficeRnD (Flex, API v2) simulator: one organization's locations, resource types,
 * resources, resource rates, plans, tax rates and revenue accounts, in the shapes API v2 serializes them.
 *
 * Field names follow the v2 reference (developer.officernd.com/reference/*); where the reference leaves a
 * shape open, the v1 schemas recorded by a third-party tap decide (they are the only recorded shapes):
 * - `plans[].setupFees` is a list of ids (v1: an array of strings): the ids of one-off plans
 *   (`intervalLength: "once"`) that are charged when the plan starts;
 * - `plans[].credits` is a list of v1 `credits` objects `{count, type, validFor, resourceTypes, rates,
 *   oneOffPlans}` (v1 has one object; v2 lists `credits[]`);
 * - `resources[].price` and `deposit` are integers, as in v1.
 *
 * The awkward cases it reproduces:
 * - IANA time zones on five continents; one location's `address` is a string (the reference's example
 *   shows `"address": ""`), the others are objects `{formattedAddress, country, state, city, street, zip,
 *   latitude, longitude}`;
 * - every resource kind: `meeting_room`, `team_room` (private office, monthly `price`), `desk`, `desk_tr`
 *   (a desk inside a team room, `parents[]`), `hotdesk`, `desk_na` and a custom type;
 * - resource rates of `intervalLength` once, hour, day and month with nested `rates[]` (off-peak,
 *   weekend, half-day = 4 hours), limited to some locations (`locations[]`) or to all (empty list);
 * - plans of type office, desk, hotdesk and service, with setup fees, credits, coins (`useCoins`),
 *   deposits and `depositPercent`, limited to one location, to some, or to all;
 * - tax only through revenue accounts (`plan.revenueAccount` → `revenueAccount.taxRate` → `taxRate.rate`,
 *   a percentage; New York's has `components[]`), and one revenue account without tax;
 * - no currency anywhere (OfficeRnD returns none: it comes from the tenant's configuration).
 *
 * The data is made up. `make()` returns fresh, mutable data on every call.
 *
 * @since 0.1.0
 */

/** A record as the API serializes it: `_id` and its fields. @since 0.1.0 */
export type Rec = { _id: string } & { [key: string]: unknown }

/** Every collection the simulator serves, by its path segment. @since 0.1.0 */
export interface Data {
  locations: Array<Rec>
  "resource-types": Array<Rec>
  resources: Array<Rec>
  "resource-rates": Array<Rec>
  plans: Array<Rec>
  "tax-rates": Array<Rec>
  "revenue-accounts": Array<Rec>
}

/** The collections, in the order an adapter usually reads them. @since 0.1.0 */
export const collections: ReadonlyArray<keyof Data> = [
  "locations",
  "resource-types",
  "resources",
  "resource-rates",
  "plans",
  "tax-rates",
  "revenue-accounts"
]

/** The organization slug of the seed. @since 0.1.0 */
export const organization = "harbour-cowork"

/**
 * A 24-hex-digit id as MongoDB's ObjectIds look (OfficeRnD's `_id`s are ObjectIds): a fixed prefix, a
 * kind byte and a counter, so ids sort by kind, then by creation.
 *
 * @since 0.1.0
 */
export const oid = (kind: number, n: number): string =>
  `6080186f490fcf6e05${kind.toString(16).padStart(2, "0")}${n.toString(16).padStart(4, "0")}`

const kinds = {
  location: 0x10,
  resourceType: 0x20,
  resource: 0x30,
  resourceRate: 0x40,
  plan: 0x50,
  taxRate: 0x60,
  revenueAccount: 0x70
} as const

/** Location ids. @since 0.1.0 */
export const locationIds = {
  lisbon: oid(kinds.location, 1),
  london: oid(kinds.location, 2),
  newYork: oid(kinds.location, 3),
  berlin: oid(kinds.location, 4),
  singapore: oid(kinds.location, 5)
} as const

/** Plan ids the conformance hooks use. @since 0.1.0 */
export const planIds = {
  /** The private office plan of Lisbon only (`changeOnePrice`). */
  lisbonOffice: oid(kinds.plan, 1),
  /** The private office plan of Berlin only (`corruptOneLocation`). */
  berlinOffice: oid(kinds.plan, 4)
} as const

const created = "2024-03-04T09:12:45.000Z"
const modified = "2025-11-20T16:40:02.000Z"

const stamps = { createdAt: created, modifiedAt: modified, createdBy: oid(0x01, 1), modifiedBy: oid(0x01, 1) }

/**
 * Makes fresh seed data (each call returns new objects: a simulator mutates its copy).
 *
 * @since 0.1.0
 */
export const make = (): Data => {
  const L = locationIds

  // ---- tax ----
  const taxRate = (n: number, name: string, rate: number, components: ReadonlyArray<[string, number]> = []): Rec => ({
    _id: oid(kinds.taxRate, n),
    name,
    rate,
    components: components.map(([componentName, componentRate]) => ({ name: componentName, rate: componentRate })),
    ...stamps
  })
  const taxRates = [
    taxRate(1, "IVA 23%", 23),
    taxRate(2, "VAT 20%", 20),
    taxRate(3, "NYC sales tax", 8.875, [["New York State", 4], ["New York City", 4.5], ["MCTD", 0.375]]),
    taxRate(4, "MwSt 19%", 19),
    taxRate(5, "GST 9%", 9)
  ]
  const revenueAccount = (n: number, name: string, code: string, tax: Rec | null): Rec => ({
    _id: oid(kinds.revenueAccount, n),
    name,
    code,
    description: "",
    taxRate: tax === null ? null : tax._id,
    ...stamps
  })
  const revenueAccounts = [
    revenueAccount(1, "Memberships PT", "4100-PT", taxRates[0]!),
    revenueAccount(2, "Memberships UK", "4100-UK", taxRates[1]!),
    revenueAccount(3, "Memberships US-NY", "4100-NY", taxRates[2]!),
    revenueAccount(4, "Memberships DE", "4100-DE", taxRates[3]!),
    revenueAccount(5, "Memberships SG", "4100-SG", taxRates[4]!),
    revenueAccount(6, "Meeting rooms", "4200", taxRates[0]!),
    // No tax: an exempt service.
    revenueAccount(7, "Mail handling (exempt)", "4300", null)
  ]
  const accountOf: { readonly [location: string]: string } = {
    [L.lisbon]: revenueAccounts[0]!._id,
    [L.london]: revenueAccounts[1]!._id,
    [L.newYork]: revenueAccounts[2]!._id,
    [L.berlin]: revenueAccounts[3]!._id,
    [L.singapore]: revenueAccounts[4]!._id
  }

  // ---- locations ----
  const location = (
    id: string,
    fields: { name: string; code: string; timezone: string; address: unknown; isPublic?: boolean }
  ): Rec => ({
    properties: { floorCount: 3 },
    _id: id,
    name: fields.name,
    address: fields.address,
    timezone: fields.timezone,
    isOpen: true,
    isPublic: fields.isPublic ?? true,
    image: `//img.officernd.example/${fields.code.toLowerCase()}.jpg`,
    code: fields.code,
    targetRevenuePerPeriod: [{ startDate: "2025-01-01T00:00:00.000Z", endDate: null, target: 50000 }],
    ...stamps
  })
  const locations = [
    location(L.lisbon, {
      name: "Harbour Lisbon",
      code: "LIS",
      timezone: "Europe/Lisbon",
      address: {
        formattedAddress: "Rua da Prata 12, 1100-420 Lisboa, Portugal",
        country: "PT",
        state: "",
        city: "Lisboa",
        street: "Rua da Prata 12",
        zip: "1100-420",
        latitude: 38.7097,
        longitude: -9.1366
      }
    }),
    // The address as a string (the reference's example has `"address": ""`).
    location(L.london, {
      name: "Harbour Shoreditch",
      code: "LON",
      timezone: "Europe/London",
      address: "12 Shoreditch High St, London E1 6JE, United Kingdom"
    }),
    location(L.newYork, {
      name: "Harbour Flatiron",
      code: "NYC",
      timezone: "America/New_York",
      address: {
        formattedAddress: "41 E 20th St, New York, NY 10003, USA",
        country: "US",
        state: "NY",
        city: "New York",
        street: "41 E 20th St",
        zip: "10003",
        latitude: 40.7386,
        longitude: -73.9882
      }
    }),
    location(L.berlin, {
      name: "Harbour Kreuzberg",
      code: "BER",
      timezone: "Europe/Berlin",
      isPublic: false,
      address: {
        formattedAddress: "Oranienstraße 24, 10999 Berlin, Germany",
        country: "DE",
        state: "Berlin",
        city: "Berlin",
        street: "Oranienstraße 24",
        zip: "10999",
        latitude: 52.5013,
        longitude: 13.4194
      }
    }),
    location(L.singapore, {
      name: "Harbour Tanjong Pagar",
      code: "SIN",
      timezone: "Asia/Singapore",
      address: {
        formattedAddress: "10 Anson Rd, Singapore 079903",
        country: "SG",
        state: null,
        city: "Singapore",
        street: "10 Anson Rd",
        zip: "079903",
        latitude: 1.2755,
        longitude: 103.8455
      }
    })
  ]

  // ---- resource types ----
  const resourceType = (
    n: number,
    type: string,
    title: string,
    fields: { bookingMode: "time" | "date"; canBook: boolean; canAssign: boolean; isPrimary?: boolean }
  ): Rec => ({
    _id: oid(kinds.resourceType, n),
    title,
    type,
    bookingMode: fields.bookingMode,
    checkinMode: "none",
    canBook: fields.canBook,
    canAssign: fields.canAssign,
    isPrimary: fields.isPrimary ?? false,
    isHierarchical: type === "team_room",
    ...stamps
  })
  const resourceTypes = [
    resourceType(1, "meeting_room", "Meeting Room", { bookingMode: "time", canBook: true, canAssign: false }),
    resourceType(2, "team_room", "Private Office", {
      bookingMode: "date",
      canBook: false,
      canAssign: true,
      isPrimary: true
    }),
    resourceType(3, "desk", "Dedicated Desk", { bookingMode: "date", canBook: false, canAssign: true }),
    resourceType(4, "desk_tr", "Desk in Private Office", { bookingMode: "date", canBook: false, canAssign: true }),
    resourceType(5, "hotdesk", "Hot Desk", { bookingMode: "date", canBook: true, canAssign: false }),
    resourceType(6, "desk_na", "Desk (not assignable)", { bookingMode: "date", canBook: true, canAssign: false }),
    // A custom type: its `type` is its own key.
    resourceType(7, "phone_booth", "Phone Booth", { bookingMode: "time", canBook: true, canAssign: false })
  ]

  // ---- resource rates ----
  const rateId = (n: number) => oid(kinds.resourceRate, n)
  let subRate = 0
  const sub = (
    price: number,
    intervalLength: "hour" | "day" | "week" | "month",
    flags: { off?: boolean; weekend?: boolean; halfDay?: boolean } = {}
  ) => ({
    _id: oid(0x41, ++subRate),
    price,
    intervalLength,
    intervalCount: flags.halfDay === true ? 4 : 1,
    isOffRate: flags.off ?? false,
    isWeekendRate: flags.weekend ?? false,
    isHalfDayRate: flags.halfDay ?? false
  })
  const resourceRate = (
    n: number,
    fields: {
      name: string
      code: string
      type: string
      intervalLength: "once" | "hour" | "day" | "month"
      intervalCount?: number
      price: number
      useCoins?: boolean
      shouldProrate?: boolean
      rates?: ReadonlyArray<unknown>
      revenueAccount: string
      locations: ReadonlyArray<string>
    }
  ): Rec => ({
    _id: rateId(n),
    name: fields.name,
    code: fields.code,
    type: fields.type,
    intervalLength: fields.intervalLength,
    intervalCount: fields.intervalCount ?? 1,
    price: fields.price,
    shouldProrate: fields.shouldProrate ?? false,
    useCoins: fields.useCoins ?? false,
    rates: [...(fields.rates ?? [])],
    revenueAccount: fields.revenueAccount,
    locations: [...fields.locations],
    extras: [],
    amenities: [],
    ...stamps
  })
  const meetingRooms = revenueAccounts[5]!._id
  const resourceRates = [
    // Every location (empty `locations`): hourly, with off-peak, weekend, half-day (4 hours) and day rates.
    resourceRate(1, {
      name: "Meeting room",
      code: "MR-H",
      type: "meeting_room",
      intervalLength: "hour",
      price: 25,
      useCoins: true,
      rates: [
        sub(18, "hour", { off: true }),
        sub(15, "hour", { weekend: true }),
        sub(80, "hour", { halfDay: true }),
        sub(150, "day")
      ],
      revenueAccount: meetingRooms,
      locations: []
    }),
    // One location: New York's boardroom, with a weekend half day.
    resourceRate(2, {
      name: "Boardroom (NYC)",
      code: "BR-NY",
      type: "meeting_room",
      intervalLength: "hour",
      price: 60,
      rates: [sub(200, "hour", { halfDay: true }), sub(180, "hour", { halfDay: true, weekend: true })],
      revenueAccount: accountOf[L.newYork]!,
      locations: [L.newYork]
    }),
    // Some locations: a day pass.
    resourceRate(3, {
      name: "Day pass",
      code: "DAY",
      type: "hotdesk",
      intervalLength: "day",
      price: 30,
      useCoins: true,
      rates: [sub(20, "day", { weekend: true })],
      revenueAccount: accountOf[L.lisbon]!,
      locations: [L.lisbon, L.london]
    }),
    // Every location: a dedicated desk by the month, prorated, with a weekly rate.
    resourceRate(4, {
      name: "Dedicated desk",
      code: "DD-M",
      type: "desk",
      intervalLength: "month",
      price: 350,
      shouldProrate: true,
      rates: [sub(120, "week")],
      revenueAccount: accountOf[L.lisbon]!,
      locations: []
    }),
    // Some locations: a one-off charge.
    resourceRate(5, {
      name: "Desk setup",
      code: "SETUP",
      type: "desk_na",
      intervalLength: "once",
      price: 20,
      revenueAccount: accountOf[L.berlin]!,
      locations: [L.berlin, L.singapore]
    }),
    // Every location: a custom resource type by the hour, several hours per interval.
    resourceRate(6, {
      name: "Phone booth",
      code: "PB",
      type: "phone_booth",
      intervalLength: "hour",
      intervalCount: 1,
      price: 5,
      useCoins: true,
      rates: [sub(3, "hour", { off: true })],
      revenueAccount: meetingRooms,
      locations: []
    })
  ]

  // ---- resources ----
  let resourceN = 0
  const resource = (
    locationId: string,
    fields: {
      name: string
      type: string
      rate?: string | null
      price?: number | null
      deposit?: number | null
      size?: number
      parents?: ReadonlyArray<string>
      privacy?: "public" | "private"
      amenities?: ReadonlyArray<string>
    }
  ): Rec => ({
    _id: oid(kinds.resource, ++resourceN),
    name: fields.name,
    type: fields.type,
    rate: fields.rate ?? null,
    location: locationId,
    floor: null,
    price: fields.price ?? null,
    deposit: fields.deposit ?? null,
    size: fields.size ?? 1,
    parents: [...(fields.parents ?? [])],
    availability: { startDate: "2024-03-01T00:00:00.000Z", endDate: null },
    privacy: fields.privacy ?? "public",
    amenities: [...(fields.amenities ?? [])],
    ...stamps
  })
  const resources: Array<Rec> = []
  const city: { readonly [id: string]: string } = {
    [L.lisbon]: "Lisbon",
    [L.london]: "Shoreditch",
    [L.newYork]: "Flatiron",
    [L.berlin]: "Kreuzberg",
    [L.singapore]: "Tanjong Pagar"
  }
  for (const id of Object.values(L)) {
    const name = city[id]!
    resources.push(
      resource(id, {
        name: `${name} Meeting Room A`,
        type: "meeting_room",
        rate: rateId(1),
        size: 8,
        amenities: ["tv", "whiteboard"]
      })
    )
    const office = resource(id, {
      name: `${name} Office 1`,
      type: "team_room",
      price: 2400,
      deposit: 2400,
      size: 4,
      privacy: "private"
    })
    resources.push(office)
    resources.push(
      resource(id, { name: `${name} Office 1 Desk 1`, type: "desk_tr", parents: [office._id], price: 0 }),
      resource(id, { name: `${name} Desk 1`, type: "desk", rate: rateId(4), price: 350, deposit: 350 }),
      resource(id, {
        name: `${name} Hot Desk Area`,
        type: "hotdesk",
        rate: id === L.lisbon || id === L.london ? rateId(3) : null,
        size: 20
      })
    )
  }
  resources.push(
    resource(L.newYork, { name: "Flatiron Boardroom", type: "meeting_room", rate: rateId(2), size: 16 }),
    resource(L.berlin, { name: "Kreuzberg Bench 1", type: "desk_na", rate: rateId(5) }),
    resource(L.singapore, { name: "Tanjong Pagar Bench 1", type: "desk_na", rate: rateId(5) }),
    resource(L.lisbon, { name: "Lisbon Phone Booth", type: "phone_booth", rate: rateId(6) }),
    resource(L.london, { name: "Shoreditch Phone Booth", type: "phone_booth", rate: rateId(6) })
  )

  // ---- plans ----
  const plan = (
    n: number,
    fields: {
      name: string
      code: string
      type: "office" | "desk" | "hotdesk" | "service" | "custom"
      price: number | string
      intervalLength: "once" | "month"
      intervalCount?: number
      deposit?: number
      depositPercent?: number | null
      locations: ReadonlyArray<string>
      credits?: ReadonlyArray<unknown>
      useCoins?: boolean
      passesForLocations?: ReadonlyArray<string>
      setupFees?: ReadonlyArray<string>
      revenueAccount: string
    }
  ): Rec => ({
    _id: oid(kinds.plan, n),
    name: fields.name,
    code: fields.code,
    description: "",
    type: fields.type,
    price: fields.price,
    deposit: fields.deposit ?? 0,
    depositPercent: fields.depositPercent ?? null,
    intervalLength: fields.intervalLength,
    intervalCount: fields.intervalCount ?? 1,
    locations: [...fields.locations],
    credits: [...(fields.credits ?? [])],
    useCoins: fields.useCoins ?? false,
    passesForLocations: [...(fields.passesForLocations ?? [])],
    setupFees: [...(fields.setupFees ?? [])],
    forMembers: true,
    forNonMembers: fields.type === "hotdesk" || fields.type === "service",
    requiresApproval: fields.type === "office",
    revenueAccount: fields.revenueAccount,
    ...stamps
  })
  const officeSetup = oid(kinds.plan, 20)
  const keyCard = oid(kinds.plan, 21)
  const hours = (count: number, resourceType: string) => ({
    count,
    type: "hours",
    validFor: "month",
    resourceTypes: [resourceType],
    rates: [],
    oneOffPlans: []
  })
  const coins = (count: number) => ({
    count,
    type: "coins",
    validFor: "month",
    resourceTypes: [],
    rates: [],
    oneOffPlans: []
  })
  const officePrices: ReadonlyArray<[string, number]> = [
    [L.lisbon, 1200],
    [L.london, 2600],
    [L.newYork, 3400],
    [L.berlin, 1900],
    [L.singapore, 2800]
  ]
  const plans: Array<Rec> = officePrices.map(([id, price], i) =>
    // One office plan per location, limited to it (`planIds.lisbonOffice` is n 1, `berlinOffice` n 4).
    plan(i + 1, {
      name: `Private office (4 desks), ${city[id]}`,
      code: `OFF4-${i + 1}`,
      type: "office",
      price,
      intervalLength: "month",
      depositPercent: 100,
      locations: [id],
      credits: [hours(10, resourceTypes[0]!._id)],
      setupFees: [officeSetup, keyCard],
      revenueAccount: accountOf[id]!
    })
  )
  plans.push(
    plan(10, {
      name: "Dedicated desk",
      code: "DESK",
      type: "desk",
      price: 390,
      intervalLength: "month",
      deposit: 390,
      locations: [L.lisbon, L.london],
      credits: [hours(4, resourceTypes[0]!._id)],
      setupFees: [keyCard],
      revenueAccount: accountOf[L.lisbon]!
    }),
    plan(11, {
      name: "Hot desk (any location)",
      code: "HOT",
      type: "hotdesk",
      price: 199,
      intervalLength: "month",
      locations: [],
      credits: [coins(20)],
      useCoins: true,
      passesForLocations: [L.lisbon, L.london, L.berlin],
      revenueAccount: accountOf[L.lisbon]!
    }),
    plan(12, {
      name: "10 day passes",
      code: "PASS10",
      type: "hotdesk",
      price: 250,
      intervalLength: "once",
      locations: [L.newYork, L.singapore],
      passesForLocations: [L.newYork, L.singapore],
      useCoins: true,
      revenueAccount: accountOf[L.newYork]!
    }),
    plan(13, {
      name: "Mail handling",
      code: "MAIL",
      type: "service",
      price: 45,
      intervalLength: "month",
      locations: [],
      revenueAccount: revenueAccounts[6]!._id
    }),
    plan(14, {
      name: "Virtual office (quarterly)",
      code: "VO-Q",
      type: "service",
      price: 210,
      intervalLength: "month",
      intervalCount: 3,
      locations: [L.london, L.berlin],
      revenueAccount: accountOf[L.london]!
    }),
    // The one-off plans that setup fees name.
    plan(20, {
      name: "Office setup fee",
      code: "SETUP-OFF",
      type: "service",
      price: 150,
      intervalLength: "once",
      locations: [],
      revenueAccount: accountOf[L.lisbon]!
    }),
    plan(21, {
      name: "Key card",
      code: "KEY",
      type: "service",
      price: 25,
      intervalLength: "once",
      locations: [],
      revenueAccount: accountOf[L.lisbon]!
    })
  )

  return {
    locations,
    "resource-types": resourceTypes,
    resources,
    "resource-rates": resourceRates,
    plans,
    "tax-rates": taxRates,
    "revenue-accounts": revenueAccounts
  }
}
