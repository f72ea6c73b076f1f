/**
 * Seed data of the Optix simulator: one organization (the account of an organization token) with its
 * currency, tax rates and units, its locations, resource types, resources with `prices[]` in every unit
 * type, plan templates and products (passes and regular products).
 *
 * Records use the field names and value types of Optix's GraphQL schema (`OptixSchema.graphql.ts`):
 * snake_case, ids as numeric strings (`ID`), amounts as `Float` numbers (Optix sends money as JSON
 * numbers: the adapter must turn them into decimal strings without going through float arithmetic), tax
 * rates in percent ("e.g. 5 for 5%", as the schema's comments say), timestamps as Unix seconds (`Int`).
 * References are ids (`location_id`, `resource_type_id`, `location_ids`); the simulator resolves them into
 * the nested objects the schema has (`Resource.location`, `Resource.type`, `PlanTemplate.locations`…).
 *
 * The awkward cases it reproduces:
 * - an organization in CAD with a 5 % exclusive tax rate (GST) and no inclusive rate, and four units:
 *   the currency (`CURRENCY`), booking hours (`HOURS`), uses (`USES`) and credits (`CUSTOM`);
 * - six locations: four visible ones in four time zones (Vancouver, Toronto, Halifax, Saskatoon — the
 *   last in `America/Regina`, which has no daylight saving time), one hidden (`is_hidden: true`,
 *   `is_visible: false`) and one deleted (`is_deleted: true`); Toronto and Halifax override the exclusive
 *   tax rate (13 % and 15 % HST), Saskatoon has no coordinates and no postcode;
 * - resources whose `prices[]` hold several units at once (money per hour with a `price_max` cap, plus
 *   hours, uses or credits), a free one (`price: 0`), one without any price (`prices: []`, an assignable
 *   office priced by `assignment_price_month`), one with a fractional amount (`37.5`), one with an
 *   exclusive tax override (`override_tax_rate`, `tax_rate: 0`) and one with an inclusive tax override
 *   (`override_inclusive_tax_rate`, `inclusive_tax_rate: 12`); resources of the hidden and the deleted
 *   locations;
 * - resource types with both `booking_experience` values and one that is not visible;
 * - one plan template for each concrete `price_frequency` of the schema (`DAILY`, `WEEKLY`, `BIWEEKLY`,
 *   `THIRTY_DAYS`, `SIXTY_DAYS`, `NINETY_DAYS`, `MONTHLY`, `QUARTERLY`, `BIANNUAL`, `ANNUAL`), some in all
 *   locations (`in_all_locations: true`, `locations: []`), some in named locations, with deposits, set-up
 *   fees, a free trial and tax overrides; `make({ unknownFrequency: true })` adds one whose frequency is
 *   the schema's `UNKNOWN` (a value the adapter cannot price and must report);
 * - products of `type` `PASS` (a day pass, a 10-visit pass, a pass in two locations) and `REGULAR`
 *   (`products` only returns `REGULAR` unless asked for `type: [PASS]`), and a deleted product, which
 *   `products` never returns (it has no `include_deleted` argument).
 *
 * The data is made up. `make()` returns fresh, mutable data on every call.
 *
 * @since 0.1.0
 */

/** `UnitType` of the schema. @since 0.1.0 */
export type UnitType = "CURRENCY" | "CUSTOM" | "HOURS" | "USES" | "UNKNOWN"

/** `PlanFrequency` of the schema. @since 0.1.0 */
export type PlanFrequency =
  | "DAILY"
  | "WEEKLY"
  | "BIWEEKLY"
  | "THIRTY_DAYS"
  | "SIXTY_DAYS"
  | "NINETY_DAYS"
  | "MONTHLY"
  | "QUARTERLY"
  | "BIANNUAL"
  | "ANNUAL"
  | "UNKNOWN"

/** `ProductType` of the schema. @since 0.1.0 */
export type ProductType = "PASS" | "REGULAR"

