/**
 * A BookingSync API v3 simulator on 127.0.0.1 for tests, built from responses recorded against the live
 * API (the VCR cassettes of BookingSync's Ruby client and of `synced`) and the vendor's documentation. It
 * implements the conformance kit's `Simulator`.
 *
 * What it serves:
 * - `POST /oauth/token`, `grant_type=client_credentials` (client id and secret form-encoded, as JSON, or
 *   HTTP Basic): the application's token, scope `public`, `expires_in: 7200`, reading every account that
 *   authorized the application. A wrong secret answers 401 `{"error":"invalid_client", …}` (Doorkeeper's
 *   answer; BookingSync's docs only say "401").
 * - `GET /api/v3/<collection>` and `GET /api/v3/<collection>/<id>[,<id>…]` for `accounts`, `rentals`,
 *   `rates`, `fees`, `rentals_fees`, `taxes`, `rentals_taxes`, `fees_taxes`, `availabilities`,
 *   `special_offers` (scope `public`) and `rates_tables`, `seasons`, `periods`, `rates_rules`,
 *   `nightly_rate_maps` (scope `rates_read`: 403 to the application token). Envelopes as recorded:
 *   `{"links": {"rentals.account": "…/accounts/{rentals.account}", …}, "rentals": […], "meta": {}}`
 *   (`accounts` has no `links`; `fees`, `taxes`, `availabilities`… have no `meta`).
 * - Bearer required on `/api/v3/*`: 401 `{"error":"Not authorized"}` with Doorkeeper's
 *   `WWW-Authenticate`, as recorded.
 * - Pages: `page`, `per_page` (default 50 for rentals and 100 elsewhere, as recorded; capped at
 *   `maxPerPage`, 100 by default), ordered by id; `Link` (first, prev, next, last: only the query the
 *   request had, keys sorted, as recorded), `X-Total-Pages`, `X-Total-Count`, `X-Per-Page`.
 * - `updated_since` (`2016-12-12 11:32:51 UTC` or ISO 8601; empty: everything): records updated at or
 *   after that second, and `meta` as recorded in 2017: `deleted_ids`, `Link` as an object,
 *   `X-Total-Pages`, `X-Total-Count`, `X-Per-Page` (strings). Every API response carries
 *   `X-Updated-Since-Request-Synced-At` (`YYYY-MM-DD HH:MM:SS UTC`), the cursor of the next query.
 * - The rate limit: `rateLimit.limit` requests per `rateLimit.windowSeconds` per application (1,000 an
 *   hour), windows aligned on the clock as BookingSync's (`X-RateLimit-Reset` is the next full hour);
 *   `X-RateLimit-Limit/Remaining/Reset` on every authenticated API response; 429
 *   `API v3 rate limit exceeded.` over it. No `Retry-After`: BookingSync documents and sends none (the
 *   option `sendRetryAfter` adds one).
 * - Webhooks as BookingSync delivers them (`sendWebhook`): a POST of `{"account_id", "event",
 *   "resource"}` with `X-Content-Signature` = lowercase hex HMAC-SHA1(client secret, Ruby
 *   `Base64.encode64(body)`) and `User-Agent: BookingSync Webhook Delivery`.
 *
 * @since 0.1.0
 */
import type { Adapter } from "@spacesync/adapter-kit"
import type { AdapterConformance } from "@spacesync/adapter-kit/testing"
import * as LoopbackServer from "@spacesync/adapter-kit/testing/LoopbackServer"
import { Effect, type Scope } from "effect"
import { createHash, createHmac, randomBytes } from "node:crypto"
import * as SeedData from "./SeedData.js"

// ---- options and the running simulator ----

