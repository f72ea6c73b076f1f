/**
 * Seed data of the Nexudus simulator: businesses (locations), simple time zones, resource types,
 * resources, booking rates (`extraservices`), tariffs (membership plans), products and tax rates, in the
 * shapes the admin REST API (`/api/{module}/{entity}`) serializes them.
 *
 * Field names and their order follow records the real API returned to a data generator written by a
 * Nexudus staff member (tariffs, products, extra services, resources, tax rates: flattened relations such
 * as `BusinessId`, `CurrencyId`/`CurrencyCode`, `TaxRateId`, `ResourceTypeId`/`ResourceTypeName`, and the
 * common tail `Id, UpdatedOn, CreatedOn, UniqueId, UpdatedBy, IsNew, SystemId, ToStringText,
 * LocalizationDetails, CustomFields`). Businesses and simple time zones, of which no record was recorded,
 * follow the field lists of Nexudus' REST reference in the same flattened style (`CountryId`/`CountryName`,
 * `CurrencyId`/`CurrencyCode`, `SimpleTimeZoneId`, `RootLocationId`). Enumerations are integers, as the API
 * serializes them: `ChargePeriod` 1 Minutes, 2 Days, 3 Weeks, 4 Months, 5 Uses, 6 FourWeekMonths;
 * `SystemProductType` 1 DayPass, 2 CreditBundle, 99 Other; `AvailableAs` 1 RecurrentOrOneOff,
 * 2 OnlyRecurrent, 3 OnlyOneOff. Amounts are JSON numbers (`350.0`, `0.4167`), never strings.
 *
 * The awkward cases it reproduces:
 * - five businesses in four countries and four currencies: London (GBP, "GMT Standard Time", VAT 20 %,
 *   5 % and 0 %), Berlin (EUR, "W. Europe Standard Time", MwSt 19 % and 7 %), New York (USD, "Eastern
 *   Standard Time", one sales tax, items without tax), Bogotá (COP, "SA Pacific Standard Time": a Windows
 *   id shared by Bogotá, Lima and Quito), Lisbon (EUR, "GMT Standard Time" as well: its IANA zone is
 *   `Europe/Lisbon`, not the id's default `Europe/London`; a child of London through `RootLocationId`, no
 *   resources, no tax rates). `/api/sys/simpletimezones` also lists "Mid-Atlantic Standard Time", which
 *   no IANA zone matches exactly (no business uses it: `timeZoneIds.midAtlantic` is there for unit tests);
 * - `Address` is one free-text string (CRLF-separated lines for London, one line for Berlin, empty for
 *   Lisbon), `TownCity`/`PostalCode` sometimes empty;
 * - booking rates (no price sits on a resource: rates name `ResourceTypes[]`) with `ChargePeriod` 1
 *   (per minute: 0.4167 for £25/h, and 0.1234 which is no whole-cent hourly price), 2 (days), 3 (weeks),
 *   5 (uses, with a `CreditPrice`), 6 (four-week months); `MaximumPrice`; a `FromTime`/`ToTime` window
 *   (minutes from midnight) restricted `OnlyForMembers`; `FixedCostLength`/`FixedCostPrice` and
 *   `MinLength`/`MaxLength`; a rate for two resource types; a booking-credit rate (`IsBookingCredit`);
 *   rates without tax (`TaxRateId: null`); and a resource type no rate names;
 * - tariffs invoiced every 1, 3 and 12 months (`InvoiceEveryWeeks` 0) and every 1 and 2 weeks
 *   (`InvoiceEvery` 0), with and without `SignUpFee`, one invisible and one archived;
 * - products: day passes (`SystemProductType` 1), credit bundles (2), a deposit (99, invisible, one-off),
 *   an archived one, one `OnlyForMembers`, one restricted to tariffs;
 * - archived and invisible resources (`Visible: false` is common in real records: the recorded ones all
 *   had it), `Allocation` (capacity) set or `null`.
 *
 * `make({ malformed: true })` also makes one record wrong-typed (see `malformed`), for adapters' tests of
 * a malformed record reported with its path while the rest syncs.
 *
 * The data is made up. `make()` returns fresh, mutable data on every call.
 *
 * @since 0.1.0
 */

/** A record as the API serializes it: `Id` and its fields. @since 0.1.0 */
export type Rec = { Id: number } & { [key: string]: unknown }

/** Every collection the simulator serves, by its entity path segment. @since 0.1.0 */
export interface Data {
  businesses: Array<Rec>
  simpletimezones: Array<Rec>
  resourcetypes: Array<Rec>
  resources: Array<Rec>
  extraservices: Array<Rec>
  tariffs: Array<Rec>
  products: Array<Rec>
  taxrates: Array<Rec>
}

/** A collection name. @since 0.1.0 */
export type Collection = keyof Data

/**
 * Each collection's module, entity name (the prefix of its filter parameters, `Tariff_Business=…`,
 * `from_Tariff_UpdatedOn=…`) and path under `/api`.
 *
 * @since 0.1.0
 */
export const collections: {
  readonly [K in Collection]: { readonly module: string; readonly entity: string; readonly path: string }
} = {
  businesses: { module: "sys", entity: "Business", path: "/api/sys/businesses" },
  simpletimezones: { module: "sys", entity: "SimpleTimeZone", path: "/api/sys/simpletimezones" },
  resourcetypes: { module: "spaces", entity: "ResourceType", path: "/api/spaces/resourcetypes" },
  resources: { module: "spaces", entity: "Resource", path: "/api/spaces/resources" },
  extraservices: { module: "billing", entity: "ExtraService", path: "/api/billing/extraservices" },
  tariffs: { module: "billing", entity: "Tariff", path: "/api/billing/tariffs" },
  products: { module: "billing", entity: "Product", path: "/api/billing/products" },
  taxrates: { module: "sys", entity: "TaxRate", path: "/api/sys/taxrates" }
}

/** `ChargePeriod` values (Nexudus' `eChargePeriod`). @since 0.1.0 */
export const ChargePeriod = { Minutes: 1, Days: 2, Weeks: 3, Months: 4, Uses: 5, FourWeekMonths: 6 } as const

/** Business ids (`Id` of `/api/sys/businesses`; the adapter's location externalId is `String(Id)`). @since 0.1.0 */
export const businessIds = {
  london: 1421020101,
  berlin: 1421020102,
  newYork: 1421020103,
  bogota: 1421020104,
  lisbon: 1421020105
} as const