/** Every `PlanFrequency` but `UNKNOWN`, in the schema's order. @since 0.1.0 */
export const planFrequencies: ReadonlyArray<Exclude<PlanFrequency, "UNKNOWN">> = [
  "DAILY",
  "WEEKLY",
  "BIWEEKLY",
  "THIRTY_DAYS",
  "SIXTY_DAYS",
  "NINETY_DAYS",
  "MONTHLY",
  "QUARTERLY",
  "BIANNUAL",
  "ANNUAL"
]

/** `Unit`. @since 0.1.0 */
export interface Unit {
  unit_id: string
  name: string
  name_plural: string
  type: UnitType
  currency_symbol: string | null
}

/** `Price` (its `unit` embedded, as Optix answers it). @since 0.1.0 */
export interface Price {
  unit: Unit
  price: number | null
  price_max: number | null
}

/** `Organization` (the fields the simulator serves). @since 0.1.0 */
export interface Organization {
  organization_id: string
  organization_uuid: string
  name: string
  is_active: boolean
  country: string | null
  region: string | null
  city: string | null
  postcode: string | null
  address: string | null
  timezone: string | null
  locale: string | null
  currency: string | null
  currency_symbol: string | null
  /** The `unit_id` of the organization's currency unit. */
  currency_unit_id: string | null
  exclusive_tax_rate: number
  inclusive_tax_rate: number
  subdomain: string | null
  domain: string | null
}

/** `Location` (the fields the simulator serves). @since 0.1.0 */
export interface Location {
  location_id: string
  organization_id: string
  name: string | null
  description: string | null
  country: string | null
  region: string | null
  city: string | null
  neighborhood: string | null
  postcode: string | null
  address: string | null
  unit: string | null
  latitude: number | null
  longitude: number | null
  timezone: string | null
  timezone_name: string | null
  phone: string | null
  is_deleted: boolean | null
  is_visible: boolean | null
  is_hidden: boolean | null
  contact_email: string | null
  website: string | null
  checkin_prices: Array<Price>
  override_checkin_tax_rate: boolean
  checkin_tax_rate: number | null
  override_checkin_inclusive_tax_rate: boolean
  checkin_inclusive_tax_rate: number | null
  override_tax_rate: boolean
  exclusive_tax_rate: number
  inclusive_tax_rate: number
}

/** `ResourceType` (the fields the simulator serves). @since 0.1.0 */
export interface ResourceType {
  resource_type_id: string
  name: string
  booking_experience: "GALLERY" | "LIST"
  is_visible: boolean
}

/** `Resource` (the fields the simulator serves), with the ids of its location and type. @since 0.1.0 */
export interface Resource {
  resource_id: string
  organization_id: string
  location_id: string
  resource_type_id: string
  name: string | null
  description: string | null
  is_bookable: boolean | null
  capacity: number | null
  prices: Array<Price>
  override_tax_rate: boolean
  tax_rate: number | null
  override_inclusive_tax_rate: boolean
  inclusive_tax_rate: number | null
  assignment_price_month: number | null
  size_sq_meters: number | null
  is_assignable: boolean
  is_dropin_bookable: boolean
  created_timestamp: number
}

/** `PlanTemplate` (the fields the simulator serves), with the ids of its locations. @since 0.1.0 */
export interface PlanTemplate {
  plan_template_id: string
  name: string
  description: string
  allowance_renewal_frequency: PlanFrequency
  price: number
  price_frequency: PlanFrequency
  deposit: number
  set_up_fee: number
  override_tax_rate: boolean
  tax_rate: number | null
  override_inclusive_tax_rate: boolean
  inclusive_tax_rate: number | null
  free_trial_days: number | null
  onboarding_enabled: boolean
  non_onboarding_enabled: boolean
  in_all_locations: boolean
  /** The locations it is offered in (empty when `in_all_locations`). */
  location_ids: Array<string>
  order: number | null
}

