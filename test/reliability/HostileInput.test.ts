/**
 * Hostile input over every operation of the hub's OpenAPI document (property-based, fast-check): random
 * and mistyped JSON, non-object bodies, missing and extra fields, numbers past every edge, negative and
 * fractional limits, NUL bytes and lone surrogates, very long strings and deep nesting, traversal and
 * percent-encoded junk in path ids, wrong content types, bodies over the limit, and missing, expired,
 * foreign or under-scoped credentials. Every answer must be a 4xx `application/problem+json` (RFC 6749
 * errors on `/oauth/token`), never a 5xx, and no stored row may change.
 *
 * The operations and what each takes come from `/openapi.json` itself, so a new route is covered without
 * touching this file. Runs are reproducible: the seed is fixed (override with `HOSTILE_SEED`), and a failure
 * prints the seed, the path and the request that failed.
 */
import { HttpServer } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import { MemoryUpstream } from "@spacesync/core/testing"
import { bundledAdapters } from "@spacesync/server/BundledAdapters"
import { Effect, Runtime } from "effect"
import fc from "fast-check"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as TestHub from "../../packages/server/test/support/TestHub.js"
import * as Hostile from "./support/HostileRequests.js"

const seed = Number(process.env.HOSTILE_SEED ?? 20_261_201)
/** Cases per operation: ~40 operations × 30 ≈ 1,200 requests. */
const runsPerOperation = Number(process.env.HOSTILE_RUNS ?? 30)

const upstream = MemoryUpstream.makeUpstream("memory-token")
for (let i = 0; i < 3; i++) upstream.locations.set(`L${i}`, Fixtures.locationSource(`L${i}`) as any)

/**
 * Columns that may change while hostile requests are refused, and why. None today: refusing a request
 * writes nothing (access tokens carry no last-use time, rate-limit counters live in memory).
 */
const volatileColumns: ReadonlyArray<string> = []