/** Simple time zone ids (`SimpleTimeZoneId` of a business). @since 0.1.0 */
export const timeZoneIds = {
  gmt: 57,
  wEurope: 75,
  eastern: 27,
  saPacific: 31,
  /** "Mid-Atlantic Standard Time": no IANA zone matches it exactly; no business uses it. */
  midAtlantic: 40
} as const

/** Currency ids (`CurrencyId`; GBP's is the one recorded). @since 0.1.0 */
export const currencyIds = { GBP: 3005, EUR: 3002, USD: 3001, COP: 3041 } as const

/** Tax rate ids. @since 0.1.0 */
export const taxRateIds = {
  londonStandard: 1415140101,
  londonReduced: 1415140102,
  londonZero: 1415140103,
  berlinStandard: 1415140201,
  berlinReduced: 1415140202,
  newYorkSales: 1415140301,
  bogotaIva: 1415140401
} as const

/** Resource type ids. @since 0.1.0 */
export const resourceTypeIds = {
  londonMeetingRoom: 1415372101,
  londonHotDesk: 1415372102,
  londonPrivateOffice: 1415372103,
  londonParking: 1415372104,
  londonStudio: 1415372105,
  londonLocker: 1415372106,
  londonPhoneBooth: 1415372107,
  londonBoardroom: 1415372108,
  /** No rate names it: its resources have no price. */
  londonEventSpace: 1415372109,
  berlinMeetingRoom: 1415372201,
  berlinHotDesk: 1415372202,
  newYorkConference: 1415372301,
  newYorkDesk: 1415372302,
  bogotaSala: 1415372401
} as const

/** Resource ids (the adapter's resource externalId is `String(Id)`). @since 0.1.0 */
export const resourceIds = {
  londonBoardroomAlpha: 1415383101,
  londonMeetingRoomBeta: 1415383102,
  londonHotDeskArea: 1415383103,
  londonPrivateOffice1: 1415383104,
  londonParkingBay: 1415383105,
  londonPodcastStudio: 1415383106,
  londonLockers: 1415383107,
  londonPhoneBooth: 1415383108,
  londonEventSpace: 1415383109,
  /** Archived. */
  londonOldMeetingRoom: 1415383110,
  /** Invisible. */
  londonStaffRoom: 1415383111,
  berlinSpree: 1415383201,
  berlinHotDesk: 1415383202,
  newYorkHudson: 1415383301,
  newYorkDesk: 1415383302,
  bogotaSalaAndes: 1415383401
} as const

/** Booking rate ids (`/api/billing/extraservices`; the adapter's price externalId is `rate-<Id>`). @since 0.1.0 */
export const rateIds = {
  /** 0.4167 per minute (£25/h), meeting rooms and the boardroom. */
  londonMeetingRoom: 1415395101,
  /** 0.25 per minute, `MaximumPrice` 50. */
  londonHotDesk: 1415395102,
  /** 50 per day. */
  londonPrivateOffice: 1415395103,
  /** 8 per week. */
  londonParking: 1415395104,
  /** 15 per use, `CreditPrice` 2. */
  londonStudio: 1415395105,
  /** 30 per four-week month, no tax. */
  londonLocker: 1415395106,
  /** 0.1234 per minute: no whole-cent hourly price. */
  londonPhoneBooth: 1415395107,
  /** 0.3 per minute, 18:00–22:00 only, members only. */
  londonMeetingRoomEvening: 1415395108,
  /** Fixed 120 for up to 240 minutes, then 0.75 per minute; 60–600 minutes. */
  londonBoardroomHalfDay: 1415395109,
  /** A booking credit (`IsBookingCredit`), 0.5 per minute. */
  londonTimeCredit: 1415395110,
  berlinMeetingRoom: 1415395201,
  berlinHotDeskDay: 1415395202,
  newYorkConference: 1415395301,
  newYorkDeskDay: 1415395302,
  bogotaSala: 1415395401
} as const

/** Tariff ids (the adapter's price externalIds are `tariff-<Id>`, and `signup-<Id>` for sign-up fees). @since 0.1.0 */
export const tariffIds = {
  /** 350 every month. */
  londonDedicatedDesk: 1415418101,
  /** 50 every week. */
  londonFlexWeekly: 1415418102,
  /** 3,000 every 3 months, sign-up fee 500. */
  londonOfficeQuarterly: 1415418103,
  /** 95 every 2 weeks. */
  londonFortnightly: 1415418104,
  /** Invisible. */
  londonVirtualOffice: 1415418105,
  /** Archived. */
  londonLegacy: 1415418106,
  /** 199 every month, sign-up fee 49 (the price `changeOnePrice` changes). */
  berlinFlex: 1415418201,
  /** 2,150 every 12 months. */
  berlinAnnual: 1415418202,
  /** 299 every month, no tax. */
  newYorkHotDesk: 1415418301,
  /** 450,000 COP every month. */
  bogotaCoworking: 1415418401,
  /** 120 every month, no tax rate. */
  lisbonFlex: 1415418501
} as const

/** Product ids (the adapter's price externalId is `product-<Id>`). @since 0.1.0 */
export const productIds = {
  /** Day pass (`SystemProductType` 1). */
  londonDayPass: 1415478101,
  /** Credit bundle (2). */
  londonCreditBundle: 1415478102,
  /** Deposit (99), invisible, one-off. */
  londonDeposit: 1415478103,
  /** Archived. */
  londonOldPass: 1415478104,
  /** Members only, restricted to a tariff, recurrent only. */
  londonMembersLocker: 1415478105,
  berlinDayPass: 1415478201,
  newYorkDayPass: 1415478301
} as const

/**
 * The record `make({ malformed: true })` makes wrong-typed: Berlin's flex tariff has `Price` as the
 * string `"199,00"` (a number in every real record).
 *
 * @since 0.1.0
 */
export const malformed = {
  businessId: businessIds.berlin,
  collection: "tariffs",
  id: tariffIds.berlinFlex,
  field: "Price",
  value: "199,00"
} as const

const updatedBy = "ops@fauxcowork.example"

/** A deterministic `UniqueId` (a GUID) for a record id. @since 0.1.0 */
export const uniqueId = (id: number): string => {
  const hex = id.toString(16).padStart(12, "0")
  return `5eed${hex.slice(0, 4)}-0000-4000-8000-${hex.padStart(12, "0")}`
}

