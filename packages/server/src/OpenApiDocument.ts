/**
 * The OpenAPI document's hand-written parts: each operation's summary, description, examples and scopes
 * (declared next to its endpoint with {@link operation}), and the document-wide pass ({@link document}) that
 * adds the security schemes, the error responses, the webhooks a platform receives, and removes what the
 * schema library's decoding annotations would otherwise leak into the wire types.
 *
 * @since 0.1.0
 */
import { OpenApi } from "@effect/platform"
import type { Context } from "effect"
import type { Scope } from "./Auth.js"
import { problemOpenApi } from "./Errors.js"
import * as Examples from "./Examples.js"

type Json = Record<string, any>

/** One response of an operation, as documented. @since 0.1.0 */
export interface ResponseDoc {
  readonly description?: string
  /** An example of the body, for every media type the response has. */
  readonly example?: unknown
  readonly headers?: Readonly<Record<string, Json>>
  /** The body's schema and media type are those of the response with this status. */
  readonly like?: number
  /** The body's schema, replacing the generated one. */
  readonly schema?: Json
}

/** What an endpoint's documentation says besides its schemas. @since 0.1.0 */
export interface OperationDoc {
  readonly summary: string
  readonly description: string
  /** Alternatives: the access token needs every scope of one of these sets (platform routes only). */
  readonly scopes?: ReadonlyArray<ReadonlyArray<Scope>>
  /** An example of the request body. */
  readonly request?: unknown
  /** A request body the framework does not decode (read raw by the handler), documented as such. */
  readonly requestBody?: Json
  /** Descriptions of parameters, by name. */
  readonly parameters?: Readonly<Record<string, string>>
  readonly responses?: Readonly<Record<number, ResponseDoc>>
  /** Security requirements replacing the middleware's (e.g. the token endpoint's client authentication). */
  readonly security?: ReadonlyArray<Json>
}

/**
 * The annotations of one endpoint: `.annotateContext(operation({...}))`.
 *
 * @since 0.1.0
 */
export const operation = (doc: OperationDoc): Context.Context<never> =>
  OpenApi.annotations({
    summary: doc.summary,
    description: doc.description,
    transform: (op) => describe(op, doc)
  })

const describe = (op: Json, doc: OperationDoc): Json => {
  if (doc.requestBody !== undefined) op.requestBody = doc.requestBody
  if (doc.request !== undefined) {
    for (const media of Object.values<Json>(op.requestBody?.content ?? {})) media.example = doc.request
  }
  for (const parameter of op.parameters ?? []) {
    const description = doc.parameters?.[parameter.name]
    if (description !== undefined) parameter.description = description
  }
  for (const [code, response] of Object.entries(doc.responses ?? {})) {
    const target: Json = op.responses[code] ??= { description: "" }
    if (response.description !== undefined) target.description = response.description
    if (response.headers !== undefined) target.headers = { ...target.headers, ...response.headers }
    if (response.like !== undefined) target.content = structuredClone(op.responses[response.like]?.content)
    if (response.schema !== undefined) {
      for (const media of Object.values<Json>(target.content ?? {})) media.schema = response.schema
    }
    if (response.example !== undefined) {
      for (const media of Object.values<Json>(target.content ?? {})) media.example = response.example
    }
  }
  if (doc.scopes !== undefined) op.security = doc.scopes.map((scopes) => ({ accessToken: [...scopes] }))
  if (doc.security !== undefined) op.security = [...doc.security]
  return op
}

/** The ETag a data route answers with, and `If-None-Match`. @since 0.1.0 */
export const etagHeader = {
  ETag: {
    description: "Strong validator: the content hash of this data set. Send it back in `If-None-Match`.",
    schema: { type: "string" },
    example: "\"b5f1c0de8a2e4f7a\""
  }
}

const securitySchemes = {
  adminToken: {
    type: "http",
    scheme: "bearer",
    description: "The hub admin token: `Authorization: Bearer <SPACESYNC_ADMIN_TOKEN>`."
  },
  operatorKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "sk_op_…",
    description: "An operator API key, from `POST /admin/operators`: `Authorization: Bearer sk_op_…`."
  },
  accessToken: {
    type: "oauth2",
    description:
      "OAuth2 client credentials (RFC 6749 §4.4). Send the access token as `Authorization: Bearer <access_token>`; an expired or unknown token answers 401, one without the route's scope 403.",
    flows: {
      clientCredentials: {
        tokenUrl: "/oauth/token",
        scopes: {
          "locations:read": "Read connected locations: the data routes and the events feed",
          "webhooks:manage": "Manage webhook endpoints and their deliveries",
          "connections:manage": "Activate and revoke connections and map resources"
        }
      }
    }
  },
  clientBasic: {
    type: "http",
    scheme: "basic",
    description:
      "The platform's client id and secret (`client_secret_basic`); they may instead be sent as `client_id` and `client_secret` form fields (`client_secret_post`)."
  }
}

