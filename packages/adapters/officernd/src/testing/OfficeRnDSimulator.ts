/**
 * An OfficeRnD (Flex, API v2) simulator on 127.0.0.1 for tests. It implements the conformance kit's
 * `Simulator`. Shapes come from a real v2 page envelope (recorded by a third party), the v1 JSON schemas
 * of a third-party tap, OfficeRnD's own webhook demo and the v2 reference; where they disagree the
 * recorded responses win.
 *
 * What it serves (identity and API on one origin):
 * - `POST /oauth/token`, form-encoded `grant_type=client_credentials`, `client_id`, `client_secret`,
 *   `scope` (space-separated; missing: every scope of the client): `{access_token, token_type: "Bearer",
 *   expires_in: 3599, scope}`, no refresh token. A wrong client answers 401 `{"error":"invalid_client"}`,
 *   another grant 400 `unsupported_grant_type`, an unknown scope 400 `invalid_scope`.
 * - `GET /api/v2/organizations/{org}/{collection}` and `…/{collection}/{id}` for `locations`,
 *   `resource-types`, `resources`, `resource-rates`, `plans`, `tax-rates`, `revenue-accounts`. Bearer
 *   required (401 otherwise, also once a token expired); another organization answers 403.
 * - Listings are ordered by `_id` and paged with `$limit` (default 50, maximum 50: `$limit=51` answers
 *   400), `$cursorNext`, `$cursorPrev`, in the envelope recorded from a real `/members` page:
 *   `{rangeStart, rangeEnd, cursorNext, cursorPrev, results}` with `rangeStart` 1-based, no `cursorPrev`
 *   key on the first page and (by symmetry: not recorded) no `cursorNext` key on the last one. Cursors are
 *   unpadded base64url JSON `{"k":"_id","p":<position>,"v":"<last _id>"}`, as recorded. The option
 *   `maxPageSize` serves shorter pages than asked (the conformance suite uses 2): an adapter must follow
 *   `cursorNext`, not infer the end from a short page.
 * - Other query parameters not starting with `$` filter by equality (`location=<id>`, `_id=<id>`;
 *   repeated: any of them; on an array field: contains). `$select` is accepted and ignored.
 * - Throttling: 429 `{statusCode, message}` with `Retry-After` (seconds) for `throttleNext` answers.
 * - Webhooks: `POST …/webhooks {url, eventTypes, description}` → 201 `{_id, url, eventTypes, description,
 *   secret}`, `GET …/webhooks`, `DELETE …/webhooks/{id}`. Deliveries (`sendWebhook`) carry
 *   `officernd-signature: t=<unix seconds>,signature=<hex HMAC-SHA256(secret, rawBody + "." + t)>`, the
 *   scheme of OfficeRnD's `webhooks-demo` (an n8n node once signed `t + "." + body`; it was fixed to the
 *   demo's order). OfficeRnD has no location, resource, plan or rate events: the events it sends
 *   (membership, booking, fee…) are only re-sync hints.
 *
 * Error bodies are NestJS's default `{statusCode, message, error}` (the reference's operation ids,
 * `locationscontroller_getitems`, are NestJS controller names); no error body was recorded.
 *
 * @since 0.1.0
 */
import type { Adapter } from "@spacesync/adapter-kit"
import type { AdapterConformance } from "@spacesync/adapter-kit/testing"
import * as LoopbackServer from "@spacesync/adapter-kit/testing/LoopbackServer"
import { Effect, type Scope } from "effect"
import { createHmac, randomBytes } from "node:crypto"
import * as SeedData from "./SeedData.js"

// ---- options and the running simulator ----