/** The fields every record ends with. @since 0.1.0 */
export const tail = (id: number, toStringText: string, createdOn: string, updatedOn = createdOn) => ({
  Id: id,
  UpdatedOn: updatedOn,
  CreatedOn: createdOn,
  UniqueId: uniqueId(id),
  UpdatedBy: updatedBy,
  IsNew: false,
  SystemId: null,
  ToStringText: toStringText,
  LocalizationDetails: null,
  CustomFields: null
})

/** An amount as `ToStringText` shows it: `350.00`. */
const fixed2 = (n: number) => n.toFixed(2)

const stamp = (n: number) => `2025-0${1 + (n % 9)}-1${n % 10}T08:24:${String(10 + (n % 50)).padStart(2, "0")}.1322722Z`
const created = "2024-11-04T09:12:45.5480376Z"

// ---- businesses and time zones ----

interface BusinessArgs {
  readonly id: number
  readonly name: string
  readonly webAddress: string
  readonly rootLocationId?: number | null
  readonly address: string
  readonly townCity: string
  readonly postalCode: string
  readonly countryId: number
  readonly countryName: string
  readonly currency: keyof typeof currencyIds
  readonly timeZoneId: number
  readonly timeZoneName: string
  readonly phone: string | null
  readonly email: string
  readonly latitude: number | null
  readonly longitude: number | null
  /** Open and close times, minutes from midnight, Monday to Friday (weekends closed). */
  readonly weekdays?: readonly [number, number]
}

const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const

const business = (args: BusinessArgs, n: number): Rec => {
  const hours: { [key: string]: unknown } = {}
  for (const [i, day] of days.entries()) {
    const open = args.weekdays !== undefined && i < 5
    hours[`${day}OpenTime`] = open ? args.weekdays![0] : null
    hours[`${day}CloseTime`] = open ? args.weekdays![1] : null
  }
  for (const [i, day] of days.entries()) {
    hours[`${day}Closed`] = args.weekdays === undefined ? null : i >= 5
  }
  return {
    Name: args.name,
    DefaultLanguage: 1,
    RootLocationId: args.rootLocationId ?? null,
    WebAddress: args.webAddress,
    TermsAndConditions: null,
    ShortIntroduction: "",
    AboutUs: "",
    WebContact: `https://${args.webAddress}.spaces.nexudus.com`,
    Address: args.address,
    Phone: args.phone,
    Fax: null,
    EmailContact: args.email,
    CountryId: args.countryId,
    CountryName: args.countryName,
    CurrencyId: currencyIds[args.currency],
    CurrencyCode: args.currency,
    SimpleTimeZoneId: args.timeZoneId,
    SimpleTimeZoneName: args.timeZoneName,
    VenueType: 1,
    NumberOfFloors: null,
    FloorSpace: null,
    FloorSpaceUnit: 1,
    Longitude: args.longitude,
    Latitude: args.latitude,
    TownCity: args.townCity,
    PostalCode: args.postalCode,
    StreetName: "",
    StreetNumber: "",
    Neighborhood: "",
    ContactPhoneNumber: args.phone ?? "",
    ContactEmail: args.email,
    ...hours,
    SameOpeningTimes: args.weekdays !== undefined,
    Suspended: false,
    ...tail(args.id, args.name, created, stamp(n))
  }
}

const timeZone = (id: number, name: string, description: string, offset: string, summer: boolean): Rec => ({
  Name: name,
  Description: description,
  TimeOffset: offset,
  UsesSummerTime: summer,
  ...tail(id, name, "2012-01-01T00:00:00Z")
})

// ---- tax ----

const taxRate = (id: number, businessId: number, name: string, rate: number, n: number): Rec => ({
  BusinessId: businessId,
  Name: name,
  Rate: rate,
  ExemptionReason: 1,
  ...tail(id, `${name} (${fixed2(rate)}%)`, created, stamp(n))
})

// ---- resources ----

const resourceType = (id: number, businessId: number, name: string, n: number): Rec => ({
  BusinessId: businessId,
  Name: name,
  ...tail(id, name, created, stamp(n))
})

interface ResourceArgs {
  readonly id: number
  readonly businessId: number
  readonly businessName: string
  readonly name: string
  readonly systemResourceType: number
  readonly typeId: number
  readonly typeName: string
  readonly description?: string | null
  readonly visible?: boolean
  readonly archived?: boolean
  readonly allocation?: number | null
  readonly minBookingLength?: number | null
  readonly maxBookingLength?: number | null
  readonly onlyForMembers?: boolean
  readonly displayOrder?: number
  readonly amenities?: ReadonlyArray<string>
}

const amenityNames = [
  "Projector",
  "Internet",
  "ConferencePhone",
  "StandardPhone",
  "WhiteBoard",
  "LargeDisplay",
  "Catering",
  "TeaAndCoffee",
  "Drinks",
  "SecurityLock",
  "CCTV",
  "VoiceRecorder",
  "AirConditioning",
  "Heating",
  "NaturalLight",
  "StandingDesk",
  "QuietZone",
  "WirelessCharger",
  "PrivacyScreen",
  "Soundproof",
  "VideoConferencing",
  "DualDisplayScreen",
  "DisplayScreen",
  "WirelessPresentation",
  "PaSystem",
  "DesktopMonitor",
  "FlipChart",
  "SecureStorage"
] as const

