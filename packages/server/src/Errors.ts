/**
 * HTTP errors. Handlers fail with these tagged errors (each carries its status); a middleware renders
 * every error response as `application/problem+json` (RFC 9457): `{type, title, status, detail}` plus
 * `errors: [{path, message}]` for validation failures. The OpenAPI document describes them the same way.
 *
 * @since 0.1.0
 */
import { HttpApiSchema, HttpApp, HttpMiddleware, type HttpServerRequest, HttpServerResponse } from "@effect/platform"
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
  411: "Length Required",
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
 * Responses that are already problems, or OAuth errors (`{"error": …}`, RFC 6749), pass unchanged. On the
 * token endpoint, whose errors follow RFC 6749, a 4xx the framework made (a form it could not decode, a
 * parameter sent twice) becomes `invalid_request` instead.
 *
 * @since 0.1.0
 */
export const problemJson = HttpMiddleware.make((app) =>
  // A pre-response handler sees the final response, including the ones the framework makes from errors.
  Effect.zipRight(
    HttpApp.appendPreResponseHandler((request, response) => Effect.succeed(render(request, response))),
    app
  )
)

/** The path the token endpoint answers on (RFC 6749 errors). @since 0.1.0 */
export const tokenPath = "/oauth/token"

const pathOf = (url: string) => {
  try {
    return new URL(url, "http://hub").pathname
  } catch {
    return url
  }
}

const render = (
  request: HttpServerRequest.HttpServerRequest,
  response: HttpServerResponse.HttpServerResponse
): HttpServerResponse.HttpServerResponse => {
  if (response.status < 400) return response
  const contentType = response.headers["content-type"] ?? ""
  if (contentType.startsWith("application/problem+json")) {
    return response.status < 500 && pathOf(request.url) === tokenPath ? oauthFromProblem(response) : response
  }
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
  const problem = toProblem(response.status, body)
  if (response.status < 500 && pathOf(request.url) === tokenPath) return oauthError(problem, headers)
  return HttpServerResponse.text(JSON.stringify(problem), {
    status: response.status,
    contentType: "application/problem+json",
    headers
  })
}

/** An RFC 6749 §5.2 `invalid_request` (or `invalid_client` for a 401) saying what `problem` says. */
const oauthError = (problem: Record<string, any>, headers: Record<string, string>) => {
  const first = Array.isArray(problem.errors) && problem.errors.length > 0 ? problem.errors[0] : undefined
  const description = first === undefined
    ? String(problem.detail)
    : `${problem.detail}: ${first.path === "" ? "" : `${first.path}: `}${first.message}`
  const status = problem.status === 401 ? 401 : 400
  return HttpServerResponse.unsafeJson(
    { error: status === 401 ? "invalid_client" : "invalid_request", error_description: description },
    { status, headers: { ...headers, "cache-control": "no-store", pragma: "no-cache" } }
  )
}

const oauthFromProblem = (response: HttpServerResponse.HttpServerResponse) => {
  let problem: Record<string, any> = { status: response.status, detail: titles[response.status] ?? "Bad Request" }
  if (response.body._tag === "Uint8Array") {
    try {
      problem = JSON.parse(new TextDecoder().decode(response.body.body))
    } catch {
      // keep the status's title
    }
  }
  const { "content-length": _, "content-type": __, ...headers } = response.headers
  return oauthError(problem, headers)
}

const problemSchema = {
  type: "object",
  description:
    "RFC 9457 problem details. Validation failures add `errors`; the error's own fields stay as extension members.",
  required: ["type", "title", "status", "detail"],
  properties: {
    type: { type: "string", description: "A URI naming the kind of problem" },
    title: { type: "string", description: "The HTTP status's reason phrase" },
    status: { type: "integer", minimum: 400, maximum: 599 },
    detail: { type: "string", description: "What went wrong, for people" },
    _tag: { type: "string", description: "The error's tag, for clients generated from the same API definition" },
    reason: { type: "string", description: "Why, for errors with several causes (e.g. `MigrationsPending`)" },
    errors: {
      type: "array",
      description: "One entry per invalid field of the request",
      items: {
        type: "object",
        required: ["path", "message"],
        properties: {
          path: { type: "string", description: "Dot-separated path of the field in the request" },
          message: { type: "string" }
        }
      }
    }
  },
  additionalProperties: true
}

const problem = (tag: string, status: number, detail: string, extra: Record<string, unknown> = {}) => ({
  type: problemType(tag),
  title: titles[status],
  status,
  detail,
  _tag: tag,
  ...extra
})

/** The reusable error responses (`components.responses`), by status. */
const problemResponses: Record<
  number,
  { readonly name: string; readonly description: string; readonly example: unknown }