/** A webhook receiver that is never reached (no delivery workers run here), so deliveries stay as seeded. */
const quietReceiver = Effect.acquireRelease(
  Effect.async<Http.Server>((resume) => {
    const server = Http.createServer((_req, res) => res.writeHead(204).end())
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.async<void>((resume) => {
      server.close(() => resume(Effect.void))
    })
)

const json = (body: unknown, token?: string, method = "POST"): RequestInit => ({
  method,
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body)
})
const auth = (token: string, method = "GET"): RequestInit => ({ method, headers: { authorization: `Bearer ${token}` } })
/** `encodeURIComponent`, with lone surrogates sent as the (invalid) UTF-8 of one. */
const enc = (s: string) =>
  s.split(/([\uD800-\uDFFF])/).map((part) => /^[\uD800-\uDFFF]$/.test(part) ? "%ED%A0%80" : encodeURIComponent(part))
    .join("")
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`

/** Two tenants of each kind with real data: what hostile requests aim at. */
const seedWorld = Effect.gen(function*() {
  const admin = TestHub.adminToken
  const platform = (name: string) =>
    Effect.map(
      TestHub.fetchHub(
        "/admin/platforms",
        json({ name, authorizationUrl: "https://listings.example/authorize" }, admin)
      ),
      (r) => r.json as { platformId: string; clientId: string; clientSecret: string }
    )
  const token = (p: { clientId: string; clientSecret: string }, scope?: string) =>
    Effect.map(
      TestHub.fetchHub("/oauth/token", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: basic(p.clientId, p.clientSecret)
        },
        body: `grant_type=client_credentials${scope === undefined ? "" : `&scope=${encodeURIComponent(scope)}`}`
      }),
      (r) => r.json.access_token as string
    )
  const operator = (name: string) =>
    Effect.map(
      TestHub.fetchHub("/admin/operators", json({ name }, admin)),
      (r) => r.json as { operatorId: string; apiKey: string }
    )
  const platformA = yield* platform("Listings A")
  const platformB = yield* platform("Listings B")
  const tokenA = yield* token(platformA)
  const tokenB = yield* token(platformB)
  const readOnlyA = yield* token(platformA, "locations:read")
  const operatorA = yield* operator("Operator A")
  const operatorB = yield* operator("Operator B")
  const account = (op: { apiKey: string }, name: string) =>
    Effect.gen(function*() {
      const created = (yield* TestHub.fetchHub(
        "/operator/accounts",
        json({ name, adapter: "memory", credentials: { token: "memory-token" } }, op.apiKey)
      )).json
      yield* TestHub.fetchHub(`/operator/accounts/${created.accountId}/sync`, auth(op.apiKey, "POST"))
      const locations = (yield* TestHub.fetchHub(`/operator/accounts/${created.accountId}/locations`, auth(op.apiKey)))
        .json.data as Array<{ locationId: string }>
      return { accountId: created.accountId as string, locations: locations.map((l) => l.locationId) }
    })
  const accountA = yield* account(operatorA, "Main A")
  const accountB = yield* account(operatorB, "Main B")
  const receiver = yield* quietReceiver
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`
  const endpoint = (t: string) =>
    Effect.map(TestHub.fetchHub("/v1/webhook-endpoints", json({ url: hookUrl }, t)), (r) => r.json.id as string)
  const endpointA = yield* endpoint(tokenA)
  const endpointB = yield* endpoint(tokenB)
  const connect = (
    op: { apiKey: string },
    p: { platformId: string },
    t: string,
    locationId: string,
    activate: boolean
  ) =>
    Effect.gen(function*() {
      const created = (yield* TestHub.fetchHub(
        "/operator/connections",
        json({ platformId: p.platformId, locationIds: [locationId] }, op.apiKey)
      )).json
      const state = new URL(created.authorizeUrl).searchParams.get("state")!
      if (activate) {
        yield* TestHub.fetchHub(
          `/v1/connections/${created.connectionId}/activate`,
          json({ state, listings: [{ locationId, listingId: `listing-${locationId}` }] }, t)
        )
      }
      return created.connectionId as string
    })
  const connectionA = yield* connect(operatorA, platformA, tokenA, accountA.locations[0]!, true)
  const pendingA = yield* connect(operatorA, platformA, tokenA, accountA.locations[1]!, false)
  const connectionB = yield* connect(operatorB, platformB, tokenB, accountB.locations[0]!, true)
  const resourcesB = (yield* TestHub.fetchHub(
    `/v1/connections/${connectionB}/locations/${accountB.locations[0]}/resources`,
    auth(tokenB)
  )).json.data as Array<{ id: string }>
  const resources = (yield* TestHub.fetchHub(
    `/v1/connections/${connectionA}/locations/${accountA.locations[0]}/resources`,
    auth(tokenA)
  )).json.data as Array<{ id: string }>
  yield* TestHub.fetchHub(
    `/v1/connections/${connectionA}/locations/${accountA.locations[0]}/resource-map`,
    json({ [resources[0]!.id]: "room-1" }, tokenA, "PUT")
  )
  const deliveries = (yield* TestHub.fetchHub(`/v1/webhook-endpoints/${endpointA}/deliveries`, auth(tokenA))).json
    .data as Array<{ id: string }>
  const deliveriesB = (yield* TestHub.fetchHub(`/v1/webhook-endpoints/${endpointB}/deliveries`, auth(tokenB))).json
    .data as Array<{ id: string }>
  // An access token of platform A that expired an hour ago.
  const sql = yield* SqlClient.SqlClient
  const expired = "at_expired_hostile_input_0123456789"
  yield* sql`insert into spacesync.access_tokens (token_hash, platform_id, scopes, expires_at)
    values (${sha256Hex(expired)}, ${platformA.platformId},
            array['locations:read','webhooks:manage','connections:manage']::text[], now() - interval '1 hour')`
  expect(deliveries.length).toBeGreaterThan(0)
  expect(deliveriesB.length).toBeGreaterThan(0)
  return {
    platformA,
    platformB,
    tokenA,
    tokenB,
    readOnlyA,
    expired,
    operatorA,
    operatorB,
    accountA,
    accountB,
    endpointA,
    connectionA,
    pendingA,
    /** The other tenants' ids (operator B, platform B), by id prefix. */
    foreign: {
      loc: accountB.locations[0]!,
      res: resourcesB[0]!.id,
      con: connectionB,
      plt: platformB.platformId,
      acc: accountB.accountId,
      op: operatorB.operatorId,
      ep: endpointB,
      dlv: deliveriesB[0]!.id
    } as Record<string, string>,
    /** Platform A's own ids, by path parameter name. */
    own: {
      accountId: accountA.accountId,
      connectionId: connectionA,
      locationId: accountA.locations[0]!,
      endpointId: endpointA,
      deliveryId: deliveries[0]!.id,
      platformId: platformA.platformId,
      operatorId: operatorA.operatorId,
      adapterId: "memory"
    } as Record<string, string>
  }
})

type World = Effect.Effect.Success<typeof seedWorld>

/** One hostile request, with the class of input it stands for (for the report) and what it must get. */
interface Case {
  readonly cls: string
  readonly request: Hostile.WireRequest
  /** A GET whose junk may still be valid input (e.g. a random instant): 2xx is fine then. */
  readonly mayBeValid?: boolean
  /** The status it must get, when the class fixes one. */
  readonly expect?: ReadonlyArray<number>
}

const oauthErrors = ["invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"]

