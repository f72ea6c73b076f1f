/**
 * Seed data of the BookingSync simulator: three accounts (two authorized the application, one did not),
 * their rentals, rates, fees, taxes, availabilities and rates tables, in the shapes BookingSync API v3
 * serializes them (field for field as recorded against the live API, newer documented fields added).
 *
 * The data is made up; it reproduces the awkward cases the recordings show:
 * - an unpublished rental without coordinates, city or country (`published_at`, `lat`, `lng` null);
 * - a rental whose `currency` is null (its rates carry the account's currency);
 * - decimal strings such as `"100.0"` and `"2812.4"`, nightly, weekly and monthly rates;
 * - fees and rentals fees with `archived_at`, percentage and fixed fees;
 * - taxes included in the rate and taxes added to it;
 * - several currencies (EUR, USD, GBP, CHF), also within one account;
 * - the accounts' rentals interleaved by id, so one listing page mixes accounts.
 *
 * @since 0.1.0
 */

/** A serialized record: `id`, `links` and the attributes, as the API sends it. @since 0.1.0 */
export type Rec = { id: number; links: { [key: string]: number | ReadonlyArray<number> | null } } & {
  [key: string]: unknown
}

/** Every collection the simulator serves, by name. @since 0.1.0 */
export interface Data {
  accounts: Array<Rec>
  rentals: Array<Rec>
  rates: Array<Rec>
  fees: Array<Rec>
  rentals_fees: Array<Rec>
  taxes: Array<Rec>
  rentals_taxes: Array<Rec>
  fees_taxes: Array<Rec>
  availabilities: Array<Rec>
  nightly_rate_maps: Array<Rec>
  rates_tables: Array<Rec>
  seasons: Array<Rec>
  periods: Array<Rec>
  rates_rules: Array<Rec>
  special_offers: Array<Rec>
}

/** The main account (the one of `goodCredentials`). @since 0.1.0 */
export const mainAccountId = 4101
/** A second account that authorized the same application. @since 0.1.0 */
export const otherAccountId = 4102
/** An account that did not authorize the application: the token never sees it. @since 0.1.0 */
export const strangerAccountId = 4103

/** The accounts that authorized the application. @since 0.1.0 */
export const authorizedAccountIds: ReadonlyArray<number> = [mainAccountId, otherAccountId]

const created = "2024-03-04T09:12:45Z"
const updated = "2025-11-20T16:40:02Z"

const account = (
  id: number,
  fields: { business_name: string; city: string; country_code: string; address1: string; zip: string; state: string }
): Rec => ({
  // Accounts are served without `links` (as recorded); the key is dropped when serializing.
  links: {},
  business_name: fields.business_name,
  created_at: created,
  id,
  updated_at: updated,
  status: "paying",
  preferences: {
    bookings: { default_arrival_time: 16, default_departure_time: 10, default_communication_locale: "en" }
  },
  email: `owner-${id}@example.com`,
  selected_locales: ["en", "fr"],
  default_locale: "en",
  phones: { phone: "", mobile: "", fax: "" },
  address1: fields.address1,
  address2: "",
  city: fields.city,
  zip: fields.zip,
  state: fields.state,
  country_code: fields.country_code,
  website: ""
})

interface RentalSeed {
  readonly id: number
  readonly account: number
  readonly name: string
  readonly currency: string | null
  readonly published: boolean
  readonly lat: number | null
  readonly lng: number | null
  readonly city: string | null
  readonly country_code: string | null
  readonly address1?: string | null
  readonly zip?: string | null
  readonly rental_type?: string
  readonly sleeps?: number | null
  readonly base_rate?: string | null
  readonly base_rate_kind?: string | null
  readonly position: number
}