> = {
  400: {
    name: "BadRequest",
    description: "The request is malformed: `errors` names each invalid field",
    example: problem("BadRequest", 400, "The request did not match the expected schema", {
      errors: [{ path: "name", message: "Expected a string with a length of at least 1, actual \"\"" }]
    })
  },
  401: {
    name: "Unauthorized",
    description: "Missing, unknown or expired credentials",
    example: problem("Unauthorized", 401, "Invalid or expired access token")
  },
  403: {
    name: "Forbidden",
    description: "The access token lacks the scope this route needs",
    example: problem("Forbidden", 403, "This route needs the scope \"locations:read\"")
  },
  404: {
    name: "NotFound",
    description: "Unknown, or not the caller's: the two answer alike, so no tenant learns another's ids exist",
    example: problem("NotFound", 404, "Connection con_3x9k2m7q4w8r6t1v5z0b2n4p6s not found")
  },
  409: {
    name: "Conflict",
    description: "The request conflicts with the current state",
    example: problem("Conflict", 409, "A sync of this account is already running")
  },
  411: {
    name: "LengthRequired",
    description: "The body was sent without a `Content-Length` (chunked): refused before it is read",
    example: problem(
      "LengthRequired",
      411,
      "Send the request body with a Content-Length (chunked bodies are not accepted here)"
    )
  },
  413: {
    name: "PayloadTooLarge",
    description: "The body is larger than the route accepts (1 MB)",
    example: problem("PayloadTooLarge", 413, "Upstream webhook bodies are limited to 1048576 bytes")
  },
  415: {
    name: "UnsupportedMediaType",
    description: "The body is not of a type this route takes (JSON): refused before it is read",
    example: problem("UnsupportedMediaType", 415, "This route takes application/json bodies, not text/plain")
  },
  500: {
    name: "InternalError",
    description: "Unexpected failure",
    example: { type: "about:blank", title: "Internal Server Error", status: 500, detail: "Internal Server Error" }
  },
  502: {
    name: "BadGateway",
    description: "The upstream management system failed the operation",
    example: problem("BadGateway", 502, "The upstream system answered 503", { reason: "Unavailable" })
  },
  503: {
    name: "NotReady",
    description: "The database cannot be reached or is not fully migrated",
    example: problem("NotReady", 503, "2 migrations pending", { reason: "MigrationsPending" })
  }
}

/** The probes answer their own 503 (`NotReady`); every other route may answer `DatabaseUnavailable`. */
const probes = new Set(["/healthz", "/readyz"])

const databaseUnavailableResponse = {
  description: "The database cannot be reached: try again after `Retry-After` seconds",
  headers: {
    "Retry-After": { description: "Seconds to wait before trying again", schema: { type: "integer", minimum: 0 } }
  },
  content: {
    "application/problem+json": {
      schema: { $ref: "#/components/schemas/Problem" },
      example: problem("DatabaseUnavailable", 503, "The database cannot be reached; try again later", {
        reason: "DatabaseUnreachable"
      })
    }
  }
}

/** The description the framework gives its 400 for requests that fail decoding. */
const decodeErrorDescription = "The request did not match the expected schema"

const problemContent = (example: unknown) => ({
  "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" }, example }
})

/**
 * Describes error responses in the OpenAPI document as they are sent: `application/problem+json` with an
 * example (except the OAuth token endpoint, whose errors follow RFC 6749). A response an endpoint did not
 * describe itself refers to the shared one in `components.responses`. The framework's 400 for requests
 * that fail decoding is left out of operations that take no input, where it cannot occur.
 *
 * @since 0.1.0
 */
export const problemOpenApi = (spec: Record<string, any>): Record<string, any> => {
  spec.components ??= {}
  spec.components.schemas ??= {}
  spec.components.schemas.Problem = problemSchema
  spec.components.responses ??= {}
  const shared = (status: number) => {
    const { description, example, name } = problemResponses[status]!
    spec.components.responses[name] ??= { description, content: problemContent(example) }
    return { $ref: `#/components/responses/${name}` }
  }
  for (const [path, item] of Object.entries<Record<string, any>>(spec.paths ?? {})) {
    for (const operation of Object.values<any>(item)) {
      if (operation === null || typeof operation !== "object" || operation.responses === undefined) continue
      if (path === "/oauth/token") {
        // Its own errors follow RFC 6749 (documented by the endpoint); an unexpected failure is a problem.
        operation.responses["500"] ??= shared(500)
        spec.components.responses.DatabaseUnavailable ??= databaseUnavailableResponse
        operation.responses["503"] ??= { $ref: "#/components/responses/DatabaseUnavailable" }
        continue
      }
      const takesInput = (operation.parameters ?? []).length > 0 || operation.requestBody !== undefined
      if (!takesInput) delete operation.responses["400"]
      // A JSON body of another type is refused (ContentTypes.ts); the upstream intake takes any type.
      // Bodies over 1 MB (413) or without a length (411) are refused before they are read (ContentTypes.ts).
      if (operation.requestBody !== undefined && !path.startsWith("/upstream/")) {
        operation.responses["411"] ??= shared(411)
        operation.responses["413"] ??= shared(413)
        operation.responses["415"] ??= shared(415)
      }
      operation.responses["500"] ??= { description: "Error" }
      // Every route that reads the database answers 503 with `Retry-After` while it is unreachable (Http.ts).
      if (!probes.has(path)) {
        spec.components.responses.DatabaseUnavailable ??= databaseUnavailableResponse
        operation.responses["503"] ??= { $ref: "#/components/responses/DatabaseUnavailable" }
      }
      for (const [code, response] of Object.entries<any>(operation.responses)) {
        const status = Number(code)
        if (status < 400 || response.$ref !== undefined) continue
        // The framework names an error response after its schema (`NotFound`), "Error", or the decoding
        // error's description; an endpoint that says more writes a sentence of its own.
        const described = typeof response.description === "string" && /\s/.test(response.description) &&
          response.description !== decodeErrorDescription
        if (!described && problemResponses[status] !== undefined) {
          operation.responses[code] = shared(status)
        } else {
          response.content = problemContent(problemResponses[status]?.example ?? problem("Error", status, "Error"))
        }
      }
    }
  }
  return spec
}
