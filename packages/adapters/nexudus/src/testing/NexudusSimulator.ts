/**
 * A Nexudus admin REST API simulator on 127.0.0.1 for tests. It implements the conformance kit's
 * `Simulator`. Shapes come from records the real API returned to a data generator written by a Nexudus
 * staff member, Nexudus' REST reference (field lists, filters, the list envelope, the throttling answer)
 * and Nexudus' help page on webhook signatures; where they disagree the recorded records win.
 *
 * What it serves:
 * - `POST /api/token`, form-encoded `grant_type=password&username=…&password=…` or
 *   `grant_type=refresh_token&refresh_token=…`: `{access_token, token_type: "bearer", expires_in: 604799,
 *   refresh_token}` (about seven days). The OWIN answers of an ASP.NET server: a body that is not
 *   form-encoded (JSON) or another grant answers 400 `{"error":"unsupported_grant_type"}`; a wrong user or
 *   password, or an unknown or revoked refresh token, 400 `{"error":"invalid_grant", "error_description"}`.
 * - `GET /api/sys/businesses`, `/api/sys/simpletimezones`, `/api/sys/taxrates`, `/api/spaces/resources`,
 *   `/api/spaces/resourcetypes`, `/api/billing/tariffs`, `/api/billing/products`,
 *   `/api/billing/extraservices` (booking rates), and one record at `{path}/{id}` (404 `"Not found"`).
 *   Every `/api` route but the token requires `Authorization: Bearer <access token>` (or Basic
 *   `username:password`, which Nexudus also accepts); otherwise 401 `{"Message": "Authorization has been
 *   denied for this request."}`, also once a token expired or was revoked.
 * - Lists in Nexudus' envelope `{Records, CurrentPageSize, CurrentPage, CurrentOrderField,
 *   CurrentSortDirection, FirstItem, HasNextPage, HasPreviousPage, LastItem, PageNumber, PageSize,
 *   TotalItems, TotalPages}`; `page` (1-based), `size` (default 25, documented maximum 1,000: larger sizes
 *   are served 1,000), `orderBy` (a field, default `Id`) and `dir` (`1`/`Ascending`, `-1`/`Descending`).
 *   Query keys are case-insensitive (ASP.NET model binding). `PageNumber`/`PageSize` are not parameters:
 *   they are ignored, as the real API ignores them. The option `maxPageSize` serves shorter pages than
 *   asked (the conformance preset uses 2).
 * - Filters as the reference names them: `<Entity>_<Field>=value` (`Tariff_Business=<business id>`
 *   matches `BusinessId`, `Resource_ResourceType=<id>` `ResourceTypeId`, `ExtraService_ResourceTypes=<id>`
 *   an element of `ResourceTypes`, `Tariff_Currency_Code=GBP` `CurrencyCode`), `Id`, `UniqueId`,
 *   `<Entity>_Id=[id1,id2]`, and ranges `from_<Entity>_<Field>` / `to_<Entity>_<Field>` (inclusive:
 *   `from_Tariff_UpdatedOn=2025-01-01T00:00`, UTC when no offset; an unparseable date answers 400). Unknown
 *   parameters are ignored.
 * - Throttling: `throttleNext(n)` answers the next `n` API requests 409 "You must wait before accessing
 *   this url again." with `Retry-After` in seconds (Nexudus uses 409 "for legacy reasons"), or 429 with a
 *   body "Wait N seconds" (the answer a Nexudus staff member's client parses). With `enforceLimits` it also
 *   enforces the documented limits per token: one request per 100 ms to the same URL, 120 a minute, 5,000
 *   an hour, 200,000 a day (requests it throttles do not count). Off by default, so suites stay fast.
 * - Webhooks (`sendWebhook`) as Nexudus sends them: a POST whose body is a JSON array holding one record
 *   (`JsonConvert.SerializeObject(new[]{dto})`, non-ASCII characters as UTF-8), with
 *   `X-Nexudus-Hook-Signature` = UPPERCASE hex HMAC-SHA256 keyed with the shared secret over the body
 *   encoded as ASCII (.NET's `ASCIIEncoding`: every non-ASCII character becomes `?`). There is no
 *   timestamp. Which bytes travel is unverified: by default the body goes out as UTF-8 (what .NET's
 *   `StringContent` sends), so a body with non-ASCII text differs from the signed one; `webhookWire:
 *   "ascii"` sends the signed bytes instead. The conformance signer's record has non-ASCII names unless
 *   `nonAsciiWebhooks: false`.
 *
 * Not simulated: writes (POST/PUT/DELETE answer 405), `/api/sys/webhooks`, two-factor `totp`, the reason
 * phrase of the 409 status line (Node sends the standard one; the message is in the body).
 *
 * @since 0.1.0
 */