/** Why `response` is wrong for `c`, or `undefined`. */
const verdict = (op: Hostile.Operation, c: Case, response: Hostile.WireResponse): string | undefined => {
  const contentType = String(response.headers["content-type"] ?? "")
  if (c.mayBeValid === true && response.status >= 200 && response.status < 300) {
    return contentType.startsWith("application/json") && response.json !== undefined
      ? undefined
      : `a 2xx without a JSON body: ${response.text.slice(0, 200)}`
  }
  if (response.status < 400 || response.status > 499) return `status ${response.status}: ${response.text.slice(0, 300)}`
  if (c.expect !== undefined && !c.expect.includes(response.status)) {
    return `status ${response.status}, expected ${c.expect.join(" or ")}: ${response.text.slice(0, 300)}`
  }
  if (op.path === "/oauth/token") {
    const body = response.json
    if (!contentType.startsWith("application/json")) {
      return `${response.status} with content-type "${contentType}": ${response.text.slice(0, 200)}`
    }
    if (![400, 401].includes(response.status)) return `OAuth status ${response.status}`
    if (body === null || typeof body !== "object" || !oauthErrors.includes(body.error)) {
      return `not an RFC 6749 error: ${response.text.slice(0, 200)}`
    }
    if (body.error_description !== undefined && typeof body.error_description !== "string") {
      return "error_description is not a string"
    }
    if ((body.error === "invalid_client") !== (response.status === 401)) return `${body.error} with ${response.status}`
    return undefined
  }
  if (contentType !== "application/problem+json") {
    return `${response.status} with content-type "${contentType}": ${response.text.slice(0, 200)}`
  }
  const p = response.json
  if (
    p === null || typeof p !== "object" || typeof p.type !== "string" || typeof p.title !== "string" ||
    p.status !== response.status || typeof p.detail !== "string"
  ) return `not a problem: ${response.text.slice(0, 200)}`
  return undefined
}

// ---------------------------------------------------------------------------------------------------------
// Cases per operation
// ---------------------------------------------------------------------------------------------------------

const pathParams = (op: Hostile.Operation) => op.parameters.filter((p) => p.in === "path").map((p) => p.name)
const queryParams = (op: Hostile.Operation) => op.parameters.filter((p) => p.in === "query")

const fillPath = (op: Hostile.Operation, ids: Record<string, string>) =>
  op.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? `${name}_missing`)

/** The credentials that work for `op` (platform A, operator A, the admin), as headers. */
const goodAuth = (w: World, op: Hostile.Operation): Record<string, string> => {
  switch (op.security) {
    case "adminToken":
      return { authorization: `Bearer ${TestHub.adminToken}` }
    case "operatorKey":
      return { authorization: `Bearer ${w.operatorA.apiKey}` }
    case "accessToken":
      return { authorization: `Bearer ${w.tokenA}` }
    case "clientBasic":
      return {}
    case "none":
      return {}
  }
}

/** The example body of `op`, as JSON text with its content type (form-encoded for the token route). */
const exampleBody = (op: Hostile.Operation) => {
  if (op.body === undefined) return { headers: {}, body: undefined }
  if (op.body.contentType === "application/x-www-form-urlencoded") {
    return {
      headers: { "content-type": op.body.contentType },
      body: new URLSearchParams(op.body.example as Record<string, string>).toString()
    }
  }
  return { headers: { "content-type": "application/json" }, body: JSON.stringify(op.body.example ?? {}) }
}

const badCredentials = (w: World, op: Hostile.Operation): fc.Arbitrary<{ header?: string; status: number[] }> => {
  const unauthorized = [401]
  const wrongRole = [
    `Bearer ${w.operatorA.apiKey}`,
    `Bearer ${w.tokenA}`,
    `Bearer ${TestHub.adminToken}`
  ].filter((h) => h !== goodAuth(w, op).authorization)
  const options: Array<fc.Arbitrary<{ header?: string; status: number[] }>> = [
    fc.constant({ status: unauthorized }),
    fc.constantFrom(
      "Bearer",
      "Bearer ",
      "bearer",
      `Bearer ${w.expired}`,
      "Bearer at_unknown",
      "Bearer sk_op_unknown_0123",
      "Bearer sk_admin_nope",
      `Basic ${Buffer.from(`${w.platformA.clientId}:${w.platformA.clientSecret}`).toString("base64")}`,
      `Token ${w.tokenA}`,
      `Bearer ${w.tokenA}x`,
      `Bearer  ${w.tokenA}`,
      `Bearer ${"A".repeat(4_000)}`,
      `Bearer %00`,
      `Bearer \u00ff\u00fe`,
      ...wrongRole
    ).map((header) => ({ header, status: unauthorized })),
    fc.string({ unit: "grapheme-ascii", maxLength: 40 }).map((s) => ({ header: `Bearer ${s}`, status: unauthorized }))
  ]
  // A platform token without the route's scope: 403 (authenticated, not allowed).
  if (op.security === "accessToken") {
    const readable = [
      "getConnection",
      "listConnections",
      "getLocation",
      "getResources",
      "getPrices",
      "getSnapshot",
      "listEvents"
    ]
    if (!readable.some((r) => op.operationId.endsWith(r) || op.operationId === `platform.${r}`)) {
      options.push(fc.constant({ header: `Bearer ${w.readOnlyA}`, status: [403] }))
    }
  }
  return fc.oneof(...options)
}