const eventDocs: Record<Examples.EventType, { readonly summary: string; readonly description: string }> = {
  "connection.activated": {
    summary: "A connection was activated",
    description:
      "The platform activated a pending connection. `locationId`, `listingId` and `version` are null; `apiUrl` is the connection. A `location.created` with `fullResync: true` follows for each of its locations."
  },
  "connection.revoked": {
    summary: "A connection was revoked",
    description:
      "The operator or the platform revoked the connection; its data routes answer 404 from now on. Delivered even though the connection is no longer active."
  },
  "location.created": {
    summary: "A location is new to this platform",
    description:
      "A location appeared upstream, or a connection was activated (then with `fullResync: true`: fetch its snapshot). `apiUrl` is the location."
  },
  "location.updated": {
    summary: "A location changed",
    description: "The location's own fields changed. `apiUrl` is the location; `version` is its new version."
  },
  "location.deleted": {
    summary: "A location was deleted upstream",
    description:
      "The location is gone upstream; its data routes keep answering its last data with `status: \"deleted\"`."
  },
  "resources.updated": {
    summary: "Resources of a location changed",
    description:
      "Resources were created, updated or deleted (their ids in `changes`; `changes.listingResourceIds` maps those the platform mapped to its own ids). `apiUrl` is the location's resources."
  },
  "pricing.updated": {
    summary: "Prices of a location changed",
    description: "Prices were created, updated or deleted (their ids in `changes`). `apiUrl` is the location's prices."
  }
}

const signatureHeaders = [
  {
    name: "webhook-id",
    in: "header",
    required: true,
    description: "The event id, identical on every retry of this event to this endpoint: use it to deduplicate.",
    schema: { type: "string", pattern: "^evt_[0-9a-z]{1,64}$" },
    example: Examples.eventIds["pricing.updated"]
  },
  {
    name: "webhook-timestamp",
    in: "header",
    required: true,
    description: "Integer Unix seconds of this attempt.",
    schema: { type: "string", pattern: "^\\d+$" },
    example: "1795342500"
  },
  {
    name: "webhook-signature",
    in: "header",
    required: true,
    description:
      "Space-separated `v1,<base64 HMAC-SHA256>` signatures (Standard Webhooks) of `<webhook-id>.<webhook-timestamp>.<raw body>`, keyed with the base64-decoded part of the endpoint secret after `whsec_`. During a secret rotation there is one per valid secret.",
    schema: { type: "string" },
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="
  }
]

const webhooks = (): Json =>
  Object.fromEntries(
    Examples.eventTypes.map((type) => [type, {
      post: {
        operationId: `webhook.${type}`,
        tags: ["Webhook events"],
        summary: eventDocs[type].summary,
        description: `${
          eventDocs[type].description
        }\n\nSent to every enabled endpoint of the platform whose \`eventTypes\` include \`${type}\` (or that has none), following Standard Webhooks. Any 2xx acknowledges it; anything else (redirects included) is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (±20 %), honouring \`Retry-After\` on 429 and 503.`,
        security: [],
        parameters: signatureHeaders.map((header) => ({ $ref: `#/components/parameters/${header.name}` })),
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/WebhookEvent" }, example: Examples.event(type) }
          }
        },
        responses: {
          "200": { description: "Any 2xx status acknowledges the delivery; the body is ignored." },
          "410": { description: "Gone: the hub disables the endpoint." }
        }
      }
    }])
  )

/** Effect's generated descriptions ("a string to be decoded into a number") and titles ("int", "between(1, 500)"). */
const generatedDescription = /^an? [a-z]/
const generatedTitle = /^(int|positive|negative|nonNegative|nonPositive|finite|unknown|trimmed|[a-zA-Z]+\(.*\))$/

const scrub = (node: unknown): void => {
  if (Array.isArray(node)) {
    node.forEach(scrub)
    return
  }
  if (node === null || typeof node !== "object") return
  const object = node as Json
  if (typeof object.description === "string" && generatedDescription.test(object.description)) {
    delete object.description
  }
  if (typeof object.title === "string" && generatedTitle.test(object.title)) delete object.title
  // "A AccountId (acc_…)": the id schemas' generated article.
  if (typeof object.description === "string") object.description = object.description.replace(/^A ([AEIOU])/, "An $1")
  Object.values(object).forEach(scrub)
}

/** Removes component schemas nothing refers to any more (the error schemas problem+json replaced). */
const prune = (spec: Json) => {
  const schemas: Json = spec.components.schemas
  const refsOf = (node: unknown, found: Set<string>) => {
    JSON.stringify(node, (key, value) => {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")) {
        found.add(value.slice("#/components/schemas/".length))
      }
      return value
    })
    return found
  }
  const { schemas: _, ...rest } = spec.components
  const reachable = refsOf({ ...spec, components: rest }, new Set())
  const queue = [...reachable]
  while (queue.length > 0) {
    for (const name of refsOf(schemas[queue.pop()!], new Set())) {
      if (!reachable.has(name)) {
        reachable.add(name)
        queue.push(name)
      }
    }
  }
  for (const name of Object.keys(schemas)) if (!reachable.has(name)) delete schemas[name]
}

/**
 * The document-wide pass, run once on the generated document.
 *
 * @since 0.1.0
 */
export const document = (generated: Json): Json => {
  const spec = problemOpenApi(generated)
  spec.servers = [{ url: "/", description: "This hub: paths are relative to where this document is served" }]
  spec.components.securitySchemes = securitySchemes
  spec.webhooks = webhooks()
  spec.components.parameters = Object.fromEntries(signatureHeaders.map((header) => [header.name, header]))
  spec.tags.push({
    name: "Webhook events",
    description:
      "What the hub POSTs to a platform's webhook endpoints: one event per request, signed per Standard Webhooks. The events feed (`GET /v1/events`) lists the same objects."
  })
  const schemas: Json = spec.components.schemas
  schemas.DateTimeUtc = { type: "string", format: "date-time", description: "ISO 8601 date and time, UTC" }
  schemas.Int = { type: "integer" }
  scrub(spec.components)
  scrub(spec.paths)
  prune(spec)
  return spec
}