import type { Adapter } from "@spacesync/adapter-kit"
import type { AdapterConformance } from "@spacesync/adapter-kit/testing"
import * as LoopbackServer from "@spacesync/adapter-kit/testing/LoopbackServer"
import { Effect, type Scope } from "effect"
import { createHmac, randomBytes } from "node:crypto"
import * as SeedData from "./SeedData.js"

// ---- constants ----

/** `expires_in` of access tokens: about seven days, as Nexudus issues them. @since 0.1.0 */
export const tokenExpiresInDefault = 604_799

/** The page size when `size` is absent. @since 0.1.0 */
export const pageSizeDefault = 25

/** The documented maximum `size`. @since 0.1.0 */
export const pageSizeMax = 1_000

/** The body of a 409 throttling answer. @since 0.1.0 */
export const throttledMessage = "You must wait before accessing this url again."

/** The signature header of webhooks. @since 0.1.0 */
export const signatureHeaderName = "x-nexudus-hook-signature"

/** The documented request limits. @since 0.1.0 */
export interface Limits {
  /** The least time between two requests to the same URL (path and query), ms. Default 100. */
  readonly intervalMillis: number
  /** Default 120. */
  readonly perMinute: number
  /** Default 5,000. */
  readonly perHour: number
  /** Default 200,000. */
  readonly perDay: number
}

/** @since 0.1.0 */
export const limitsDefault: Limits = { intervalMillis: 100, perMinute: 120, perHour: 5_000, perDay: 200_000 }

// ---- options and the running simulator ----

/** A price the adapter names (`changeOnePrice`). @since 0.1.0 */
export interface PriceRef {
  readonly kind: "tariff" | "product" | "rate" | "signup"
  /** The tariff's, product's or booking rate's `Id` (a sign-up fee's: its tariff's). */
  readonly id: number
  readonly businessId: number
}

/** @since 0.1.0 */
export interface Options {
  /** The user of `goodCredentials`. Default `"api@fauxcowork.example"`. */
  readonly username?: string | undefined
  /** Default a fixed test value. */
  readonly password?: string | undefined
  /** The shared secret webhooks are signed with (in `goodCredentials.webhookSecret`). */
  readonly webhookSecret?: string | undefined
  /** `expires_in` of access tokens, in seconds. Default 604,799. */
  readonly tokenExpiresIn?: number | undefined
  /** How long refresh tokens work, in seconds. Default 30 days (unverified). */
  readonly refreshTokenExpiresIn?: number | undefined
  /** The most records a page holds whatever `size` asks (≤ 1,000). Default 1,000. */
  readonly maxPageSize?: number | undefined
  /** The wait `throttleNext` answers ask for. Default 1,000 ms (`Retry-After: 1`). */
  readonly retryAfterMillis?: number | undefined
  /** The status of `throttleNext` answers when the call names none. Default 409. */
  readonly throttleStatus?: 409 | 429 | undefined
  /** 429 answers also carry `Retry-After` (the body always says "Wait N seconds"). Default false. */
  readonly retryAfterOn429?: boolean | undefined
  /** Enforce the documented request limits per token. Default false. */
  readonly enforceLimits?: boolean | undefined
  /** The limits `enforceLimits` enforces. Default `limitsDefault`. */
  readonly limits?: Partial<Limits> | undefined
  /** Accept HTTP Basic `username:password` on API routes too, as Nexudus does. Default true. */
  readonly basicAuth?: boolean | undefined
  /** The adapter's `externalId` of a price (`changeOnePrice`). Default `tariff-<Id>`, `product-<Id>`… */
  readonly priceExternalId?: ((price: PriceRef) => string) | undefined
  /** The path of the hub's webhook endpoint, used in `WebhookRequest.url`. */
  readonly webhookPath?: string | undefined
  /**
   * The bytes of a webhook body on the wire: `"utf8"` (default: .NET's `StringContent` sends UTF-8, so
   * non-ASCII characters arrive as themselves while the signature covers `?`), or `"ascii"` (the body
   * arrives as the signed ASCII bytes, `?` included). Unverified against a live hook either way.
   */
  readonly webhookWire?: "utf8" | "ascii" | undefined
  /**
   * The conformance signer's booking carries non-ASCII names ("Zoë Ångström"), so that with the `"utf8"`
   * wire its raw body differs from the signed text (a verifier must hash it as Nexudus did). Default true;
   * false keeps the record ASCII-only.
   */
  readonly nonAsciiWebhooks?: boolean | undefined
  /** The server's clock (ms). Default `Date.now`. */
  readonly now?: (() => number) | undefined
  /** The data to serve. Default `SeedData.make()`. */
  readonly seed?: SeedData.Data | undefined
}