const contentTypes = fc.constantFrom(
  "text/plain",
  "text/json",
  "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
  "application/xml",
  "application/jsonx",
  "application/octet-stream",
  "json",
  "*/*",
  "application/json-patch"
)

/** Every hostile case for `op`. */
const cases = (w: World, op: Hostile.Operation): fc.Arbitrary<Case> => {
  const params = pathParams(op)
  const ownPath = fillPath(op, w.own)
  const example = exampleBody(op)
  const good = goodAuth(w, op)
  const isToken = op.path === "/oauth/token"
  const isUpstream = op.path.startsWith("/upstream/")
  const arbitraries: Array<fc.WeightedArbitrary<Case>> = []
  const add = (arbitrary: fc.Arbitrary<Case>, weight = 1) => {
    arbitraries.push({ arbitrary, weight })
  }

  // Missing, malformed, expired, unknown, other-role and under-scoped credentials, with a valid request.
  if (op.security !== "none" && !isToken) {
    add(
      badCredentials(w, op).map(({ header, status }): Case => ({
        cls: "credentials",
        expect: status,
        request: {
          method: op.method,
          target: ownPath,
          headers: { ...example.headers, ...(header === undefined ? {} : { authorization: header }) },
          body: example.body
        }
      }))
    )
  }

  // Another tenant's valid credentials on this tenant's ids: 404, as for ids that do not exist.
  if (params.length > 0 && (op.security === "operatorKey" || op.security === "accessToken")) {
    const foreign = op.security === "operatorKey" ? w.operatorB.apiKey : w.tokenB
    add(fc.constant<Case>({
      cls: "foreign",
      expect: [404],
      request: {
        method: op.method,
        target: ownPath,
        headers: { ...example.headers, authorization: `Bearer ${foreign}` },
        body: example.body
      }
    }))
  }

  // Junk in path ids: traversal, percent-encoded NUL and broken UTF-8, ids far too long.
  if (params.length > 0) {
    add(
      fc.tuple(
        fc.subarray(params, { minLength: 1 }),
        fc.array(Hostile.junkPathSegment, { minLength: params.length, maxLength: params.length })
      )
        .map(([which, junk]): Case => ({
          cls: "path",
          request: {
            method: op.method,
            target: fillPath(op, { ...w.own, ...Object.fromEntries(which.map((name, i) => [name, junk[i]!])) }),
            headers: { ...good, ...example.headers },
            body: example.body
          }
        }))
    )
  }

  // Query parameters: limits negative, fractional, huge, not numbers; junk instants, cursors, statuses;
  // repeated parameters.
  const query = queryParams(op)
  if (query.length > 0) {
    const value = (p: Hostile.Parameter): fc.Arbitrary<{ text: string; valid: boolean }> => {
      if (p.schema.type === "integer") {
        const { maximum = Infinity, minimum = -Infinity } = p.schema
        return Hostile.hostileInteger.map((text) => ({
          text: encodeURIComponent(text).replace(/%25/g, "%"),
          valid: /^[0-9]+$/.test(text) && Number(text) >= minimum && Number(text) <= maximum
        }))
      }
      if (p.schema.format === "date-time" || p.name === "before") {
        return Hostile.hostileInstant.map((text) => ({
          text: encodeURIComponent(text),
          // A real instant that PostgreSQL can hold is a valid filter.
          valid: !Number.isNaN(Date.parse(text))
        }))
      }
      return fc.oneof(
        Hostile.junkString,
        fc.string({ maxLength: 20 }),
        Hostile.longString.map((s) => s.slice(0, 1_000))
      )
        .map((text) => ({
          text: enc(text),
          // A string that happens to match the parameter's pattern or enum is a valid filter.
          valid: (typeof p.schema.pattern === "string" && new RegExp(p.schema.pattern).test(text)) ||
            (Array.isArray(p.schema.enum) && p.schema.enum.includes(text))
        }))
    }
    add(
      fc.tuple(fc.constantFrom(...query), fc.boolean()).chain(([p, repeated]) =>
        value(p).map(({ text, valid }): Case => ({
          cls: "query",
          mayBeValid: op.method === "GET" && valid && !repeated,
          request: {
            method: op.method,
            target: `${ownPath}?${p.name}=${text}${repeated ? `&${p.name}=1` : ""}`,
            headers: { ...good, ...example.headers },
            body: example.body
          }
        }))
      )
    )
  }

  // Corrupt JSON bodies: not JSON, not an object, missing or extra fields, wrong types, NUL bytes and lone
  // surrogates, strings past any limit, nesting past any need.
  if (op.body !== undefined && op.body.contentType === "application/json" && !isUpstream) {
    const corrupt = Hostile.bodyCase(op.body.schema, op.body.example)
    add(
      corrupt.map((c): Case => ({
        cls: `body.${c.kind}`,
        expect: [400],
        request: {
          method: op.method,
          target: ownPath,
          headers: { ...good, "content-type": "application/json" },
          body: Hostile.bodyText(op.body!.example, c)
        }
      })),
      6
    )
  }

  // Ids of other tenants inside a valid body (as values and as keys).
  if (op.body !== undefined && op.body.contentType === "application/json" && !isUpstream) {
    const idLike = /^(loc|res|prc|con|plt|acc|op|ep|dlv)_[0-9a-z]+$/
    const swap = (value: unknown): unknown => {
      if (typeof value === "string") {
        const prefix = idLike.exec(value)?.[1]
        return prefix !== undefined && w.foreign[prefix] !== undefined ? w.foreign[prefix] : value
      }
      if (Array.isArray(value)) return value.map(swap)
      if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [swap(k) as string, swap(v)]))
      }
      return value
    }
    const swapped = JSON.stringify(swap(op.body.example))
    if (swapped !== JSON.stringify(op.body.example)) {
      add(fc.constant<Case>({
        cls: "body.foreignIds",
        request: {
          method: op.method,
          target: ownPath,
          headers: { ...good, "content-type": "application/json" },
          body: swapped
        }
      }))
    }
  }

  // Bodies of a type the route does not take (JSON routes): 415 before any of it is read.
  if (!isUpstream && !isToken) {
    add(contentTypes.map((type): Case => ({
      cls: "contentType",
      expect: [415],
      request: {
        method: op.method,
        target: ownPath,
        headers: { ...good, "content-type": type },
        body: example.body ?? "x=1"
      }
    })))
  }

  // Bodies over the limit (1 MB), declared or chunked.
  if (!isToken) {
    add(
      fc.tuple(fc.integer({ min: 1_048_577, max: 1_400_000 }), fc.boolean()).map(([size, chunked]): Case => {
        // Chunked bodies are read only by routes that take one: elsewhere they go with ids that do not exist.
        const target = chunked && op.body === undefined ? fillPath(op, {}) : ownPath
        const text = `{"pad":"${"x".repeat(size)}"}`
        return {
          cls: chunked ? "oversize.chunked" : "oversize.declared",
          mayBeValid: op.method === "GET" && chunked,
          request: {
            method: op.method,
            target,
            headers: { ...good, "content-type": "application/json" },
            body: text,
            chunked
          }
        }
      })
    )
  }

  // Upstream intake: anything, unsigned or wrongly signed.
  if (isUpstream) {
    add(
      fc.tuple(
        fc.oneof(Hostile.anyJson.map((v) => JSON.stringify(v)), fc.string({ unit: "binary", maxLength: 200 })),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""),
        fc.option(fc.oneof(fc.string({ maxLength: 64 }), fc.constant("00".repeat(32))), { nil: undefined })
      ).map(([body, type, signature]): Case => ({
        cls: "upstream.body",
        request: {
          method: op.method,
          target: ownPath,
          headers: {
            ...(type === "" ? {} : { "content-type": type }),
            ...(signature === undefined ? {} : { "x-memory-signature": signature.replace(/[^\x20-\x7e]/g, "") })
          },
          body
        }
      }))
    )
  }

  // The token endpoint: bad client authentication, grant types and scopes, junk fields, wrong types.
  if (isToken) {
    const field = fc.oneof(
      fc.string({ maxLength: 30 }),
      Hostile.junkString,
      Hostile.longString.map((s) => s.slice(0, 20_000))
    )
    const clientPair = fc.oneof(
      fc.constant({ id: w.platformA.clientId, secret: "wrong" }),
      fc.tuple(field, field).map(([id, secret]) => ({ id, secret })),
      fc.constant({ id: w.platformA.clientId, secret: w.platformA.clientSecret })
    )
    const grant = fc.oneof(
      fc.constantFrom(undefined, "", "password", "authorization_code", "CLIENT_CREDENTIALS", "client_credentials "),
      field,
      fc.constant("client_credentials")
    )
    const scope = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom("locations:write", "admin", "locations:read\u0000", "locations:read bogus"),
      field
    )
    add(
      fc.record({
        how: fc.constantFrom("basic", "post", "both", "none", "basicJunk"),
        client: clientPair,
        grant,
        scope,
        repeated: fc.boolean(),
        junkHeader: fc.constantFrom(
          "Basic",
          "Basic !!!",
          "Basic " + Buffer.from("no-colon").toString("base64"),
          "Basic " + Buffer.from("%ZZ:%ZZ").toString("base64"),
          "Basic " + Buffer.from([0xff, 0xfe, 0x3a, 0x00]).toString("base64"),
          "Bearer x",
          "Basic " + "A".repeat(6_000)
        ),
        type: fc.constantFrom(
          "application/x-www-form-urlencoded",
          "application/x-www-form-urlencoded; charset=utf-8",
          "application/json",
          "text/plain",
          "multipart/form-data; boundary=x",
          undefined
        )
      }).filter(({ client, grant, scope, how, type }) => {
        // Only requests that must be refused: never valid credentials with a valid grant and scope.
        const validClient = client.secret === w.platformA.clientSecret && (how === "basic" || how === "post")
        const validScope = scope === undefined ||
          scope.trim().split(/\s+/).every((s) =>
            ["", "locations:read", "webhooks:manage", "connections:manage"].includes(s)
          )
        const formType = type !== undefined && type.startsWith("application/x-www-form-urlencoded")
        return !(validClient && grant === "client_credentials" && validScope && formType)
      }).map(({ client, grant, how, junkHeader, repeated, scope, type }): Case => {
        const form = new URLSearchParams()
        if (grant !== undefined) form.append("grant_type", grant)
        if (repeated && grant !== undefined) form.append("grant_type", "client_credentials")
        if (scope !== undefined) form.append("scope", scope)
        if (how === "post" || how === "both") {
          form.append("client_id", client.id)
          form.append("client_secret", client.secret)
        }
        const headers: Record<string, string> = type === undefined ? {} : { "content-type": type }
        // Long values go in the form: in a header they would pass Node's 16 KB header limit (431 from Node).
        if (how === "basic" || how === "both") {
          headers.authorization = basic(enc(client.id).slice(0, 3_000), enc(client.secret).slice(0, 3_000))
        }
        if (how === "basicJunk") headers.authorization = junkHeader
        const body = type === "application/json"
          ? JSON.stringify(Object.fromEntries(form))
          : form.toString()
        return { cls: `token.${how}`, request: { method: "POST", target: op.path, headers, body } }
      }),
      6
    )
  }

  return fc.oneof(...arbitraries)
}

