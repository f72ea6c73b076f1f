/**
 * What the hub reads from request bodies: JSON everywhere, except the token endpoint (form-encoded, RFC
 * 6749) and the upstream webhook intake (whatever the management system sends; its adapter decides). A
 * request with a body of another type is refused with 415 before any of the body is read, so a body the
 * route could never take (a multipart upload, a truncated one) neither reaches a decoder nor holds the
 * connection open. Bodies are limited to 1 MB: a larger declared `Content-Length` answers 413 before any
 * of it is read, and a body without one (chunked) answers 411, so the limit never needs a half-read
 * body (and a connection reset that would lose the answer). The upstream intake takes chunked bodies and
 * enforces the limit itself. On the token endpoint these answers are RFC 6749 errors (`invalid_request`).
 * A JSON body is then checked for text no route takes (`Schemas.textIssues`) before any schema decodes it.
 *
 * @since 0.1.0
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { HttpApp } from "@effect/platform"
import { Effect } from "effect"
import { problemType } from "./Errors.js"
import { textIssues } from "./Schemas.js"

/** The largest request body the hub reads, in bytes. @since 0.1.0 */
export const maxBodyBytes = 1024 * 1024

/**
 * Does the request carry a body, or say it does? A POST, PUT or PATCH that names a content type counts even
 * when empty: the framework picks its decoder by that type (an empty multipart "body" waits forever).
 */
const withBody = (request: HttpServerRequest.HttpServerRequest) => {
  const length = request.headers["content-length"]
  if (length !== undefined && length.trim() !== "0") return true
  if (length === undefined && request.headers["transfer-encoding"] !== undefined) return true
  return ["POST", "PUT", "PATCH"].includes(request.method) && (request.headers["content-type"] ?? "") !== ""
}

const isJson = (contentType: string) => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim())
const isForm = (contentType: string) => /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType.trim())

/** The content types a route takes, or `"any"`. @since 0.1.0 */
export const accepted = (path: string): "any" | "form" | "json" =>
  path.startsWith("/upstream/") ? "any" : path === "/oauth/token" ? "form" : "json"

const problem = (status: number, tag: string, title: string, detail: string) =>
  Effect.succeed(HttpServerResponse.unsafeJson(
    { type: problemType(tag), title, status, detail, _tag: tag },
    { status, contentType: "application/problem+json" }
  ))

/** The token endpoint's RFC 6749 §5.2 answer to a request it cannot read. */
const invalidTokenRequest = (description: string) =>
  Effect.succeed(HttpServerResponse.unsafeJson(
    { error: "invalid_request", error_description: description },
    { status: 400, headers: { "cache-control": "no-store", pragma: "no-cache" } }
  ))

/**
 * Reads a JSON body (the framework decodes it from the same read) and refuses one whose strings or
 * nesting no route takes (`Schemas.textIssues`: NUL characters, lone surrogates, strings over the limit,
 * nesting too deep) with a 400 naming each path. Text that is not JSON is left to the route's decoder.
 */
const checkText = <E, R>(request: HttpServerRequest.HttpServerRequest, app: HttpApp.Default<E, R>) =>
  Effect.flatMap(Effect.either(request.json), (body) => {
    if (body._tag === "Left") return app
    const issues = textIssues(body.right)
    if (issues.length === 0) return app
    return Effect.succeed(HttpServerResponse.unsafeJson({
      type: problemType("InvalidRequest"),
      title: "Invalid request",
      status: 400,
      detail: "The request did not match the expected schema",
      errors: issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
      // The framework's own decoding error, so that clients generated from the API decode it alike.
      _tag: "HttpApiDecodeError",
      issues: issues.map((issue) => ({ _tag: "Type", path: issue.path.map(String), message: issue.message })),
      message: issues.map((issue) => issue.message).join("; ")
    }, { status: 400, contentType: "application/problem+json" }))
  })

/**
 * Refuses, before reading it, a body over the limit (413), without a length (411) or of a type the route
 * does not take (415): problem+json, or RFC 6749 `invalid_request` on the token endpoint.
 *
 * @since 0.1.0
 */
export const guard = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    if (!withBody(request)) return app
    const path = new URL(request.url, "http://hub").pathname
    const takes = accepted(path)
    const length = request.headers["content-length"]
    if (length !== undefined && Number(length) > maxBodyBytes) {
      const detail = `Request bodies are limited to ${maxBodyBytes} bytes`
      return takes === "form"
        ? invalidTokenRequest(detail)
        : problem(413, "PayloadTooLarge", "Payload Too Large", detail)
    }
    if (takes === "any") return app
    if (length === undefined && request.headers["transfer-encoding"] !== undefined) {
      const detail = "Send the request body with a Content-Length (chunked bodies are not accepted here)"
      return takes === "form" ? invalidTokenRequest(detail) : problem(411, "LengthRequired", "Length Required", detail)
    }
    const contentType = request.headers["content-type"] ?? ""
    const named = contentType === "" ? "an untyped body" : contentType
    if (takes === "form") {
      return isForm(contentType)
        ? app
        : invalidTokenRequest(`The token endpoint takes application/x-www-form-urlencoded bodies, not ${named}`)
    }
    if (isJson(contentType)) return checkText(request, app)
    return problem(
      415,
      "UnsupportedMediaType",
      "Unsupported Media Type",
      `This route takes application/json bodies, not ${named}`
    )
  })
