/**
 * A small imaginary management system, "Example Spaces", and its adapter: the kit's own test of the
 * conformance suite for what the feed adapter does not have (pages, incremental reads, signed webhooks).
 *
 * The API: `GET /v1/spaces?page=&per_page=` lists `{spaces: [{id}], meta: {page, total_pages, revision}}`;
 * `GET /v1/spaces?since=<revision>&page=` lists what changed since a revision, with `meta.deleted_ids`;
 * `GET /v1/spaces/{id}` answers `{space: <canonical snapshot source>}`. Bearer tokens; 429 with
 * `Retry-After`; webhooks signed `x-example-signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`.
 */
import { HttpClientRequest } from "@effect/platform"
import { Effect, Option, Redacted, Schema, type Scope, Stream } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"
import * as Adapter from "../../src/Adapter.js"
import * as AdapterError from "../../src/AdapterError.js"
import * as Pagination from "../../src/Pagination.js"
import type * as AdapterConformance from "../../src/testing/AdapterConformance.js"
import * as Fixtures from "../../src/testing/Fixtures.js"
import * as LoopbackServer from "../../src/testing/LoopbackServer.js"
import * as UpstreamHttp from "../../src/UpstreamHttp.js"

const perPage = 2
const toleranceSeconds = 300

// ---- the adapter ----

const Credentials = Schema.Struct({
  baseUrl: Schema.String,
  token: Schema.Redacted(Schema.NonEmptyString),
  webhookSecret: Schema.Redacted(Schema.NonEmptyString)
})
type Credentials = typeof Credentials.Type

const ListPage = Schema.Struct({
  spaces: Schema.Array(Schema.Struct({ id: Schema.String })),
  meta: Schema.Struct({
    page: Schema.Number,
    total_pages: Schema.Number,
    revision: Schema.Number,
    deleted_ids: Schema.optional(Schema.Array(Schema.String))
  })
})
const Detail = Schema.Struct({ space: Schema.Unknown })

const client = (credentials: Credentials) =>
  UpstreamHttp.make({ baseUrl: credentials.baseUrl, auth: UpstreamHttp.bearer(credentials.token) })

const listPages = (credentials: Credentials, params: Record<string, string>) =>
  Stream.unwrap(Effect.map(client(credentials), (http) =>
    Pagination.pageNumber({
      fetch: (page) =>
        UpstreamHttp.executeJson(
          http,
          HttpClientRequest.get("/v1/spaces", { urlParams: { ...params, page, per_page: perPage } }),
          ListPage
        ).pipe(Effect.map((body) => ({ items: [body], totalPages: body.meta.total_pages })))
    })))

const fetchSpace = (credentials: Credentials, ref: Adapter.LocationRef) =>
  Effect.flatMap(
    client(credentials),
    (http) =>
      UpstreamHttp.executeJson(http, HttpClientRequest.get(`/v1/spaces/${encodeURIComponent(ref.externalId)}`), Detail)
  )
    .pipe(Effect.map((body) => body.space as Adapter.SnapshotSource))

const read = (credentials: Credentials, request: Adapter.ReadRequest) =>
  Stream.suspend(() => {
    let revision: number | undefined
    const all = Adapter.listThenFetch<Credentials>({
      list: (c) =>
        listPages(c, {}).pipe(
          Stream.tap((page) => Effect.sync(() => void (revision ??= page.meta.revision))),
          Stream.flatMap((page) => Stream.fromIterable(page.spaces.map((s) => ({ externalId: s.id }))))
        ),
      fetch: fetchSpace
    })(credentials, request)
    return request._tag === "All"
      ? Adapter.withCheckpoint(all, Effect.sync(() => Option.map(Option.fromNullable(revision), String)))
      : all
  })

const changes = (credentials: Credentials, cursor: string) =>
  Stream.unwrap(Effect.gen(function*() {
    const pages = yield* Stream.runCollect(listPages(credentials, { since: cursor }))
    const list = [...pages]
    const changed = list.flatMap((page) => page.spaces.map((s) => s.id))
    const deleted = list.flatMap((page) => page.meta.deleted_ids ?? [])
    const revision = list[0]?.meta.revision
    return Stream.concat(
      read(credentials, Adapter.ReadRequest.Locations({ externalIds: changed })),
      Stream.fromIterable([
        ...deleted.map((externalId) => Adapter.ReadItem.Deleted({ externalId })),
        ...(revision === undefined ? [] : [Adapter.ReadItem.Checkpoint({ cursor: String(revision) })])
      ])
    )
  }))

const verify = (request: Adapter.WebhookRequest, credentials: Credentials) =>
  Effect.gen(function*() {
    const header = request.headers["x-example-signature"] ?? ""
    const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2) as [string, string]))
    const t = Number(parts.t)
    if (!Number.isInteger(t) || parts.v1 === undefined) return yield* AdapterError.unauthorized("Missing signature")
    if (Math.abs(Date.now() / 1000 - t) > toleranceSeconds) {
      return yield* AdapterError.unauthorized("Stale webhook timestamp")
    }
    const expected = createHmac("sha256", Redacted.value(credentials.webhookSecret))
      .update(`${t}.`).update(request.body).digest()
    const given = Buffer.from(parts.v1, "hex")
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return yield* AdapterError.unauthorized("Bad webhook signature")
    }
    const body = JSON.parse(Buffer.from(request.body).toString("utf8")) as { space_id?: unknown }
    return typeof body.space_id === "string"
      ? Adapter.WebhookTargets.Locations({ externalIds: [body.space_id] })
      : Adapter.WebhookTargets.All()
  })