/** @since 0.1.0 */
export interface Options {
  /** The application's client id. Default `"bookingsync-app"`. */
  readonly clientId?: string | undefined
  /** The application's client secret (also the webhook signing key). Default a fixed test value. */
  readonly clientSecret?: string | undefined
  /** The cap of `per_page`. Default 100, the API's; the conformance suite uses a small one. */
  readonly maxPerPage?: number | undefined
  /** Requests per window per application. Default 1,000 an hour. */
  readonly rateLimit?: { readonly limit?: number | undefined; readonly windowSeconds?: number | undefined } | undefined
  /** The wait `throttleNext` answers ask for, through `X-RateLimit-Reset`. Default 1,000 ms. */
  readonly retryAfterMillis?: number | undefined
  /** Adds `Retry-After` to 429 answers. BookingSync sends none; default false. */
  readonly sendRetryAfter?: boolean | undefined
  /** `expires_in` of issued tokens, in seconds. Default 7,200. */
  readonly tokenExpiresIn?: number | undefined
  /** Scopes of the application's (client credentials) token. Default `["public"]`. */
  readonly applicationScopes?: ReadonlyArray<string> | undefined
  /** How `goodCredentials.accountId` is written: `"4101"` or `4101`. Default string. */
  readonly accountIdAs?: "string" | "number" | undefined
  /**
   * The adapter's `externalId` of the price `changeOnePrice` changes (the nightly amounts of a rate).
   * Default `"<rate id>-nightly"`.
   */
  readonly priceExternalId?: ((rate: { readonly id: number; readonly rental: number }) => string) | undefined
  /** The path of the hub's webhook endpoint, used in `WebhookRequest.url`. */
  readonly webhookPath?: string | undefined
  /** The server's clock (ms). Default `Date.now`. */
  readonly now?: (() => number) | undefined
  /** The data to serve. Default `SeedData.make()`. */
  readonly seed?: SeedData.Data | undefined
  /**
   * Adds a `currency` to these accounts (`{4101: "EUR"}`). NOT BookingSync: no recorded or documented
   * account has a currency field; a rental whose `currency` is null only has the currencies of its rates
   * (and fees). Off by default; for tests that want to check an account-level fallback anyway.
   */
  readonly accountCurrencies?: { readonly [accountId: number]: string } | undefined
}

/** A collection name. @since 0.1.0 */
export type Collection = keyof SeedData.Data

/** What `sendWebhook` sends. @since 0.1.0 */
export interface WebhookArgs {
  readonly accountId: number | string
  /** `rental_updated`, `rental_destroyed`, `rental_created`, `availability_updated`, `fee_updated`… */
  readonly event: string
  /** The serialized resource (see `resource`), as it goes into the body. */
  readonly resource: unknown
  /** Sign with this key instead of the client secret. */
  readonly secret?: string | undefined
}

/**
 * A running simulator.
 *
 * @since 0.1.0
 */
export interface BookingSyncSimulator extends AdapterConformance.Simulator {
  readonly server: LoopbackServer.LoopbackServer
  /** The origin (`http://127.0.0.1:<port>`): token at `/oauth/token`, API at `/api/v3`. */
  readonly url: string
  readonly clientId: string
  readonly clientSecret: string
  /** The account of `goodCredentials`. */
  readonly accountId: number
  /** The live data (mutate it through `update` and `destroy` so `updated_since` sees it). */
  readonly data: SeedData.Data
  /** Every access token issued so far (also listed in `secrets`). */
  readonly issuedTokens: ReadonlyArray<string>
  /** Issues a token directly (an authorization-code token of some accounts, with scopes). */
  readonly issueToken: (options?: {
    readonly accountIds?: ReadonlyArray<number> | undefined
    readonly scopes?: ReadonlyArray<string> | undefined
  }) => Effect.Effect<string>
  /** Expires every issued token (the next API call with one answers 401). */
  readonly expireTokens: Effect.Effect<void>
  /** The account uninstalls the application: the application token no longer sees it. */
  readonly deauthorize: (accountId: number) => Effect.Effect<void>
  /** Changes fields of a record and bumps its `updated_at`. */
  readonly update: (
    collection: Collection,
    id: number,
    fields: { readonly [key: string]: unknown }
  ) => Effect.Effect<void>
  /** Destroys a record (a rental with its rates, fees, taxes, maps): later in `meta.deleted_ids`. */
  readonly destroy: (collection: Collection, id: number) => Effect.Effect<void>
  /** A record as a webhook or the API serializes it: `{"links": {…}, "<collection>": [record]}`. */
  readonly resource: (collection: Collection, id: number) => unknown
  /**
   * A webhook as BookingSync delivers it: returned as the hub would receive it, or POSTed to `deliverTo`
   * (the answer's status and body are returned with it).
   */
  readonly sendWebhook: {
    (args: WebhookArgs): Effect.Effect<Adapter.WebhookRequest>
    (
      args: WebhookArgs & { readonly deliverTo: string }
    ): Effect.Effect<{ readonly request: Adapter.WebhookRequest; readonly status: number; readonly body: string }>
  }
  /** Answers the next listing of `rentals` at page 2 or later with 422 (not retried). */
  readonly failNextListingMidway: Effect.Effect<void>
}