const resource = (args: ResourceArgs, n: number): Rec => {
  const amenities: { [key: string]: boolean } = {}
  for (const name of amenityNames) amenities[name] = (args.amenities ?? []).includes(name)
  return {
    KisiGroupId: null,
    AccessControlGroupId: null,
    GoogleCalendarId: null,
    Office365CalendarId: null,
    Timeslots: [],
    LowBits: 2200 + n,
    HighBits: 21597,
    ShiftList: [],
    BusinessId: args.businessId,
    BusinessName: args.businessName,
    Name: args.name,
    SystemResourceType: args.systemResourceType,
    ResourceTypeId: args.typeId,
    ResourceTypeName: args.typeName,
    Description: args.description ?? null,
    EmailConfirmationContent: null,
    Visible: args.visible ?? true,
    RequiresConfirmation: false,
    DisplayOrder: args.displayOrder ?? n,
    GroupName: null,
    ...amenities,
    AllowMultipleBookings: false,
    Allocation: args.allocation ?? null,
    LimitVisitorsToAllocation: false,
    BookInAdvanceLimit: null,
    LateBookingLimit: null,
    LateCancellationLimit: null,
    IntervalLimit: null,
    NoReturnPolicy: null,
    NoReturnPolicyAllResources: null,
    NoReturnPolicyAllUsers: null,
    MaxBookingLength: args.maxBookingLength ?? null,
    MinBookingLength: args.minBookingLength ?? null,
    Tariffs: [],
    AddedTariffs: null,
    RemovedTariffs: null,
    Teams: [],
    AddedTeams: null,
    RemovedTeams: null,
    Shifts: null,
    LinkedResources: [],
    AddedLinkedResources: null,
    RemovedLinkedResources: null,
    Longitude: 0.0,
    Latitude: 0.0,
    HideInCalendar: false,
    Archived: args.archived ?? false,
    UseSharedZoomAccount: false,
    ZoomUserId: null,
    LastCleanedAt: null,
    LinkedResourceIds: null,
    OnlyForContacts: false,
    OnlyForMembers: args.onlyForMembers ?? false,
    OnlyForInvoicingBusiness: false,
    SensorLastValue: null,
    IsSensorOccupied: false,
    BookingAvailabilityExceptions: [],
    AddedBookingAvailabilityExceptions: null,
    RemovedBookingAvailabilityExceptions: null,
    CancellationFeeProductId: null,
    CancellationFeeProductName: null,
    ChargeCancellationFee: false,
    CancellationFeeType: 1,
    CancellationFeeAmount: null,
    CancellationFeePercentage: null,
    RepeatBookingQuantityLimit: null,
    RepeatBookingPeriodLimitInMonths: null,
    NewPictureUrl: null,
    PictureFileName: null,
    ClearPictureFile: false,
    ...tail(args.id, args.name, created, stamp(n))
  }
}

// ---- booking rates ----

interface RateArgs {
  readonly id: number
  readonly businessId: number
  readonly name: string
  readonly resourceTypes: ReadonlyArray<number>
  readonly price: number
  readonly chargePeriod: number
  readonly currency: keyof typeof currencyIds
  readonly taxRateId: number | null
  readonly creditPrice?: number | null
  readonly maximumPrice?: number | null
  readonly fromTime?: number | null
  readonly toTime?: number | null
  readonly minLength?: number | null
  readonly maxLength?: number | null
  readonly fixedCostLength?: number | null
  readonly fixedCostPrice?: number | null
  readonly onlyForMembers?: boolean
  readonly isBookingCredit?: boolean
  readonly visible?: boolean
  readonly tariffs?: ReadonlyArray<number>
  readonly description?: string | null
}

const rate = (args: RateArgs, n: number): Rec => ({
  TimeSlots: [],
  CoworkerDiscountUniqueId: null,
  AppliedDiscountCode: null,
  AppliedDiscountAmount: null,
  AvailableCredit: null,
  UsedCredit: null,
  UsedTimeCredit: null,
  Demand: null,
  DynamicPriceAdjustment: null,
  LastMinutePriceAdjustment: null,
  PriceFactorDemand: null,
  BusinessId: args.businessId,
  Name: args.name,
  Description: args.description ?? null,
  InvoiceLineDisplayAs: null,
  Visible: args.visible ?? true,
  DisplayOrder: n,
  ResourceTypes: [...args.resourceTypes],
  AddedResourceTypes: null,
  RemovedResourceTypes: null,
  Price: args.price,
  CreditPrice: args.creditPrice ?? null,
  ChargePeriod: args.chargePeriod,
  MaximumPrice: args.maximumPrice ?? null,
  IsDefaultPrice: false,
  UsePerNightPricing: false,
  CurrencyId: currencyIds[args.currency],
  CurrencyCode: args.currency,
  TaxRateId: args.taxRateId,
  ReducedTaxRateId: null,
  ExemptTaxRateId: null,
  FinancialAccountId: null,
  FromTime: args.fromTime ?? null,
  ToTime: args.toTime ?? null,
  MinLength: args.minLength ?? null,
  MaxLength: args.maxLength ?? null,
  OnlyWithinAvailableTimes: false,
  FixedCostLength: args.fixedCostLength ?? null,
  FixedCostPrice: args.fixedCostPrice ?? null,
  Tariffs: [...(args.tariffs ?? [])],
  AddedTariffs: null,
  RemovedTariffs: null,
  OnlyForContacts: false,
  OnlyForMembers: args.onlyForMembers ?? false,
  IsBookingCredit: args.isBookingCredit ?? false,
  IsPrintingCredit: false,
  ApplyChargeToVisitors: false,
  PriceFactorLowDemand: null,
  PriceFactorAverageDemand: null,
  PriceFactorHighDemand: null,
  PriceFactorLastMinute: null,
  LastMinutePeriodMinutes: null,
  LastMinuteAdjustmentType: 1,
  ApplyFrom: null,
  ApplyTo: null,
  ResourceTypeNames: null,
  Teams: [],
  AddedTeams: null,
  RemovedTeams: null,
  ...tail(args.id, args.name, created, stamp(n))
})

// ---- tariffs ----

interface TariffArgs {
  readonly id: number
  readonly businessId: number
  readonly businessName: string
  readonly name: string
  readonly systemTariffType: number
  readonly price: number
  readonly currency: keyof typeof currencyIds
  readonly taxRateId: number | null
  /** Months between invoices (0: invoiced in weeks). */
  readonly invoiceEvery: number
  /** Weeks between invoices (0: invoiced in months). */
  readonly invoiceEveryWeeks: number
  readonly signUpFee?: number | null
  readonly visible?: boolean
  readonly archived?: boolean
  readonly description?: string | null
  readonly cancellationPeriod?: number
}