/** @since 0.1.0 */
export interface Options {
  /** The organization slug of `goodCredentials`. Default `SeedData.organization`. */
  readonly organization?: string | undefined
  /** Default `"officernd-client"`. */
  readonly clientId?: string | undefined
  /** Default a fixed test value. */
  readonly clientSecret?: string | undefined
  /** The secret of the webhook registered in advance (in `goodCredentials.webhookSecret`). */
  readonly webhookSecret?: string | undefined
  /** The tenant's currency (OfficeRnD returns none). Default `"EUR"`. */
  readonly currency?: string | undefined
  /** The most results a page holds whatever `$limit` asks (≤ 50). Default 50. */
  readonly maxPageSize?: number | undefined
  /** The wait `throttleNext` answers ask for. Default 1,000 ms. */
  readonly retryAfterMillis?: number | undefined
  /** `expires_in` of issued tokens, in seconds. Default 3,599. */
  readonly tokenExpiresIn?: number | undefined
  /** The scopes the client may ask for. Default `scopes` (every scope below). */
  readonly clientScopes?: ReadonlyArray<string> | undefined
  /**
   * Requires the token's scope for each collection (`scopeOf`). Off by default: the names of the read
   * scopes are only partly documented (`flex.space.locations.read`, `flex.billing.plans.read`).
   */
  readonly enforceScopes?: boolean | undefined
  /** The adapter's `externalId` of a plan's price (`changeOnePrice`). Default `plan-<_id>`. */
  readonly priceExternalId?: ((plan: { readonly _id: string; readonly location: string }) => string) | undefined
  /** The path of the hub's webhook endpoint, used in `WebhookRequest.url`. */
  readonly webhookPath?: string | undefined
  /** The server's clock (ms). Default `Date.now`. */
  readonly now?: (() => number) | undefined
  /** The data to serve. Default `SeedData.make()`. */
  readonly seed?: SeedData.Data | undefined
}

/** A collection name (its path segment). @since 0.1.0 */
export type Collection = keyof SeedData.Data

/**
 * The scope of each collection. Only `flex.space.locations.read` and `flex.billing.plans.read` are
 * documented; the others follow their pattern (unverified).
 *
 * @since 0.1.0
 */
export const scopeOf: { readonly [K in Collection]: string } = {
  locations: "flex.space.locations.read",
  "resource-types": "flex.space.resource-types.read",
  resources: "flex.space.resources.read",
  "resource-rates": "flex.billing.resource-rates.read",
  plans: "flex.billing.plans.read",
  "tax-rates": "flex.billing.tax-rates.read",
  "revenue-accounts": "flex.billing.revenue-accounts.read"
}

/** Every scope the simulator knows. @since 0.1.0 */
export const scopes: ReadonlyArray<string> = [
  ...Object.values(scopeOf),
  "flex.settings.webhooks.read",
  "flex.settings.webhooks.create",
  "flex.settings.webhooks.delete"
]

/** The largest `$limit` OfficeRnD accepts. @since 0.1.0 */
export const limitMax = 50

/** The tolerance of webhook timestamps receivers apply, in seconds. @since 0.1.0 */
export const webhookTolerance = 300

/** What `sendWebhook` sends. @since 0.1.0 */
export interface WebhookArgs {
  /** `membership.updated`, `booking.created`, `fee.removed`… */
  readonly eventType: string
  /** `data.object`. */
  readonly object: { readonly [key: string]: unknown }
  /** `data.previousAttributes` (updates only). */
  readonly previousAttributes?: { readonly [key: string]: unknown } | undefined
  /** Sign with this secret instead of the registered webhook's. */
  readonly secret?: string | undefined
  /** The signature time, in unix seconds. Default now. */
  readonly timestamp?: number | undefined
}

/** A registered webhook. @since 0.1.0 */
export interface Webhook {
  readonly _id: string
  readonly url: string
  readonly eventTypes: ReadonlyArray<string>
  readonly description: string
  readonly secret: string
}

/**
 * A running simulator.
 *
 * @since 0.1.0
 */
export interface OfficeRnDSimulator extends AdapterConformance.Simulator {
  readonly server: LoopbackServer.LoopbackServer
  /** The origin: token at `/oauth/token`, API at `/api/v2/organizations/{org}`. */
  readonly url: string
  readonly organization: string
  readonly clientId: string
  readonly clientSecret: string
  readonly webhookSecret: string
  /** The live data (mutate through `update` and `remove` so `modifiedAt` follows). */
  readonly data: SeedData.Data
  /** The registered webhooks (one is registered in advance with `webhookSecret`). */
  readonly registeredWebhooks: ReadonlyArray<Webhook>
  /** Every access token issued so far (also listed in `secrets`). */
  readonly issuedTokens: ReadonlyArray<string>
  /** Expires every issued token: the next API call with one answers 401. */
  readonly expireTokens: Effect.Effect<void>
  /** Changes fields of a record and bumps its `modifiedAt`. */
  readonly update: (
    collection: Collection,
    id: string,
    fields: { readonly [key: string]: unknown }
  ) => Effect.Effect<void>
  /** Removes a record (a location with its resources). */
  readonly remove: (collection: Collection, id: string) => Effect.Effect<void>
  /** A signed webhook as the hub would receive it, or POSTed to `deliverTo` (status and body returned). */
  readonly sendWebhook: {
    (args: WebhookArgs): Effect.Effect<Adapter.WebhookRequest>
    (
      args: WebhookArgs & { readonly deliverTo: string }
    ): Effect.Effect<{ readonly request: Adapter.WebhookRequest; readonly status: number; readonly body: string }>
  }
}

