/**
 * An Optix simulator on 127.0.0.1 for tests: a real GraphQL server (graphql-js `parse`, `validate`,
 * `execute`) over a verbatim subset of Optix's published schema (`OptixSchema.graphql.ts`), implementing
 * the conformance kit's `Simulator`.
 *
 * **Endpoint and base URL.** Optix serves one endpoint, `POST https://api.optixapp.com/graphql`. An
 * adapter's `baseUrl` credential is the API origin (real: `https://api.optixapp.com`; here the simulator's
 * `url`), and the adapter POSTs to `${baseUrl}/graphql`. The body is JSON (`{query, variables,
 * operationName}`) or form-encoded (`query`, `variables` as a JSON string, `operationName`). Other paths
 * answer 404; other methods 405 (GET is not documented for the API).
 *
 * **Auth** (developer.optixapp.com/using-the-api/): "Include the header Authorization: Bearer TOKEN", "Add
 * URI query parameter access_token=TOKEN" or "Set body parameter access_token" (form-encoded or JSON
 * POST). Organization tokens end in `o`. The docs say only "Make sure to access the Optix GraphQL API using
 * a valid access token, otherwise you will not see the full schema", so a request without a valid token
 * (none, unknown, or revoked with `revoke`) is not refused at the HTTP level: it runs as anonymous — 200,
 * `organization` is `null`, and every other root field fails with a GraphQL error `Unauthorized`
 * (`extensions.code: "UNAUTHENTICATED"`; message and code unverified) and `data` `null`. The option
 * `unauthorized: "401"` answers 401 with the same error envelope instead.
 *
 * **Errors** use the GraphQL envelope `{errors: [{message, locations?, path?, extensions?}], data?}`:
 * a body that is not GraphQL, a syntax error or a validation error (a field, argument or enum value the
 * schema does not have, a too complex or too deep query) answers 400 with `errors` and no `data`, as the
 * reference graphql-js servers do; an error while executing answers 200 with `errors` and `data`
 * (`null` where a non-null field failed).
 *
 * **Listings** take `limit` (default 100) and `page` (default 1) and answer `{total, data}`. Optix
 * documents no maximum `limit`: the simulator clamps it to `maxLimit` (default 100, the documented default)
 * and serves page `page` of that size, so an adapter must page until it has `total` records (or a page
 * comes back empty), not count pages from the limit it asked for. `locations` (and `Organization.locations`)
 * exclude deleted and hidden locations unless `include_deleted` / `include_hidden` are true
 * (`include_visible` defaults to true); `products` defaults to `type: [REGULAR]` (ask `type: [PASS]` for
 * passes) and never lists deleted products (it has no `include_deleted`); `resources` leaves out the
 * resources of deleted locations. `location(location_id)` answers deleted locations too (`is_deleted`).
 *
 * **Limits.** "60 requests/min per token": a sliding window per token (`rateLimit`, `rateWindowMillis`;
 * `rateLimit: false` turns it off), then 429 with `Retry-After` in seconds and a GraphQL error
 * `Too Many Requests` (status, header and message unverified: Optix documents the limit and "counters in
 * the response headers" but not their names; the simulator sends `X-RateLimit-Limit` and
 * `X-RateLimit-Remaining`). `throttleNext(n)` answers the next `n` requests 429 with
 * `Retry-After: ceil(retryAfterMillis / 1000)`. "Queries that are too complex can be rejected": a
 * graphql-js validation rule rejects an operation deeper than `maxDepth` (default 10) or costlier than
 * `maxComplexity` (default 10,000: each field costs 1, and everything under a paged field counts `limit`
 * times), with graphql-php's messages (`Max query depth should be 10 but got 12.`, `Max query complexity
 * should be 10000 but got 25103.`); Optix documents neither number.
 *
 * **Webhooks** as Optix sends them (developer.optixapp.com/using-webhooks/): a form-encoded POST with
 * `client_id`, `created_timestamp`, `organization_id`, `event` and `request_signature =
 * sha1(client_id + secret + created_timestamp)` in hex. The body itself is not signed (`sendWebhook`,
 * `signature`).
 *
 * @since 0.1.0
 */
import type { Adapter } from "@spacesync/adapter-kit"
import type { AdapterConformance } from "@spacesync/adapter-kit/testing"
import * as LoopbackServer from "@spacesync/adapter-kit/testing/LoopbackServer"
import { Effect, type Scope } from "effect"
import {
  buildSchema,
  execute,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLArgument,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLNamedType,
  GraphQLObjectType,
  type GraphQLSchema,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  specifiedRules,
  validate,
  type ValidationContext,
  type ValidationRule,
  valueFromAST
} from "graphql"
import { createHash } from "node:crypto"
import { sdl } from "./OptixSchema.graphql.js"
import * as SeedData from "./SeedData.js"

// ---- options and the running simulator ----