const tariff = (args: TariffArgs, n: number): Rec => ({
  ActiveContracts: 0,
  BusinessId: args.businessId,
  BusinessName: args.businessName,
  Name: args.name,
  SystemTariffType: args.systemTariffType,
  Price: args.price,
  DefaultInvoicingDay: null,
  Visible: args.visible ?? true,
  UseTimePasses: false,
  Description: args.description ?? null,
  InvoiceLineDisplayAs: null,
  SignUpFee: args.signUpFee ?? null,
  CurrencyId: currencyIds[args.currency],
  CurrencyCode: args.currency,
  TaxRateId: args.taxRateId,
  ReducedTaxRateId: null,
  ExemptTaxRateId: null,
  FinancialAccountId: null,
  TermsAndConditions: null,
  CancellationPeriod: args.cancellationPeriod ?? 30,
  DisplayOrder: n,
  GroupName: null,
  DisablePortalCancellations: false,
  SubscribersLimit: null,
  CancellationLimitDays: null,
  DefaultContractTerm: null,
  DiscountExtraServices: null,
  DiscountTimePasses: null,
  DiscountCharges: null,
  InvoiceEvery: args.invoiceEvery,
  InvoiceEveryWeeks: args.invoiceEveryWeeks,
  AutoCancelAfter: null,
  AdvanceInvoiceCycles: null,
  ProrateDayOfMonth: null,
  ProrateDaysBefore: null,
  ProrateCancellations: false,
  ChargeAndExtend: null,
  AutoRaiseInvoices: false,
  RaiseInvoiceEvery: null,
  RaiseInvoiceEveryWeeks: null,
  MinimumPrice: null,
  Archived: args.archived ?? false,
  Starred: false,
  KeepNewAccountsOnHold: false,
  CanBePaused: false,
  TotalSignUpPrice: args.signUpFee ?? 0.0,
  TotalPrice: args.price,
  IsVirtualOffice: args.systemTariffType === 10,
  ...tail(args.id, `${args.name} (${args.currency} ${fixed2(args.price)})`, created, stamp(n))
})

// ---- products ----

interface ProductArgs {
  readonly id: number
  readonly businessId: number
  readonly businessName: string
  readonly name: string
  readonly systemProductType: number
  readonly price: number
  readonly currency: keyof typeof currencyIds
  readonly taxRateId: number | null
  readonly availableAs: number
  readonly visible?: boolean
  readonly archived?: boolean
  readonly onlyForMembers?: boolean
  readonly tariffs?: ReadonlyArray<number>
  readonly description?: string | null
}

const product = (args: ProductArgs, n: number): Rec => ({
  BusinessId: args.businessId,
  BusinessName: args.businessName,
  Name: args.name,
  SystemProductType: args.systemProductType,
  Description: args.description ?? null,
  InvoiceLineDisplayAs: null,
  Sku: null,
  Tags: null,
  DisplayOrder: n,
  Price: args.price,
  Visible: args.visible ?? true,
  VisibleInKiosk: false,
  CurrencyId: currencyIds[args.currency],
  CurrencyCode: args.currency,
  TaxRateId: args.taxRateId,
  ReducedTaxRateId: null,
  ExemptTaxRateId: null,
  FinancialAccountId: null,
  AvailableAs: args.availableAs,
  OnlyForContacts: false,
  OnlyForMembers: args.onlyForMembers ?? false,
  Tariffs: [...(args.tariffs ?? [])],
  AddedTariffs: null,
  RemovedTariffs: null,
  Archived: args.archived ?? false,
  Starred: false,
  TrackStock: false,
  AllowNegativeStock: false,
  CurrentStock: null,
  StockAlertLevel: null,
  ApplyProRating: false,
  InvoiceCoworker: false,
  NewImageUrl: null,
  ImageFileName: null,
  ClearImageFile: false,
  ...tail(args.id, `${args.name} (${fixed2(args.price)} ${args.currency})`, created, stamp(n))
})

/** Options of `make`. @since 0.1.0 */
export interface MakeOptions {
  /** Make the record `malformed` names wrong-typed. */
  readonly malformed?: boolean | undefined
}

/**
 * Makes fresh seed data (each call returns new objects: a simulator mutates its copy).
 *
 * @since 0.1.0
 */