// ---- signatures and cursors ----

/**
 * `officernd-signature`'s hex: HMAC-SHA256 keyed with the webhook secret over `rawBody + "." + t`.
 *
 * @since 0.1.0
 */
export const signature = (secret: string, body: string | Uint8Array, timestamp: number | string): string =>
  createHmac("sha256", secret)
    .update(Buffer.concat([Buffer.from(body), Buffer.from(`.${timestamp}`)]))
    .digest("hex")

/** The `officernd-signature` header value. @since 0.1.0 */
export const signatureHeader = (secret: string, body: string | Uint8Array, timestamp: number): string =>
  `t=${timestamp},signature=${signature(secret, body, timestamp)}`

interface Cursor {
  readonly k: string
  readonly p: number
  readonly v: string
}

/** A cursor as recorded: unpadded base64url JSON `{k, p, v}`. @since 0.1.0 */
export const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString("base64url")

const decodeCursor = (text: string): Cursor | undefined => {
  try {
    const parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<Cursor>
    return typeof parsed.v === "string" && typeof parsed.p === "number" && parsed.k === "_id"
      ? { k: parsed.k, p: parsed.p, v: parsed.v }
      : undefined
  } catch {
    return undefined
  }
}

// ---- serving ----

const errorBody = (statusCode: number, error: string, message: string | ReadonlyArray<string>) => ({
  statusCode,
  message,
  error
})

const isCollection = (name: string): name is Collection => Object.prototype.hasOwnProperty.call(scopeOf, name)

interface Token {
  readonly scopes: ReadonlyArray<string>
  readonly expiresAt: number
}

