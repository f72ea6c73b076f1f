/**
 * HTTP errors. Handlers fail with these tagged errors (each carries its status); a middleware renders
 * every error response as `application/problem+json` (RFC 9457): `{type, title, status, detail}` plus
 * `errors: [{path, message}]` for validation failures. The OpenAPI document describes them the same way.
 *
 * @since 0.1.0
 */
import { HttpApiSchema, HttpApp, HttpMiddleware, HttpServerResponse } from "@effect/platform"
import { Effect, Schema } from "effect"

/** One validation failure. @since 0.1.0 */
export const FieldError = Schema.Struct({ path: Schema.String, message: Schema.String })

/** The request is malformed (besides schema decoding, which the framework reports the same way). @since 0.1.0 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  detail: Schema.String,
  errors: Schema.optional(Schema.Array(FieldError))
}, HttpApiSchema.annotations({ status: 400 })) {}

/** Missing, unknown or expired credentials. @since 0.1.0 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  detail: Schema.String
}, HttpApiSchema.annotations({ status: 401 })) {}

/** Authenticated, but the token lacks the scope this route needs. @since 0.1.0 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  detail: Schema.String
}, HttpApiSchema.annotations({ status: 403 })) {}

/** Unknown, or not the caller's: the two are indistinguishable on purpose. @since 0.1.0 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  detail: Schema.String
}, HttpApiSchema.annotations({ status: 404 })) {}

/** The request conflicts with the current state (e.g. a reused authorization state). @since 0.1.0 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  detail: Schema.String
}, HttpApiSchema.annotations({ status: 409 })) {}

/** The body is larger than the route accepts. @since 0.1.0 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", {
  detail: Schema.String
}, HttpApiSchema.annotations({ status: 413 })) {}

/** The upstream system failed the operation. @since 0.1.0 */
export class BadGateway extends Schema.TaggedError<BadGateway>()("BadGateway", {
  detail: Schema.String,
  reason: Schema.optional(Schema.String)
}, HttpApiSchema.annotations({ status: 502 })) {}

/** @since 0.1.0 */
export const notFound = (what: string) => new NotFound({ detail: `${what} not found` })

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable"
}

const kebab = (tag: string) => tag.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase()

/** The `type` URI of a problem. @since 0.1.0 */
export const problemType = (tag: string) => `https://spacesync.dev/problems/${kebab(tag)}`

/**
 * The RFC 9457 body for an error response, from the framework's or our tagged error body.
 *
 * @since 0.1.0
 */
export const toProblem = (status: number, body: unknown): Record<string, unknown> => {
  const title = titles[status] ?? "Error"
  if (body === null || typeof body !== "object" || typeof (body as any)._tag !== "string") {
    return { type: "about:blank", title, status, detail: status === 404 ? "No such route" : title }
  }
  // The tagged fields stay as extension members (RFC 9457 §3.2), so the typed `HttpApiClient` built from
  // the same API definition still decodes every error into its class.
  const { detail, issues, message } = body as Record<string, any>
  if ((body as any)._tag === "HttpApiDecodeError") {
    return {
      type: problemType("InvalidRequest"),
      title: "Invalid request",
      status,
      detail: "The request did not match the expected schema",
      errors: (issues as Array<{ path: Array<PropertyKey>; message: string }>).map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message
      })),
      ...body
    }
  }
  return {
    type: problemType((body as any)._tag),
    title,
    status,
    detail: typeof detail === "string" ? detail : typeof message === "string" ? message : title,
    ...body
  }
}

/**
 * Renders every JSON error response (4xx/5xx with a `_tag` body, or an empty one) as problem+json.
 * Responses that are already problems, or OAuth errors (`{"error": …}`, RFC 6749), pass unchanged.
 *
 * @since 0.1.0
 */
export const problemJson = HttpMiddleware.make((app) =>
  // A pre-response handler sees the final response, including the ones the framework makes from errors.
  Effect.zipRight(HttpApp.appendPreResponseHandler((_request, response) => Effect.succeed(render(response))), app)
)

const render = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse => {
  if (response.status < 400) return response
  const contentType = response.headers["content-type"] ?? ""
  if (contentType.startsWith("application/problem+json")) return response
  let body: unknown = undefined
  if (response.body._tag === "Uint8Array" && contentType.includes("json")) {
    try {
      body = JSON.parse(new TextDecoder().decode(response.body.body))
    } catch {
      body = undefined
    }
    if (body !== null && typeof body === "object" && "error" in body && !("_tag" in body)) return response
  } else if (response.body._tag !== "Empty") {
    return response
  }
  const { "content-length": _, "content-type": __, ...headers } = response.headers
  return HttpServerResponse.text(JSON.stringify(toProblem(response.status, body)), {
    status: response.status,
    contentType: "application/problem+json",
    headers
  })
}

const problemSchema = {
  type: "object",
  description: "RFC 9457 problem details. Validation failures add `errors`.",
  required: ["type", "title", "status", "detail"],
  properties: {
    type: { type: "string", description: "A URI naming the kind of problem" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    _tag: { type: "string", description: "The error's tag, for clients generated from the same API definition" },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "message"],
        properties: { path: { type: "string" }, message: { type: "string" } }
      }
    }
  }
}

/**
 * Describes error responses in the OpenAPI document as they are sent: `application/problem+json`
 * (except the OAuth token endpoint, whose errors follow RFC 6749).
 *
 * @since 0.1.0
 */
export const problemOpenApi = (spec: Record<string, any>): Record<string, any> => {
  spec.components ??= {}
  spec.components.schemas ??= {}
  spec.components.schemas.Problem = problemSchema
  for (const [path, item] of Object.entries<Record<string, any>>(spec.paths ?? {})) {
    for (const operation of Object.values<any>(item)) {
      if (operation === null || typeof operation !== "object" || operation.responses === undefined) continue
      if (path === "/oauth/token") {
        const oauth = operation.responses["400"]?.content
        operation.responses["401"] = { description: "invalid_client", content: oauth }
        operation.responses["429"] = {
          description: "Rate-limited per client and per address; see `Retry-After`",
          content: oauth,
          headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait" } }
        }
        continue
      }
      for (const [code, response] of Object.entries<any>(operation.responses)) {
        if (Number(code) >= 400) {
          response.content = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } }
        }
      }
      operation.responses["500"] ??= {
        description: "Unexpected failure",
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } }
      }
    }
  }
  return spec
}
