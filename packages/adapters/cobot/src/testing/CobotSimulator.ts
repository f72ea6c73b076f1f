/**
 * A Cobot simulator on 127.0.0.1 for tests (API 2 and the parts of API 1 the adapter needs), implementing
 * the conformance kit's `Simulator`. Shapes come from Cobot's own API 2 OpenAPI document and its example
 * responses (they win over third-party summaries), API 1 from dev.cobot.me/api-docs.
 *
 * One origin serves both APIs: API 2 as at `https://api.cobot.me`, API 1 as at
 * `https://{subdomain}.cobot.me/api/…` for the simulator's `subdomain` (the adapter calls `{baseUrl}/api/…`
 * when a `baseUrl` is set).
 *
 * **Accounts.** A Cobot account here is one space (one subdomain) with a long-lived access token owned by
 * that space (`POST /api/access_tokens/:token/space`). The other spaces of the seed belong to other
 * subdomains and have their own tokens: a token reads only its own space (403 otherwise, except
 * `GET /spaces/{id}`, which the OpenAPI document says any user may read), and every request that names a
 * foreign space is counted in `foreignReads`. A space is the only location-like thing Cobot has, so the
 * account has exactly one location: `externalIds` is `[<space id>]` (see `conformance`).
 *
 * **API 2** (JSON:API: requests must send `Accept: application/vnd.api+json`, else 406 with the
 * `strictAccept` default; answers are `application/vnd.api+json`):
 * - `GET /user` (`include=adminOf` adds the spaces to `included`): the token's space as `adminOf`;
 * - `GET /spaces/{spaceId}`, `GET /space_profiles/{id}` (a profile has its space's id, as in the examples);
 * - `GET /spaces/{spaceId}/resources` with `filter[usage]=bookable|allocatable|all` (default `bookable`,
 *   anything else 400) and `GET /resources/{id}`; pricing is inline (`pricing{currency, taxes,
 *   pricePerHour, priceCap, discounts, priceCaps, fixedRates?}`);
 * - `GET /spaces/{spaceId}/products`, `GET /products/{id}`, `GET /drop_in_pass_templates/{id}`;
 * - collections are paged with `page[number]` (1-based) and `page[size]` (default 72, at most 200: more
 *   is clamped; `maxPageSize` serves shorter pages), answered with `meta{totalPages, currentPage}` and
 *   `links{self, first, prev, next, last}` as relative paths with unencoded brackets, exactly as the
 *   document's pagination example (`"/users?page[size]=100&page[number]=2"`); `prev`/`next` are `null` at
 *   the ends;
 * - sparse fieldsets `fields[<type>]=a,b`;
 * - errors are JSON:API `{errors: [{title, detail}]}` (the document's only error shape).
 *
 * **API 1**: `GET /api/plans` (snake_case as in the API 1 docs: `price_per_cycle`,
 * `price_per_cycle_in_cents`, `cycle_duration`, `currency`, `tax_rate`, `hidden`, `cancellation_period`,
 * `signup_charge`, `booking_credits`, `time_passes`, `extras`; public without a token, hidden plans only
 * with a token that has `read_plans`), `GET /api/plans/{id}`, `GET /api/resources[/{id}]` (`price_per_hour`,
 * `tax_rate`, `currency`), and webhook subscriptions: `POST /api/subscriptions {event, callback_url}` → 201
 * `{url}` (as Cobot's own Zapier tests mock it), `GET /api/subscriptions`, `DELETE /api/subscriptions/{id}`.
 * Its error bodies (`{"error": …}`) are unverified.
 *
 * **Tokens and limits.** Bearer tokens; a revoked one answers 401 (`revokeToken`). 60 requests a minute per
 * token (a sliding window, `rateLimit`), then 429 with `Retry-After` in seconds; `throttleNext(n)` makes the
 * next n authenticated requests answer 429 with `Retry-After: ceil(retryAfterMillis / 1000)`.
 *
 * **Webhooks** are unsigned, as Cobot's are: a delivery is `POST {callback_url}` with `{"url": "<API URL of
 * the changed object>"}`, or the full object for `deleted_*` events (`sendWebhook`).
 *
 * @since 0.1.0
 */
import type { Adapter } from "@spacesync/adapter-kit"
import type { AdapterConformance } from "@spacesync/adapter-kit/testing"
import * as LoopbackServer from "@spacesync/adapter-kit/testing/LoopbackServer"
import { Effect, type Scope } from "effect"
import * as SeedData from "./SeedData.js"