/**
 * Starts a simulator; it stops with the scope.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<OfficeRnDSimulator, never, Scope.Scope> =>
  Effect.gen(function*() {
    const now = options.now ?? Date.now
    const organization = options.organization ?? SeedData.organization
    const clientId = options.clientId ?? "officernd-client"
    const clientSecret = options.clientSecret ?? "ornd-client-secret-7d2e91c4a0"
    const wrongSecret = "ornd-wrong-secret-3b8f06d1"
    const webhookSecret = options.webhookSecret ?? "ornd-whsec-5a9c4e2b71f0"
    const currency = options.currency ?? "EUR"
    const maxPageSize = Math.min(options.maxPageSize ?? limitMax, limitMax)
    const retryAfterMillis = options.retryAfterMillis ?? 1_000
    const expiresIn = options.tokenExpiresIn ?? 3_599
    const clientScopes = options.clientScopes ?? scopes
    const priceExternalId = options.priceExternalId ?? ((plan) => `plan-${plan._id}`)
    const webhookPath = options.webhookPath ?? "/upstream/officernd/webhooks"
    const data = options.seed ?? SeedData.make()

    const tokens = new Map<string, Token>()
    const issuedTokens: Array<string> = []
    const secrets: Array<string> = [clientSecret, wrongSecret, webhookSecret]
    const webhooks: Array<Webhook> = [{
      _id: SeedData.oid(0x90, 1),
      url: `https://hub.example${webhookPath}`,
      eventTypes: ["membership.created", "membership.updated", "membership.removed"],
      description: "spacesync",
      secret: webhookSecret
    }]
    let webhookN = 1
    let throttleBudget = 0
    let throttled = 0
    let breakNextListing = false

    // ---- the data ----

    const find = (collection: Collection, id: string) => data[collection].find((r) => r._id === id)
    const touch = (record: SeedData.Rec) => {
      record.modifiedAt = new Date(now()).toISOString()
    }
    const remove = (collection: Collection, id: string) => {
      data[collection] = data[collection].filter((r) => r._id !== id)
      if (collection === "locations") data.resources = data.resources.filter((r) => r.location !== id)
    }

    const issue = (granted: ReadonlyArray<string>) => {
      const token = randomBytes(32).toString("base64url")
      tokens.set(token, { scopes: granted, expiresAt: now() + expiresIn * 1000 })
      issuedTokens.push(token)
      secrets.push(token)
      return token
    }

    // ---- the HTTP handlers ----

    const json = (status: number, body: unknown, extra: { [key: string]: string } = {}): LoopbackServer.Response => ({
      status,
      headers: { "content-type": "application/json; charset=utf-8", ...extra },
      body: JSON.stringify(body)
    })

    const tokenEndpoint = (request: LoopbackServer.Request): LoopbackServer.Response => {
      const answer = (status: number, body: unknown) => json(status, body, { "cache-control": "no-store" })
      if (request.method !== "POST") return json(404, errorBody(404, "Not Found", "Cannot GET /oauth/token"))
      const type = String(request.headers["content-type"] ?? "")
      if (!type.includes("application/x-www-form-urlencoded")) {
        return answer(400, { error: "invalid_request", error_description: "Expected a form-encoded body" })
      }
      const params = new URLSearchParams(request.body)
      const grant = params.get("grant_type")
      if (grant === null) return answer(400, { error: "invalid_request", error_description: "Missing grant_type" })
      if (params.get("client_id") !== clientId || params.get("client_secret") !== clientSecret) {
        return answer(401, { error: "invalid_client", error_description: "Invalid client credentials" })
      }
      if (grant !== "client_credentials") return answer(400, { error: "unsupported_grant_type" })
      const asked = (params.get("scope") ?? "").split(/\s+/).filter((s) => s.length > 0)
      if (asked.some((s) => !clientScopes.includes(s))) {
        return answer(400, { error: "invalid_scope", error_description: "The requested scope is invalid" })
      }
      const granted = asked.length > 0 ? asked : clientScopes
      return answer(200, {
        access_token: issue(granted),
        token_type: "Bearer",
        expires_in: expiresIn,
        scope: granted.join(" ")
      })
    }

    const matches = (record: SeedData.Rec, query: URLSearchParams) => {
      for (const key of new Set(query.keys())) {
        if (key.startsWith("$")) continue
        const wanted = query.getAll(key)
        const value = record[key]
        const ok = Array.isArray(value)
          ? value.some((v) => wanted.includes(String(v)))
          : wanted.includes(String(value))
        if (!ok) return false
      }
      return true
    }

    const list = (collection: Collection, request: LoopbackServer.Request): LoopbackServer.Response => {
      const limitParam = request.query.get("$limit")
      let limit = limitMax
      if (limitParam !== null) {
        const n = Number(limitParam)
        if (!/^\d+$/.test(limitParam) || n < 1 || n > limitMax) {
          return json(400, errorBody(400, "Bad Request", [`$limit must not be greater than ${limitMax}`]))
        }
        limit = n
      }
      const size = Math.min(limit, maxPageSize)
      const records = data[collection].filter((r) => matches(r, request.query)).sort((a, b) =>
        a._id < b._id ? -1 : a._id > b._id ? 1 : 0
      )
      const nextParam = request.query.get("$cursorNext")
      const prevParam = request.query.get("$cursorPrev")
      let start = 0
      if (nextParam !== null && nextParam !== "") {
        const cursor = decodeCursor(nextParam)
        if (cursor === undefined) return json(400, errorBody(400, "Bad Request", "Invalid cursor"))
        start = records.findIndex((r) => r._id > cursor.v)
        if (start < 0) start = records.length
      } else if (prevParam !== null && prevParam !== "") {
        const cursor = decodeCursor(prevParam)
        if (cursor === undefined) return json(400, errorBody(400, "Bad Request", "Invalid cursor"))
        const end = records.filter((r) => r._id < cursor.v).length
        start = Math.max(0, end - size)
      }
      if (collection === "locations" && start > 0 && breakNextListing) {
        breakNextListing = false
        return json(400, errorBody(400, "Bad Request", "simulated failure midway"))
      }
      const page = records.slice(start, start + size)
      const body: { [key: string]: unknown } = {
        rangeStart: page.length === 0 ? start : start + 1,
        rangeEnd: start + page.length
      }
      if (start + page.length < records.length && page.length > 0) {
        body.cursorNext = encodeCursor({ k: "_id", p: start + page.length, v: page.at(-1)!._id })
      }
      if (start > 0 && page.length > 0) {
        body.cursorPrev = encodeCursor({ k: "_id", p: start, v: page[0]!._id })
      }
      body.results = page
      return json(200, body)
    }

    const webhooksEndpoint = (
      request: LoopbackServer.Request,
      id: string | undefined
    ): LoopbackServer.Response => {
      if (request.method === "GET" && id === undefined) {
        return json(200, {
          rangeStart: webhooks.length === 0 ? 0 : 1,
          rangeEnd: webhooks.length,
          results: webhooks.map(({ secret: _secret, ...rest }) => rest)
        })
      }
      if (request.method === "POST" && id === undefined) {
        let body: { url?: unknown; eventTypes?: unknown; description?: unknown }
        try {
          body = JSON.parse(request.body) as typeof body
        } catch {
          return json(400, errorBody(400, "Bad Request", "Invalid JSON"))
        }
        if (
          typeof body.url !== "string" || !Array.isArray(body.eventTypes) ||
          !body.eventTypes.every((e) => typeof e === "string")
        ) {
          return json(400, errorBody(400, "Bad Request", ["url must be a string", "eventTypes must be an array"]))
        }
        const secret = randomBytes(24).toString("hex")
        secrets.push(secret)
        const webhook: Webhook = {
          _id: SeedData.oid(0x90, ++webhookN),
          url: body.url,
          eventTypes: body.eventTypes as Array<string>,
          description: typeof body.description === "string" ? body.description : "",
          secret
        }
        webhooks.push(webhook)
        return json(201, webhook)
      }
      if (request.method === "DELETE" && id !== undefined) {
        const index = webhooks.findIndex((w) => w._id === id)
        if (index < 0) return json(404, errorBody(404, "Not Found", "Webhook not found"))
        webhooks.splice(index, 1)
        return { status: 204 }
      }
      return json(404, errorBody(404, "Not Found", `Cannot ${request.method} ${request.path}`))
    }

    const api = (request: LoopbackServer.Request): LoopbackServer.Response => {
      const bearer = /^bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ""))
      const token = bearer === null ? undefined : tokens.get(bearer[1]!.trim())
      if (token === undefined || token.expiresAt <= now()) {
        return json(401, errorBody(401, "Unauthorized", "Unauthorized"))
      }
      if (throttleBudget > 0) {
        throttleBudget--
        throttled++
        return json(429, errorBody(429, "Too Many Requests", "Too Many Requests"), {
          "retry-after": String(Math.max(1, Math.ceil(retryAfterMillis / 1000)))
        })
      }
      const segments = request.path.replace(/^\/api\/v2\/organizations\/?/, "").split("/").filter((s) => s.length > 0)
        .map(decodeURIComponent)
      const [org, name, id, ...rest] = segments
      if (org === undefined || name === undefined || rest.length > 0) {
        return json(404, errorBody(404, "Not Found", `Cannot ${request.method} ${request.path}`))
      }
      if (org !== organization) return json(403, errorBody(403, "Forbidden", "Forbidden resource"))
      if (name === "webhooks") return webhooksEndpoint(request, id)
      if (!isCollection(name)) return json(404, errorBody(404, "Not Found", `Cannot ${request.method} ${request.path}`))
      if (request.method !== "GET") {
        return json(404, errorBody(404, "Not Found", `Cannot ${request.method} ${request.path}`))
      }
      if (options.enforceScopes === true && !token.scopes.includes(scopeOf[name])) {
        return json(403, errorBody(403, "Forbidden", "Insufficient scope"))
      }
      if (id !== undefined) {
        const record = find(name, id)
        return record === undefined ? json(404, errorBody(404, "Not Found", "Not Found")) : json(200, record)
      }
      return list(name, request)
    }

    const server = yield* LoopbackServer.make((request) => {
      if (request.path === "/oauth/token") return tokenEndpoint(request)
      if (request.path.startsWith("/api/v2/organizations/")) return api(request)
      return json(404, errorBody(404, "Not Found", `Cannot ${request.method} ${request.path}`))
    })

    // ---- webhooks ----

    const buildWebhook = (args: WebhookArgs, url: string): Adapter.WebhookRequest => {
      const body = JSON.stringify({
        eventType: args.eventType,
        data: {
          object: args.object,
          ...(args.previousAttributes === undefined ? {} : { previousAttributes: args.previousAttributes })
        }
      })
      const t = args.timestamp ?? Math.floor(now() / 1000)
      return {
        method: "POST",
        url,
        headers: {
          "content-type": "application/json",
          "officernd-signature": signatureHeader(args.secret ?? webhookSecret, body, t)
        },
        body: new TextEncoder().encode(body)
      }
    }

    const sendWebhook = ((args: WebhookArgs & { readonly deliverTo?: string | undefined }) => {
      if (args.deliverTo === undefined) return Effect.sync(() => buildWebhook(args, webhookPath))
      const target = args.deliverTo
      return LoopbackServer.deliver(buildWebhook(args, target), target)
    }) as OfficeRnDSimulator["sendWebhook"]

    const signer: AdapterConformance.WebhookSigner = {
      timestamped: true,
      request: (spoil) =>
        Effect.sync(() => {
          const location = data.locations[0]?._id ?? SeedData.locationIds.lisbon
          const seconds = Math.floor(now() / 1000)
          const signed = buildWebhook({
            eventType: "membership.updated",
            object: {
              _id: SeedData.oid(0xa0, 1),
              name: "Private office (4 desks)",
              location,
              status: "active",
              price: 1200
            },
            previousAttributes: { price: 1100 },
            secret: spoil === "wrongSecret" ? "not-the-webhook-secret" : webhookSecret,
            timestamp: spoil === "stale" ? seconds - 2 * webhookTolerance : seconds
          }, webhookPath)
          if (spoil !== "tamperedBody") return signed
          const text = new TextDecoder().decode(signed.body).replace("\"price\":1200", "\"price\":1")
          return { ...signed, body: new TextEncoder().encode(text) }
        })
    }

    // ---- the conformance hooks ----

    const changedLocation = SeedData.locationIds.lisbon
    const corruptedLocation = SeedData.locationIds.berlin
    const removable = () =>
      data.locations.filter((l) => l._id !== changedLocation && l._id !== corruptedLocation).at(-1)

    const credentials = (secret: string) => ({
      baseUrl: server.url,
      identityUrl: server.url,
      organization,
      clientId,
      clientSecret: secret,
      webhookSecret,
      currency
    })

    const simulator: OfficeRnDSimulator = {
      server,
      url: server.url,
      organization,
      clientId,
      clientSecret,
      webhookSecret,
      data,
      registeredWebhooks: webhooks,
      issuedTokens,
      goodCredentials: credentials(clientSecret),
      badCredentials: credentials(wrongSecret),
      secrets,
      pageSize: maxPageSize < limitMax ? maxPageSize : undefined,
      requests: Effect.sync(() => server.requests.length),
      throttled: Effect.sync(() => throttled),
      retryAfterMillis,
      externalIds: Effect.sync(() => data.locations.map((l) => l._id)),
      changeOnePrice: Effect.sync(() => {
        const plan = find("plans", SeedData.planIds.lisbonOffice)!
        plan.price = Number(plan.price) + 1
        touch(plan)
        return {
          locationExternalId: changedLocation,
          priceExternalId: priceExternalId({ _id: plan._id, location: changedLocation })
        }
      }),
      removeOneLocation: Effect.sync(() => {
        const target = removable()!
        remove("locations", target._id)
        return { externalId: target._id }
      }),
      corruptOneLocation: Effect.sync(() => {
        // The price of a plan limited to that location is not a number.
        const plan = find("plans", SeedData.planIds.berlinOffice)!
        plan.price = "1.900,00"
        touch(plan)
        return { externalId: corruptedLocation }
      }),
      failNextListingMidway: Effect.sync(() => void (breakNextListing = true)),
      throttleNext: (n) => Effect.sync(() => void (throttleBudget += n)),
      webhooks: signer,
      expireTokens: Effect.sync(() => {
        for (const [token, entry] of tokens) tokens.set(token, { ...entry, expiresAt: 0 })
      }),
      update: (collection, id, fields) =>
        Effect.sync(() => {
          const record = find(collection, id)
          if (record === undefined) return
          Object.assign(record, fields)
          touch(record)
        }),
      remove: (collection, id) => Effect.sync(() => remove(collection, id)),
      sendWebhook
    }
    return simulator
  })

/**
 * A simulator for the conformance suite, with a fresh seed for every run: pages of at most 2 results
 * whatever `$limit` asks, so the 5 locations span 3 pages.
 *
 * @since 0.1.0
 */
export const conformance = (options: Options = {}): Effect.Effect<OfficeRnDSimulator, never, Scope.Scope> =>
  Effect.suspend(() => make({ maxPageSize: 2, seed: SeedData.make(), ...options }))