export const make = (options: MakeOptions = {}): Data => {
  const B = businessIds
  const T = resourceTypeIds
  const R = resourceIds
  const X = taxRateIds
  const names = {
    london: "Fauxcowork London",
    berlin: "Fauxcowork Berlin",
    newYork: "Fauxcowork New York",
    bogota: "Fauxcowork Bogotá",
    lisbon: "Fauxcowork Lisboa"
  }

  const businesses: Array<Rec> = [
    business({
      id: B.london,
      name: names.london,
      webAddress: "fauxcowork-london",
      address: "Unit 4, 12 Fore Street\r\nBarbican\r\nLondon EC2Y 9DT",
      townCity: "London",
      postalCode: "EC2Y 9DT",
      countryId: 1220,
      countryName: "United Kingdom",
      currency: "GBP",
      timeZoneId: timeZoneIds.gmt,
      timeZoneName: "GMT Standard Time",
      phone: "+44 20 7946 0301",
      email: "london@fauxcowork.example",
      latitude: 51.5194,
      longitude: -0.0935,
      weekdays: [480, 1200]
    }, 1),
    business({
      id: B.berlin,
      name: names.berlin,
      webAddress: "fauxcowork-berlin",
      address: "Adalbertstraße 8, 10999 Berlin",
      townCity: "Berlin",
      postalCode: "10999",
      countryId: 1080,
      countryName: "Germany",
      currency: "EUR",
      timeZoneId: timeZoneIds.wEurope,
      timeZoneName: "W. Europe Standard Time",
      phone: "+49 30 1234567",
      email: "berlin@fauxcowork.example",
      latitude: 52.5003,
      longitude: 13.4199,
      weekdays: [420, 1260]
    }, 2),
    business({
      id: B.newYork,
      name: names.newYork,
      webAddress: "fauxcowork-nyc",
      address: "63 Flushing Ave, Building 3\nBrooklyn, NY 11205\nUSA",
      townCity: "",
      postalCode: "",
      countryId: 1225,
      countryName: "United States",
      currency: "USD",
      timeZoneId: timeZoneIds.eastern,
      timeZoneName: "Eastern Standard Time",
      phone: null,
      email: "nyc@fauxcowork.example",
      latitude: null,
      longitude: null
    }, 3),
    business({
      id: B.bogota,
      name: names.bogota,
      webAddress: "fauxcowork-bogota",
      address: "Carrera 7 # 71-21, Torre B, Piso 12, Bogotá D.C.",
      townCity: "Bogotá",
      postalCode: "110231",
      countryId: 1047,
      countryName: "Colombia",
      currency: "COP",
      timeZoneId: timeZoneIds.saPacific,
      timeZoneName: "SA Pacific Standard Time",
      phone: "+57 601 5550123",
      email: "bogota@fauxcowork.example",
      latitude: 4.6534,
      longitude: -74.0548,
      weekdays: [450, 1140]
    }, 4),
    business({
      id: B.lisbon,
      name: names.lisbon,
      webAddress: "fauxcowork-lisboa",
      rootLocationId: B.london,
      address: "",
      townCity: "Lisboa",
      postalCode: "",
      countryId: 1174,
      countryName: "Portugal",
      currency: "EUR",
      timeZoneId: timeZoneIds.gmt,
      timeZoneName: "GMT Standard Time",
      phone: null,
      email: "lisboa@fauxcowork.example",
      latitude: null,
      longitude: null
    }, 5)
  ]

  const simpletimezones: Array<Rec> = [
    timeZone(timeZoneIds.eastern, "Eastern Standard Time", "(UTC-05:00) Eastern Time (US & Canada)", "-5:00", true),
    timeZone(timeZoneIds.saPacific, "SA Pacific Standard Time", "(UTC-05:00) Bogota, Lima, Quito", "-5:00", false),
    timeZone(timeZoneIds.midAtlantic, "Mid-Atlantic Standard Time", "(UTC-02:00) Mid-Atlantic - Old", "-2:00", true),
    timeZone(timeZoneIds.gmt, "GMT Standard Time", "(UTC) Dublin, Edinburgh, Lisbon, London", "0:00", true),
    timeZone(
      timeZoneIds.wEurope,
      "W. Europe Standard Time",
      "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
      "1:00",
      true
    )
  ]

  const taxrates: Array<Rec> = [
    taxRate(X.londonStandard, B.london, "Standard", 20.0, 1),
    taxRate(X.londonReduced, B.london, "Reduced", 5.0, 2),
    taxRate(X.londonZero, B.london, "Zero-rated", 0.0, 3),
    taxRate(X.berlinStandard, B.berlin, "MwSt", 19.0, 4),
    taxRate(X.berlinReduced, B.berlin, "MwSt ermäßigt", 7.0, 5),
    taxRate(X.newYorkSales, B.newYork, "NYC Sales Tax", 8.875, 6),
    taxRate(X.bogotaIva, B.bogota, "IVA", 19.0, 7)
  ]

  const resourcetypes: Array<Rec> = [
    resourceType(T.londonMeetingRoom, B.london, "Meeting Room", 1),
    resourceType(T.londonHotDesk, B.london, "Hot Desk", 2),
    resourceType(T.londonPrivateOffice, B.london, "Private Office", 3),
    resourceType(T.londonParking, B.london, "Parking", 4),
    resourceType(T.londonStudio, B.london, "Studio", 5),
    resourceType(T.londonLocker, B.london, "Locker", 6),
    resourceType(T.londonPhoneBooth, B.london, "Phone Booth", 7),
    resourceType(T.londonBoardroom, B.london, "Boardroom", 8),
    resourceType(T.londonEventSpace, B.london, "Event Space", 9),
    resourceType(T.berlinMeetingRoom, B.berlin, "Besprechungsraum", 10),
    resourceType(T.berlinHotDesk, B.berlin, "Flexdesk", 11),
    resourceType(T.newYorkConference, B.newYork, "Conference Room", 12),
    resourceType(T.newYorkDesk, B.newYork, "Desk", 13),
    resourceType(T.bogotaSala, B.bogota, "Sala de juntas", 14)
  ]

  const london = { businessId: B.london, businessName: names.london }
  const resources: Array<Rec> = [
    resource({
      ...london,
      id: R.londonBoardroomAlpha,
      name: "Boardroom Alpha",
      systemResourceType: 1,
      typeId: T.londonBoardroom,
      typeName: "Boardroom",
      allocation: 16,
      minBookingLength: 60,
      maxBookingLength: 600,
      amenities: ["Projector", "VideoConferencing", "WhiteBoard"]
    }, 1),
    resource({
      ...london,
      id: R.londonMeetingRoomBeta,
      name: "Meeting Room Beta",
      systemResourceType: 1,
      typeId: T.londonMeetingRoom,
      typeName: "Meeting Room",
      description: "<p>Seats 8. Screen and whiteboard.</p>",
      allocation: 8,
      amenities: ["LargeDisplay", "WhiteBoard"]
    }, 2),
    resource({
      ...london,
      id: R.londonHotDeskArea,
      name: "Hot Desk Area A",
      systemResourceType: 2,
      typeId: T.londonHotDesk,
      typeName: "Hot Desk",
      allocation: 24
    }, 3),
    resource({
      ...london,
      id: R.londonPrivateOffice1,
      name: "Private Office 1",
      systemResourceType: 3,
      typeId: T.londonPrivateOffice,
      typeName: "Private Office",
      allocation: 4,
      onlyForMembers: true
    }, 4),
    resource({
      ...london,
      id: R.londonParkingBay,
      name: "Parking Bay 3",
      systemResourceType: 99,
      typeId: T.londonParking,
      typeName: "Parking",
      allocation: null
    }, 5),
    resource({
      ...london,
      id: R.londonPodcastStudio,
      name: "Podcast Studio",
      systemResourceType: 99,
      typeId: T.londonStudio,
      typeName: "Studio",
      allocation: 3,
      amenities: ["Soundproof"]
    }, 6),
    resource({
      ...london,
      id: R.londonLockers,
      name: "Lockers",
      systemResourceType: 99,
      typeId: T.londonLocker,
      typeName: "Locker",
      allocation: null
    }, 7),
    resource({
      ...london,
      id: R.londonPhoneBooth,
      name: "Phone Booth",
      systemResourceType: 1,
      typeId: T.londonPhoneBooth,
      typeName: "Phone Booth",
      allocation: 1,
      maxBookingLength: 120
    }, 8),
    resource({
      ...london,
      id: R.londonEventSpace,
      name: "Event Space",
      systemResourceType: 99,
      typeId: T.londonEventSpace,
      typeName: "Event Space",
      allocation: 80,
      description: "Priced on request."
    }, 9),
    resource({
      ...london,
      id: R.londonOldMeetingRoom,
      name: "Meeting Room Gamma (closed)",
      systemResourceType: 1,
      typeId: T.londonMeetingRoom,
      typeName: "Meeting Room",
      allocation: 6,
      archived: true
    }, 10),
    resource({
      ...london,
      id: R.londonStaffRoom,
      name: "Staff Room",
      systemResourceType: 1,
      typeId: T.londonMeetingRoom,
      typeName: "Meeting Room",
      allocation: 4,
      visible: false
    }, 11),
    resource({
      businessId: B.berlin,
      businessName: names.berlin,
      id: R.berlinSpree,
      name: "Raum Spree",
      systemResourceType: 1,
      typeId: T.berlinMeetingRoom,
      typeName: "Besprechungsraum",
      allocation: 12
    }, 12),
    resource({
      businessId: B.berlin,
      businessName: names.berlin,
      id: R.berlinHotDesk,
      name: "Flexdesk",
      systemResourceType: 2,
      typeId: T.berlinHotDesk,
      typeName: "Flexdesk",
      allocation: 20
    }, 13),
    resource({
      businessId: B.newYork,
      businessName: names.newYork,
      id: R.newYorkHudson,
      name: "Hudson Room",
      systemResourceType: 1,
      typeId: T.newYorkConference,
      typeName: "Conference Room",
      allocation: 20
    }, 14),
    resource({
      businessId: B.newYork,
      businessName: names.newYork,
      id: R.newYorkDesk,
      name: "Dedicated Desk 12",
      systemResourceType: 2,
      typeId: T.newYorkDesk,
      typeName: "Desk",
      allocation: 1
    }, 15),
    resource({
      businessId: B.bogota,
      businessName: names.bogota,
      id: R.bogotaSalaAndes,
      name: "Sala Andes",
      systemResourceType: 1,
      typeId: T.bogotaSala,
      typeName: "Sala de juntas",
      allocation: 10
    }, 16)
  ]

  const gbp = { businessId: B.london, currency: "GBP" as const }
  const extraservices: Array<Rec> = [
    rate({
      ...gbp,
      id: rateIds.londonMeetingRoom,
      name: "Meeting Room Rate",
      resourceTypes: [T.londonMeetingRoom, T.londonBoardroom],
      price: 0.4167,
      chargePeriod: ChargePeriod.Minutes,
      taxRateId: X.londonStandard
    }, 1),
    rate({
      ...gbp,
      id: rateIds.londonHotDesk,
      name: "Hot Desk Rate",
      resourceTypes: [T.londonHotDesk],
      price: 0.25,
      chargePeriod: ChargePeriod.Minutes,
      maximumPrice: 50.0,
      taxRateId: X.londonStandard
    }, 2),
    rate({
      ...gbp,
      id: rateIds.londonPrivateOffice,
      name: "Private Office Rate",
      resourceTypes: [T.londonPrivateOffice],
      price: 50.0,
      chargePeriod: ChargePeriod.Days,
      taxRateId: X.londonStandard
    }, 3),
    rate({
      ...gbp,
      id: rateIds.londonParking,
      name: "Parking Rate",
      resourceTypes: [T.londonParking],
      price: 8.0,
      chargePeriod: ChargePeriod.Weeks,
      taxRateId: X.londonReduced
    }, 4),
    rate({
      ...gbp,
      id: rateIds.londonStudio,
      name: "Studio Session",
      resourceTypes: [T.londonStudio],
      price: 15.0,
      creditPrice: 2.0,
      chargePeriod: ChargePeriod.Uses,
      taxRateId: X.londonStandard
    }, 5),
    rate({
      ...gbp,
      id: rateIds.londonLocker,
      name: "Locker (4 weeks)",
      resourceTypes: [T.londonLocker],
      price: 30.0,
      chargePeriod: ChargePeriod.FourWeekMonths,
      taxRateId: null
    }, 6),
    rate({
      ...gbp,
      id: rateIds.londonPhoneBooth,
      name: "Phone Booth Rate",
      resourceTypes: [T.londonPhoneBooth],
      price: 0.1234,
      chargePeriod: ChargePeriod.Minutes,
      taxRateId: X.londonZero,
      visible: false
    }, 7),
    rate({
      ...gbp,
      id: rateIds.londonMeetingRoomEvening,
      name: "Meeting Room Evening (members)",
      resourceTypes: [T.londonMeetingRoom],
      price: 0.3,
      chargePeriod: ChargePeriod.Minutes,
      fromTime: 1080,
      toTime: 1320,
      onlyForMembers: true,
      taxRateId: X.londonStandard
    }, 8),
    rate({
      ...gbp,
      id: rateIds.londonBoardroomHalfDay,
      name: "Boardroom Half Day",
      resourceTypes: [T.londonBoardroom],
      price: 0.75,
      chargePeriod: ChargePeriod.Minutes,
      fixedCostLength: 240,
      fixedCostPrice: 120.0,
      minLength: 60,
      maxLength: 600,
      taxRateId: X.londonStandard,
      description: "£120 for up to 4 hours, then per minute."
    }, 9),
    rate({
      ...gbp,
      id: rateIds.londonTimeCredit,
      name: "Time Credit",
      resourceTypes: [T.londonMeetingRoom],
      price: 0.5,
      chargePeriod: ChargePeriod.Minutes,
      isBookingCredit: true,
      taxRateId: X.londonStandard,
      visible: false
    }, 10),
    rate({
      businessId: B.berlin,
      currency: "EUR",
      id: rateIds.berlinMeetingRoom,
      name: "Besprechungsraum Tarif",
      resourceTypes: [T.berlinMeetingRoom],
      price: 0.5,
      chargePeriod: ChargePeriod.Minutes,
      maximumPrice: 240.0,
      taxRateId: X.berlinStandard
    }, 11),
    rate({
      businessId: B.berlin,
      currency: "EUR",
      id: rateIds.berlinHotDeskDay,
      name: "Flexdesk Tagespreis",
      resourceTypes: [T.berlinHotDesk],
      price: 25.0,
      chargePeriod: ChargePeriod.Days,
      taxRateId: X.berlinStandard
    }, 12),
    rate({
      businessId: B.newYork,
      currency: "USD",
      id: rateIds.newYorkConference,
      name: "Conference Room Rate",
      resourceTypes: [T.newYorkConference],
      price: 1.25,
      chargePeriod: ChargePeriod.Minutes,
      taxRateId: X.newYorkSales
    }, 13),
    rate({
      businessId: B.newYork,
      currency: "USD",
      id: rateIds.newYorkDeskDay,
      name: "Desk Day Rate",
      resourceTypes: [T.newYorkDesk],
      price: 40.0,
      chargePeriod: ChargePeriod.Days,
      taxRateId: null
    }, 14),
    rate({
      businessId: B.bogota,
      currency: "COP",
      id: rateIds.bogotaSala,
      name: "Tarifa sala de juntas",
      resourceTypes: [T.bogotaSala],
      price: 1500.0,
      chargePeriod: ChargePeriod.Minutes,
      taxRateId: X.bogotaIva
    }, 15)
  ]

  const tariffs: Array<Rec> = [
    tariff({
      ...london,
      id: tariffIds.londonDedicatedDesk,
      name: "Dedicated Desk Monthly",
      systemTariffType: 3,
      price: 350.0,
      currency: "GBP",
      taxRateId: X.londonStandard,
      invoiceEvery: 1,
      invoiceEveryWeeks: 0
    }, 1),
    tariff({
      ...london,
      id: tariffIds.londonFlexWeekly,
      name: "Flex Weekly",
      systemTariffType: 6,
      price: 50.0,
      currency: "GBP",
      taxRateId: X.londonStandard,
      invoiceEvery: 0,
      invoiceEveryWeeks: 1
    }, 2),
    tariff({
      ...london,
      id: tariffIds.londonOfficeQuarterly,
      name: "Private Office Quarterly",
      systemTariffType: 1,
      price: 3000.0,
      currency: "GBP",
      taxRateId: X.londonStandard,
      invoiceEvery: 3,
      invoiceEveryWeeks: 0,
      signUpFee: 500.0,
      cancellationPeriod: 90
    }, 3),
    tariff({
      ...london,
      id: tariffIds.londonFortnightly,
      name: "Part-time Fortnightly",
      systemTariffType: 5,
      price: 95.0,
      currency: "GBP",
      taxRateId: X.londonStandard,
      invoiceEvery: 0,
      invoiceEveryWeeks: 2
    }, 4),
    tariff({
      ...london,
      id: tariffIds.londonVirtualOffice,
      name: "Virtual Office",
      systemTariffType: 10,
      price: 39.5,
      currency: "GBP",
      taxRateId: X.londonStandard,
      invoiceEvery: 1,
      invoiceEveryWeeks: 0,
      visible: false
    }, 5),
    tariff({
      ...london,
      id: tariffIds.londonLegacy,
      name: "Founders 2019",
      systemTariffType: 99,
      price: 150.0,
      currency: "GBP",
      taxRateId: X.londonStandard,
      invoiceEvery: 1,
      invoiceEveryWeeks: 0,
      archived: true
    }, 6),
    tariff({
      businessId: B.berlin,
      businessName: names.berlin,
      id: tariffIds.berlinFlex,
      name: "Flex Monat",
      systemTariffType: 5,
      price: 199.0,
      currency: "EUR",
      taxRateId: X.berlinStandard,
      invoiceEvery: 1,
      invoiceEveryWeeks: 0,
      signUpFee: 49.0
    }, 7),
    tariff({
      businessId: B.berlin,
      businessName: names.berlin,
      id: tariffIds.berlinAnnual,
      name: "Fixdesk Jahresvertrag",
      systemTariffType: 3,
      price: 2150.0,
      currency: "EUR",
      taxRateId: X.berlinStandard,
      invoiceEvery: 12,
      invoiceEveryWeeks: 0
    }, 8),
    tariff({
      businessId: B.newYork,
      businessName: names.newYork,
      id: tariffIds.newYorkHotDesk,
      name: "Hot Desk Membership",
      systemTariffType: 5,
      price: 299.0,
      currency: "USD",
      taxRateId: null,
      invoiceEvery: 1,
      invoiceEveryWeeks: 0
    }, 9),
    tariff({
      businessId: B.bogota,
      businessName: names.bogota,
      id: tariffIds.bogotaCoworking,
      name: "Coworking mensual",
      systemTariffType: 5,
      price: 450000.0,
      currency: "COP",
      taxRateId: X.bogotaIva,
      invoiceEvery: 1,
      invoiceEveryWeeks: 0
    }, 10),
    tariff({
      businessId: B.lisbon,
      businessName: names.lisbon,
      id: tariffIds.lisbonFlex,
      name: "Flex Lisboa",
      systemTariffType: 5,
      price: 120.0,
      currency: "EUR",
      taxRateId: null,
      invoiceEvery: 1,
      invoiceEveryWeeks: 0
    }, 11)
  ]

  const products: Array<Rec> = [
    product({
      ...london,
      id: productIds.londonDayPass,
      name: "Day Pass",
      systemProductType: 1,
      price: 25.0,
      currency: "GBP",
      taxRateId: X.londonStandard,
      availableAs: 3
    }, 1),
    product({
      ...london,
      id: productIds.londonCreditBundle,
      name: "10 Hours Meeting Credit",
      systemProductType: 2,
      price: 200.0,
      currency: "GBP",
      taxRateId: X.londonStandard,
      availableAs: 1
    }, 2),
    product({
      ...london,
      id: productIds.londonDeposit,
      name: "Security Deposit - Desk",
      systemProductType: 99,
      price: 250.0,
      currency: "GBP",
      taxRateId: X.londonZero,
      availableAs: 3,
      visible: false,
      description: "Refundable desk deposit"
    }, 3),
    product({
      ...london,
      id: productIds.londonOldPass,
      name: "Half-Day Pass (retired)",
      systemProductType: 1,
      price: 15.0,
      currency: "GBP",
      taxRateId: X.londonStandard,
      availableAs: 3,
      archived: true
    }, 4),
    product({
      ...london,
      id: productIds.londonMembersLocker,
      name: "Members Locker",
      systemProductType: 99,
      price: 12.5,
      currency: "GBP",
      taxRateId: null,
      availableAs: 2,
      onlyForMembers: true,
      tariffs: [tariffIds.londonDedicatedDesk]
    }, 5),
    product({
      businessId: B.berlin,
      businessName: names.berlin,
      id: productIds.berlinDayPass,
      name: "Tagespass",
      systemProductType: 1,
      price: 19.0,
      currency: "EUR",
      taxRateId: X.berlinReduced,
      availableAs: 3
    }, 6),
    product({
      businessId: B.newYork,
      businessName: names.newYork,
      id: productIds.newYorkDayPass,
      name: "Day Pass",
      systemProductType: 1,
      price: 35.0,
      currency: "USD",
      taxRateId: X.newYorkSales,
      availableAs: 3
    }, 7)
  ]

  const data: Data = {
    businesses,
    simpletimezones,
    resourcetypes,
    resources,
    extraservices,
    tariffs,
    products,
    taxrates
  }
  if (options.malformed === true) {
    const record = data[malformed.collection].find((r) => r.Id === malformed.id)!
    record[malformed.field] = malformed.value
  }
  return data
}
