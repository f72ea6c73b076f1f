/**
 * A DeskBase server on 127.0.0.1 for tests: the API key header, `GET /v1/sites` in pages of at most
 * `maxPageSize`, `GET /v1/sites/:id`, 429 with `Retry-After` on demand, and signed webhooks. It implements
 * the conformance kit's `Simulator`, so `AdapterConformance.suite` can drive it.
 */
import type { Adapter } from "@spacesync/adapter-kit"
import { type AdapterConformance, LoopbackServer } from "@spacesync/adapter-kit/testing"
import { Effect, type Scope } from "effect"
import type * as DeskBaseSchemas from "../DeskBaseSchemas.js"
import * as DeskBaseWebhooks from "../DeskBaseWebhooks.js"

export interface Options {
  /** How many sites the account starts with. Default 5. */
  readonly sites?: number | undefined
  /** The longest page served, whatever `per_page` asks. Default 2, so that 5 sites span 3 pages. */
  readonly maxPageSize?: number | undefined
}

/** A site as the simulator stores it: mutable, so that tests can change it. */
export type SiteRecord = { -readonly [K in keyof DeskBaseSchemas.Site]: any }

export interface DeskBaseSimulator extends AdapterConformance.Simulator {
  readonly server: LoopbackServer.LoopbackServer
  readonly url: string
  readonly apiKey: string
  readonly webhookSecret: string
  /** The account's sites, in listing order. */
  readonly sites: Array<SiteRecord>
  /** A webhook as DeskBase would send it about `siteId`, signed with the account's secret. */
  readonly webhook: (siteId: string) => Adapter.WebhookRequest
}

/** The seeded site number `n` (1-based): two rooms, a meeting room and an office, and four rates. */
export const seedSite = (n: number): SiteRecord => {
  const id = `site-${n}`
  // Site 2 is in Tokyo, priced in yen (no minor unit: 2500 is ¥2500, where 2500 euro cents are €25.00) with VAT included; site 3 has no time zone, site 4
  // no VAT settings and site 5 no postcode.
  const tokyo = n === 2
  return {
    id,
    name: `DeskBase Site ${n}`,
    active: true,
    timezone: n === 3 ? null : tokyo ? "Asia/Tokyo" : "Europe/Berlin",
    currency: tokyo ? "JPY" : "EUR",
    address: tokyo
      ? { street: "Jingumae 2-1", city: "Tokyo", postcode: "150-0001", country: "JP" }
      : { street: `Hauptstraße ${n}`, city: "Berlin", postcode: n === 5 ? null : "10115", country: "DE" },
    vat: n === 4 ? null : tokyo ? { included: true, rate: 10 } : { included: false, rate: 19 },
    rooms: [
      { id: `${id}-room-1`, name: "Meeting room Spree", type: "meeting_room", seats: 8, active: true },
      { id: `${id}-room-2`, name: "Office 2.04", type: "office", seats: 4, active: true }
    ],
    rates: [
      {
        id: `${id}-rate-1`,
        room_id: `${id}-room-1`,
        label: "Meeting room per hour",
        price_minor: 2500,
        period: "hour",
        period_count: 1,
        active: true
      },
      {
        id: `${id}-rate-2`,
        room_id: `${id}-room-1`,
        label: "Meeting room, half day (4 hours)",
        price_minor: 8000,
        period: "hour",
        period_count: 4,
        active: true
      },
      {
        id: `${id}-rate-3`,
        room_id: `${id}-room-2`,
        label: "Office per month",
        price_minor: 145000,
        period: "month",
        period_count: 1,
        active: true
      },
      {
        id: `${id}-rate-4`,
        room_id: null,
        label: "Day pass",
        price_minor: tokyo ? 3000 : 2250,
        period: "day",
        period_count: 1,
        active: true
      }
    ]
  }
}