/**
 * Requests that went wrong before the fixes they name, found by this harness: each is always sent (as a
 * fast-check example) before the random cases of its operation. Keyed by `METHOD /path/template`.
 */
const regressions = (w: World): Record<string, ReadonlyArray<Case>> => {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  const admin = bearer(TestHub.adminToken)
  const jsonHeaders = (token: string) => ({ ...bearer(token), "content-type": "application/json" })
  const oversize = `{"pad":"${"x".repeat(1_100_000)}"}`
  const deep = (depth: number) => `${"[".repeat(depth)}true${"]".repeat(depth)}`
  const form = { "content-type": "application/x-www-form-urlencoded" }
  const client = { authorization: basic(w.platformA.clientId, w.platformA.clientSecret) }
  return {
    // A declared body over the limit on a route that reads none was ignored, and the platform deleted (204).
    "DELETE /admin/platforms/{platformId}": [{
      cls: "regression.oversize",
      expect: [413],
      request: {
        method: "DELETE",
        target: `/admin/platforms/${w.platformA.platformId}`,
        headers: { ...admin, "content-type": "application/json" },
        body: oversize
      }
    }],
    // Lone surrogates were stored (as U+FFFD: 201), NUL characters failed in PostgreSQL (500).
    "POST /admin/operators": [
      {
        cls: "regression.emptyMultipart",
        expect: [415],
        request: {
          method: "POST",
          target: "/admin/operators",
          headers: { ...admin, "content-type": "multipart/form-data; boundary=x" },
          body: ""
        }
      },
      {
        cls: "regression.surrogate",
        expect: [400],
        request: {
          method: "POST",
          target: "/admin/operators",
          headers: jsonHeaders(TestHub.adminToken),
          body: "{\"name\":\"Op\\ud801\"}"
        }
      },
      {
        cls: "regression.nul",
        expect: [400],
        request: {
          method: "POST",
          target: "/admin/operators",
          headers: jsonHeaders(TestHub.adminToken),
          body: "{\"name\":\"Op\\u0000x\"}"
        }
      },
      {
        cls: "regression.long",
        expect: [400],
        request: {
          method: "POST",
          target: "/admin/operators",
          headers: jsonHeaders(TestHub.adminToken),
          body: JSON.stringify({ name: "n".repeat(20_000) })
        }
      },
      // A chunked body (no length) is refused before it is read.
      {
        cls: "regression.chunked",
        expect: [411],
        request: {
          method: "POST",
          target: "/admin/operators",
          headers: jsonHeaders(TestHub.adminToken),
          body: "{\"name\":\"Chunked\"}",
          chunked: true
        }
      }
    ],
    // Free-form credentials: NUL characters and nesting past any need (stack overflow formatting errors: 500).
    "POST /operator/accounts": [
      {
        cls: "regression.nul",
        expect: [400],
        request: {
          method: "POST",
          target: "/operator/accounts",
          headers: jsonHeaders(w.operatorA.apiKey),
          body: JSON.stringify({ name: "A", adapter: "memory", credentials: { token: "memory-token", x: "\u0000" } })
        }
      },
      {
        cls: "regression.deep",
        expect: [400],
        request: {
          method: "POST",
          target: "/operator/accounts",
          headers: jsonHeaders(w.operatorA.apiKey),
          body: `{"name":"A","adapter":"memory","credentials":${deep(20_000)}}`
        }
      }
    ],
    // A deeply nested value where a boolean belongs: formatting the decoding error overflowed the stack (500).
    "PATCH /v1/webhook-endpoints/{endpointId}": [{
      cls: "regression.deep",
      expect: [400],
      request: {
        method: "PATCH",
        target: `/v1/webhook-endpoints/${w.endpointA}`,
        headers: jsonHeaders(w.tokenA),
        body: `{"enabled":${deep(15_000)}}`
      }
    }],
    // A NUL in an endpoint or delivery id reached PostgreSQL (500).
    "GET /v1/webhook-endpoints/{endpointId}": [{
      cls: "regression.nulId",
      request: { method: "GET", target: "/v1/webhook-endpoints/%00", headers: bearer(w.tokenA) }
    }],
    "POST /v1/webhook-endpoints/{endpointId}/rotate-secret": [{
      cls: "regression.nulId",
      request: { method: "POST", target: "/v1/webhook-endpoints/ep_%00/rotate-secret", headers: bearer(w.tokenA) }
    }],
    "GET /v1/deliveries/{deliveryId}": [{
      cls: "regression.nulId",
      request: { method: "GET", target: "/v1/deliveries/%00", headers: bearer(w.tokenA) }
    }],
    "POST /v1/deliveries/{deliveryId}/resend": [{
      cls: "regression.nulId",
      request: { method: "POST", target: "/v1/deliveries/dlv_%00/resend", headers: bearer(w.tokenA) }
    }],
    // Limits that `Number` reads but are no whole numbers.
    "GET /v1/events": ["0x10", "1e2", "%205", "+5"].map((limit): Case => ({
      cls: "regression.limit",
      expect: [400],
      request: { method: "GET", target: `/v1/events?limit=${limit}`, headers: bearer(w.tokenA) }
    })),
    // A chunked upstream webhook over 1 MB: the connection was reset with unread data, losing the 413.
    "POST /upstream/{accountId}/webhooks": [{
      cls: "regression.oversize",
      expect: [413],
      request: {
        method: "POST",
        target: `/upstream/${w.accountA.accountId}/webhooks`,
        headers: { "content-type": "application/json" },
        body: `{"pad":"${"x".repeat(2_000_000)}"}`,
        chunked: true
      }
    }],
    // Instants JavaScript holds but PostgreSQL may not (it starts at 4713 BC): a filter, or a 400, never a 500.
    "GET /v1/webhook-endpoints/{endpointId}/deliveries": ["-200000-01-01T00:00:00Z", "%2B275760-09-13T00:00:00Z"].map((
      before
    ): Case => ({
      cls: "regression.instant",
      mayBeValid: true,
      request: {
        method: "GET",
        target: `/v1/webhook-endpoints/${w.endpointA}/deliveries?before=${before}`,
        headers: bearer(w.tokenA)
      }
    })),
    "POST /v1/webhook-endpoints/{endpointId}/recover": [{
      cls: "regression.instant",
      // Nothing has failed here, so a valid `since` re-queues nothing.
      mayBeValid: true,
      request: {
        method: "POST",
        target: `/v1/webhook-endpoints/${w.endpointA}/recover`,
        headers: jsonHeaders(w.tokenA),
        body: "{\"since\":\"-200000-01-01T00:00:00Z\"}"
      }
    }],
    // The token endpoint answered problem+json (or 500, for multipart) where RFC 6749 errors belong.
    "POST /oauth/token": [
      // A multipart type with an empty body: the framework's multipart decoder waited forever.
      {
        cls: "regression.emptyMultipart",
        request: {
          method: "POST",
          target: "/oauth/token",
          headers: { ...client, "content-type": "multipart/form-data; boundary=x" },
          body: ""
        }
      },
      {
        cls: "regression.multipart",
        request: {
          method: "POST",
          target: "/oauth/token",
          headers: { ...client, "content-type": "multipart/form-data; boundary=x" },
          body: "grant_type=client_credentials"
        }
      },
      {
        cls: "regression.repeated",
        request: {
          method: "POST",
          target: "/oauth/token",
          headers: { ...client, ...form },
          body: "grant_type=client_credentials&grant_type=client_credentials"
        }
      },
      {
        cls: "regression.json",
        request: {
          method: "POST",
          target: "/oauth/token",
          headers: { ...client, "content-type": "application/json" },
          body: "{\"grant_type\":\"client_credentials\"}"
        }
      },
      {
        cls: "regression.nul",
        request: {
          method: "POST",
          target: "/oauth/token",
          headers: form,
          body: `grant_type=client_credentials&client_id=${w.platformA.clientId}%00&client_secret=x`
        }
      },
      {
        cls: "regression.oversize",
        request: {
          method: "POST",
          target: "/oauth/token",
          headers: { ...client, ...form },
          body: `grant_type=password&pad=${"x".repeat(1_100_000)}`
        }
      }
    ]
  }
}