/** `Product` (the fields the simulator serves), with the ids of its locations. @since 0.1.0 */
export interface Product {
  product_id: string
  name: string
  description: string
  onboarding_enabled: boolean
  non_onboarding_enabled: boolean
  is_deleted: boolean
  unit_amount: number
  prices: Array<Price>
  override_tax_rate: boolean
  tax_rate: number
  no_tax_rate: boolean
  override_inclusive_tax_rate: boolean
  inclusive_tax_rate: number
  no_inclusive_tax_rate: boolean
  type: ProductType
  allowance_expire_days: number
  created_timestamp: number
  in_all_locations: boolean
  location_ids: Array<string>
  tags: Array<string>
  order: number | null
}

/** Everything the simulator serves. @since 0.1.0 */
export interface Data {
  organization: Organization
  units: Array<Unit>
  locations: Array<Location>
  resourceTypes: Array<ResourceType>
  resources: Array<Resource>
  planTemplates: Array<PlanTemplate>
  products: Array<Product>
}

/** The organization's id and currency. @since 0.1.0 */
export const organizationId = "1187"
/** @since 0.1.0 */
export const currency = "CAD"

/** Unit ids. @since 0.1.0 */
export const unitIds = { currency: "1", hours: "2", uses: "3", credits: "4" } as const

/** Location ids. @since 0.1.0 */
export const locationIds = {
  /** Visible, `America/Vancouver`, organization tax rates. */
  vancouver: "2101",
  /** Visible, `America/Toronto`, exclusive tax rate overridden to 13. */
  toronto: "2102",
  /** Visible, `America/Halifax`, exclusive tax rate overridden to 15. */
  halifax: "2103",
  /** Visible, `America/Regina`, no coordinates, no postcode. */
  saskatoon: "2104",
  /** `is_hidden: true`, `is_visible: false`. */
  hidden: "2105",
  /** `is_deleted: true`. */
  deleted: "2106"
} as const

/** The locations `locations` lists by default (neither hidden nor deleted). @since 0.1.0 */
export const visibleLocationIds: ReadonlyArray<string> = [
  locationIds.vancouver,
  locationIds.toronto,
  locationIds.halifax,
  locationIds.saskatoon
]

/** Resource type ids. @since 0.1.0 */
export const resourceTypeIds = {
  meetingRoom: "31",
  desk: "32",
  privateOffice: "33",
  eventSpace: "34",
  /** `is_visible: false`. */
  parking: "35"
} as const

/** Resource ids. @since 0.1.0 */
export const resourceIds = {
  /** CURRENCY 25/h (max 150), HOURS 1, CUSTOM credits 2. */
  vancouverGlassRoom: "4101",
  /** CURRENCY 8/h (max 40), USES 1. */
  vancouverHotDesk: "4102",
  /** Assignable office: `prices: []`, `assignment_price_month: 1850`. */
  vancouverOffice: "4103",
  /** CURRENCY 40/h (max 280); exclusive tax override `tax_rate: 0`. */
  torontoBoardroom: "4201",
  /** CURRENCY 37.5/h, no cap; inclusive tax override `inclusive_tax_rate: 12`. */
  torontoStudio: "4202",
  /** Free: CURRENCY 0. */
  halifaxPhoneBooth: "4301",
  /** CURRENCY 12.99/h (max 65), HOURS 1. */
  halifaxDesk: "4302",
  /** CURRENCY 95/h (max 600), CUSTOM credits 10. */
  saskatoonEventHall: "4401",
  /** CURRENCY 20/h; of the type that is not visible (`resourceTypeIds.parking`). */
  saskatoonParking: "4402",
  /** In the hidden location. */
  hiddenRoom: "4501",
  /** In the deleted location. */
  deletedRoom: "4601"
} as const

/** Plan template ids, one per concrete `price_frequency`. @since 0.1.0 */
export const planTemplateIds = {
  daily: "5101",
  weekly: "5102",
  biweekly: "5103",
  thirtyDays: "5104",
  sixtyDays: "5105",
  ninetyDays: "5106",
  monthly: "5107",
  quarterly: "5108",
  biannual: "5109",
  annual: "5110",
  /** Only with `make({ unknownFrequency: true })`: `price_frequency: UNKNOWN`. */
  unknown: "5199"
} as const