/** What `sendWebhook` sends. @since 0.1.0 */
export interface WebhookArgs {
  /** The one record of the body's array (a booking, a coworker, a contract…). */
  readonly record: { readonly [key: string]: unknown }
  /** Sign with this secret instead of the shared one. */
  readonly secret?: string | undefined
  /** The bytes on the wire (default the simulator's `webhookWire`). */
  readonly wire?: "utf8" | "ascii" | undefined
}

/** A delivered webhook: the request and the receiver's answer. @since 0.1.0 */
export interface Delivery {
  readonly request: Adapter.WebhookRequest
  readonly status: number
  readonly body: string
}

/**
 * A running simulator.
 *
 * @since 0.1.0
 */
export interface NexudusSimulator extends AdapterConformance.Simulator {
  readonly server: LoopbackServer.LoopbackServer
  /** The origin: token at `/api/token`, entities at `/api/{module}/{entity}`. */
  readonly url: string
  readonly username: string
  /** The current password (`setPassword` changes it). */
  readonly password: () => string
  readonly webhookSecret: string
  /** The live data (mutate through `update` and `remove` so `UpdatedOn` follows). */
  readonly data: SeedData.Data
  /** Every access token issued so far (also listed in `secrets`). */
  readonly issuedTokens: ReadonlyArray<string>
  /** Every refresh token issued so far (also listed in `secrets`). */
  readonly issuedRefreshTokens: ReadonlyArray<string>
  /** Expires every issued access token (refresh tokens still work): the next API call answers 401. */
  readonly expireTokens: Effect.Effect<void>
  /** Revokes one access token (default: every token, access and refresh). */
  readonly revokeTokens: (token?: string) => Effect.Effect<void>
  /** Changes the password: `password` grants with the old one answer `invalid_grant`. */
  readonly setPassword: (password: string) => Effect.Effect<void>
  /**
   * Answers the next `n` API requests with a throttling answer: 409 with `Retry-After` (default), or 429
   * with a body "Wait N seconds".
   */
  readonly throttleNext: (n: number, status?: 409 | 429) => Effect.Effect<void>
  /** Changes fields of a record and bumps its `UpdatedOn`. */
  readonly update: (
    collection: SeedData.Collection,
    id: number,
    fields: { readonly [key: string]: unknown }
  ) => Effect.Effect<void>
  /** Removes a record (a business with every record of it). */
  readonly remove: (collection: SeedData.Collection, id: number) => Effect.Effect<void>
  /** Sets a tariff's `Price` (and `TotalPrice`). */
  readonly setTariffPrice: (id: number, price: number) => Effect.Effect<void>
  /** Sets a booking rate's `Price`. */
  readonly setRatePrice: (id: number, price: number) => Effect.Effect<void>
  /** Makes a business's own record wrong-typed (`SimpleTimeZoneId` a string). */
  readonly corruptBusiness: (id: number) => Effect.Effect<void>
  /** A signed webhook as the hub would receive it. */
  readonly sendWebhook: (args: WebhookArgs) => Effect.Effect<Adapter.WebhookRequest>
  /** A signed webhook POSTed to `url` (status and body of the answer returned). */
  readonly deliverWebhook: (args: WebhookArgs, url: string) => Effect.Effect<Delivery>
}

// ---- signatures ----

/**
 * The bytes .NET's `ASCIIEncoding` makes of a text: every character outside ASCII (a whole code point,
 * surrogate pairs included) becomes `?`.
 *
 * @since 0.1.0
 */
export const asciiBytes = (text: string): Uint8Array => {
  const out: Array<number> = []
  for (const char of text) {
    const code = char.codePointAt(0)!
    out.push(code < 0x80 ? code : 0x3f)
  }
  return Uint8Array.from(out)
}

/**
 * `X-Nexudus-Hook-Signature`: UPPERCASE hex HMAC-SHA256 keyed with the shared secret over the body as
 * ASCII (a `Uint8Array` body is read as UTF-8 first).
 *
 * @since 0.1.0
 */