/** Starts a simulator; it stops with the scope. */
export const make = (options: Options = {}): Effect.Effect<DeskBaseSimulator, never, Scope.Scope> =>
  Effect.gen(function*() {
    const apiKey = "db_live_0123456789abcdef"
    const wrongKey = "db_live_not_the_right_key"
    const webhookSecret = "whsec_deskbase_simulator_secret"
    const maxPageSize = options.maxPageSize ?? 2
    const sites = Array.from({ length: options.sites ?? 5 }, (_, i) => seedSite(i + 1))
    let throttleBudget = 0
    let throttled = 0
    let breakNextListing = false

    const server = yield* LoopbackServer.make((request) => {
      if (throttleBudget > 0) {
        throttleBudget--
        throttled++
        return { status: 429, headers: { "retry-after": "1" }, body: { error: "rate_limited" } }
      }
      if (request.headers["x-api-key"] !== apiKey) return { status: 401, body: { error: "invalid_api_key" } }
      if (request.method !== "GET") return { status: 405, body: { error: "method_not_allowed" } }
      if (request.path === "/v1/sites") {
        const page = Math.max(1, Number(request.query.get("page") ?? "1") || 1)
        const perPage = Math.min(maxPageSize, Math.max(1, Number(request.query.get("per_page") ?? "20") || 20))
        if (page > 1 && breakNextListing) {
          breakNextListing = false
          return { status: 400, body: { error: "simulated failure midway" } }
        }
        return {
          body: {
            data: sites.slice((page - 1) * perPage, page * perPage).map((s) => ({ id: s.id, name: s.name })),
            meta: { page, total_pages: Math.max(1, Math.ceil(sites.length / perPage)) }
          }
        }
      }
      const match = /^\/v1\/sites\/([^/]+)$/.exec(request.path)
      const site = match === null ? undefined : sites.find((s) => s.id === decodeURIComponent(match[1]!))
      return site === undefined ? { status: 404, body: { error: "not_found" } } : { body: site }
    })

    const signed = (body: string, secret: string, t: number): Adapter.WebhookRequest => {
      const bytes = new TextEncoder().encode(body)
      return {
        method: "POST",
        url: "https://hub.example/upstream/acc_x/webhooks",
        headers: {
          "content-type": "application/json",
          [DeskBaseWebhooks.signatureHeader]: DeskBaseWebhooks.sign(secret, bytes, t)
        },
        body: bytes
      }
    }
    const now = () => Math.floor(Date.now() / 1000)
    const webhook = (siteId: string) =>
      signed(JSON.stringify({ event: "rate.updated", site_id: siteId }), webhookSecret, now())

    const credentials = (key: string) => ({ baseUrl: server.url, apiKey: key, webhookSecret })
    const changed = "site-1"
    const corrupted = "site-2"
    return {
      server,
      url: server.url,
      apiKey,
      webhookSecret,
      sites,
      webhook,
      goodCredentials: credentials(apiKey),
      badCredentials: credentials(wrongKey),
      secrets: [apiKey, wrongKey, webhookSecret],
      pageSize: maxPageSize,
      externalIds: Effect.sync(() => sites.map((s) => s.id)),
      requests: Effect.sync(() => server.requests.length),
      changeOnePrice: Effect.sync(() => {
        const rate = sites.find((s) => s.id === changed)!.rates[0]
        rate.price_minor += 100
        return { locationExternalId: changed, priceExternalId: rate.id }
      }),
      removeOneLocation: Effect.sync(() => {
        const index = sites.findLastIndex((s) => s.id !== changed && s.id !== corrupted)
        const [removed] = sites.splice(index, 1)
        return { externalId: removed!.id }
      }),
      corruptOneLocation: Effect.sync(() => {
        // An amount in the wrong format: a string with a decimal comma instead of integer minor units.
        sites.find((s) => s.id === corrupted)!.rates[0].price_minor = "12,50"
        return { externalId: corrupted }
      }),
      failNextListingMidway: Effect.sync(() => void (breakNextListing = true)),
      throttleNext: (n) => Effect.sync(() => void (throttleBudget += n)),
      retryAfterMillis: 1_000,
      throttled: Effect.sync(() => throttled),
      webhooks: {
        timestamped: true,
        request: (spoil) =>
          Effect.sync(() => {
            const body = JSON.stringify({ event: "rate.updated", site_id: changed })
            if (spoil === "wrongSecret") return signed(body, "whsec_not_the_secret", now())
            if (spoil === "stale") return signed(body, webhookSecret, now() - 2 * DeskBaseWebhooks.toleranceSeconds)
            const request = signed(body, webhookSecret, now())
            return spoil === "tamperedBody"
              ? { ...request, body: new TextEncoder().encode(body.replace(changed, "site-3")) }
              : request
          })
      }
    }
  })
