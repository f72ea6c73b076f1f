/**
 * The page itself: server-side HTML with inline CSS, no scripts and no external assets. Prices are grouped
 * the way a workspace's visitors look for them: meeting rooms (the rates of each room), desks, private
 * offices, memberships, day passes, bundles, setup fees and deposits, extras, and other rates.
 */
import { formatMoney, formatTax, formatUnit, language, type Money, type Tax, type Unit } from "./format.js"

/** The parts of the hub's canonical model the page shows. */
export interface Location {
  readonly id: string
  readonly name: string
  readonly status?: string
  readonly timezone?: string | null
  readonly address?: {
    readonly formatted?: string
    readonly line1?: string
    readonly line2?: string
    readonly city?: string
    readonly region?: string
    readonly postalCode?: string
    readonly countryCode?: string
  }
  readonly currency?: string
  readonly description?: string
  readonly contact?: { readonly email?: string; readonly phone?: string; readonly website?: string }
}

export interface Resource {
  readonly id: string
  readonly name: string
  readonly kind: string
  readonly capacity?: number
  readonly status?: string
  readonly visible?: boolean
}

export interface Price {
  readonly id: string
  readonly name: string
  readonly category: string
  readonly appliesTo?: { readonly resourceIds?: ReadonlyArray<string>; readonly resourceKinds?: ReadonlyArray<string> }
  readonly amount: Money
  readonly unit: Unit
  readonly recurring?: boolean
  readonly tax: Tax
  readonly conditions?: {
    readonly weekend?: boolean
    readonly offPeak?: boolean
    readonly membersOnly?: boolean
    readonly minDurationMinutes?: number
    readonly maxDurationMinutes?: number
    readonly validFrom?: string
    readonly validTo?: string
    /** A time-of-day window, `"HH:MM"` in the location's local time. */
    readonly fromTime?: string
    readonly toTime?: string
  }
  readonly status?: string
}

/** One location as the page holds it: what it last fetched, with the location's version. */
export interface LocationView {
  readonly location: Location | undefined
  readonly resources: ReadonlyArray<Resource>
  readonly prices: ReadonlyArray<Price>
  readonly version: number
  readonly updatedAt: Date
}

export interface PageOptions {
  readonly locale: string
  readonly title?: string | undefined
}

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(
    /'/g,
    "&#39;"
  )

const labels = {
  en: {
    meetingRooms: "Meeting rooms",
    desks: "Desks",
    offices: "Private offices",
    memberships: "Memberships",
    dayPasses: "Day passes",
    bundles: "Bundles",
    fees: "Setup fees and deposits",
    extras: "Extras",
    other: "Rates",
    otherBesides: "Other rates",
    prices: "Prices",
    lastUpdated: (when: string, version: number) => `Last updated ${when} (version ${version})`,
    nothing: "No prices yet. This page shows the workspace's prices as soon as the workspace connects it.",
    noPrices: "No prices are published for this location yet.",
    people: (n: number) => `up to ${n} ${n === 1 ? "person" : "people"}`,
    weekend: "weekends",
    offPeak: "off-peak",
    membersOnly: "members only",
    from: (d: string) => `from ${d}`,
    until: (d: string) => `until ${d}`,
    minimum: (d: string) => `minimum ${d}`
  },
  de: {
    meetingRooms: "Besprechungsräume",
    desks: "Arbeitsplätze",
    offices: "Private Büros",
    memberships: "Mitgliedschaften",
    dayPasses: "Tagespässe",
    bundles: "Pakete",
    fees: "Einrichtungsgebühren und Kautionen",
    extras: "Extras",
    other: "Preise",
    otherBesides: "Weitere Preise",
    prices: "Preise",
    lastUpdated: (when: string, version: number) => `Zuletzt aktualisiert ${when} (Version ${version})`,
    nothing: "Noch keine Preise. Diese Seite zeigt die Preise, sobald der Workspace sie verbindet.",
    noPrices: "Für diesen Standort sind noch keine Preise veröffentlicht.",
    people: (n: number) => `bis ${n} ${n === 1 ? "Person" : "Personen"}`,
    weekend: "Wochenende",
    offPeak: "Nebenzeit",
    membersOnly: "nur für Mitglieder",
    from: (d: string) => `ab ${d}`,
    until: (d: string) => `bis ${d}`,
    minimum: (d: string) => `mindestens ${d}`
  }
}

type Labels = typeof labels.en

const minutes = (value: number, locale: string) => {
  const [amount, unit] = value % (24 * 60) === 0
    ? [value / (24 * 60), "day"]
    : value % 60 === 0
    ? [value / 60, "hour"]
    : [value, "minute"]
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(amount)
}