export const signature = (secret: string, body: string | Uint8Array): string => {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body)
  return createHmac("sha256", Buffer.from(asciiBytes(secret))).update(asciiBytes(text)).digest("hex").toUpperCase()
}

/** The body Nexudus sends for a record: a JSON array holding it. @since 0.1.0 */
export const webhookBody = (record: { readonly [key: string]: unknown }): string => JSON.stringify([record])

// ---- helpers ----

/** A time as Nexudus serializes it: seven fraction digits, `Z`. @since 0.1.0 */
export const timestamp = (millis: number): string => new Date(millis).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z")

const parseDate = (text: string): number | undefined => {
  const trimmed = text.trim()
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) || trimmed.length === 10 ? trimmed : `${trimmed}Z`
  const millis = Date.parse(zoned.length === 10 ? `${zoned}T00:00:00Z` : zoned)
  return Number.isNaN(millis) ? undefined : millis
}

const reserved = new Set(["page", "size", "orderby", "dir"])

interface Token {
  readonly username: string
  expiresAt: number
  revoked: boolean
}

interface Usage {
  readonly times: Array<number>
  readonly lastByUrl: Map<string, number>
}

/**
 * Starts a simulator; it stops with the scope.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<NexudusSimulator, never, Scope.Scope> =>
  Effect.gen(function*() {
    const now = options.now ?? Date.now
    const username = options.username ?? "api@fauxcowork.example"
    let password = options.password ?? "nx-pass-4f1c9a7e2b"
    const wrongPassword = "nx-wrong-pass-83d0c5"
    const webhookSecret = options.webhookSecret ?? "nx-hook-secret-6b2e0f9d"
    const expiresIn = options.tokenExpiresIn ?? tokenExpiresInDefault
    const refreshExpiresIn = options.refreshTokenExpiresIn ?? 30 * 24 * 3600
    const maxPageSize = Math.max(1, Math.min(options.maxPageSize ?? pageSizeMax, pageSizeMax))
    const retryAfterMillis = options.retryAfterMillis ?? 1_000
    const defaultThrottleStatus = options.throttleStatus ?? 409
    const limits: Limits = { ...limitsDefault, ...options.limits }
    const basicAuth = options.basicAuth ?? true
    const priceExternalId = options.priceExternalId ?? ((price: PriceRef) => `${price.kind}-${price.id}`)
    const webhookPath = options.webhookPath ?? "/upstream/nexudus/webhooks"
    const data = options.seed ?? SeedData.make()

    const accessTokens = new Map<string, Token>()
    const refreshTokens = new Map<string, Token>()
    const issuedTokens: Array<string> = []
    const issuedRefreshTokens: Array<string> = []
    const secrets: Array<string> = [password, wrongPassword, webhookSecret]
    const usage = new Map<string, Usage>()
    const throttleQueue: Array<409 | 429> = []
    let throttled = 0
    let breakNextListing = false

    // ---- the data ----

    const find = (collection: SeedData.Collection, id: number) => data[collection].find((r) => r.Id === id)
    const touch = (record: SeedData.Rec) => {
      record.UpdatedOn = timestamp(now())
    }
    const remove = (collection: SeedData.Collection, id: number) => {
      data[collection] = data[collection].filter((r) => r.Id !== id)
      if (collection === "businesses") {
        for (const name of Object.keys(data) as Array<SeedData.Collection>) {
          if (name !== "businesses") data[name] = data[name].filter((r) => r.BusinessId !== id)
        }
      }
    }

    // ---- tokens ----

    const issue = (user: string) => {
      const access = randomBytes(48).toString("base64url")
      const refresh = randomBytes(16).toString("hex")
      accessTokens.set(access, { username: user, expiresAt: now() + expiresIn * 1000, revoked: false })
      refreshTokens.set(refresh, { username: user, expiresAt: now() + refreshExpiresIn * 1000, revoked: false })
      issuedTokens.push(access)
      issuedRefreshTokens.push(refresh)
      secrets.push(access, refresh)
      return { access_token: access, token_type: "bearer", expires_in: expiresIn, refresh_token: refresh }
    }

    // ---- answers ----

    const json = (status: number, body: unknown, extra: { [key: string]: string } = {}): LoopbackServer.Response => ({
      status,
      headers: { "content-type": "application/json; charset=utf-8", ...extra },
      body: JSON.stringify(body)
    })
    const noCache = { "cache-control": "no-cache", pragma: "no-cache", expires: "-1" }
    const unauthorized = () =>
      json(401, { Message: "Authorization has been denied for this request." }, { "www-authenticate": "Bearer" })
    const notFound = (request: LoopbackServer.Request) =>
      json(404, {
        Message: `No HTTP resource was found that matches the request URI 'https://spaces.nexudus.com${request.url}'.`
      })
    const badRequest = (message: string) => json(400, { Message: message })
    const retryAfterSeconds = (millis: number) => Math.max(1, Math.ceil(millis / 1000))
    const throttleAnswer = (status: 409 | 429, seconds: number): LoopbackServer.Response => {
      throttled++
      if (status === 409) {
        return {
          status: 409,
          headers: { "content-type": "text/plain; charset=utf-8", "retry-after": String(seconds), ...noCache },
          body: throttledMessage
        }
      }
      return {
        status: 429,
        headers: {
          "content-type": "text/plain; charset=utf-8",
          ...(options.retryAfterOn429 === true ? { "retry-after": String(seconds) } : {})
        },
        body: `Wait ${seconds} seconds`
      }
    }

    // ---- the token endpoint ----

    const tokenEndpoint = (request: LoopbackServer.Request): LoopbackServer.Response => {
      const answer = (status: number, body: unknown) => json(status, body, noCache)
      if (request.method !== "POST") {
        return json(405, { Message: `The requested resource does not support http method '${request.method}'.` })
      }
      const type = String(request.headers["content-type"] ?? "").toLowerCase()
      // OWIN reads the grant from a form body only: anything else has no grant_type.
      const params = type.startsWith("application/x-www-form-urlencoded")
        ? new URLSearchParams(request.body)
        : new URLSearchParams()
      const grant = params.get("grant_type")
      if (grant === "password") {
        if (params.get("username") !== username || params.get("password") !== password) {
          return answer(400, { error: "invalid_grant", error_description: "The user name or password is incorrect." })
        }
        return answer(200, issue(username))
      }
      if (grant === "refresh_token") {
        const refresh = params.get("refresh_token") ?? ""
        const entry = refreshTokens.get(refresh)
        if (entry === undefined || entry.revoked || entry.expiresAt <= now()) {
          return answer(400, { error: "invalid_grant" })
        }
        // A refresh token is used once: the answer carries a new one.
        entry.revoked = true
        return answer(200, issue(entry.username))
      }
      return answer(400, { error: "unsupported_grant_type" })
    }

    // ---- authentication and limits ----

    /** The token (or Basic user) a request is authenticated as, if any. */
    const authenticate = (request: LoopbackServer.Request): string | undefined => {
      const header = String(request.headers.authorization ?? "")
      const bearer = /^bearer\s+(.+)$/i.exec(header)
      if (bearer !== null) {
        const token = bearer[1]!.trim()
        const entry = accessTokens.get(token)
        return entry === undefined || entry.revoked || entry.expiresAt <= now() ? undefined : `token:${token}`
      }
      const basic = /^basic\s+(.+)$/i.exec(header)
      if (basic !== null && basicAuth) {
        const decoded = Buffer.from(basic[1]!.trim(), "base64").toString("utf8")
        const colon = decoded.indexOf(":")
        if (colon < 0) return undefined
        return decoded.slice(0, colon) === username && decoded.slice(colon + 1) === password
          ? `basic:${username}`
          : undefined
      }
      return undefined
    }

    /** Seconds to wait when the documented limits refuse the request, else undefined (and it counts). */
    const overLimit = (key: string, url: string): number | undefined => {
      const t = now()
      let entry = usage.get(key)
      if (entry === undefined) {
        entry = { times: [], lastByUrl: new Map() }
        usage.set(key, entry)
      }
      const last = entry.lastByUrl.get(url)
      if (last !== undefined && t - last < limits.intervalMillis) {
        return retryAfterSeconds(last + limits.intervalMillis - t)
      }
      const day = 86_400_000
      while (entry.times.length > 0 && entry.times[0]! <= t - day) entry.times.shift()
      const windows: ReadonlyArray<readonly [number, number]> = [
        [60_000, limits.perMinute],
        [3_600_000, limits.perHour],
        [day, limits.perDay]
      ]
      for (const [span, limit] of windows) {
        const inside = entry.times.filter((time) => time > t - span)
        if (inside.length >= limit) return retryAfterSeconds(inside[inside.length - limit]! + span - t)
      }
      entry.times.push(t)
      entry.lastByUrl.set(url, t)
      return undefined
    }

    // ---- listings ----

    const fieldOf = (record: SeedData.Rec, name: string): string | undefined => {
      const keys = Object.keys(record)
      const lower = name.toLowerCase()
      const candidates = [lower, `${lower}id`, lower.replace(/_/g, "")]
      for (const candidate of candidates) {
        const key = keys.find((k) => k.toLowerCase() === candidate)
        if (key !== undefined) return key
      }
      return undefined
    }

    const idList = (value: string) =>
      value.replace(/^\[|\]$/g, "").split(",").map((s) => s.trim()).filter((s) => s.length > 0)

    const sameValue = (value: unknown, wanted: string) =>
      Array.isArray(value)
        ? value.some((v) => String(v).toLowerCase() === wanted.toLowerCase())
        : String(value).toLowerCase() === wanted.toLowerCase()

    type Filter = (record: SeedData.Rec) => boolean

    /** The filters of a query, or the message of a 400. */
    const filtersOf = (entity: string, query: URLSearchParams): Array<Filter> | string => {
      const filters: Array<Filter> = []
      const prefix = `${entity.toLowerCase()}_`
      for (const [rawKey, value] of query) {
        const key = rawKey.toLowerCase()
        if (reserved.has(key)) continue
        if (key === "id" || key === `${prefix}id`) {
          const ids = idList(value)
          filters.push((r) => ids.includes(String(r.Id)))
          continue
        }
        if (key === "uniqueid") {
          filters.push((r) => String(r.UniqueId).toLowerCase() === value.toLowerCase())
          continue
        }
        const range = /^(from|to)_(.+)$/.exec(key)
        if (range !== null && range[2]!.startsWith(prefix)) {
          const field = range[2]!.slice(prefix.length)
          const from = range[1] === "from"
          // A number bounds a numeric field; anything else is a date (`2025-01-01T00:00`).
          const asDate = value.trim() === "" || Number.isNaN(Number(value))
          const bound = asDate ? parseDate(value) : Number(value)
          if (bound === undefined || Number.isNaN(bound)) return `The value '${value}' is not valid for ${rawKey}.`
          filters.push((r) => {
            const name = fieldOf(r, field)
            const raw = name === undefined ? undefined : r[name]
            if (raw === null || raw === undefined) return false
            const v = asDate ? parseDate(String(raw)) : Number(raw)
            if (v === undefined || Number.isNaN(v)) return false
            return from ? v >= bound : v <= bound
          })
          continue
        }
        if (key.startsWith(prefix)) {
          const field = key.slice(prefix.length)
          filters.push((r) => {
            const name = fieldOf(r, field)
            // An unknown field is ignored, as Nexudus ignores unknown parameters.
            return name === undefined || sameValue(r[name], value)
          })
        }
      }
      return filters
    }

    const envelope = (
      records: ReadonlyArray<SeedData.Rec>,
      page: number,
      size: number,
      orderField: string,
      direction: 1 | -1
    ) => {
      const total = records.length
      const start = (page - 1) * size
      const slice = records.slice(start, start + size)
      const totalPages = Math.ceil(total / size)
      return {
        Records: slice,
        CurrentPageSize: size,
        CurrentPage: page,
        CurrentOrderField: orderField,
        CurrentSortDirection: direction,
        FirstItem: slice.length === 0 ? 0 : start + 1,
        HasNextPage: page < totalPages,
        HasPreviousPage: page > 1,
        LastItem: start + slice.length,
        PageNumber: page,
        PageSize: size,
        TotalItems: total,
        TotalPages: totalPages
      }
    }

    const list = (collection: SeedData.Collection, request: LoopbackServer.Request): LoopbackServer.Response => {
      const { entity } = SeedData.collections[collection]
      const get = (name: string) => {
        for (const [key, value] of request.query) if (key.toLowerCase() === name) return value
        return undefined
      }
      const pageParam = Number(get("page") ?? "1")
      const page = Number.isInteger(pageParam) && pageParam >= 1 ? pageParam : 1
      const sizeParam = Number(get("size") ?? String(pageSizeDefault))
      const size = Math.min(Number.isInteger(sizeParam) && sizeParam >= 1 ? sizeParam : pageSizeDefault, maxPageSize)
      const dirParam = (get("dir") ?? "1").toLowerCase()
      const direction: 1 | -1 = dirParam === "-1" || dirParam === "descending" ? -1 : 1
      const orderParam = get("orderby") ?? "Id"
      const filters = filtersOf(entity, request.query)
      if (typeof filters === "string") return badRequest(filters)
      const records = data[collection].filter((r) => filters.every((f) => f(r)))
      const orderKey = records[0] === undefined ? undefined : fieldOf(records[0], orderParam)
      const compare = (a: unknown, b: unknown) =>
        typeof a === "number" && typeof b === "number" ? a - b : String(a ?? "").localeCompare(String(b ?? ""))
      const sorted = [...records].sort((a, b) =>
        direction * (orderKey === undefined ? 0 : compare(a[orderKey], b[orderKey])) || (a.Id - b.Id)
      )
      if (collection === "businesses" && page >= 2 && breakNextListing) {
        breakNextListing = false
        return badRequest("The request is invalid.")
      }
      return json(200, envelope(sorted, page, size, orderKey ?? orderParam, direction))
    }

    // ---- the API ----

    const byPath = new Map<string, SeedData.Collection>(
      (Object.keys(SeedData.collections) as Array<SeedData.Collection>).map((c) => [SeedData.collections[c].path, c])
    )

    const api = (request: LoopbackServer.Request): LoopbackServer.Response => {
      const who = authenticate(request)
      if (who === undefined) return unauthorized()
      const queued = throttleQueue.shift()
      if (queued !== undefined) return throttleAnswer(queued, retryAfterSeconds(retryAfterMillis))
      if (options.enforceLimits === true) {
        const wait = overLimit(who, request.url)
        if (wait !== undefined) return throttleAnswer(409, wait)
      }
      const path = request.path.replace(/\/+$/, "").toLowerCase()
      const direct = byPath.get(path)
      const match = direct === undefined ? /^(.*)\/([^/]+)$/.exec(path) : null
      const collection = direct ?? (match === null ? undefined : byPath.get(match[1]!))
      if (collection === undefined) return notFound(request)
      if (request.method !== "GET") {
        return json(405, { Message: `The requested resource does not support http method '${request.method}'.` })
      }
      if (direct !== undefined) return list(collection, request)
      const id = Number(match![2])
      const record = Number.isInteger(id) ? find(collection, id) : undefined
      return record === undefined ? json(404, "Not found") : json(200, record)
    }

    const server = yield* LoopbackServer.make((request) => {
      const path = request.path.toLowerCase()
      if (path === "/api/token") return tokenEndpoint(request)
      if (path.startsWith("/api/")) return api(request)
      return notFound(request)
    })

    // ---- webhooks ----

    const buildWebhook = (args: WebhookArgs, url: string): Adapter.WebhookRequest => {
      const body = webhookBody(args.record)
      return {
        method: "POST",
        url,
        headers: {
          "content-type": "application/json; charset=utf-8",
          [signatureHeaderName]: signature(args.secret ?? webhookSecret, body)
        },
        body: (args.wire ?? options.webhookWire ?? "utf8") === "ascii"
          ? asciiBytes(body)
          : new TextEncoder().encode(body)
      }
    }

    const deliverWebhook = (args: WebhookArgs, target: string) =>
      LoopbackServer.deliver(buildWebhook(args, target), target)

    const nonAscii = options.nonAsciiWebhooks ?? true
    /** A booking of a London resource, as a BookingUpdate hook would carry it. */
    const sampleBooking = () => ({
      Id: 1415299001,
      BusinessId: data.businesses[0]?.Id ?? SeedData.businessIds.london,
      ResourceId: SeedData.resourceIds.londonBoardroomAlpha,
      ResourceName: "Boardroom Alpha",
      CoworkerId: 1415200117,
      CoworkerFullName: nonAscii ? "Zoë Ångström" : "Zoe Angstrom",
      FromTime: "2026-03-02T10:00:00Z",
      ToTime: "2026-03-02T11:30:00Z",
      Notes: nonAscii ? "Café order for 6" : "Coffee order for 6",
      Invoiced: false,
      UpdatedOn: timestamp(now()),
      CreatedOn: "2026-02-27T16:04:11.0531234Z",
      UniqueId: "b00c1e9d-0000-4000-8000-0000546b3c09"
    })

    const signer: AdapterConformance.WebhookSigner = {
      timestamped: false,
      request: (spoil) =>
        Effect.sync(() => {
          const signed = buildWebhook({
            record: sampleBooking(),
            secret: spoil === "wrongSecret" ? "not-the-shared-secret" : webhookSecret
          }, webhookPath)
          if (spoil !== "tamperedBody") return signed
          const text = new TextDecoder().decode(signed.body).replace("\"Invoiced\":false", "\"Invoiced\":true")
          return { ...signed, body: new TextEncoder().encode(text) }
        })
    }

    // ---- the conformance hooks ----

    const changedTariff = SeedData.tariffIds.londonDedicatedDesk
    const corruptedBusiness = SeedData.malformed.businessId
    const removable = () =>
      data.businesses.filter((b) => b.Id !== SeedData.businessIds.london && b.Id !== corruptedBusiness).at(-1)

    const credentials = (secret: string) => ({ baseUrl: server.url, username, password: secret, webhookSecret })

    const update = (collection: SeedData.Collection, id: number, fields: { readonly [key: string]: unknown }) => {
      const record = find(collection, id)
      if (record === undefined) return
      Object.assign(record, fields)
      touch(record)
    }

    const simulator: NexudusSimulator = {
      server,
      url: server.url,
      username,
      password: () => password,
      webhookSecret,
      data,
      issuedTokens,
      issuedRefreshTokens,
      goodCredentials: credentials(password),
      badCredentials: credentials(wrongPassword),
      secrets,
      pageSize: maxPageSize < pageSizeMax ? maxPageSize : undefined,
      requests: Effect.sync(() => server.requests.length),
      throttled: Effect.sync(() => throttled),
      retryAfterMillis,
      externalIds: Effect.sync(() => data.businesses.map((b) => String(b.Id))),
      changeOnePrice: Effect.sync(() => {
        const tariff = find("tariffs", changedTariff)!
        const price = Number(tariff.Price) + 1
        update("tariffs", changedTariff, { Price: price, TotalPrice: price })
        return {
          locationExternalId: String(tariff.BusinessId),
          priceExternalId: priceExternalId({ kind: "tariff", id: changedTariff, businessId: Number(tariff.BusinessId) })
        }
      }),
      removeOneLocation: Effect.sync(() => {
        const target = removable()!
        remove("businesses", target.Id)
        return { externalId: String(target.Id) }
      }),
      corruptOneLocation: Effect.sync(() => {
        // A tariff of that business has its price as a string ("199,00"): a number in every real record.
        update(SeedData.malformed.collection, SeedData.malformed.id, {
          [SeedData.malformed.field]: SeedData.malformed.value
        })
        return { externalId: String(corruptedBusiness) }
      }),
      failNextListingMidway: Effect.sync(() => void (breakNextListing = true)),
      throttleNext: (n, status) =>
        Effect.sync(() => {
          for (let i = 0; i < n; i++) throttleQueue.push(status ?? defaultThrottleStatus)
        }),
      webhooks: signer,
      expireTokens: Effect.sync(() => {
        for (const entry of accessTokens.values()) entry.expiresAt = 0
      }),
      revokeTokens: (token) =>
        Effect.sync(() => {
          if (token !== undefined) {
            const entry = accessTokens.get(token) ?? refreshTokens.get(token)
            if (entry !== undefined) entry.revoked = true
            return
          }
          for (const entry of accessTokens.values()) entry.revoked = true
          for (const entry of refreshTokens.values()) entry.revoked = true
        }),
      setPassword: (next) =>
        Effect.sync(() => {
          password = next
          secrets.push(next)
        }),
      update: (collection, id, fields) => Effect.sync(() => update(collection, id, fields)),
      remove: (collection, id) => Effect.sync(() => remove(collection, id)),
      setTariffPrice: (id, price) => Effect.sync(() => update("tariffs", id, { Price: price, TotalPrice: price })),
      setRatePrice: (id, price) => Effect.sync(() => update("extraservices", id, { Price: price })),
      corruptBusiness: (id) => Effect.sync(() => update("businesses", id, { SimpleTimeZoneId: "GMT Standard Time" })),
      sendWebhook: (args) => Effect.sync(() => buildWebhook(args, webhookPath)),
      deliverWebhook
    }
    return simulator
  })

/**
 * A simulator for the conformance suite, with a fresh seed for every run: pages of at most 2 records
 * whatever `size` asks, so the 5 businesses span 3 pages; limits not enforced.
 *
 * @since 0.1.0
 */
export const conformance = (options: Options = {}): Effect.Effect<NexudusSimulator, never, Scope.Scope> =>
  Effect.suspend(() => make({ maxPageSize: 2, seed: SeedData.make(), ...options }))