/** @since 0.1.0 */
export interface Options {
  /** The organization token. Default a fixed test value ending in `o`. */
  readonly accessToken?: string | undefined
  /** The app's client id (webhooks). Default `"8431"`. */
  readonly clientId?: string | undefined
  /** The app's secret that signs webhooks. Default a fixed test value. */
  readonly webhookSecret?: string | undefined
  /** Requests a token may make per `rateWindowMillis`; `false`: no limit. Default 60. */
  readonly rateLimit?: number | false | undefined
  /** Default 60,000 ms. */
  readonly rateWindowMillis?: number | undefined
  /** The most records a page holds whatever `limit` asks. Default 100. */
  readonly maxLimit?: number | undefined
  /** The deepest operation accepted. Default 10. */
  readonly maxDepth?: number | undefined
  /** The costliest operation accepted. Default 10,000. */
  readonly maxComplexity?: number | undefined
  /** The wait `throttleNext` answers ask for. Default 1,000 ms. */
  readonly retryAfterMillis?: number | undefined
  /** How requests without a valid token are answered. Default `"anonymous"` (see the module doc). */
  readonly unauthorized?: "anonymous" | "401" | undefined
  /** The location `changeOnePrice` changes a price of, and how. Default: plan `planTemplateIds.ninetyDays`. */
  readonly changeOnePrice?: "plan" | "resource" | undefined
  /**
   * The adapter's `externalId` of a price (`changeOnePrice`). Default `plan-<id>` for a plan template,
   * `resource-<id>-currency` for a resource's price in the currency unit.
   */
  readonly priceExternalId?:
    | ((price: { readonly kind: "plan" | "resource"; readonly id: string; readonly unitType?: string }) => string)
    | undefined
  /** The path of the hub's webhook endpoint, used in `WebhookRequest.url`. */
  readonly webhookPath?: string | undefined
  /** The server's clock (ms). Default `Date.now`. */
  readonly now?: (() => number) | undefined
  /** The data to serve. Default `SeedData.make()`. */
  readonly seed?: SeedData.Data | undefined
}

/** The documented default `limit` of a listing, and the simulator's default maximum. @since 0.1.0 */
export const defaultLimit = 100

/** The endpoint path. @since 0.1.0 */
export const endpointPath = "/graphql"

/** What `sendWebhook` sends. @since 0.1.0 */
export interface WebhookArgs {
  /** `organization_token_updated`, `member_booking_cancelled`… */
  readonly event: string
  /** Default the seed's organization. */
  readonly organizationId?: string | undefined
  /** Default the simulator's client id. */
  readonly clientId?: string | undefined
  /** Signs with this secret instead of the simulator's. */
  readonly secret?: string | undefined
  /** Unix seconds. Default now. */
  readonly createdTimestamp?: number | string | undefined
  /** More form fields (sent after the standard ones, unsigned like every field). */
  readonly fields?: Readonly<Record<string, string>> | undefined
}

/** A GraphQL request the simulator received (after auth). @since 0.1.0 */
export interface Call {
  /** The token presented (header, query or body), if any. */
  readonly token: string | undefined
  readonly query: string
  readonly variables: { readonly [key: string]: unknown } | undefined
  readonly operationName: string | undefined
  /** The HTTP status answered. */
  readonly status: number
  /** The messages of the `errors` answered. */
  readonly errors: ReadonlyArray<string>
}

/**
 * A running simulator.
 *
 * @since 0.1.0
 */
export interface OptixSimulator extends AdapterConformance.Simulator {
  readonly server: LoopbackServer.LoopbackServer
  /** The API origin (the adapter's `baseUrl`); the endpoint is `${url}/graphql`. */
  readonly url: string
  /** `${url}/graphql` */
  readonly endpoint: string
  readonly accessToken: string
  /** A token that was valid and has been revoked. */
  readonly revokedToken: string
  readonly clientId: string
  readonly webhookSecret: string
  readonly goodCredentials: Credentials
  readonly badCredentials: Credentials
  /** The live data. */
  readonly data: SeedData.Data
  /** The GraphQL requests answered (throttled and malformed ones are not in it), oldest first. */
  readonly calls: ReadonlyArray<Call>
  /** Revokes a token (default the account's): it then runs as anonymous (or 401, see `unauthorized`). */
  readonly revoke: (token?: string) => Effect.Effect<void>
  /** Sets a plan template's `price`. */
  readonly setPlanTemplatePrice: (planTemplateId: string, price: number) => Effect.Effect<void>
  /**
   * Sets the `price` (or, with `field: "price_max"`, the cap) of one entry of a resource's `prices`,
   * chosen by its index or by its unit type (`"CURRENCY"`…).
   */
  readonly setResourcePrice: (
    resourceId: string,
    which: number | SeedData.UnitType,
    amount: number | null,
    field?: "price" | "price_max"
  ) => Effect.Effect<void>
  /** Marks a location deleted (`is_deleted: true`, `is_visible: false`), as Optix deletes. */
  readonly deleteLocation: (locationId: string) => Effect.Effect<void>
  /** Hides a location (`is_hidden: true`, `is_visible: false`). */
  readonly hideLocation: (locationId: string) => Effect.Effect<void>
  /**
   * Makes a location's data wrong in a way the schema allows and the adapter must report:
   * `"price"` (default): the first currency price of its first priced resource gets a fraction of a cent
   * (`+ 0.005`); `"timezone"`: its `timezone` is not an IANA zone; `"unit"`: that price's unit type is
   * `UNKNOWN`. Returns the path of the broken value in the `resources`/`locations` listing record.
   */
  readonly corruptLocation: (
    locationId: string,
    how?: "price" | "timezone" | "unit"
  ) => Effect.Effect<{ readonly recordId: string; readonly path: ReadonlyArray<string | number> }>
  /** A webhook as the hub would receive it, or POSTed to `deliverTo` (status and body returned). */
  readonly sendWebhook: {
    (args: WebhookArgs): Effect.Effect<Adapter.WebhookRequest>
    (
      args: WebhookArgs & { readonly deliverTo: string }
    ): Effect.Effect<{ readonly request: Adapter.WebhookRequest; readonly status: number; readonly body: string }>
  }
}