describe("hostile input over every OpenAPI operation", () => {
  it.layer(
    TestHub.layer([MemoryUpstream.adapter(upstream), ...bundledAdapters], {
      SPACESYNC_TOKEN_RATE_PER_CLIENT: "1000000",
      SPACESYNC_TOKEN_RATE_PER_ADDRESS: "1000000"
    }),
    { timeout: 300_000 }
  )((it) => {
    it.effect(
      "every answer is a 4xx problem (RFC 6749 on /oauth/token), and no stored row changes",
      () =>
        Effect.gen(function*() {
          const w = yield* seedWorld
          const sql = yield* SqlClient.SqlClient
          const port = ((yield* HttpServer.HttpServer).address as HttpServer.TcpAddress).port
          const doc = (yield* TestHub.fetchHub("/openapi.json")).json
          const ops = Hostile.operations(doc)
          // Every route of the API is in the document, and so here.
          expect(ops.length).toBeGreaterThanOrEqual(39)
          const runtime = yield* Effect.runtime<never>()
          const run = <A>(effect: Effect.Effect<A, Error>) => Runtime.runPromise(runtime)(effect)
          const regress = regressions(w)
          // Every regression names an operation of the document (a renamed route would drop them silently).
          expect(Object.keys(regress).filter((k) => !ops.some((op) => `${op.method} ${op.path}` === k))).toEqual([])
          const before = Hostile.withoutColumns(yield* Hostile.snapshot(sql), volatileColumns)
          const explore = process.env.HOSTILE_EXPLORE === "1"
          const found: Array<string> = []
          let sent = 0
          const byClass = new Map<string, number>()

          for (const op of ops) {
            const check = async (c: Case) => {
              sent++
              byClass.set(c.cls, (byClass.get(c.cls) ?? 0) + 1)
              const response = await run(Effect.either(Hostile.send(port, c.request)))
              const wrong = response._tag === "Left"
                ? `no answer: ${response.left.message}`
                : verdict(op, c, response.right)
              if (wrong !== undefined) {
                const line =
                  `${op.method} ${op.path} [${c.cls}] ${c.request.method} ${c.request.target.slice(0, 160)} ` +
                  `${JSON.stringify(c.request.headers).slice(0, 200)} body=${
                    String(c.request.body ?? "").slice(0, 160)
                  } → ${wrong}`
                if (explore) found.push(line)
                // fast-check reports the message with the seed, the path and the counterexample.
                else throw new Error(`${c.cls}: ${wrong}`)
              }
              return true
            }
            const property = fc.asyncProperty(cases(w, op), check)
            const opBefore = explore ? yield* Hostile.snapshot(sql) : undefined
            yield* Effect.promise(() =>
              fc.assert(property, {
                seed,
                numRuns: runsPerOperation,
                examples: (regress[`${op.method} ${op.path}`] ?? []).map((c) => [c] as [Case]),
                endOnFailure: true,
                reporter: (details) => {
                  if (details.failed) {
                    throw new Error(
                      `${op.method} ${op.path}: ${fc.defaultReportMessage(details)}\n` +
                        `(rerun with HOSTILE_SEED=${details.seed}; the counterexample is the request above)`
                    )
                  }
                }
              })
            )
            if (opBefore !== undefined) {
              const opAfter = yield* Hostile.snapshot(sql)
              if (JSON.stringify(opAfter) !== JSON.stringify(opBefore)) {
                found.push(`${op.method} ${op.path}: DATA CHANGED`)
              }
            }
            // The hub is still up.
            expect((yield* TestHub.fetchHub("/healthz")).status).toBe(200)
          }
          const after = Hostile.withoutColumns(yield* Hostile.snapshot(sql), volatileColumns)
          console.log(
            `hostile input: ${sent} requests over ${ops.length} operations; by class:`,
            Object.fromEntries(byClass)
          )
          if (explore) console.log(found.join("\n"))
          expect(found).toEqual([])
          expect(after).toEqual(before)
        }).pipe(Effect.scoped),
      300_000
    )
  })
})