// ---- webhook signatures ----

/**
 * Ruby's `Base64.encode64`: standard base64, a newline after every 60 characters and at the end.
 *
 * @since 0.1.0
 */
export const encode64 = (body: string | Uint8Array): string => {
  const b64 = Buffer.from(body).toString("base64")
  if (b64.length === 0) return ""
  const wrapped = b64.replace(/.{60}/g, "$&\n")
  return wrapped.endsWith("\n") ? wrapped : `${wrapped}\n`
}

/**
 * `X-Content-Signature`: lowercase hex HMAC-SHA1 keyed with the client secret over `encode64(body)`.
 *
 * @since 0.1.0
 */
export const signature = (secret: string, body: string | Uint8Array): string =>
  createHmac("sha1", secret).update(encode64(body)).digest("hex")

/** The user agent of BookingSync's webhook deliveries. @since 0.1.0 */
export const webhookUserAgent = "BookingSync Webhook Delivery"

// ---- serving ----

const mediaType = "application/vnd.api+json; charset=utf-8"
const notAuthorized = { error: "Not authorized" }
// Doorkeeper's standard errors (BookingSync's authorization server is Doorkeeper, per its recorded 401).
const invalidClient = {
  error: "invalid_client",
  error_description:
    "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."
}
const invalidRequest = {
  error: "invalid_request",
  error_description:
    "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed."
}
const unsupportedGrant = {
  error: "unsupported_grant_type",
  error_description: "The authorization grant type is not supported by the authorization server."
}
// Neither the docs nor the recordings show the body of a 403 or a 404; these are Doorkeeper-like guesses.
const forbidden = { error: "Forbidden" }
const notFound = { errors: [{ code: "not_found" }] }

interface CollectionSpec {
  /** Scope needed to read it (`public`: any token). */
  readonly scope: "public" | "rates_read"
  /** Link names of its records, in the order the API lists them (the top-level `links` templates). */
  readonly links: ReadonlyArray<string>
  /** `meta: {}` without `updated_since`, as recorded (some collections send no `meta`). */
  readonly meta: boolean
  /** `per_page` when the request gives none (recorded `X-Per-Page`). */
  readonly defaultPerPage: number
}

const specs: { readonly [K in Collection]: CollectionSpec } = {
  accounts: { scope: "public", links: [], meta: true, defaultPerPage: 100 },
  rentals: {
    scope: "public",
    links: [
      "account",
      "availability",
      "change_over",
      "destination",
      "payment_gateway",
      "rates_table",
      "rental_agreement",
      "rental_cancelation_policy",
      "nightly_rate_map",
      "photos",
      "reviews",
      "special_offers",
      "rates",
      "rentals_amenities",
      "rentals_fees",
      "bathrooms",
      "bedrooms",
      "living_rooms",
      "rentals_tags"
    ],
    meta: true,
    defaultPerPage: 50
  },
  rates: { scope: "public", links: ["rental"], meta: true, defaultPerPage: 100 },
  fees: { scope: "public", links: ["account"], meta: false, defaultPerPage: 100 },
  rentals_fees: { scope: "public", links: ["fee", "rental", "seasons"], meta: true, defaultPerPage: 100 },
  taxes: { scope: "public", links: ["account"], meta: false, defaultPerPage: 100 },
  rentals_taxes: { scope: "public", links: ["rental", "tax"], meta: false, defaultPerPage: 100 },
  fees_taxes: { scope: "public", links: ["fee", "tax"], meta: true, defaultPerPage: 100 },
  availabilities: { scope: "public", links: ["rental"], meta: false, defaultPerPage: 100 },
  special_offers: { scope: "public", links: ["rental"], meta: true, defaultPerPage: 100 },
  nightly_rate_maps: { scope: "rates_read", links: ["rental"], meta: false, defaultPerPage: 100 },
  rates_tables: {
    scope: "rates_read",
    links: ["account", "seasons", "rates_rules", "periods", "rentals"],
    meta: true,
    defaultPerPage: 100
  },
  seasons: { scope: "rates_read", links: ["rates_table", "rates_rules", "periods"], meta: true, defaultPerPage: 100 },
  periods: { scope: "rates_read", links: ["season", "rates_table"], meta: true, defaultPerPage: 100 },
  rates_rules: { scope: "rates_read", links: ["rates_table", "seasons"], meta: true, defaultPerPage: 100 }
}

