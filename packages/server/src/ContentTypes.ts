/**
 * What the hub reads from request bodies: JSON everywhere, except the token endpoint (form-encoded, RFC
 * 6749) and the upstream webhook intake (whatever the management system sends; its adapter decides). A
 * request with a body of another type is refused with 415 before any of the body is read, so a body the
 * route could never take (a multipart upload, a truncated one) neither reaches a decoder nor holds the
 * connection open.
 *
 * @since 0.1.0
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { HttpApp } from "@effect/platform"
import { Effect } from "effect"
import { problemType } from "./Errors.js"

const withBody = (request: HttpServerRequest.HttpServerRequest) => {
  const length = request.headers["content-length"]
  if (length !== undefined) return length.trim() !== "0"
  return request.headers["transfer-encoding"] !== undefined
}

const isJson = (contentType: string) => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim())

/** The content types a route takes, or `"any"`. @since 0.1.0 */
export const accepted = (path: string): "any" | "form" | "json" =>
  path.startsWith("/upstream/") ? "any" : path === "/oauth/token" ? "form" : "json"

/**
 * Refuses (415, problem+json) a body of a type the route does not take. The token endpoint's own checks
 * answer RFC 6749 errors, so it is left to them.
 *
 * @since 0.1.0
 */
export const guard = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    if (!withBody(request)) return app
    const path = new URL(request.url, "http://hub").pathname
    const takes = accepted(path)
    if (takes !== "json") return app
    const contentType = request.headers["content-type"] ?? ""
    if (isJson(contentType)) return app
    return Effect.succeed(HttpServerResponse.unsafeJson({
      type: problemType("UnsupportedMediaType"),
      title: "Unsupported Media Type",
      status: 415,
      detail: `This route takes application/json bodies, not ${contentType === "" ? "an untyped body" : contentType}`
    }, { status: 415, contentType: "application/problem+json" }))
  })