// ---- options and the running simulator ----

/** @since 0.1.0 */
export interface Options {
  /** The subdomain (space) of the account of `goodCredentials`. Default `SeedData.subdomains.berlin`. */
  readonly subdomain?: string | undefined
  /** The account's access token. Default a fixed test value. */
  readonly accessToken?: string | undefined
  /** The scopes of the account's token. Default `defaultScopes`. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** Requests a token may make per `rateWindowMillis`. Default 60. */
  readonly rateLimit?: number | undefined
  /** Default 60,000 ms. */
  readonly rateWindowMillis?: number | undefined
  /** The most items a page holds whatever `page[size]` asks (≤ 200). Default 200. */
  readonly maxPageSize?: number | undefined
  /** The wait `throttleNext` answers ask for. Default 1,000 ms. */
  readonly retryAfterMillis?: number | undefined
  /** API 2 answers 406 to requests that do not accept `application/vnd.api+json`. Default true. */
  readonly strictAccept?: boolean | undefined
  /** The adapter's `externalId` of a plan's price (`changeOnePrice`). Default `plan-<id>`. */
  readonly priceExternalId?: ((plan: { readonly id: string; readonly spaceId: string }) => string) | undefined
  /** The path of the hub's webhook endpoint, used in `WebhookRequest.url`. */
  readonly webhookPath?: string | undefined
  /** The server's clock (ms). Default `Date.now`. */
  readonly now?: (() => number) | undefined
  /** The data to serve. Default `SeedData.make()`. */
  readonly seed?: SeedData.Data | undefined
}

/** Every scope the account's token has by default. @since 0.1.0 */
export const defaultScopes: ReadonlyArray<string> = [
  "read_user",
  "read_spaces",
  "read_resources",
  "read_products",
  "read_drop_in_pass_templates",
  "read_plans",
  "read_subscriptions",
  "write_subscriptions"
]

/** The events `POST /api/subscriptions` accepts (resource, membership and booking events). @since 0.1.0 */
export const events: ReadonlyArray<string> = [
  "created_resource",
  "updated_resource",
  "deleted_resource",
  "created_membership",
  "confirmed_membership",
  "changed_membership_plan",
  "canceled_membership",
  "created_booking",
  "updated_booking",
  "deleted_booking"
]

/** API 2's default and largest `page[size]`. @since 0.1.0 */
export const pageSizeDefault = 72
/** @since 0.1.0 */
export const pageSizeMax = 200

/** The JSON:API media type. @since 0.1.0 */
export const jsonApi = "application/vnd.api+json"

/** What `sendWebhook` sends. @since 0.1.0 */
export interface WebhookArgs {
  /** `updated_resource`, `deleted_resource`, `created_membership`… */
  readonly event: string
  /** The API URL of the changed object (`urls`). */
  readonly url: string
  /** The body of a `deleted_*` event (default: the deleted object's API 1 form when the simulator knows it). */
  readonly object?: { readonly [key: string]: unknown } | undefined
}

/** A webhook subscription (API 1). @since 0.1.0 */
export interface Subscription {
  readonly id: string
  readonly event: string
  readonly callback_url: string
  readonly url: string
}

/**
 * A running simulator.
 *
 * @since 0.1.0
 */
export interface CobotSimulator extends AdapterConformance.Simulator {
  readonly server: LoopbackServer.LoopbackServer
  /** The origin of both APIs: API 2 at `/`, API 1 at `/api/…`. */
  readonly url: string
  /** The account's subdomain and space id. */
  readonly subdomain: string
  readonly spaceId: string
  /** The account's token. */
  readonly accessToken: string
  /** A token of each other subdomain, by subdomain (for isolation tests). */
  readonly foreignTokens: { readonly [subdomain: string]: string }
  /** The live data. */
  readonly data: SeedData.Data
  /** The API URLs webhooks carry. */
  readonly urls: {
    readonly resource: (id: string) => string
    readonly plan: (id: string) => string
    readonly space: (id: string) => string
  }
  /** Registered webhook subscriptions. */
  readonly subscriptions: ReadonlyArray<Subscription>
  /** Requests of the account's tokens that named another space. Should stay 0. */
  readonly foreignReads: Effect.Effect<number>
  /** Revokes a token (default the account's): its next request answers 401. */
  readonly revokeToken: (token?: string) => Effect.Effect<void>
  /** Sets a resource's net hourly price (gross follows its taxes). */
  readonly setResourcePrice: (resourceId: string, net: number) => Effect.Effect<void>
  /** Removes a resource (kept for `deleted_resource` webhooks). */
  readonly removeResource: (resourceId: string) => Effect.Effect<void>
  /** An unsigned webhook as the hub would receive it, or POSTed to `deliverTo` (status and body returned). */
  readonly sendWebhook: {
    (args: WebhookArgs): Effect.Effect<Adapter.WebhookRequest>
    (
      args: WebhookArgs & { readonly deliverTo: string }
    ): Effect.Effect<{ readonly request: Adapter.WebhookRequest; readonly status: number; readonly body: string }>
  }
}