const rental = (seed: RentalSeed): Rec => {
  const bare = !seed.published
  return {
    links: {
      account: seed.account,
      availability: seed.id + 10_000,
      change_over: seed.id + 20_000,
      destination: bare ? null : 7_301,
      payment_gateway: null,
      rates_table: seed.id + 30_000,
      rental_agreement: 29_773,
      rental_cancelation_policy: 16_404,
      nightly_rate_map: seed.id + 40_000,
      photos: bare ? [] : [seed.id * 10 + 1, seed.id * 10 + 2],
      reviews: [],
      special_offers: [],
      // Filled in from the rates and rentals fees when the rental is served.
      rates: [],
      rentals_amenities: [],
      rentals_fees: [],
      bathrooms: [],
      bedrooms: [],
      living_rooms: [],
      rentals_tags: []
    },
    id: seed.id,
    name: seed.name,
    headline: bare ? {} : { en: `${seed.name} - ${seed.city ?? ""}`, fr: `${seed.name} - ${seed.city ?? ""}` },
    summary: bare ? {} : { en: `A quiet place in ${seed.city ?? ""}` },
    description: bare ? {} : { en: `${seed.name}.\r\n\r\nLiving room, kitchen, two bedrooms.` },
    rental_type: seed.rental_type ?? (bare ? "" : "apartment"),
    downpayment: 30,
    bedrooms_count: bare ? null : 2,
    sleeps: seed.sleeps === undefined ? 4 : seed.sleeps,
    sleeps_max: bare ? null : 5,
    bathrooms_count: bare ? null : 1,
    surface: bare ? null : 75,
    surface_unit: "metric",
    bookable_online: !bare,
    bookable_on_request: false,
    min_price: bare ? null : "70.0",
    max_price: bare ? null : "140.0",
    price_kind: seed.base_rate_kind ?? null,
    currency: seed.currency,
    price_public_notes: {},
    lat: seed.lat,
    lng: seed.lng,
    city: seed.city,
    state: bare ? null : "",
    country_code: seed.country_code,
    contact_name: bare ? null : "Rita",
    reviews_count: 0,
    reviews_average_rating: null,
    published_at: seed.published ? "2024-04-02T07:36:35Z" : null,
    created_at: created,
    updated_at: updated,
    address1: seed.address1 === undefined ? (bare ? null : "") : seed.address1,
    address2: bare ? null : "",
    zip: seed.zip === undefined ? null : seed.zip,
    checkin_time: 16,
    checkout_time: 10,
    initial_price: null,
    final_price: null,
    position: seed.position,
    base_rate: seed.base_rate === undefined ? null : seed.base_rate,
    base_rate_kind: seed.base_rate_kind === undefined ? null : seed.base_rate_kind,
    absolute_min_price: "0.0",
    notes: bare ? null : "",
    stories_count: null,
    floor: "",
    damage_deposit: "0.0",
    owner_fullname: null,
    owner_email: null,
    owner_notes: null,
    checkin_details: {},
    checkout_details: {},
    balance_due: 30,
    website_url: {},
    charge_damage_deposit_on_arrival: true,
    full_bathrooms_count: 0,
    standalone_toilets_count: 0,
    vr_bathrooms_count: bare ? null : 1,
    nightly_rates_managed_externally: false,
    rounding_kind: "no-rounding",
    management_type: "professional",
    residency_category: null,
    mid_term_pricing_active: false
  }
}

const rate = (
  id: number,
  rentalId: number,
  currency: string,
  amounts: {
    nightly: [string, string] | null
    weekly: [string, string] | null
    monthly: [string, string] | null
  },
  dates: [string, string] = ["2025-12-01", "2026-12-01"],
  minimumStay = 1
): Rec => ({
  links: { rental: rentalId },
  id,
  currency,
  start_date: dates[0],
  end_date: dates[1],
  initial_nightly_rate: amounts.nightly?.[0] ?? null,
  initial_weekly_rate: amounts.weekly?.[0] ?? null,
  initial_monthly_rate: amounts.monthly?.[0] ?? null,
  final_nightly_rate: amounts.nightly?.[1] ?? null,
  final_weekly_rate: amounts.weekly?.[1] ?? null,
  final_monthly_rate: amounts.monthly?.[1] ?? null,
  minimum_stay: minimumStay,
  created_at: created,
  updated_at: updated
})

const fee = (
  id: number,
  accountId: number,
  fields: { name: string; rate: string; rate_kind: string; kind: string; currency: string; archived_at?: string }
): Rec => ({
  links: { account: accountId },
  id,
  kind: fields.kind,
  headline: { en: fields.name },
  name: { en: fields.name },
  rate: fields.rate,
  rate_kind: fields.rate_kind,
  archived_at: fields.archived_at ?? null,
  created_at: created,
  updated_at: updated,
  downpayment_percentage: "10.0",
  currency: fields.currency,
  original_currency: fields.currency,
  exchange_rate: "1.0",
  maximum_possible_rate: null
})

const rentalsFee = (
  id: number,
  rentalId: number,
  from: Rec,
  fields: { required: boolean; archived_at?: string | null; rate?: string }
): Rec => ({
  links: { fee: from.id, rental: rentalId, seasons: [] },
  id,
  always_applied: fields.required,
  end_date: null,
  maximum_bookable: 1,
  public: true,
  required: fields.required,
  start_date: null,
  created_at: created,
  updated_at: updated,
  name: from.name,
  rate: fields.rate ?? from.rate,
  rate_kind: from.rate_kind,
  archived_at: fields.archived_at ?? null
})