/** The credentials an operator gives the adapter. @since 0.1.0 */
export interface Credentials {
  /** The API origin; the endpoint is `${baseUrl}/graphql`. */
  readonly baseUrl: string
  readonly accessToken: string
  /** The app's client id (webhooks). */
  readonly clientId: string
  /** The app's secret (webhooks). */
  readonly webhookSecret: string
}

/**
 * `request_signature` of an Optix webhook: `sha1(client_id + secret + created_timestamp)`, lower-case hex.
 *
 * @since 0.1.0
 */
export const signature = (clientId: string, secret: string, createdTimestamp: string | number): string =>
  createHash("sha1").update(`${clientId}${secret}${createdTimestamp}`, "utf8").digest("hex")

// ---- the schema and its limits ----

let schemaCache: GraphQLSchema | undefined

/**
 * The executable schema (built once from `OptixSchema.sdl`).
 *
 * @since 0.1.0
 */
export const schema = (): GraphQLSchema => (schemaCache ??= buildSchema(sdl))

const limitOf = (
  node: FieldNode,
  arg: GraphQLArgument,
  variables: { readonly [key: string]: unknown } | undefined,
  maxLimit: number
): number => {
  const given = node.arguments?.find((a) => a.name.value === "limit")
  let value: unknown = arg.defaultValue ?? defaultLimit
  if (given !== undefined) {
    const v = valueFromAST(given.value, arg.type, variables as { [key: string]: unknown } | undefined)
    if (typeof v === "number") value = v
  }
  return typeof value === "number" && Number.isFinite(value) ? Math.max(1, Math.min(value, maxLimit)) : maxLimit
}

/**
 * The depth and cost of an operation: each field costs 1, everything under a field that takes `limit`
 * counts `limit` times (clamped as the listing clamps it). Fields the schema lacks are skipped (validation
 * reports them).
 *
 * @since 0.1.0
 */
export const measure = (
  operation: OperationDefinitionNode,
  fragments: { readonly [name: string]: FragmentDefinitionNode },
  options: { readonly variables?: { readonly [key: string]: unknown } | undefined; readonly maxLimit?: number } = {}
): { readonly depth: number; readonly complexity: number } => {
  const s = schema()
  const maxLimit = options.maxLimit ?? defaultLimit
  const root = operation.operation === "query" ? s.getQueryType() : undefined
  if (root == null) return { depth: 0, complexity: 0 }
  const walk = (
    type: GraphQLNamedType,
    set: SelectionSetNode,
    depth: number,
    seen: ReadonlySet<string>
  ): { depth: number; complexity: number } => {
    let maxDepth = depth
    let cost = 0
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!isObjectType(type)) continue
        const def = (type as GraphQLObjectType).getFields()[selection.name.value]
        if (def === undefined) continue
        const limitArg = def.args.find((a) => a.name === "limit")
        const times = limitArg === undefined ? 1 : limitOf(selection, limitArg, options.variables, maxLimit)
        cost += 1
        if (selection.selectionSet !== undefined) {
          const inner = walk(getNamedType(def.type), selection.selectionSet, depth + 1, seen)
          cost += times * inner.complexity
          maxDepth = Math.max(maxDepth, inner.depth)
        } else {
          maxDepth = Math.max(maxDepth, depth + 1)
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const cond = selection.typeCondition === undefined ? type : s.getType(selection.typeCondition.name.value)
        if (cond == null) continue
        const inner = walk(cond, selection.selectionSet, depth, seen)
        cost += inner.complexity
        maxDepth = Math.max(maxDepth, inner.depth)
      } else {
        const name = selection.name.value
        const fragment = fragments[name]
        if (fragment === undefined || seen.has(name)) continue
        const cond = s.getType(fragment.typeCondition.name.value)
        if (cond == null) continue
        const inner = walk(cond, fragment.selectionSet, depth, new Set([...seen, name]))
        cost += inner.complexity
        maxDepth = Math.max(maxDepth, inner.depth)
      }
    }
    return { depth: maxDepth, complexity: cost }
  }
  return walk(root, operation.selectionSet, 0, new Set())
}

/**
 * A graphql-js validation rule rejecting operations deeper than `maxDepth` or costlier than
 * `maxComplexity` (see `measure`), with graphql-php's `QueryDepth` and `QueryComplexity` messages.
 *
 * @since 0.1.0
 */
export const limitsRule = (options: {
  readonly maxDepth: number
  readonly maxComplexity: number
  readonly maxLimit?: number | undefined
  readonly variables?: { readonly [key: string]: unknown } | undefined
}): ValidationRule =>
(context: ValidationContext) => {
  const fragments: { [name: string]: FragmentDefinitionNode } = {}
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition
  }
  return {
    OperationDefinition(node) {
      const { complexity, depth } = measure(node, fragments, {
        variables: options.variables,
        maxLimit: options.maxLimit ?? defaultLimit
      })
      if (depth > options.maxDepth) {
        context.reportError(
          new GraphQLError(`Max query depth should be ${options.maxDepth} but got ${depth}.`, { nodes: node })
        )
      }
      if (complexity > options.maxComplexity) {
        context.reportError(
          new GraphQLError(`Max query complexity should be ${options.maxComplexity} but got ${complexity}.`, {
            nodes: node
          })
        )
      }
    }
  }
}

// ---- serving helpers ----

type Response = LoopbackServer.Response

const json = (status: number, body: unknown, extra: { readonly [key: string]: string } = {}): Response => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", ...extra },
  body: JSON.stringify(body)
})

const errorsBody = (...messages: ReadonlyArray<string>) => ({ errors: messages.map((message) => ({ message })) })