/** Product ids. @since 0.1.0 */
export const productIds = {
  /** PASS, all locations, 35, expires after 1 day. */
  dayPass: "6101",
  /** PASS, all locations, 250, expires after 90 days. */
  tenVisitPass: "6102",
  /** PASS, Toronto and Halifax only, 180, inclusive tax override 13. */
  eastWeekPass: "6103",
  /** REGULAR, all locations, 20. */
  locker: "6201",
  /** REGULAR, Vancouver only, 3.5, no tax (`no_tax_rate`). */
  coffee: "6202",
  /** REGULAR, `is_deleted: true` (never listed). */
  deletedProduct: "6203"
} as const

/** Options of `make`. @since 0.1.0 */
export interface MakeOptions {
  /** Adds plan template `planTemplateIds.unknown` with `price_frequency: UNKNOWN` (in all locations). */
  readonly unknownFrequency?: boolean | undefined
}

const units = (): Array<Unit> => [
  { unit_id: unitIds.currency, name: "CAD", name_plural: "CAD", type: "CURRENCY", currency_symbol: "$" },
  { unit_id: unitIds.hours, name: "Hour", name_plural: "Hours", type: "HOURS", currency_symbol: null },
  { unit_id: unitIds.uses, name: "Use", name_plural: "Uses", type: "USES", currency_symbol: null },
  { unit_id: unitIds.credits, name: "Credit", name_plural: "Credits", type: "CUSTOM", currency_symbol: null }
]

/**
 * A `Price` in the unit `unitId` of `data` (the unit object is copied, as each answer carries its own).
 *
 * @since 0.1.0
 */
export const price = (
  allUnits: ReadonlyArray<Unit>,
  unitId: string,
  amount: number | null,
  max: number | null = null
): Price => {
  const unit = allUnits.find((u) => u.unit_id === unitId)
  if (unit === undefined) throw new Error(`no unit ${unitId}`)
  return { unit: { ...unit }, price: amount, price_max: max }
}

const created = 1_704_067_200 // 2024-01-01T00:00:00Z

/**
 * Fresh seed data.
 *
 * @since 0.1.0
 */