const tax = (id: number, accountId: number, name: string, percentage: string): Rec => ({
  links: { account: accountId },
  id,
  percentage,
  created_at: created,
  updated_at: updated,
  start_date: null,
  end_date: null,
  name: { en: name }
})

const join = (id: number, links: Rec["links"], included: boolean): Rec => ({
  links,
  id,
  tax_included_in_rate: included,
  created_at: created,
  updated_at: updated
})

// The first of the month, three years of days from there (1,096 characters), as BookingSync answers.
const mapStart = "2025-12-01"
const mapDays = 1_096

const availability = (rentalId: number, booked: ReadonlyArray<[number, number]> = []): Rec => {
  const map = Array.from({ length: mapDays }, () => "0")
  for (const [from, to] of booked) for (let day = from; day < to; day++) map[day] = "1"
  return {
    links: { rental: rentalId },
    id: rentalId + 10_000,
    map: map.join(""),
    start_date: mapStart,
    updated_at: updated
  }
}

const nightlyRateMap = (rentalId: number, nightly: number): Rec => ({
  links: { rental: rentalId },
  id: rentalId + 40_000,
  rates_map: Array.from({ length: mapDays }, (_, day) => (day < 3 ? "0" : String(nightly))).join(","),
  minimum_stays_map: Array.from({ length: mapDays }, () => "1").join(","),
  start_date: mapStart,
  updated_at: updated
})

const ratesTable = (rentalId: number, accountId: number, name: string, seasons: Array<number>): Rec => ({
  links: { account: accountId, seasons, rates_rules: [], periods: [], rentals: [rentalId] },
  id: rentalId + 30_000,
  name,
  created_at: created,
  updated_at: updated,
  shared: false
})