interface Token {
  revoked: boolean
  readonly window: Array<number>
}

interface Context {
  /** The request carries a valid token of the organization. */
  readonly authenticated: boolean
}

/**
 * Starts a simulator; it stops with the scope.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<OptixSimulator, never, Scope.Scope> =>
  Effect.gen(function*() {
    const now = options.now ?? Date.now
    const data = options.seed ?? SeedData.make()
    const accessToken = options.accessToken ?? "5f3a9c1e7b2d40688e1f0c6a2b9d7e43c1a5f0e8o"
    const revokedToken = "0d7c2a9e4f1b6038a5e9c2d7f4b1e6a39c0d8f25o"
    const clientId = options.clientId ?? "8431"
    const webhookSecret = options.webhookSecret ?? "optix-webhook-secret-6b2e91c4d7a0f358"
    const rateLimit = options.rateLimit ?? 60
    const rateWindow = options.rateWindowMillis ?? 60_000
    const maxLimit = Math.max(1, options.maxLimit ?? defaultLimit)
    const maxDepth = options.maxDepth ?? 10
    const maxComplexity = options.maxComplexity ?? 10_000
    const retryAfterMillis = options.retryAfterMillis ?? 1_000
    const unauthorizedMode = options.unauthorized ?? "anonymous"
    const webhookPath = options.webhookPath ?? "/upstream/optix/webhooks"
    const priceExternalId = options.priceExternalId ??
      ((price) => price.kind === "plan" ? `plan-${price.id}` : `resource-${price.id}-currency`)

    const tokens = new Map<string, Token>([
      [accessToken, { revoked: false, window: [] }],
      [revokedToken, { revoked: true, window: [] }]
    ])
    const calls: Array<Call> = []
    let throttleBudget = 0
    let throttled = 0
    let breakNextListing = false

    // ---- paging and filtering ----

    const authError = () => new GraphQLError("Unauthorized", { extensions: { code: "UNAUTHENTICATED" } })
    const requireAuth = (context: Context) => {
      if (!context.authenticated) throw authError()
    }

    const paginate = <A, R>(
      all: ReadonlyArray<A>,
      args: { readonly limit?: number | null; readonly page?: number | null },
      render: (a: A) => R,
      unfiltered: number
    ) => {
      const limit = Math.max(1, Math.min(args.limit ?? defaultLimit, maxLimit))
      const page = Math.max(1, args.page ?? 1)
      if (page >= 2 && breakNextListing) {
        breakNextListing = false
        throw new Error("Internal server error")
      }
      const total = all.length
      return {
        total,
        data: all.slice((page - 1) * limit, page * limit).map(render),
        found_in_all_locations: total > 0,
        total_in_all_locations: total,
        found_without_filters: unfiltered > 0,
        total_without_filters: unfiltered
      }
    }

    const byId = <A>(key: (a: A) => string) => (a: A, b: A) => Number(key(a)) - Number(key(b))
    const sortBy = <A>(items: Array<A>, order: string | null | undefined, keys: Record<string, (a: A) => unknown>) => {
      if (order == null) return items
      const [, field, dir] = /^(.*)_(ASC|DESC)$/.exec(order) ?? []
      const key = field === undefined ? undefined : keys[field]
      if (key === undefined) return items
      const sign = dir === "DESC" ? -1 : 1
      return [...items].sort((a, b) => {
        const x = key(a)
        const y = key(b)
        if (x === y) return 0
        if (x == null) return 1
        if (y == null) return -1
        return (x < y ? -1 : 1) * sign
      })
    }
    const nameMatches = (name: string | null, wanted: string | null | undefined) =>
      wanted == null || (name ?? "").toLowerCase().includes(wanted.toLowerCase())
    const inIds = (id: string, ids: ReadonlyArray<string> | null | undefined) => ids == null || ids.includes(id)

    const locationById = (id: string) => data.locations.find((l) => l.location_id === id)
    const typeById = (id: string) => data.resourceTypes.find((t) => t.resource_type_id === id)
    const liveResources = () =>
      data.resources.filter((r) => locationById(r.location_id)?.is_deleted !== true).sort(
        byId((r) => r.resource_id)
      )

    interface LocationArgs {
      readonly limit?: number | null
      readonly page?: number | null
      readonly order?: string | null
      readonly include_visible?: boolean | null
      readonly include_deleted?: boolean | null
      readonly include_hidden?: boolean | null
      readonly location_id?: ReadonlyArray<string> | null
      readonly name?: string | null
    }

    const listLocations = (args: LocationArgs) => {
      const all = [...data.locations].sort(byId((l) => l.location_id))
      const wanted = all.filter((l) => {
        if (l.is_deleted === true) return args.include_deleted === true
        if (l.is_hidden === true) return args.include_hidden === true
        return args.include_visible !== false
      }).filter((l) => inIds(l.location_id, args.location_id) && nameMatches(l.name, args.name))
      const sorted = sortBy(wanted, args.order, {
        NAME: (l) => l.name,
        CITY: (l) => l.city,
        EXCLUSIVE_TAX_RATE: (l) => l.exclusive_tax_rate,
        INCLUSIVE_TAX_RATE: (l) => l.inclusive_tax_rate
      })
      return paginate(sorted, args, renderLocation, all.length)
    }

    interface ResourceArgs {
      readonly limit?: number | null
      readonly page?: number | null
      readonly order?: string | null
      readonly resource_id?: ReadonlyArray<string> | null
      readonly location_id?: ReadonlyArray<string> | null
      readonly is_bookable?: boolean | null
      readonly is_assignable?: boolean | null
      readonly name?: string | null
      readonly title?: string | null
      readonly resource_type_id?: ReadonlyArray<string> | null
      readonly capacity_from?: number | null
    }

    const listResources = (args: ResourceArgs) => {
      const all = liveResources()
      const wanted = all.filter((r) =>
        inIds(r.resource_id, args.resource_id) && inIds(r.location_id, args.location_id) &&
        inIds(r.resource_type_id, args.resource_type_id) &&
        (args.is_bookable == null || r.is_bookable === args.is_bookable) &&
        (args.is_assignable == null || r.is_assignable === args.is_assignable) &&
        nameMatches(r.name, args.name ?? args.title) &&
        (args.capacity_from == null || (r.capacity ?? 0) >= args.capacity_from)
      )
      const sorted = sortBy(wanted, args.order, {
        NAME: (r) => r.name,
        TITLE: (r) => r.name,
        CAPACITY: (r) => r.capacity,
        CREATED_TIMESTAMP: (r) => r.created_timestamp,
        LOCATION: (r) => locationById(r.location_id)?.name,
        TYPE: (r) => typeById(r.resource_type_id)?.name,
        IS_BOOKABLE: (r) => r.is_bookable
      })
      return paginate(sorted, args, renderResource, all.length)
    }

    // ---- rendering (nested fields are functions, which graphql-js's default resolver calls) ----

    const renderPrice = (p: SeedData.Price) => ({ unit: { ...p.unit }, price: p.price, price_max: p.price_max })

    function renderLocation(l: SeedData.Location) {
      return {
        ...l,
        checkin_prices: l.checkin_prices.map(renderPrice),
        resources: (args: ResourceArgs) => listResources({ ...args, location_id: [l.location_id] })
      }
    }

    const renderType = (t: SeedData.ResourceType) => ({
      ...t,
      type: t.name,
      resource_count: (args: { readonly location_id?: ReadonlyArray<string> | null }) =>
        liveResources().filter((r) =>
          r.resource_type_id === t.resource_type_id && inIds(r.location_id, args.location_id)
        )
          .length
    })

    function renderResource(r: SeedData.Resource) {
      return {
        ...r,
        title: r.name,
        booking_price_hour: r.prices.find((p) => p.unit.type === "CURRENCY")?.price ?? null,
        booking_price_max: r.prices.find((p) => p.unit.type === "CURRENCY")?.price_max ?? null,
        prices: r.prices.map(renderPrice),
        location: () => {
          const found = locationById(r.location_id)
          if (found === undefined) throw new Error("Internal server error")
          return renderLocation(found)
        },
        type: () => {
          const found = typeById(r.resource_type_id)
          if (found === undefined) throw new Error("Internal server error")
          return renderType(found)
        }
      }
    }

    const locationsOf = (ids: ReadonlyArray<string>) =>
      ids.map(locationById).filter((l): l is SeedData.Location => l !== undefined && l.is_deleted !== true).map(
        renderLocation
      )

    const renderPlan = (p: SeedData.PlanTemplate) => ({ ...p, locations: () => locationsOf(p.location_ids) })
    const renderProduct = (p: SeedData.Product) => ({
      ...p,
      prices: p.prices.map(renderPrice),
      locations: () => locationsOf(p.location_ids)
    })

    const renderOrganization = () => {
      const o = data.organization
      const unit = o.currency_unit_id === null ? undefined : data.units.find((u) => u.unit_id === o.currency_unit_id)
      return {
        ...o,
        tax_rate: o.exclusive_tax_rate,
        currency_unit: unit === undefined ? null : { ...unit },
        units: data.units.map((u) => ({ ...u })),
        locations: (args: LocationArgs) => listLocations(args),
        resource_types: () => [...data.resourceTypes].sort(byId((t) => t.resource_type_id)).map(renderType)
      }
    }

    const availableIn = (
      item: { readonly in_all_locations: boolean; readonly location_ids: ReadonlyArray<string> },
      ids: ReadonlyArray<string> | null | undefined
    ) => ids == null || item.in_all_locations || item.location_ids.some((id) => ids.includes(id))

    // ---- root fields ----

    const rootValue = {
      organization: (
        args: { readonly subdomain?: string | null; readonly organization_uuid?: string | null },
        context: Context
      ) => {
        const o = data.organization
        const named = (args.subdomain != null && args.subdomain === o.subdomain) ||
          (args.organization_uuid != null && args.organization_uuid === o.organization_uuid)
        const other = (args.subdomain != null && args.subdomain !== o.subdomain) ||
          (args.organization_uuid != null && args.organization_uuid !== o.organization_uuid)
        if (other) return null
        return context.authenticated || named ? renderOrganization() : null
      },
      locations: (args: LocationArgs, context: Context) => {
        requireAuth(context)
        return listLocations(args)
      },
      location: (args: { readonly location_id: string }, context: Context) => {
        requireAuth(context)
        const found = locationById(args.location_id)
        return found === undefined ? null : renderLocation(found)
      },
      resources: (args: ResourceArgs, context: Context) => {
        requireAuth(context)
        return listResources(args)
      },
      resource: (args: { readonly resource_id: string }, context: Context) => {
        requireAuth(context)
        const found = liveResources().find((r) => r.resource_id === args.resource_id)
        return found === undefined ? null : renderResource(found)
      },
      resourceTypes: (
        args: {
          readonly limit?: number | null
          readonly page?: number | null
          readonly order?: string | null
          readonly resource_type_id?: ReadonlyArray<string> | null
          readonly name?: string | null
          readonly booking_experience?: ReadonlyArray<string> | null
        },
        context: Context
      ) => {
        requireAuth(context)
        const all = [...data.resourceTypes].sort(byId((t) => t.resource_type_id))
        const wanted = all.filter((t) =>
          inIds(t.resource_type_id, args.resource_type_id) && nameMatches(t.name, args.name) &&
          (args.booking_experience == null || args.booking_experience.includes(t.booking_experience))
        )
        return paginate(sortBy(wanted, args.order ?? "NAME_ASC", { NAME: (t) => t.name }), args, renderType, all.length)
      },
      resourceType: (args: { readonly resource_type_id: string }, context: Context) => {
        requireAuth(context)
        const found = typeById(args.resource_type_id)
        return found === undefined ? null : renderType(found)
      },
      planTemplates: (
        args: {
          readonly limit?: number | null
          readonly page?: number | null
          readonly name?: string | null
          readonly onboarding_enabled?: boolean | null
          readonly non_onboarding_enabled?: boolean | null
          readonly location_id?: ReadonlyArray<string> | null
        },
        context: Context
      ) => {
        requireAuth(context)
        const all = [...data.planTemplates].sort(byId((p) => p.plan_template_id))
        const wanted = all.filter((p) =>
          nameMatches(p.name, args.name) && availableIn(p, args.location_id) &&
          (args.onboarding_enabled == null || p.onboarding_enabled === args.onboarding_enabled) &&
          (args.non_onboarding_enabled == null || p.non_onboarding_enabled === args.non_onboarding_enabled)
        )
        return paginate(wanted, args, renderPlan, all.length)
      },
      planTemplate: (args: { readonly plan_template_id: string }, context: Context) => {
        requireAuth(context)
        const found = data.planTemplates.find((p) => p.plan_template_id === args.plan_template_id)
        return found === undefined ? null : renderPlan(found)
      },
      products: (
        args: {
          readonly limit?: number | null
          readonly page?: number | null
          readonly name?: string | null
          readonly location_id?: ReadonlyArray<string> | null
          readonly tags?: ReadonlyArray<string> | null
          readonly onboarding_enabled?: boolean | null
          readonly non_onboarding_enabled?: boolean | null
          readonly type?: ReadonlyArray<string> | null
          readonly order?: string | null
        },
        context: Context
      ) => {
        requireAuth(context)
        const all = data.products.filter((p) => !p.is_deleted).sort(byId((p) => p.product_id))
        const types = args.type ?? ["REGULAR"]
        const wanted = all.filter((p) =>
          types.includes(p.type) && nameMatches(p.name, args.name) && availableIn(p, args.location_id) &&
          (args.tags == null || args.tags.some((t) => p.tags.includes(t))) &&
          (args.onboarding_enabled == null || p.onboarding_enabled === args.onboarding_enabled) &&
          (args.non_onboarding_enabled == null || p.non_onboarding_enabled === args.non_onboarding_enabled)
        )
        const sorted = sortBy(wanted, args.order, {
          NAME: (p) => p.name,
          UNIT_AMOUNT: (p) => p.unit_amount,
          ONBOARDING_ENABLED: (p) => p.onboarding_enabled,
          NON_ONBOARDING_ENABLED: (p) => p.non_onboarding_enabled
        })
        return paginate(sorted, args, renderProduct, all.length)
      },
      product: (args: { readonly product_id: string }, context: Context) => {
        requireAuth(context)
        const found = data.products.find((p) => p.product_id === args.product_id)
        return found === undefined ? null : renderProduct(found)
      }
    }

    // ---- the endpoint ----

    const readBody = (request: LoopbackServer.Request):
      | {
        readonly query: unknown
        readonly variables: unknown
        readonly operationName: unknown
        readonly access_token: unknown
      }
      | string =>
    {
      const type = String(request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
      if (type === "application/x-www-form-urlencoded") {
        const form = new URLSearchParams(request.body)
        let variables: unknown = undefined
        const raw = form.get("variables")
        if (raw !== null && raw !== "") {
          try {
            variables = JSON.parse(raw)
          } catch {
            return "Variables are invalid JSON."
          }
        }
        return {
          query: form.get("query"),
          variables,
          operationName: form.get("operationName"),
          access_token: form.get("access_token")
        }
      }
      try {
        const body = JSON.parse(request.body) as unknown
        if (typeof body !== "object" || body === null || Array.isArray(body)) return "POST body sent invalid JSON."
        const b = body as { [key: string]: unknown }
        return { query: b.query, variables: b.variables, operationName: b.operationName, access_token: b.access_token }
      } catch {
        return "POST body sent invalid JSON."
      }
    }

    const formatted = (errors: ReadonlyArray<GraphQLError>): Array<GraphQLFormattedError> =>
      errors.map((e) => e.toJSON())

    const handle = (request: LoopbackServer.Request): Response => {
      if (request.path !== endpointPath) return json(404, errorsBody("Not Found"))
      if (throttleBudget > 0) {
        throttleBudget--
        throttled++
        return json(429, errorsBody("Too Many Requests"), {
          "retry-after": String(Math.max(1, Math.ceil(retryAfterMillis / 1000)))
        })
      }
      if (request.method !== "POST") {
        return json(405, errorsBody("GraphQL only supports POST requests."), { allow: "POST" })
      }
      const body = readBody(request)
      const bearer = /^bearer\s+(\S+)\s*$/i.exec(String(request.headers.authorization ?? ""))
      const presented = bearer?.[1] ?? request.query.get("access_token") ??
        (typeof body === "object" && typeof body.access_token === "string" ? body.access_token : undefined)
      const token = presented === undefined ? undefined : tokens.get(presented)
      const authenticated = token !== undefined && !token.revoked
      const headers: { [key: string]: string } = {}
      if (authenticated && rateLimit !== false) {
        const t = now()
        while (token.window.length > 0 && token.window[0]! <= t - rateWindow) token.window.shift()
        if (token.window.length >= rateLimit) {
          throttled++
          const wait = Math.max(1, Math.ceil((token.window[0]! + rateWindow - t) / 1000))
          return json(429, errorsBody("Too Many Requests"), {
            "retry-after": String(wait),
            "x-ratelimit-limit": String(rateLimit),
            "x-ratelimit-remaining": "0"
          })
        }
        token.window.push(t)
        headers["x-ratelimit-limit"] = String(rateLimit)
        headers["x-ratelimit-remaining"] = String(rateLimit - token.window.length)
      }
      const answer = (
        status: number,
        payload: { readonly errors?: ReadonlyArray<GraphQLFormattedError>; readonly data?: unknown },
        query: string,
        variables: { readonly [key: string]: unknown } | undefined,
        operationName: string | undefined
      ) => {
        calls.push({
          token: presented,
          query,
          variables,
          operationName,
          status,
          errors: (payload.errors ?? []).map((e) => e.message)
        })
        return json(status, payload, headers)
      }
      if (typeof body === "string") return answer(400, errorsBody(body), "", undefined, undefined)
      const query = body.query
      if (typeof query !== "string" || query.trim() === "") {
        return answer(400, errorsBody("Must provide query string."), "", undefined, undefined)
      }
      if (body.variables != null && (typeof body.variables !== "object" || Array.isArray(body.variables))) {
        return answer(400, errorsBody("Variables are invalid JSON."), query, undefined, undefined)
      }
      const variables = (body.variables ?? undefined) as { readonly [key: string]: unknown } | undefined
      const operationName = typeof body.operationName === "string" ? body.operationName : undefined
      if (!authenticated && unauthorizedMode === "401") {
        return answer(401, { errors: [authError().toJSON()] }, query, variables, operationName)
      }
      let document
      try {
        document = parse(query)
      } catch (error) {
        const errors = error instanceof GraphQLError ? [error] : [new GraphQLError(String(error))]
        return answer(400, { errors: formatted(errors) }, query, variables, operationName)
      }
      const invalid = validate(schema(), document, [
        ...specifiedRules,
        limitsRule({ maxDepth, maxComplexity, maxLimit, variables })
      ])
      if (invalid.length > 0) return answer(400, { errors: formatted(invalid) }, query, variables, operationName)
      const context: Context = { authenticated }
      const result = execute({
        schema: schema(),
        document,
        rootValue,
        contextValue: context,
        variableValues: variables,
        operationName
      })
      if (result instanceof Promise) return json(500, errorsBody("Internal server error"))
      const payload = {
        ...(result.errors === undefined ? {} : { errors: formatted(result.errors) }),
        ...(result.data === undefined ? {} : { data: result.data })
      }
      // Variable and operation errors come back without data: the request was not executable.
      return answer(result.data === undefined ? 400 : 200, payload, query, variables, operationName)
    }

    const server = yield* LoopbackServer.make(handle)

    // ---- webhooks ----

    const buildWebhook = (args: WebhookArgs, url: string): Adapter.WebhookRequest => {
      const client = args.clientId ?? clientId
      const created = String(args.createdTimestamp ?? Math.floor(now() / 1000))
      const form = new URLSearchParams({
        client_id: client,
        created_timestamp: created,
        organization_id: args.organizationId ?? data.organization.organization_id,
        event: args.event,
        request_signature: signature(client, args.secret ?? webhookSecret, created)
      })
      for (const [key, value] of Object.entries(args.fields ?? {})) form.append(key, value)
      return {
        method: "POST",
        url,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new TextEncoder().encode(form.toString())
      }
    }

    const sendWebhook = ((args: WebhookArgs & { readonly deliverTo?: string | undefined }) => {
      if (args.deliverTo === undefined) return Effect.sync(() => buildWebhook(args, webhookPath))
      const target = args.deliverTo
      return LoopbackServer.deliver(buildWebhook(args, target), target)
    }) as OptixSimulator["sendWebhook"]

    const signer: AdapterConformance.WebhookSigner = {
      timestamped: true,
      request: (spoil) =>
        Effect.sync(() => {
          const seconds = Math.floor(now() / 1000)
          const signed = buildWebhook({
            event: "member_booking_cancelled",
            secret: spoil === "wrongSecret" ? "not-the-webhook-secret" : webhookSecret,
            // A day old: stale under any tolerance an adapter may choose.
            createdTimestamp: spoil === "stale" ? seconds - 86_400 : seconds
          }, webhookPath)
          if (spoil !== "tamperedBody") return signed
          // Only client_id and created_timestamp are signed: change the timestamp after signing.
          const form = new URLSearchParams(new TextDecoder().decode(signed.body))
          form.set("created_timestamp", String(seconds + 1))
          return { ...signed, body: new TextEncoder().encode(form.toString()) }
        })
    }

    // ---- mutation helpers ----

    const setPlanTemplatePrice = (id: string, amount: number) => {
      const found = data.planTemplates.find((p) => p.plan_template_id === id)
      if (found !== undefined) found.price = amount
    }

    const priceOf = (resourceId: string, which: number | SeedData.UnitType) => {
      const found = data.resources.find((r) => r.resource_id === resourceId)
      if (found === undefined) return undefined
      return typeof which === "number" ? found.prices[which] : found.prices.find((p) => p.unit.type === which)
    }

    const markDeleted = (id: string) => {
      const found = locationById(id)
      if (found === undefined) return
      found.is_deleted = true
      found.is_visible = false
    }

    const corruptLocation = (id: string, how: "price" | "timezone" | "unit" = "price") => {
      const found = locationById(id)
      if (found === undefined) throw new Error(`no location ${id}`)
      if (how === "timezone") {
        found.timezone = "Canada/Mountain Time"
        return { recordId: id, path: ["timezone"] as ReadonlyArray<string | number> }
      }
      const resource = liveResources().find((r) =>
        r.location_id === id && r.prices.some((p) => p.unit.type === "CURRENCY" && p.price !== null)
      )
      if (resource === undefined) throw new Error(`no priced resource in location ${id}`)
      const index = resource.prices.findIndex((p) => p.unit.type === "CURRENCY" && p.price !== null)
      const entry = resource.prices[index]!
      if (how === "unit") {
        entry.unit = { ...entry.unit, type: "UNKNOWN" }
        return { recordId: resource.resource_id, path: ["prices", index, "unit", "type"] }
      }
      entry.price = Number(((entry.price ?? 0) + 0.005).toFixed(3))
      return { recordId: resource.resource_id, path: ["prices", index, "price"] }
    }

    // ---- the conformance hooks ----

    const changedLocation = SeedData.locationIds.halifax
    const removedLocation = SeedData.locationIds.saskatoon
    const corruptedLocation = SeedData.locationIds.toronto

    const credentials = (token: string): Credentials => ({
      baseUrl: server.url,
      accessToken: token,
      clientId,
      webhookSecret
    })

    const simulator: OptixSimulator = {
      server,
      url: server.url,
      endpoint: `${server.url}${endpointPath}`,
      accessToken,
      revokedToken,
      clientId,
      webhookSecret,
      data,
      calls,
      goodCredentials: credentials(accessToken),
      badCredentials: credentials(revokedToken),
      secrets: [accessToken, revokedToken, webhookSecret],
      pageSize: maxLimit < data.locations.length ? maxLimit : undefined,
      requests: Effect.sync(() => server.requests.length),
      throttled: Effect.sync(() => throttled),
      retryAfterMillis,
      webhooks: signer,
      externalIds: Effect.sync(() => data.locations.filter((l) => l.is_deleted !== true).map((l) => l.location_id)),
      changeOnePrice: Effect.sync(() => {
        if (options.changeOnePrice === "resource") {
          const resourceId = SeedData.resourceIds.halifaxDesk
          const entry = priceOf(resourceId, "CURRENCY")!
          entry.price = (entry.price ?? 0) + 1
          return {
            locationExternalId: changedLocation,
            priceExternalId: priceExternalId({ kind: "resource", id: resourceId, unitType: "CURRENCY" })
          }
        }
        // The 90-day plan is offered in Halifax only.
        const plan = data.planTemplates.find((p) => p.plan_template_id === SeedData.planTemplateIds.ninetyDays)!
        plan.price = plan.price + 1
        return {
          locationExternalId: changedLocation,
          priceExternalId: priceExternalId({ kind: "plan", id: plan.plan_template_id })
        }
      }),
      removeOneLocation: Effect.sync(() => {
        markDeleted(removedLocation)
        return { externalId: removedLocation }
      }),
      corruptOneLocation: Effect.sync(() => {
        corruptLocation(corruptedLocation, "price")
        return { externalId: corruptedLocation }
      }),
      failNextListingMidway: Effect.sync(() => void (breakNextListing = true)),
      throttleNext: (n) => Effect.sync(() => void (throttleBudget += n)),
      revoke: (token = accessToken) =>
        Effect.sync(() => {
          const found = tokens.get(token)
          if (found !== undefined) found.revoked = true
        }),
      setPlanTemplatePrice: (id, amount) => Effect.sync(() => setPlanTemplatePrice(id, amount)),
      setResourcePrice: (resourceId, which, amount, field = "price") =>
        Effect.sync(() => {
          const entry = priceOf(resourceId, which)
          if (entry !== undefined) entry[field] = amount
        }),
      deleteLocation: (id) => Effect.sync(() => markDeleted(id)),
      hideLocation: (id) =>
        Effect.sync(() => {
          const found = locationById(id)
          if (found === undefined) return
          found.is_hidden = true
          found.is_visible = false
        }),
      corruptLocation: (id, how) => Effect.sync(() => corruptLocation(id, how)),
      sendWebhook
    }
    return simulator
  })

/**
 * A simulator for the conformance suite, with a fresh seed for every run: pages of at most 2 records
 * whatever `limit` asks (the seed's 6 locations, deleted and hidden ones included, span 3 pages), and no
 * per-minute limit (`throttleNext` still throttles).
 *
 * `changeOnePrice` raises the price of the 90-day plan template (offered in Halifax only: `plan-5106`),
 * `removeOneLocation` deletes Saskatoon (`is_deleted: true`), `corruptOneLocation` gives a Toronto
 * resource's currency price a fraction of a cent.
 *
 * @since 0.1.0
 */
export const conformance = (options: Options = {}): Effect.Effect<OptixSimulator, never, Scope.Scope> =>
  Effect.suspend(() => make({ maxLimit: 2, rateLimit: false, seed: SeedData.make(), ...options }))