/** The adapter. */
export const adapter = Adapter.make<Credentials>({
  id: "example",
  name: "Example Spaces",
  credentials: Credentials,
  check: (credentials) =>
    Effect.flatMap(client(credentials), (http) => http.get("/v1/spaces", { urlParams: { per_page: 1 } })).pipe(
      Effect.scoped,
      Effect.asVoid
    ),
  snapshots: { read, changes },
  webhooks: { verify }
})

// ---- the simulator ----

/** Starts the upstream; it stops with the scope. */
export const simulator: Effect.Effect<AdapterConformance.Simulator, never, Scope.Scope> = Effect.gen(function*() {
  const token = "example-token"
  const secret = "example-webhook-secret"
  const spaces = new Map<string, any>()
  const changedAt = new Map<string, number>()
  const deletedAt = new Map<string, number>()
  let revision = 0
  for (let i = 1; i <= 5; i++) {
    const source = Fixtures.locationSource(`sp-${i}`)
    spaces.set(source.location.externalId, structuredClone(source))
    changedAt.set(source.location.externalId, ++revision)
  }
  let throttleBudget = 0
  let throttled = 0
  let breakNextListing = false

  const page = <A>(items: ReadonlyArray<A>, number: number) => ({
    items: items.slice((number - 1) * perPage, number * perPage),
    total: Math.max(1, Math.ceil(items.length / perPage))
  })

  const server = yield* LoopbackServer.make((request) => {
    if (request.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { error: "unauthorized" } }
    if (throttleBudget > 0) {
      throttleBudget--
      throttled++
      return { status: 429, headers: { "retry-after": "1" }, body: { error: "slow down" } }
    }
    if (request.path === "/v1/spaces") {
      const number = Number(request.query.get("page") ?? "1")
      if (number === 2 && breakNextListing) {
        breakNextListing = false
        return { status: 400, body: { error: "page expired" } }
      }
      const since = request.query.get("since")
      const ids = since === null
        ? [...spaces.keys()]
        : [...changedAt].filter(([, at]) => at > Number(since)).map(([id]) => id)
      const deleted = since === null ? [] : [...deletedAt].filter(([, at]) => at > Number(since)).map(([id]) => id)
      const { items, total } = page(ids, number)
      return {
        body: {
          spaces: items.map((id) => ({ id })),
          meta: { page: number, total_pages: total, revision, ...(since === null ? {} : { deleted_ids: deleted }) }
        }
      }
    }
    const id = decodeURIComponent(request.path.replace(/^\/v1\/spaces\//, ""))
    const space = spaces.get(id)
    return space === undefined ? { status: 404, body: { error: "not found" } } : { body: { space } }
  })

  const touch = (id: string) => changedAt.set(id, ++revision)
  let cents = 0

  const sign = (body: string, key: string, t: number) => createHmac("sha256", key).update(`${t}.${body}`).digest("hex")

  return {
    goodCredentials: { baseUrl: server.url, token, webhookSecret: secret },
    badCredentials: { baseUrl: server.url, token: "wrong-token", webhookSecret: "wrong-secret" },
    secrets: [token, secret, "wrong-token", "wrong-secret"],
    pageSize: perPage,
    requests: Effect.sync(() => server.requests.length),
    externalIds: Effect.sync(() => [...spaces.keys()]),
    changeOnePrice: Effect.sync(() => {
      const space = spaces.get("sp-1")
      cents++
      space.prices[0].amount = { ...space.prices[0].amount, amount: `${100 + cents}.00` }
      touch("sp-1")
      return { locationExternalId: "sp-1", priceExternalId: space.prices[0].externalId }
    }),
    removeOneLocation: Effect.sync(() => {
      const id = [...spaces.keys()].at(-1)!
      spaces.delete(id)
      changedAt.delete(id)
      deletedAt.set(id, ++revision)
      return { externalId: id }
    }),
    corruptOneLocation: Effect.sync(() => {
      const space = spaces.get("sp-2")
      space.prices[0].amount = { ...space.prices[0].amount, amount: 12.5 }
      touch("sp-2")
      return { externalId: "sp-2" }
    }),
    failNextListingMidway: Effect.sync(() => void (breakNextListing = true)),
    throttleNext: (n) => Effect.sync(() => void (throttleBudget += n)),
    retryAfterMillis: 1000,
    throttled: Effect.sync(() => throttled),
    webhooks: {
      timestamped: true,
      request: (spoil) =>
        Effect.sync(() => {
          const body = JSON.stringify({ event: "space.updated", space_id: "sp-1" })
          const t = Math.floor(Date.now() / 1000) - (spoil === "stale" ? toleranceSeconds + 60 : 0)
          const signature = sign(body, spoil === "wrongSecret" ? "not-the-secret" : secret, t)
          const sent = spoil === "tamperedBody" ? body.replace("sp-1", "sp-3") : body
          return {
            method: "POST",
            url: "/upstream/acc/webhooks",
            headers: { "x-example-signature": `t=${t},v1=${signature}` },
            body: new TextEncoder().encode(sent)
          }
        })
    }
  }
})