const isCollection = (name: string): name is Collection => Object.prototype.hasOwnProperty.call(specs, name)

// The collection a link points to: `rates_table` → `rates_tables`, `photos` → `photos`.
const linkTarget = (link: string): string =>
  link === "availability"
    ? "availabilities"
    : link === "rental_cancelation_policy"
    ? "rental_cancelation_policies"
    : link === "tax"
    ? "taxes"
    : link.endsWith("s")
    ? link
    : `${link}s`

// Attributes of a rental that the `public` scope does not show (the docs' public vs rentals_read examples).
const privateRentalFields = [
  "address1",
  "address2",
  "zip",
  "notes",
  "checkin_details",
  "checkout_details",
  "owner_fullname",
  "owner_email",
  "owner_notes"
]

const isoSeconds = (millis: number) => new Date(Math.floor(millis / 1000) * 1000).toISOString().replace(".000Z", "Z")
const syncedAt = (millis: number) => `${isoSeconds(millis).replace("T", " ").replace("Z", "")} UTC`

/** `2016-12-12 11:32:51 UTC`, ISO 8601 or a date: ms, or undefined when it is not a time. */
const parseTime = (value: string): number | undefined => {
  const text = value.trim().replace(/ UTC$/, "Z").replace(/^(\d{4}-\d{2}-\d{2}) /, "$1T")
  const millis = Date.parse(text)
  return Number.isNaN(millis) ? undefined : millis
}

const positiveInt = (value: string | null): number | undefined => {
  if (value === null || !/^\d+$/.test(value)) return undefined
  const n = Number(value)
  return n > 0 ? n : undefined
}

// Adds `units` to a decimal string, keeping its decimals: "100.0" + 1 = "101.0".
const addUnits = (amount: string, units: number) => {
  const [whole, fraction] = amount.split(".")
  return fraction === undefined ? String(Number(whole) + units) : `${Number(whole) + units}.${fraction}`
}

interface Token {
  readonly clientId: string
  /** `undefined`: the application token (every account that authorized the application). */
  readonly accountIds: ReadonlyArray<number> | undefined
  readonly scopes: ReadonlyArray<string>
  readonly expiresAt: number
}

interface Deletion {
  readonly collection: Collection
  readonly id: number
  readonly account: number | undefined
  readonly at: number
}