export const make = (options: MakeOptions = {}): Data => {
  const u = units()
  const p = (unitId: string, amount: number | null, max: number | null = null) => price(u, unitId, amount, max)

  const location = (
    location_id: string,
    fields: Partial<Location> & Pick<Location, "name" | "city" | "region" | "timezone" | "timezone_name">
  ): Location => ({
    location_id,
    organization_id: organizationId,
    description: null,
    country: "Canada",
    neighborhood: null,
    postcode: null,
    address: null,
    unit: null,
    latitude: null,
    longitude: null,
    phone: null,
    is_deleted: false,
    is_visible: true,
    is_hidden: false,
    contact_email: null,
    website: null,
    checkin_prices: [],
    override_checkin_tax_rate: false,
    checkin_tax_rate: null,
    override_checkin_inclusive_tax_rate: false,
    checkin_inclusive_tax_rate: null,
    override_tax_rate: false,
    exclusive_tax_rate: 5,
    inclusive_tax_rate: 0,
    ...fields
  })

  const resource = (
    resource_id: string,
    location_id: string,
    resource_type_id: string,
    fields: Partial<Resource> & Pick<Resource, "name" | "prices">
  ): Resource => ({
    resource_id,
    organization_id: organizationId,
    location_id,
    resource_type_id,
    description: null,
    is_bookable: true,
    capacity: 1,
    override_tax_rate: false,
    tax_rate: null,
    override_inclusive_tax_rate: false,
    inclusive_tax_rate: null,
    assignment_price_month: null,
    size_sq_meters: null,
    is_assignable: false,
    is_dropin_bookable: true,
    created_timestamp: created + Number(resource_id),
    ...fields
  })

  const plan = (
    plan_template_id: string,
    fields: Partial<PlanTemplate> & Pick<PlanTemplate, "name" | "price" | "price_frequency">
  ): PlanTemplate => ({
    plan_template_id,
    description: "",
    allowance_renewal_frequency: fields.price_frequency,
    deposit: 0,
    set_up_fee: 0,
    override_tax_rate: false,
    tax_rate: null,
    override_inclusive_tax_rate: false,
    inclusive_tax_rate: null,
    free_trial_days: null,
    onboarding_enabled: true,
    non_onboarding_enabled: true,
    in_all_locations: true,
    location_ids: [],
    order: null,
    ...fields
  })

  const product = (
    product_id: string,
    fields: Partial<Product> & Pick<Product, "name" | "unit_amount" | "type">
  ): Product => ({
    product_id,
    description: "",
    onboarding_enabled: true,
    non_onboarding_enabled: true,
    is_deleted: false,
    prices: [p(unitIds.currency, fields.unit_amount)],
    override_tax_rate: false,
    tax_rate: 5,
    no_tax_rate: false,
    override_inclusive_tax_rate: false,
    inclusive_tax_rate: 0,
    no_inclusive_tax_rate: false,
    allowance_expire_days: 0,
    created_timestamp: created + Number(product_id),
    in_all_locations: true,
    location_ids: [],
    tags: [],
    order: null,
    ...fields
  })

  const planTemplates: Array<PlanTemplate> = [
    plan(planTemplateIds.daily, { name: "Day membership", price: 30, price_frequency: "DAILY", order: 1 }),
    plan(planTemplateIds.weekly, { name: "Weekly flex", price: 95, price_frequency: "WEEKLY", order: 2 }),
    plan(planTemplateIds.biweekly, {
      name: "Fortnight desk",
      price: 180,
      price_frequency: "BIWEEKLY",
      in_all_locations: false,
      location_ids: [locationIds.vancouver, locationIds.toronto]
    }),
    plan(planTemplateIds.thirtyDays, {
      name: "30-day hot desk",
      price: 329.99,
      price_frequency: "THIRTY_DAYS",
      free_trial_days: 7
    }),
    plan(planTemplateIds.sixtyDays, { name: "60-day project", price: 640, price_frequency: "SIXTY_DAYS" }),
    plan(planTemplateIds.ninetyDays, {
      name: "90-day startup",
      price: 900,
      price_frequency: "NINETY_DAYS",
      in_all_locations: false,
      location_ids: [locationIds.halifax]
    }),
    plan(planTemplateIds.monthly, {
      name: "Dedicated desk",
      price: 450,
      price_frequency: "MONTHLY",
      deposit: 450,
      set_up_fee: 50,
      in_all_locations: false,
      location_ids: [locationIds.vancouver, locationIds.toronto, locationIds.saskatoon]
    }),
    plan(planTemplateIds.quarterly, {
      name: "Quarterly virtual office",
      price: 297,
      price_frequency: "QUARTERLY",
      allowance_renewal_frequency: "MONTHLY",
      override_tax_rate: true,
      tax_rate: 0
    }),
    plan(planTemplateIds.biannual, {
      name: "Six-month team suite",
      price: 9600,
      price_frequency: "BIANNUAL",
      set_up_fee: 250,
      override_inclusive_tax_rate: true,
      inclusive_tax_rate: 12,
      in_all_locations: false,
      location_ids: [locationIds.toronto]
    }),
    plan(planTemplateIds.annual, {
      name: "Annual founder",
      price: 4200,
      price_frequency: "ANNUAL",
      allowance_renewal_frequency: "MONTHLY",
      deposit: 350
    })
  ]
  if (options.unknownFrequency === true) {
    planTemplates.push(plan(planTemplateIds.unknown, { name: "Legacy plan", price: 99, price_frequency: "UNKNOWN" }))
  }

  return {
    organization: {
      organization_id: organizationId,
      organization_uuid: "0f6a8c52-6b1e-4a7d-9f3e-1187c0de5eed",
      name: "Harbourfront Coworking",
      is_active: true,
      country: "Canada",
      region: "British Columbia",
      city: "Vancouver",
      postcode: "V6B 1A1",
      address: "100 Water Street",
      timezone: "America/Vancouver",
      locale: "en-CA",
      currency,
      currency_symbol: "$",
      currency_unit_id: unitIds.currency,
      exclusive_tax_rate: 5,
      inclusive_tax_rate: 0,
      subdomain: "harbourfront",
      domain: null
    },
    units: u,
    locations: [
      location(locationIds.vancouver, {
        name: "Harbourfront Gastown",
        address: "100 Water Street",
        city: "Vancouver",
        region: "British Columbia",
        postcode: "V6B 1A1",
        neighborhood: "Gastown",
        latitude: 49.2847,
        longitude: -123.1088,
        timezone: "America/Vancouver",
        timezone_name: "Pacific Standard Time",
        phone: "+1 604 555 0100",
        contact_email: "gastown@harbourfront.example",
        website: "https://harbourfront.example/gastown",
        checkin_prices: [p(unitIds.currency, 25)]
      }),
      location(locationIds.toronto, {
        name: "Harbourfront King West",
        address: "480 King Street West",
        unit: "Suite 300",
        city: "Toronto",
        region: "Ontario",
        postcode: "M5V 1L7",
        latitude: 43.6447,
        longitude: -79.3975,
        timezone: "America/Toronto",
        timezone_name: "Eastern Standard Time",
        override_tax_rate: true,
        exclusive_tax_rate: 13
      }),
      location(locationIds.halifax, {
        name: "Harbourfront Halifax",
        address: "1505 Barrington Street",
        city: "Halifax",
        region: "Nova Scotia",
        postcode: "B3J 3K5",
        latitude: 44.6462,
        longitude: -63.5734,
        timezone: "America/Halifax",
        timezone_name: "Atlantic Standard Time",
        override_tax_rate: true,
        exclusive_tax_rate: 15
      }),
      location(locationIds.saskatoon, {
        name: "Harbourfront Riversdale",
        address: "320 20th Street West",
        city: "Saskatoon",
        region: "Saskatchewan",
        timezone: "America/Regina",
        timezone_name: "Central Standard Time"
      }),
      location(locationIds.hidden, {
        name: "Whistler pop-up",
        city: "Whistler",
        region: "British Columbia",
        timezone: "America/Vancouver",
        timezone_name: "Pacific Standard Time",
        is_visible: false,
        is_hidden: true
      }),
      location(locationIds.deleted, {
        name: "Harbourfront Yaletown (closed)",
        address: "1200 Hamilton Street",
        city: "Vancouver",
        region: "British Columbia",
        timezone: "America/Vancouver",
        timezone_name: "Pacific Standard Time",
        is_deleted: true,
        is_visible: false
      })
    ],
    resourceTypes: [
      {
        resource_type_id: resourceTypeIds.meetingRoom,
        name: "Meeting room",
        booking_experience: "LIST",
        is_visible: true
      },
      { resource_type_id: resourceTypeIds.desk, name: "Desk", booking_experience: "GALLERY", is_visible: true },
      {
        resource_type_id: resourceTypeIds.privateOffice,
        name: "Private office",
        booking_experience: "LIST",
        is_visible: true
      },
      {
        resource_type_id: resourceTypeIds.eventSpace,
        name: "Event space",
        booking_experience: "LIST",
        is_visible: true
      },
      { resource_type_id: resourceTypeIds.parking, name: "Parking", booking_experience: "LIST", is_visible: false }
    ],
    resources: [
      resource(resourceIds.vancouverGlassRoom, locationIds.vancouver, resourceTypeIds.meetingRoom, {
        name: "Glass room",
        capacity: 8,
        size_sq_meters: 24,
        prices: [p(unitIds.currency, 25, 150), p(unitIds.hours, 1), p(unitIds.credits, 2)]
      }),
      resource(resourceIds.vancouverHotDesk, locationIds.vancouver, resourceTypeIds.desk, {
        name: "Hot desk",
        prices: [p(unitIds.currency, 8, 40), p(unitIds.uses, 1)]
      }),
      resource(resourceIds.vancouverOffice, locationIds.vancouver, resourceTypeIds.privateOffice, {
        name: "Office 4",
        capacity: 4,
        is_bookable: false,
        is_dropin_bookable: false,
        is_assignable: true,
        assignment_price_month: 1850,
        prices: []
      }),
      resource(resourceIds.torontoBoardroom, locationIds.toronto, resourceTypeIds.meetingRoom, {
        name: "Boardroom",
        capacity: 14,
        override_tax_rate: true,
        tax_rate: 0,
        prices: [p(unitIds.currency, 40, 280), p(unitIds.hours, 2)]
      }),
      resource(resourceIds.torontoStudio, locationIds.toronto, resourceTypeIds.meetingRoom, {
        name: "Podcast studio",
        capacity: 3,
        override_inclusive_tax_rate: true,
        inclusive_tax_rate: 12,
        prices: [p(unitIds.currency, 37.5)]
      }),
      resource(resourceIds.halifaxPhoneBooth, locationIds.halifax, resourceTypeIds.meetingRoom, {
        name: "Phone booth",
        prices: [p(unitIds.currency, 0)]
      }),
      resource(resourceIds.halifaxDesk, locationIds.halifax, resourceTypeIds.desk, {
        name: "Window desk",
        prices: [p(unitIds.currency, 12.99, 65), p(unitIds.hours, 1)]
      }),
      resource(resourceIds.saskatoonEventHall, locationIds.saskatoon, resourceTypeIds.eventSpace, {
        name: "Event hall",
        capacity: 120,
        prices: [p(unitIds.currency, 95, 600), p(unitIds.credits, 10)]
      }),
      resource(resourceIds.saskatoonParking, locationIds.saskatoon, resourceTypeIds.parking, {
        name: "Parking stall 7",
        prices: [p(unitIds.currency, 20)]
      }),
      resource(resourceIds.hiddenRoom, locationIds.hidden, resourceTypeIds.meetingRoom, {
        name: "Chalet room",
        capacity: 6,
        prices: [p(unitIds.currency, 30, 180)]
      }),
      resource(resourceIds.deletedRoom, locationIds.deleted, resourceTypeIds.meetingRoom, {
        name: "Loft",
        capacity: 10,
        prices: [p(unitIds.currency, 35, 200)]
      })
    ],
    planTemplates,
    products: [
      product(productIds.dayPass, { name: "Day pass", type: "PASS", unit_amount: 35, allowance_expire_days: 1 }),
      product(productIds.tenVisitPass, {
        name: "10-visit pass",
        type: "PASS",
        unit_amount: 250,
        allowance_expire_days: 90,
        tags: ["passes"]
      }),
      product(productIds.eastWeekPass, {
        name: "East coast week pass",
        type: "PASS",
        unit_amount: 180,
        allowance_expire_days: 7,
        in_all_locations: false,
        location_ids: [locationIds.toronto, locationIds.halifax],
        override_inclusive_tax_rate: true,
        inclusive_tax_rate: 13
      }),
      product(productIds.locker, { name: "Locker rental", type: "REGULAR", unit_amount: 20 }),
      product(productIds.coffee, {
        name: "Barista coffee",
        type: "REGULAR",
        unit_amount: 3.5,
        in_all_locations: false,
        location_ids: [locationIds.vancouver],
        override_tax_rate: true,
        tax_rate: 0,
        no_tax_rate: true
      }),
      product(productIds.deletedProduct, {
        name: "Printing bundle",
        type: "REGULAR",
        unit_amount: 15,
        is_deleted: true
      })
    ]
  }
}