/** The seed: a fresh copy every call (the simulator mutates it). @since 0.1.0 */
export const make = (): Data => {
  const accounts = [
    account(mainAccountId, {
      business_name: "Tagus Stays",
      address1: "Rua da Prata 12",
      zip: "1100-420",
      city: "Lisboa",
      state: "",
      country_code: "PT"
    }),
    account(otherAccountId, {
      business_name: "Alpine Chalets",
      address1: "Bahnhofstrasse 3",
      zip: "3920",
      city: "Zermatt",
      state: "VS",
      country_code: "CH"
    }),
    account(strangerAccountId, {
      business_name: "Not Authorized Villas",
      address1: "",
      zip: "05100",
      city: "Nevache",
      state: "",
      country_code: "FR"
    })
  ]

  // Ids interleave the accounts: a listing page holds rentals of several accounts.
  const rentals = [
    rental({
      id: 52_001,
      account: mainAccountId,
      name: "Alfama Loft",
      currency: "EUR",
      published: true,
      lat: 38.7118,
      lng: -9.1300,
      city: "Lisboa",
      country_code: "PT",
      address1: "Beco do Carneiro 3",
      zip: "1100-127",
      base_rate: "700.0",
      base_rate_kind: "weekly",
      position: 1
    }),
    rental({
      id: 52_002,
      account: mainAccountId,
      name: "Bairro Alto Studio",
      currency: "USD",
      published: true,
      lat: 38.7130,
      lng: -9.1450,
      city: "Lisboa",
      country_code: "PT",
      rental_type: "studio",
      sleeps: 2,
      base_rate: "95.5",
      base_rate_kind: "nightly",
      position: 2
    }),
    rental({
      id: 52_003,
      account: otherAccountId,
      name: "Chalet Matterhorn",
      currency: "CHF",
      published: true,
      lat: 46.0207,
      lng: 7.7491,
      city: "Zermatt",
      country_code: "CH",
      rental_type: "chalet",
      base_rate: "2100.0",
      base_rate_kind: "weekly",
      position: 1
    }),
    rental({
      id: 52_004,
      account: mainAccountId,
      name: "Unpublished rental",
      currency: "EUR",
      published: false,
      lat: null,
      lng: null,
      city: null,
      country_code: null,
      base_rate_kind: "nightly",
      position: 3
    }),
    rental({
      id: 52_005,
      account: mainAccountId,
      name: "Rental without currency",
      currency: null,
      published: false,
      lat: null,
      lng: null,
      city: null,
      country_code: null,
      sleeps: null,
      position: 4
    }),
    rental({
      id: 52_006,
      account: otherAccountId,
      name: "Chalet Edelweiss",
      currency: "CHF",
      published: true,
      lat: 46.0950,
      lng: 7.2286,
      city: "Verbier",
      country_code: "CH",
      rental_type: "chalet",
      base_rate: "1800.0",
      base_rate_kind: "weekly",
      position: 2
    }),
    rental({
      id: 52_007,
      account: mainAccountId,
      name: "Belém House",
      currency: "EUR",
      published: true,
      lat: 38.6979,
      lng: -9.2063,
      city: "Lisboa",
      country_code: "PT",
      rental_type: "house",
      sleeps: 6,
      base_rate: "3000.0",
      base_rate_kind: "monthly",
      position: 5
    }),
    rental({
      id: 52_008,
      account: mainAccountId,
      name: "Cascais Villa",
      currency: "EUR",
      published: true,
      lat: 38.6968,
      lng: -9.4215,
      city: "Cascais",
      country_code: "PT",
      rental_type: "villa",
      sleeps: 8,
      base_rate: "2812.4",
      base_rate_kind: "weekly",
      position: 6
    }),
    rental({
      id: 52_009,
      account: otherAccountId,
      name: "Lakeside Flat",
      currency: "EUR",
      published: true,
      lat: 46.2044,
      lng: 6.1432,
      city: "Genève",
      country_code: "CH",
      base_rate: "120.0",
      base_rate_kind: "nightly",
      position: 3
    }),
    rental({
      id: 52_010,
      account: mainAccountId,
      name: "Sintra Cottage",
      currency: "GBP",
      published: true,
      lat: 38.8029,
      lng: -9.3817,
      city: "Sintra",
      country_code: "PT",
      rental_type: "cottage",
      base_rate: "110.0",
      base_rate_kind: "nightly",
      position: 7
    }),
    rental({
      id: 52_011,
      account: strangerAccountId,
      name: "Villa Nobody Authorized",
      currency: "EUR",
      published: true,
      lat: 45.0192,
      lng: 6.6049,
      city: "Nevache",
      country_code: "FR",
      base_rate: "100.0",
      base_rate_kind: "nightly",
      position: 1
    })
  ]

  const rates = [
    rate(
      1_127_001,
      52_001,
      "EUR",
      {
        nightly: ["100.0", "100.0"],
        weekly: ["700.0", "650.0"],
        monthly: ["3000.0", "2500.0"]
      },
      ["2025-12-01", "2026-04-30"],
      2
    ),
    rate(
      1_127_002,
      52_001,
      "EUR",
      {
        nightly: ["140.0", "126.0"],
        weekly: ["980.0", "882.0"],
        monthly: ["4200.0", "3780.0"]
      },
      ["2026-05-01", "2026-09-30"],
      7
    ),
    rate(1_127_003, 52_002, "USD", {
      nightly: ["95.5", "95.5"],
      weekly: ["668.5", "668.5"],
      monthly: ["2865.0", "2865.0"]
    }),
    rate(1_127_004, 52_003, "CHF", {
      nightly: ["300.0", "300.0"],
      weekly: ["2100.0", "2100.0"],
      monthly: ["9000.0", "8100.0"]
    }),
    rate(1_127_005, 52_004, "EUR", { nightly: ["60.0", "60.0"], weekly: ["420.0", "420.0"], monthly: null }),
    // The rental's currency is null: its rate carries the account's.
    rate(1_127_006, 52_005, "EUR", {
      nightly: ["10.0", "10.0"],
      weekly: ["70.0", "70.0"],
      monthly: ["300.0", "300.0"]
    }),
    rate(1_127_007, 52_006, "CHF", {
      nightly: ["257.14", "257.14"],
      weekly: ["1800.0", "1620.0"],
      monthly: ["7714.2", "6942.78"]
    }),
    rate(1_127_008, 52_007, "EUR", { nightly: null, weekly: null, monthly: ["3000.0", "2850.0"] }, [
      "2025-12-01",
      "2027-01-31"
    ], 28),
    rate(
      1_127_009,
      52_008,
      "EUR",
      {
        nightly: ["401.77", "361.59"],
        weekly: ["2812.4", "2531.16"],
        monthly: ["12053.14", "10847.83"]
      },
      ["2025-12-01", "2026-06-30"],
      3
    ),
    rate(1_127_010, 52_009, "EUR", { nightly: ["120.0", "120.0"], weekly: ["840.0", "800.0"], monthly: null }),
    rate(1_127_011, 52_010, "GBP", { nightly: ["110.0", "99.0"], weekly: ["770.0", "693.0"], monthly: null }),
    rate(1_127_012, 52_011, "EUR", { nightly: ["100.0", "100.0"], weekly: ["700.0", "650.0"], monthly: null })
  ]

  const cleaning = fee(474, mainAccountId, {
    name: "Cleaning",
    rate: "45.0",
    rate_kind: "fixed",
    kind: "cleaning",
    currency: "EUR"
  })
  const linen = fee(659, mainAccountId, {
    name: "Linen",
    rate: "10.0",
    rate_kind: "fixed",
    kind: "other",
    currency: "EUR",
    archived_at: "2025-06-01T08:00:00Z"
  })
  const service = fee(2_161, mainAccountId, {
    name: "Service charge",
    rate: "5.0",
    rate_kind: "percentage",
    kind: "other",
    currency: "EUR"
  })
  const chaletCleaning = fee(2_174, otherAccountId, {
    name: "Final cleaning",
    rate: "150.0",
    rate_kind: "fixed",
    kind: "cleaning",
    currency: "CHF"
  })
  const fees = [cleaning, linen, service, chaletCleaning]

  const rentals_fees = [
    rentalsFee(15_403, 52_001, cleaning, { required: true }),
    rentalsFee(15_404, 52_001, linen, { required: false, archived_at: "2025-06-01T08:00:00Z" }),
    rentalsFee(15_405, 52_007, cleaning, { required: true, rate: "60.0" }),
    rentalsFee(15_406, 52_007, service, { required: false }),
    rentalsFee(15_407, 52_008, cleaning, { required: true, rate: "90.0" }),
    rentalsFee(15_408, 52_003, chaletCleaning, { required: true })
  ]

  const vat = tax(168, mainAccountId, "IVA", "6.0")
  const cityTax = tax(169, mainAccountId, "City tax", "10.0")
  const swissVat = tax(170, otherAccountId, "MWST", "3.8")
  const taxes = [vat, cityTax, swissVat]

  const rentals_taxes = [
    // Included in the rate.
    join(3, { rental: 52_001, tax: vat.id }, true),
    // Added on top of the rate.
    join(4, { rental: 52_002, tax: cityTax.id }, false),
    join(5, { rental: 52_008, tax: vat.id }, true),
    join(6, { rental: 52_008, tax: cityTax.id }, false),
    join(7, { rental: 52_003, tax: swissVat.id }, false)
  ]
  const fees_taxes = [
    join(31, { fee: cleaning.id, tax: vat.id }, true),
    join(32, { fee: service.id, tax: vat.id }, false)
  ]

  const availabilities = rentals.map((r, i) => availability(r.id, i % 3 === 0 ? [[1, 3], [10, 17]] : []))
  const nightly_rate_maps = rentals.map((r) => nightlyRateMap(r.id, 100))

  const seasons: Array<Rec> = [
    {
      links: { rates_table: 52_001 + 30_000, rates_rules: [], periods: [88_197] },
      id: 1_802,
      name: { en: "High Season" },
      ratio_percentage: "89.0",
      minimum_stay: 2,
      created_at: created,
      updated_at: updated,
      color: "#A0D453",
      color_ratio: 1.0
    }
  ]
  const periods: Array<Rec> = [
    {
      links: { season: 1_802, rates_table: 52_001 + 30_000 },
      id: 88_197,
      start_date: "2026-05-01",
      end_date: "2026-09-30",
      created_at: created,
      updated_at: updated
    }
  ]
  const rates_rules: Array<Rec> = [
    {
      links: { rates_table: 52_001 + 30_000, seasons: [] },
      id: 252,
      always_applied: true,
      percentage: "-7.0",
      fixed_amount: null,
      period_name: "",
      kind: "stay_at_least",
      variables: { days: [], length: 21, unit: "days" },
      start_date: null,
      end_date: null,
      created_at: created,
      updated_at: updated
    }
  ]
  const rates_tables = rentals.map((r) =>
    ratesTable(r.id, r.links.account as number, r.name as string, r.id === 52_001 ? [1_802] : [])
  )
  const special_offers: Array<Rec> = [
    {
      links: { rental: 52_008 },
      id: 1_583,
      name: { en: "Early spring" },
      start_date: "2026-03-01",
      end_date: "2026-04-15",
      discount: 10.0,
      created_at: created,
      updated_at: updated
    }
  ]

  return {
    accounts,
    rentals,
    rates,
    fees,
    rentals_fees,
    taxes,
    rentals_taxes,
    fees_taxes,
    availabilities,
    nightly_rate_maps,
    rates_tables,
    seasons,
    periods,
    rates_rules,
    special_offers
  }
}