// ---- serving helpers ----

type Response = LoopbackServer.Response

const jsonApiError = (status: number, title: string, detail: string, extra: { [key: string]: string } = {}) => ({
  status,
  headers: { "content-type": jsonApi, ...extra },
  body: JSON.stringify({ errors: [{ title, detail }] })
})

const json = (status: number, body: unknown, extra: { [key: string]: string } = {}): Response => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", ...extra },
  body: JSON.stringify(body)
})

const api2 = (status: number, body: unknown): Response => ({
  status,
  headers: { "content-type": jsonApi },
  body: JSON.stringify(body)
})

interface Token {
  readonly spaceId: string
  readonly scopes: ReadonlyArray<string>
  revoked: boolean
  readonly account: boolean
  readonly window: Array<number>
}

const tokenFor = (label: string) => `cobot-${label}-${"5f3a9c1e7b2d4068".repeat(2)}`

/**
 * Starts a simulator; it stops with the scope.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<CobotSimulator, never, Scope.Scope> =>
  Effect.gen(function*() {
    const now = options.now ?? Date.now
    const data = options.seed ?? SeedData.make()
    const subdomain = options.subdomain ?? SeedData.subdomains.berlin
    const home = data.spaces.find((s) => s.attributes.subdomain === subdomain)
    if (home === undefined) return yield* Effect.dieMessage(`no space with subdomain ${subdomain} in the seed`)
    const spaceId = home.id
    const accessToken = options.accessToken ?? tokenFor("account")
    const revokedToken = tokenFor("revoked")
    const rateLimit = options.rateLimit ?? 60
    const rateWindow = options.rateWindowMillis ?? 60_000
    const maxPageSize = Math.min(options.maxPageSize ?? pageSizeMax, pageSizeMax)
    const retryAfterMillis = options.retryAfterMillis ?? 1_000
    const strictAccept = options.strictAccept ?? true
    const priceExternalId = options.priceExternalId ?? ((plan) => `plan-${plan.id}`)
    const webhookPath = options.webhookPath ?? "/upstream/cobot/webhooks"

    const tokens = new Map<string, Token>()
    const addToken = (token: string, owner: string, account: boolean, scopes = defaultScopes) =>
      tokens.set(token, { spaceId: owner, scopes: options.scopes ?? scopes, revoked: false, account, window: [] })
    addToken(accessToken, spaceId, true)
    addToken(revokedToken, spaceId, true)
    tokens.get(revokedToken)!.revoked = true
    const foreignTokens: { [subdomain: string]: string } = {}
    for (const space of data.spaces) {
      if (space.id === spaceId) continue
      const token = tokenFor(String(space.attributes.subdomain))
      foreignTokens[String(space.attributes.subdomain)] = token
      addToken(token, space.id, false)
    }
    const secrets = [...tokens.keys()]

    const subscriptions: Array<Subscription> = []
    let subscriptionN = 0
    const removedV1 = new Map<string, { [key: string]: unknown }>()
    let throttleBudget = 0
    let throttled = 0
    let foreignReads = 0
    let breakNextListing = false
    let origin = ""

    const urls = {
      resource: (id: string) => `${origin}/api/resources/${id}`,
      plan: (id: string) => `${origin}/api/plans/${id}`,
      space: (id: string) => `${origin}/spaces/${id}`
    }

    // ---- rendering ----

    const space = (id: string) => data.spaces.find((s) => s.id === id)

    const sparse = (type: string, attributes: SeedData.Json, query: URLSearchParams) => {
      const fields = query.get(`fields[${type}]`)
      if (fields === null) return attributes
      const wanted = fields.split(",").map((f) => f.trim())
      return Object.fromEntries(Object.entries(attributes).filter(([key]) => wanted.includes(key)))
    }

    const renderSpace = (entity: SeedData.Entity, query: URLSearchParams) => {
      const related = (path: string) => ({ links: { related: `${origin}/spaces/${entity.id}/${path}` } })
      return {
        id: entity.id,
        type: "spaces",
        attributes: sparse("spaces", entity.attributes, query),
        relationships: {
          owner: { data: { id: SeedData.ownerId, type: "users" } },
          network: { data: { id: SeedData.networkId, type: "networks" } },
          resources: related("resources"),
          products: related("products"),
          spaceProfile: { links: { related: `${origin}/space_profiles/${entity.id}` } }
        }
      }
    }

    const renderProfile = (entity: SeedData.Entity, query: URLSearchParams) => ({
      id: entity.id,
      type: "spaceProfiles",
      attributes: sparse("spaceProfiles", entity.attributes, query),
      relationships: { space: { links: { related: `${origin}/spaces/${entity.spaceId}` } } }
    })

    const renderResource = (entity: SeedData.Entity, query: URLSearchParams) => ({
      id: entity.id,
      type: "resources",
      attributes: sparse("resources", entity.attributes, query),
      relationships: {
        space: { data: { id: entity.spaceId, type: "spaces" } },
        resourceAvailability: { links: { related: `${origin}/resources/${entity.id}/availability` } }
      }
    })

    const renderProduct = (entity: SeedData.Entity, query: URLSearchParams) => ({
      id: entity.id,
      type: "products",
      attributes: sparse("products", entity.attributes, query),
      relationships: { space: { data: { id: entity.spaceId, type: "spaces" } } }
    })

    const renderTemplate = (entity: SeedData.Entity, query: URLSearchParams) => ({
      id: entity.id,
      type: "dropInPassTemplates",
      attributes: sparse("dropInPassTemplates", entity.attributes, query),
      relationships: {
        space: { data: { id: entity.spaceId, type: "spaces" } },
        availability: { links: { related: `${origin}/drop_in_pass_templates/${entity.id}/availability` } }
      }
    })

    const v1Resource = (entity: SeedData.Entity) => {
      const a = entity.attributes
      const pricing = (a.pricing ?? {}) as SeedData.Json
      const perHour = pricing.pricePerHour as SeedData.Json | null | undefined
      const taxes = (pricing.taxes ?? []) as Array<{ rate: string }>
      return {
        id: entity.id,
        name: a.name,
        description: a.description,
        capacity: a.capacity,
        hidden: a.hidden,
        price_per_hour: perHour?.net ?? null,
        tax_rate: taxes[0]?.rate ?? "0.0",
        currency: pricing.currency ?? null
      }
    }

    // A page of a collection, with meta and relative links as in the document's example.
    const page = (
      request: LoopbackServer.Request,
      items: ReadonlyArray<unknown>,
      onPage?: (number: number) => Response | undefined
    ): Response => {
      const numberParam = request.query.get("page[number]")
      const sizeParam = request.query.get("page[size]")
      const number = numberParam === null ? 1 : Number(numberParam)
      const asked = sizeParam === null ? pageSizeDefault : Number(sizeParam)
      if (!Number.isInteger(number) || number < 1 || !Number.isInteger(asked) || asked < 1) {
        return jsonApiError(400, "Bad Request", "page[number] and page[size] must be positive integers")
      }
      const size = Math.min(asked, maxPageSize)
      const broken = onPage?.(number)
      if (broken !== undefined) return broken
      const totalPages = Math.max(1, Math.ceil(items.length / size))
      const others = [...request.query.entries()].filter(([key]) => key !== "page[number]" && key !== "page[size]")
        .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
      const link = (n: number) => `${request.path}?${[...others, `page[size]=${size}`, `page[number]=${n}`].join("&")}`
      return api2(200, {
        meta: { totalPages, currentPage: number },
        data: items.slice((number - 1) * size, number * size),
        links: {
          self: link(number),
          first: link(1),
          prev: number > 1 ? link(Math.min(number - 1, totalPages)) : null,
          next: number < totalPages ? link(number + 1) : null,
          last: link(totalPages)
        }
      })
    }

    // ---- API 2 ----

    const notFound = (what: string) => jsonApiError(404, "Not Found", `${what} not found`)
    const forbidden = () => jsonApiError(403, "Forbidden", "You are not allowed to access this space.")

    const api2Routes = (request: LoopbackServer.Request, token: Token): Response => {
      const segments = request.path.split("/").filter((s) => s.length > 0).map(decodeURIComponent)
      if (request.method !== "GET") return notFound(`${request.method} ${request.path}`)
      const own = (owner: string) => {
        if (owner === token.spaceId) return true
        if (token.account) foreignReads++
        return false
      }
      const [first, id, sub, ...rest] = segments
      if (rest.length > 0) return notFound(request.path)
      if (first === "user" && id === undefined) {
        const spaces = data.spaces.filter((s) => s.id === token.spaceId)
        const include = (request.query.get("include") ?? "").split(",")
        return api2(200, {
          data: {
            id: SeedData.ownerId,
            type: "users",
            attributes: { email: "admin@cobot-owner.example", name: "Space admin" },
            relationships: {
              adminOf: { data: spaces.map((s) => ({ id: s.id, type: "spaces" })) },
              memberOf: { data: [] }
            }
          },
          ...(include.includes("adminOf") ? { included: spaces.map((s) => renderSpace(s, request.query)) } : {})
        })
      }
      if (first === "spaces" && id !== undefined) {
        const found = space(id)
        if (found === undefined) return notFound("Space")
        if (sub === undefined) {
          // "Any user can access any space": readable, but counted when it is not the token's own.
          own(found.id)
          return api2(200, { data: renderSpace(found, request.query) })
        }
        if (!own(found.id)) return forbidden()
        if (sub === "resources") {
          const usage = request.query.get("filter[usage]") ?? "bookable"
          if (!["bookable", "allocatable", "all"].includes(usage)) {
            return jsonApiError(400, "Bad Request", "filter[usage] must be one of bookable, allocatable, all")
          }
          const items = data.resources.filter((r) =>
            r.spaceId === found.id && (usage === "all" || r.attributes.usage === usage)
          ).map((r) => renderResource(r, request.query))
          return page(request, items, (number) => {
            if (number >= 2 && breakNextListing) {
              breakNextListing = false
              return jsonApiError(400, "Bad Request", "simulated failure midway")
            }
            return undefined
          })
        }
        if (sub === "products") {
          return page(
            request,
            data.products.filter((p) => p.spaceId === found.id).map((p) => renderProduct(p, request.query))
          )
        }
        return notFound(request.path)
      }
      if (id === undefined || sub !== undefined) return notFound(request.path)
      const single = (
        list: ReadonlyArray<SeedData.Entity>,
        what: string,
        render: (e: SeedData.Entity, q: URLSearchParams) => unknown
      ) => {
        const found = list.find((e) => e.id === id)
        if (found === undefined) return notFound(what)
        if (!own(found.spaceId)) return forbidden()
        return api2(200, { data: render(found, request.query) })
      }
      switch (first) {
        case "space_profiles":
          return single(data.spaceProfiles, "Space profile", renderProfile)
        case "resources":
          return single(data.resources, "Resource", renderResource)
        case "products":
          return single(data.products, "Product", renderProduct)
        case "drop_in_pass_templates":
          return single(data.dropInPassTemplates, "Drop-in pass template", renderTemplate)
        default:
          return notFound(request.path)
      }
    }

    // ---- API 1 (the origin stands for https://{subdomain}.cobot.me) ----

    const api1Routes = (request: LoopbackServer.Request, token: Token | undefined): Response => {
      const segments = request.path.replace(/^\/api\/?/, "").split("/").filter((s) => s.length > 0)
        .map(decodeURIComponent)
      const [name, id, ...rest] = segments
      const notFound1 = () => json(404, { error: "Not found" })
      if (rest.length > 0 || name === undefined) return notFound1()
      if (token !== undefined && token.spaceId !== spaceId) {
        if (token.account) foreignReads++
        return json(403, { error: "Access denied" })
      }
      if (space(spaceId) === undefined) return notFound1()
      if (name === "plans" && request.method === "GET") {
        const seeHidden = token !== undefined && token.scopes.includes("read_plans")
        const plans = (data.plans[spaceId] ?? []).filter((p) => seeHidden || p.hidden !== true)
        if (id === undefined) return json(200, plans)
        const plan = plans.find((p) => p.id === id)
        return plan === undefined ? notFound1() : json(200, plan)
      }
      if (token === undefined) return json(401, { error: "invalid_token" })
      if (name === "resources" && request.method === "GET") {
        const resources = data.resources.filter((r) => r.spaceId === spaceId)
        if (id === undefined) return json(200, resources.map(v1Resource))
        const found = resources.find((r) => r.id === id)
        return found === undefined ? notFound1() : json(200, v1Resource(found))
      }
      if (name === "subscriptions") {
        if (request.method === "GET" && id === undefined) return json(200, subscriptions)
        if (request.method === "POST" && id === undefined) {
          if (!token.scopes.includes("write_subscriptions")) return json(403, { error: "insufficient_scope" })
          let body: { event?: unknown; callback_url?: unknown }
          try {
            body = JSON.parse(request.body) as typeof body
          } catch {
            return json(400, { error: "invalid JSON" })
          }
          const errors: { [key: string]: Array<string> } = {}
          if (typeof body.event !== "string" || !events.includes(body.event)) {
            errors.event = ["is not included in the list"]
          }
          if (typeof body.callback_url !== "string" || !/^https?:\/\//.test(body.callback_url)) {
            errors.callback_url = ["is invalid"]
          }
          if (Object.keys(errors).length > 0) return json(422, { errors })
          const subscriptionId = String(++subscriptionN)
          const subscription: Subscription = {
            id: subscriptionId,
            event: body.event as string,
            callback_url: body.callback_url as string,
            url: `${origin}/api/subscriptions/${subscriptionId}`
          }
          subscriptions.push(subscription)
          return json(201, { url: subscription.url })
        }
        if (request.method === "DELETE" && id !== undefined) {
          const index = subscriptions.findIndex((s) => s.id === id)
          if (index < 0) return notFound1()
          subscriptions.splice(index, 1)
          return { status: 204 }
        }
      }
      return notFound1()
    }

    // ---- the gate: token, rate limit, throttling ----

    const handle = (request: LoopbackServer.Request): Response => {
      const isApi1 = request.path === "/api" || request.path.startsWith("/api/")
      const bearer = /^bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ""))
      const presented = bearer === null ? undefined : bearer[1]!.trim()
      const token = presented === undefined ? undefined : tokens.get(presented)
      const unauthorized = () =>
        isApi1
          ? json(401, { error: "invalid_token" }, { "www-authenticate": "Bearer error=\"invalid_token\"" })
          : jsonApiError(401, "Unauthorized", "The access token is invalid or has been revoked.", {
            "www-authenticate": "Bearer error=\"invalid_token\""
          })
      if (presented !== undefined && (token === undefined || token.revoked)) return unauthorized()
      // API 1's plan list is public; everything else needs a token.
      if (token === undefined && !(isApi1 && /^\/api\/plans(\/[^/]+)?$/.test(request.path))) return unauthorized()
      if (!isApi1 && strictAccept && !String(request.headers.accept ?? "").includes(jsonApi)) {
        return jsonApiError(406, "Not Acceptable", `Requests must accept ${jsonApi}`)
      }
      if (token !== undefined) {
        if (throttleBudget > 0) {
          throttleBudget--
          throttled++
          return jsonApiError(429, "Too Many Requests", "Rate limit exceeded", {
            "retry-after": String(Math.max(1, Math.ceil(retryAfterMillis / 1000)))
          })
        }
        const t = now()
        while (token.window.length > 0 && token.window[0]! <= t - rateWindow) token.window.shift()
        if (token.window.length >= rateLimit) {
          throttled++
          const wait = Math.max(1, Math.ceil((token.window[0]! + rateWindow - t) / 1000))
          return jsonApiError(429, "Too Many Requests", "Rate limit exceeded", { "retry-after": String(wait) })
        }
        token.window.push(t)
      }
      return isApi1 ? api1Routes(request, token) : api2Routes(request, token!)
    }

    const server = yield* LoopbackServer.make(handle)
    origin = server.url

    // ---- webhooks ----

    const buildWebhook = (args: WebhookArgs, url: string): Adapter.WebhookRequest => {
      const deleted = args.event.startsWith("deleted_")
      const body = deleted ? (args.object ?? removedV1.get(args.url) ?? { url: args.url }) : { url: args.url }
      return {
        method: "POST",
        url,
        headers: { "content-type": "application/json" },
        body: new TextEncoder().encode(JSON.stringify(body))
      }
    }

    const sendWebhook = ((args: WebhookArgs & { readonly deliverTo?: string | undefined }) => {
      if (args.deliverTo === undefined) return Effect.sync(() => buildWebhook(args, webhookPath))
      const target = args.deliverTo
      return LoopbackServer.deliver(buildWebhook(args, target), target)
    }) as CobotSimulator["sendWebhook"]

    // ---- the conformance hooks ----

    const removeSpace = (id: string) => {
      data.spaces = data.spaces.filter((s) => s.id !== id)
      data.spaceProfiles = data.spaceProfiles.filter((s) => s.spaceId !== id)
      data.resources = data.resources.filter((r) => r.spaceId !== id)
      data.products = data.products.filter((p) => p.spaceId !== id)
      data.dropInPassTemplates = data.dropInPassTemplates.filter((t) => t.spaceId !== id)
      delete data.plans[id]
    }

    const setResourcePrice = (resourceId: string, net: number) => {
      const found = data.resources.find((r) => r.id === resourceId)
      if (found === undefined) return
      const pricing = found.attributes.pricing as SeedData.Json
      const taxes = (pricing.taxes ?? []) as Array<{ name: string; rate: string }>
      pricing.pricePerHour = SeedData.amount(net, String(pricing.currency), taxes)
    }

    const credentials = (token: string) => ({ baseUrl: server.url, subdomain, accessToken: token })

    const simulator: CobotSimulator = {
      server,
      url: server.url,
      subdomain,
      spaceId,
      accessToken,
      foreignTokens,
      data,
      urls,
      subscriptions,
      goodCredentials: credentials(accessToken),
      badCredentials: credentials(revokedToken),
      secrets,
      // The kit's pageSize is about locations; one account has one space, so it does not page.
      pageSize: undefined,
      requests: Effect.sync(() => server.requests.length),
      throttled: Effect.sync(() => throttled),
      unsignedWebhooks: true,
      retryAfterMillis,
      foreignReads: Effect.sync(() => foreignReads),
      externalIds: Effect.sync(() => data.spaces.filter((s) => s.id === spaceId).map((s) => s.id)),
      changeOnePrice: Effect.sync(() => {
        const plans = data.plans[spaceId] ?? []
        const plan = plans.find((p) => p.hidden !== true) ?? plans[0]!
        const price = Number(plan.price_per_cycle) + 1
        plan.price_per_cycle = SeedData.decimal(price)
        plan.price_per_cycle_in_cents = Math.round(price * 100)
        return { locationExternalId: spaceId, priceExternalId: priceExternalId({ id: plan.id, spaceId }) }
      }),
      removeOneLocation: Effect.sync(() => {
        removeSpace(spaceId)
        return { externalId: spaceId }
      }),
      corruptOneLocation: Effect.sync(() => {
        // The hourly price of the first bookable resource is not a decimal.
        const found = data.resources.find((r) => r.spaceId === spaceId && r.attributes.usage === "bookable")!
        const pricing = found.attributes.pricing as SeedData.Json
        pricing.pricePerHour = { ...(pricing.pricePerHour as SeedData.Json), net: "zehn Euro", gross: "zwölf Euro" }
        return { externalId: spaceId }
      }),
      failNextListingMidway: Effect.sync(() => void (breakNextListing = true)),
      throttleNext: (n) => Effect.sync(() => void (throttleBudget += n)),
      revokeToken: (token = accessToken) =>
        Effect.sync(() => {
          const found = tokens.get(token)
          if (found !== undefined) found.revoked = true
        }),
      setResourcePrice: (resourceId, net) => Effect.sync(() => setResourcePrice(resourceId, net)),
      removeResource: (resourceId) =>
        Effect.sync(() => {
          const found = data.resources.find((r) => r.id === resourceId)
          if (found === undefined) return
          removedV1.set(urls.resource(resourceId), v1Resource(found))
          data.resources = data.resources.filter((r) => r.id !== resourceId)
        }),
      sendWebhook
    }
    return simulator
  })

/**
 * A simulator for the conformance suite, with a fresh seed for every run: pages of at most 4 resources
 * whatever `page[size]` asks, so the Berlin space's 10 resources (`filter[usage]=all`) span 3 pages and
 * its 7 bookable ones 2.
 *
 * The account has one location (its space): the kit's checks that need three locations (or two named
 * ones) cannot pass against one Cobot account.
 *
 * @since 0.1.0
 */
export const conformance = (options: Options = {}): Effect.Effect<CobotSimulator, never, Scope.Scope> =>
  Effect.suspend(() => make({ maxPageSize: 4, seed: SeedData.make(), ...options }))