const day = /^\d{4}-\d{2}-\d{2}$/
const date = (value: string, locale: string) =>
  day.test(value)
    ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${value}T00:00:00Z`))
    : value

const unitRank = [
  "minute",
  "hour",
  "half_day",
  "day",
  "week",
  "four_weeks",
  "month",
  "thirty_days",
  "year",
  "use",
  "once"
]

/** Prices in the order a visitor compares them: by validity period, then shortest unit first. */
const byPeriodAndUnit = (a: Price, b: Price) =>
  (a.conditions?.validFrom ?? "").localeCompare(b.conditions?.validFrom ?? "") ||
  unitRank.indexOf(a.unit.per) - unitRank.indexOf(b.unit.per) ||
  a.unit.count - b.unit.count

const conditionsOf = (price: Price, locale: string, words: Labels): Array<string> => {
  const c = price.conditions
  if (c === undefined) return []
  return [
    ...(c.membersOnly === true ? [words.membersOnly] : []),
    ...(c.weekend === true ? [words.weekend] : []),
    ...(c.offPeak === true ? [words.offPeak] : []),
    ...(c.fromTime !== undefined && c.toTime !== undefined ? [`${c.fromTime}–${c.toTime}`] : []),
    ...(c.minDurationMinutes !== undefined ? [words.minimum(minutes(c.minDurationMinutes, locale))] : []),
    ...(c.validFrom !== undefined ? [words.from(date(c.validFrom, locale))] : []),
    ...(c.validTo !== undefined ? [words.until(date(c.validTo, locale))] : [])
  ]
}

const priceRow = (price: Price, locale: string, words: Labels) => {
  const tax = formatTax(price.tax, locale)
  const notes = conditionsOf(price, locale, words)
  return `<li class="price" data-price-id="${escape(price.id)}">` +
    `<span class="name">${escape(price.name)}</span>` +
    `<span class="amount">${escape(formatMoney(price.amount, locale))}</span>` +
    ` <span class="unit">${escape(formatUnit(price.unit, locale))}</span>` +
    (tax === undefined ? "" : ` <span class="tax">${escape(tax)}</span>`) +
    (notes.length === 0 ? "" : ` <span class="conditions">${escape(notes.join(", "))}</span>`) +
    `</li>`
}

type Section =
  | "meetingRooms"
  | "desks"
  | "offices"
  | "memberships"
  | "dayPasses"
  | "bundles"
  | "fees"
  | "extras"
  | "other"
const sectionOrder: ReadonlyArray<Section> = [
  "meetingRooms",
  "desks",
  "offices",
  "other",
  "memberships",
  "dayPasses",
  "bundles",
  "fees",
  "extras"
]
/** Sections whose prices are shown under the resource they apply to (each room with its rates). */
const byResource = new Set<Section>(["meetingRooms", "offices", "other"])

const kindSection = (kind: string | undefined): Section | undefined => {
  switch (kind) {
    case "meeting_room":
    case "event_space":
    case "phone_booth":
      return "meetingRooms"
    case "hot_desk":
    case "dedicated_desk":
      return "desks"
    case "private_office":
      return "offices"
    default:
      return undefined
  }
}

/** Where a price goes on the page. */
export const sectionOf = (price: Price, resources: ReadonlyMap<string, Resource>): Section => {
  switch (price.category) {
    case "membership":
      return "memberships"
    case "day_pass":
      return "dayPasses"
    case "pass_bundle":
    case "credit_bundle":
      return "bundles"
    case "setup_fee":
    case "deposit":
      return "fees"
    case "addon":
      return "extras"
  }
  const kinds = [
    ...(price.appliesTo?.resourceIds ?? []).map((id) => resources.get(id)?.kind),
    ...(price.appliesTo?.resourceKinds ?? [])
  ]
  for (const kind of kinds) {
    const section = kindSection(kind)
    if (section !== undefined) return section
  }
  return "other"
}

/** A resource the page names: shown by the workspace and not closed. */
const shown = (resource: Resource) =>
  resource.visible !== false && (resource.status === undefined || resource.status === "active")

/**
 * Prices grouped by the shown resources they apply to: one group per set of resources, ordered by the
 * hub's order of their first resource (a single room before the rooms it shares a rate with). Prices that
 * name no resource (a rate for a kind of room) come first, in a group without resources; prices whose
 * resources are all hidden or closed are not shown (nobody can book them from the page).
 */
export const resourceGroups = (
  prices: ReadonlyArray<Price>,
  resources: ReadonlyArray<Resource>
): Array<{ readonly resources: ReadonlyArray<Resource>; readonly prices: ReadonlyArray<Price> }> => {
  const order = new Map(resources.filter(shown).map((r, index) => [r.id, index]))
  const groups = new Map<string, { resources: Array<Resource>; prices: Array<Price> }>()
  for (const price of prices) {
    const named = price.appliesTo?.resourceIds ?? []
    const ids = [...new Set(named)].filter((id) => order.has(id)).sort((a, b) => order.get(a)! - order.get(b)!)
    if (ids.length === 0 && named.some((id) => resources.some((r) => r.id === id))) continue
    const key = ids.join(" ")
    const group = groups.get(key) ?? { resources: ids.map((id) => resources.find((r) => r.id === id)!), prices: [] }
    group.prices.push(price)
    groups.set(key, group)
  }
  const first = (group: { resources: ReadonlyArray<Resource> }) =>
    group.resources.length === 0 ? -1 : order.get(group.resources[0]!.id)!
  return [...groups.values()].sort((a, b) => first(a) - first(b) || a.resources.length - b.resources.length)
}

const locationSection = (view: LocationView, options: PageOptions, words: Labels) => {
  const { locale } = options
  const location = view.location
  const resources = new Map(view.resources.map((r) => [r.id, r]))
  const sections = new Map<Section, Array<Price>>()
  for (const price of view.prices) {
    if (price.status !== undefined && price.status !== "active") continue
    const section = sectionOf(price, resources)
    sections.set(section, [...(sections.get(section) ?? []), price])
  }
  const address = location?.address
  const addressText = address === undefined
    ? undefined
    : address.formatted ??
      [address.line1, address.line2, [address.postalCode, address.city].filter(Boolean).join(" "), address.region]
        .filter((part) => part !== undefined && part !== "").join(", ")
  const parts: Array<string> = [
    `<section class="location" data-location-id="${escape(location?.id ?? "")}">`,
    `<h1>${escape(location?.name ?? words.prices)}</h1>`,
    ...(addressText ? [`<p class="address">${escape(addressText)}</p>`] : []),
    ...(location?.description ? [`<p class="description">${escape(location.description)}</p>`] : [])
  ]
  if (sections.size === 0) parts.push(`<p class="empty">${escape(words.noPrices)}</p>`)
  for (const section of sectionOrder) {
    const prices = sections.get(section)?.slice().sort(byPeriodAndUnit)
    if (prices === undefined) continue
    // "Rates" alone, "Other rates" after rooms, desks or offices.
    const heading = section === "other" && sections.size > 1 ? words.otherBesides : words[section]
    parts.push(`<h2>${escape(heading)}</h2>`)
    if (!byResource.has(section)) {
      parts.push(`<ul class="prices ${section}">${prices.map((p) => priceRow(p, locale, words)).join("")}</ul>`)
      continue
    }
    // Each room (or office, or rental) with its own rates, in the order the hub lists the resources. A rate
    // for several rooms (Nexudus rates apply to resource types) is shown once, under the rooms it applies
    // to; rooms the workspace hides or closed are not named, and rates only they have are left out.
    for (const group of resourceGroups(prices, view.resources)) {
      if (group.resources.length > 0) {
        const names = group.resources.map((r) => escape(r.name)).join(", ")
        const only = group.resources.length === 1 ? group.resources[0]! : undefined
        const capacity = only?.capacity === undefined
          ? ""
          : ` <small>${escape(words.people(only.capacity))}</small>`
        parts.push(`<h3 class="resource">${names}${capacity}</h3>`)
      }
      parts.push(`<ul class="prices ${section}">${group.prices.map((p) => priceRow(p, locale, words)).join("")}</ul>`)
    }
  }
  const when = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone: location?.timezone ?? "UTC"
  }).format(view.updatedAt)
  parts.push(`<p class="updated">${escape(words.lastUpdated(when, view.version))}</p>`, `</section>`)
  return parts.join("\n")
}

const style = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;background:#f6f5f2;color:#1d1d1b}
main{max-width:760px;margin:0 auto;padding:32px 24px}
h1{font-size:2rem;margin:0 0 4px}
h2{font-size:1.15rem;margin:28px 0 8px;border-bottom:2px solid #1d1d1b;padding-bottom:4px}
h3{font-size:1rem;margin:16px 0 4px}
h3 small{font-weight:normal;color:#66635c}
.address,.description{color:#4a4843;margin:0 0 4px}
ul.prices{list-style:none;padding:0;margin:0}
li.price{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px;padding:6px 0;border-bottom:1px solid #e2dfd8}
li.price .name{flex:1 1 240px}
li.price .amount{font-weight:700;font-variant-numeric:tabular-nums}
li.price .unit,li.price .tax,li.price .conditions{color:#66635c;font-size:.9rem}
.updated{margin-top:32px;color:#66635c;font-size:.85rem}
.empty{color:#66635c}
`

/** The whole page: every connected location, or a note that nothing is connected yet. */
export const renderPage = (views: ReadonlyArray<LocationView>, options: PageOptions): string => {
  const lang = language(options.locale)
  const words = labels[lang]
  const title = options.title ?? (views[0]?.location?.name ?? words.prices)
  const body = views.length === 0
    ? `<p class="empty">${escape(words.nothing)}</p>`
    : views.map((view) => locationSection(view, options, words)).join("\n")
  return `<!doctype html>
<html lang="${escape(options.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
}