/**
 * Starts a simulator; it stops with the scope.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<BookingSyncSimulator, never, Scope.Scope> =>
  Effect.gen(function*() {
    const now = options.now ?? Date.now
    const clientId = options.clientId ?? "bookingsync-app"
    const clientSecret = options.clientSecret ?? "bs-client-secret-5f1c0e7a9b"
    const wrongSecret = "bs-wrong-secret-0d44e1c2"
    const maxPerPage = options.maxPerPage ?? 100
    const limit = options.rateLimit?.limit ?? 1_000
    const windowMillis = (options.rateLimit?.windowSeconds ?? 3_600) * 1000
    const retryAfterMillis = options.retryAfterMillis ?? 1_000
    const expiresIn = options.tokenExpiresIn ?? 7_200
    const applicationScopes = options.applicationScopes ?? ["public"]
    const priceExternalId = options.priceExternalId ?? ((rate) => `${rate.id}-nightly`)
    const webhookPath = options.webhookPath ?? "/upstream/bookingsync/webhooks"
    const data = options.seed ?? SeedData.make()
    for (const account of data.accounts) {
      const currency = options.accountCurrencies?.[account.id]
      if (currency !== undefined) account.currency = currency
    }
    const accountId = SeedData.mainAccountId
    const authorized = new Set(SeedData.authorizedAccountIds)

    const tokens = new Map<string, Token>()
    const issuedTokens: Array<string> = []
    const secrets: Array<string> = [clientSecret, wrongSecret]
    const deletions: Array<Deletion> = []
    let windowStart = 0
    let used = 0
    let throttleBudget = 0
    let throttled = 0
    let breakNextListing = false

    // ---- the data ----

    const find = (collection: Collection, id: number) => data[collection].find((r) => r.id === id)

    const ownerOf = (collection: Collection, record: SeedData.Rec): number | undefined => {
      if (collection === "accounts") return record.id
      const links = record.links
      if (typeof links.account === "number") return links.account
      const parent = (name: Collection, id: unknown) => {
        if (typeof id !== "number") return undefined
        const found = find(name, id)
        return found === undefined ? undefined : ownerOf(name, found)
      }
      return parent("rentals", links.rental) ?? parent("fees", links.fee) ?? parent("rates_tables", links.rates_table)
    }

    const issue = (accountIds: ReadonlyArray<number> | undefined, scopes: ReadonlyArray<string>) => {
      const token = randomBytes(32).toString("hex")
      tokens.set(token, { clientId, accountIds, scopes, expiresAt: now() + expiresIn * 1000 })
      issuedTokens.push(token)
      secrets.push(token)
      return token
    }

    const visibleAccounts = (token: Token) =>
      new Set((token.accountIds ?? [...authorized]).filter((id) => authorized.has(id)))

    const serialize = (collection: Collection, record: SeedData.Rec, scopes: ReadonlyArray<string>) => {
      if (collection === "accounts") {
        const { links: _links, ...account } = record
        return account
      }
      if (collection !== "rentals") return record
      const out: { [key: string]: unknown } = { ...record }
      const children = (name: Collection) =>
        data[name].filter((r) => r.links.rental === record.id).map((r) => r.id).sort((a, b) => a - b)
      out.links = {
        ...record.links,
        rates: children("rates"),
        rentals_fees: children("rentals_fees"),
        special_offers: children("special_offers")
      }
      if (!scopes.includes("rentals_read") && !scopes.includes("rentals_write")) {
        for (const field of privateRentalFields) delete out[field]
      }
      return out
    }

    const templates = (origin: string, collection: Collection) =>
      Object.fromEntries(
        specs[collection].links.map((link) => [
          `${collection}.${link}`,
          `${origin}/api/v3/${linkTarget(link)}/{${collection}.${link}}`
        ])
      )

    const envelope = (
      origin: string,
      collection: Collection,
      records: ReadonlyArray<unknown>,
      meta: { readonly [key: string]: unknown } | undefined
    ) => {
      const body: { [key: string]: unknown } = {}
      if (specs[collection].links.length > 0) body.links = templates(origin, collection)
      body[collection] = records
      if (meta !== undefined) body.meta = meta
      return body
    }

    const touch = (record: SeedData.Rec) => {
      record.updated_at = isoSeconds(now())
    }

    const remove = (collection: Collection, id: number) => {
      const list = data[collection]
      const index = list.findIndex((r) => r.id === id)
      if (index < 0) return
      const record = list[index]!
      const account = ownerOf(collection, record)
      if (collection === "rentals") {
        // A destroyed rental takes its dependent records with it.
        for (
          const child of [
            "rates",
            "rentals_fees",
            "rentals_taxes",
            "availabilities",
            "nightly_rate_maps",
            "special_offers"
          ] as const
        ) {
          for (const r of data[child].filter((r) => r.links.rental === id)) {
            deletions.push({ collection: child, id: r.id, account, at: now() })
          }
          data[child] = data[child].filter((r) => r.links.rental !== id)
        }
      }
      list.splice(index, 1)
      deletions.push({ collection, id, account, at: now() })
    }

    // ---- the HTTP handlers ----

    const tokenEndpoint = (request: LoopbackServer.Request): LoopbackServer.Response => {
      const json = (status: number, body: unknown, extra: { [key: string]: string } = {}) => ({
        status,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store",
          pragma: "no-cache",
          ...extra
        },
        body: JSON.stringify(body)
      })
      if (request.method !== "POST") return { status: 404, body: "Not Found" }
      let params: URLSearchParams
      const type = String(request.headers["content-type"] ?? "")
      if (type.includes("application/json")) {
        try {
          const parsed = JSON.parse(request.body) as { [key: string]: unknown }
          params = new URLSearchParams(
            Object.entries(parsed).filter(([, v]) => typeof v === "string") as Array<[string, string]>
          )
        } catch {
          return json(400, invalidRequest)
        }
      } else {
        params = new URLSearchParams(request.body)
      }
      let id = params.get("client_id")
      let secret = params.get("client_secret")
      const authorization = String(request.headers.authorization ?? "")
      const basic = /^basic\s+(.+)$/i.exec(authorization)
      if (basic !== null) {
        const decoded = Buffer.from(basic[1]!, "base64").toString("utf8")
        const colon = decoded.indexOf(":")
        if (colon >= 0) {
          id = decodeURIComponent(decoded.slice(0, colon))
          secret = decodeURIComponent(decoded.slice(colon + 1))
        }
      }
      const grant = params.get("grant_type")
      if (grant === null) return json(400, invalidRequest)
      if (id !== clientId || secret !== clientSecret) {
        return json(401, invalidClient, {
          "www-authenticate":
            `Bearer realm="Doorkeeper", error="invalid_client", error_description="${invalidClient.error_description}"`
        })
      }
      if (grant !== "client_credentials") return json(400, unsupportedGrant)
      const token = issue(undefined, applicationScopes)
      return json(200, {
        access_token: token,
        token_type: "bearer",
        expires_in: expiresIn,
        scope: applicationScopes.join(" "),
        created_at: Math.floor(now() / 1000)
      })
    }

    const api = (request: LoopbackServer.Request, origin: string): LoopbackServer.Response => {
      const bearer = /^bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ""))
      const token = bearer === null ? undefined : tokens.get(bearer[1]!.trim())
      if (token === undefined || token.expiresAt <= now()) {
        const description = token === undefined ? "The access token is invalid" : "The access token expired"
        return {
          status: 401,
          headers: {
            "content-type": "application/json; charset=utf-8",
            "www-authenticate": `Bearer realm="Doorkeeper", error="invalid_token", error_description="${description}"`
          },
          body: JSON.stringify(notAuthorized)
        }
      }

      // The rate limit: per application, in windows aligned on the clock.
      const at = now()
      const start = Math.floor(at / windowMillis) * windowMillis
      if (start !== windowStart) {
        windowStart = start
        used = 0
      }
      used++
      const common: { [key: string]: string } = {
        "content-type": mediaType,
        "x-updated-since-request-synced-at": syncedAt(at),
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": String(Math.max(0, limit - used)),
        "x-ratelimit-reset": String((start + windowMillis) / 1000)
      }
      const tooMany = (resetSeconds: number, waitSeconds: number): LoopbackServer.Response => {
        throttled++
        return {
          status: 429,
          headers: {
            ...common,
            "content-type": "text/plain; charset=utf-8",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(resetSeconds),
            ...(options.sendRetryAfter === true ? { "retry-after": String(Math.max(1, waitSeconds)) } : {})
          },
          body: "API v3 rate limit exceeded."
        }
      }
      if (throttleBudget > 0) {
        throttleBudget--
        // At least `retryAfterMillis` from now, in whole seconds.
        const reset = Math.ceil((at + retryAfterMillis) / 1000)
        return tooMany(reset, Math.ceil(retryAfterMillis / 1000))
      }
      if (used > limit) return tooMany((start + windowMillis) / 1000, Math.ceil((start + windowMillis - at) / 1000))

      const json = (status: number, body: unknown, extra: { [key: string]: string } = {}) => ({
        status,
        headers: { ...common, ...extra },
        body: JSON.stringify(body)
      })

      const segments = request.path.replace(/^\/api\/v3\/?/, "").split("/").filter((s) => s.length > 0)
      const name = segments[0] ?? ""
      if (!isCollection(name) || segments.length > 2) return json(404, notFound)
      const collection = name
      const spec = specs[collection]
      if (request.method !== "GET") return json(403, forbidden)
      if (spec.scope !== "public" && !token.scopes.includes(spec.scope) && !token.scopes.includes("rates_write")) {
        return json(403, forbidden, {
          "www-authenticate":
            `Bearer realm="Doorkeeper", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="${spec.scope}"`
        })
      }

      const visible = visibleAccounts(token)
      const isVisible = (record: SeedData.Rec) => {
        const owner = ownerOf(collection, record)
        return owner !== undefined && visible.has(owner)
      }
      let records = data[collection].filter(isVisible)
      if (segments[1] !== undefined) {
        const ids = new Set(segments[1].split(",").map(Number))
        records = records.filter((r) => ids.has(r.id))
        if (records.length === 0) return json(404, notFound)
      }

      const sinceParam = request.query.get("updated_since")
      let deletedIds: Array<number> | undefined
      if (sinceParam !== null) {
        deletedIds = []
        if (sinceParam.trim() !== "") {
          const since = parseTime(sinceParam)
          if (since === undefined) {
            return json(422, { errors: [{ code: "invalid", field: "updated_since" }] })
          }
          const sinceSecond = Math.floor(since / 1000) * 1000
          records = records.filter((r) => Date.parse(String(r.updated_at)) >= sinceSecond)
          deletedIds = deletions
            .filter((d) =>
              d.collection === collection && d.account !== undefined && visible.has(d.account) &&
              Math.floor(d.at / 1000) * 1000 >= sinceSecond
            )
            .map((d) => d.id)
        }
      }

      records = [...records].sort((a, b) => a.id - b.id)
      const perPage = Math.min(positiveInt(request.query.get("per_page")) ?? spec.defaultPerPage, maxPerPage)
      const page = positiveInt(request.query.get("page")) ?? 1
      if (collection === "rentals" && segments[1] === undefined && page >= 2 && breakNextListing) {
        breakNextListing = false
        return json(422, { errors: [{ code: "unprocessable_entity", title: "simulated failure midway" }] })
      }
      const total = records.length
      const totalPages = Math.max(1, Math.ceil(total / perPage))
      const items = records.slice((page - 1) * perPage, page * perPage).map((r) =>
        serialize(collection, r, token.scopes)
      )

      const pageUrl = (n: number) => {
        const query = new URLSearchParams()
        const keys = [...new Set([...request.query.keys(), "page"])].sort()
        for (const key of keys) query.set(key, key === "page" ? String(n) : request.query.get(key)!)
        return `${origin}${request.path}?${query.toString()}`
      }
      const rels: Array<[string, number]> = [["first", 1]]
      if (page > 1) rels.push(["prev", Math.min(page - 1, totalPages)])
      if (page < totalPages) rels.push(["next", page + 1])
      rels.push(["last", totalPages])
      const link = rels.map(([rel, n]) => `<${pageUrl(n)}>; rel="${rel}"`).join(", ")

      const meta = deletedIds !== undefined
        ? {
          deleted_ids: deletedIds,
          Link: Object.fromEntries(rels.map(([rel, n]) => [rel, pageUrl(n)])),
          "X-Total-Pages": String(totalPages),
          "X-Total-Count": String(total),
          "X-Per-Page": String(perPage)
        }
        : spec.meta
        ? {}
        : undefined
      const body = JSON.stringify(envelope(origin, collection, items, meta))
      const etag = `W/"${createHash("md5").update(body).digest("hex")}"`
      const headers: { [key: string]: string } = {
        ...common,
        link,
        "x-total-pages": String(totalPages),
        "x-total-count": String(total),
        "x-per-page": String(perPage),
        etag,
        "cache-control": "max-age=0, private, must-revalidate"
      }
      if (request.headers["if-none-match"] === etag) {
        return {
          status: 304,
          headers: Object.fromEntries(Object.entries(headers).filter(([key]) => key !== "content-type"))
        }
      }
      return { status: 200, headers, body }
    }

    let origin = ""
    const server = yield* LoopbackServer.make((request) => {
      if (request.path === "/oauth/token") return tokenEndpoint(request)
      if (request.path === "/api/v3" || request.path.startsWith("/api/v3/")) return api(request, origin)
      return { status: 404, body: "Not Found" }
    })
    origin = server.url

    // ---- webhooks ----

    const resource = (collection: Collection, id: number) => {
      const record = find(collection, id)
      if (record === undefined) return undefined
      return envelope(origin, collection, [serialize(collection, record, applicationScopes)], undefined)
    }

    const buildWebhook = (args: WebhookArgs, url: string): Adapter.WebhookRequest => {
      const account = typeof args.accountId === "string" && /^\d+$/.test(args.accountId)
        ? Number(args.accountId)
        : args.accountId
      const body = JSON.stringify({ account_id: account, event: args.event, resource: args.resource })
      return {
        method: "POST",
        url,
        headers: {
          "content-type": "application/json",
          "user-agent": webhookUserAgent,
          "x-content-signature": signature(args.secret ?? clientSecret, body)
        },
        body: new TextEncoder().encode(body)
      }
    }

    const sendWebhook = ((args: WebhookArgs & { readonly deliverTo?: string | undefined }) => {
      if (args.deliverTo === undefined) return Effect.sync(() => buildWebhook(args, webhookPath))
      const target = args.deliverTo
      return LoopbackServer.deliver(buildWebhook(args, target), target)
    }) as BookingSyncSimulator["sendWebhook"]

    // ---- the conformance hooks ----

    const mainRentals = () => data.rentals.filter((r) => r.links.account === accountId)
    const changedRental = 52_001
    const corruptedRental = 52_008
    const removable = () => mainRentals().filter((r) => r.id !== changedRental && r.id !== corruptedRental).at(-1)

    const webhooks: AdapterConformance.WebhookSigner = {
      timestamped: false,
      request: (spoil) =>
        Effect.sync(() => {
          const rentalId = mainRentals()[0]?.id ?? changedRental
          const signed = buildWebhook({
            accountId,
            event: "rental_updated",
            resource: resource("rentals", rentalId),
            secret: spoil === "wrongSecret" ? "not-the-client-secret" : clientSecret
          }, webhookPath)
          if (spoil !== "tamperedBody") return signed
          const text = new TextDecoder().decode(signed.body).replace("\"rental_updated\"", "\"rental_destroyed\"")
          return { ...signed, body: new TextEncoder().encode(text) }
        })
    }

    const simulator: BookingSyncSimulator = {
      server,
      url: server.url,
      clientId,
      clientSecret,
      accountId,
      data,
      issuedTokens,
      goodCredentials: {
        baseUrl: server.url,
        clientId,
        clientSecret,
        accountId: options.accountIdAs === "number" ? accountId : String(accountId)
      },
      badCredentials: {
        baseUrl: server.url,
        clientId,
        clientSecret: wrongSecret,
        accountId: options.accountIdAs === "number" ? accountId : String(accountId)
      },
      secrets,
      pageSize: maxPerPage,
      requests: Effect.sync(() => server.requests.length),
      throttled: Effect.sync(() => throttled),
      retryAfterMillis,
      externalIds: Effect.sync(() => mainRentals().map((r) => String(r.id))),
      changeOnePrice: Effect.sync(() => {
        const rate = data.rates.find((r) => r.links.rental === changedRental && r.final_nightly_rate !== null)!
        for (const field of ["initial_nightly_rate", "final_nightly_rate"]) {
          rate[field] = addUnits(String(rate[field]), 1)
        }
        touch(rate)
        return {
          locationExternalId: String(changedRental),
          priceExternalId: priceExternalId({ id: rate.id, rental: changedRental })
        }
      }),
      removeOneLocation: Effect.sync(() => {
        const target = removable()!
        remove("rentals", target.id)
        return { externalId: String(target.id) }
      }),
      corruptOneLocation: Effect.sync(() => {
        // A rate of the rental whose nightly amount is not a decimal.
        const rate = data.rates.find((r) => r.links.rental === corruptedRental)!
        rate.final_nightly_rate = "361,59"
        touch(rate)
        return { externalId: String(corruptedRental) }
      }),
      failNextListingMidway: Effect.sync(() => void (breakNextListing = true)),
      throttleNext: (n) => Effect.sync(() => void (throttleBudget += n)),
      webhooks,
      issueToken: (tokenOptions = {}) =>
        Effect.sync(() => issue(tokenOptions.accountIds ?? [accountId], tokenOptions.scopes ?? ["public"])),
      expireTokens: Effect.sync(() => {
        for (const [token, entry] of tokens) tokens.set(token, { ...entry, expiresAt: 0 })
      }),
      deauthorize: (id) => Effect.sync(() => void authorized.delete(id)),
      update: (collection, id, fields) =>
        Effect.sync(() => {
          const record = find(collection, id)
          if (record === undefined) return
          Object.assign(record, fields)
          touch(record)
        }),
      destroy: (collection, id) => Effect.sync(() => remove(collection, id)),
      resource,
      sendWebhook
    }
    return simulator
  })

/**
 * A simulator for the conformance suite: pages of 3 rentals (the main account has 7, interleaved with
 * another account's), so that a complete read spans several pages. The suite needs an account whose every
 * rental is readable, so the rental without a currency (which the adapter must report, never guess, and
 * whose own test uses the full seed) gets the currency of its rates here.
 *
 * @since 0.1.0
 */
export const conformance = (options: Options = {}): Effect.Effect<BookingSyncSimulator, never, Scope.Scope> =>
  Effect.suspend(() => {
    const seed = SeedData.make()
    for (const rental of seed.rentals) if (rental.currency === null) rental.currency = "EUR"
    return make({ maxPerPage: 3, seed, ...options })
  })
