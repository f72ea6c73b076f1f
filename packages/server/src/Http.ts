/**
 * The hub's HTTP server: every API group with its services, problem+json errors, request ids and logs,
 * `/openapi.json`, `/docs` and `/metrics`.
 *
 * @since 0.1.0
 */
import {
  HttpApiBuilder,
  HttpApiScalar,
  HttpApp,
  HttpMiddleware,
  HttpServer,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse
} from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Connections, Database, Operators, Platforms } from "@spacesync/core"
import { Cause, Context, Effect, Exit, FiberRef, HashMap, Layer, Option } from "effect"
import { createServer } from "node:http"
import * as AccessTokens from "./AccessTokens.js"
import { HttpAdminLive } from "./Admin/Http.js"
import * as AdminToken from "./AdminToken.js"
import { Api } from "./Api.js"
import { AdminAuthLive, OperatorAuthLive, PlatformAuthLive } from "./Auth.js"
import * as ContentTypes from "./ContentTypes.js"
import { problemJson, problemType } from "./Errors.js"
import { HttpHealthLive } from "./Health/Http.js"
import { HubConfig } from "./HubConfig.js"
import { MetricsLive, observe } from "./Metrics.js"
import { HttpOAuthLive } from "./OAuth/Http.js"
import { HttpOperatorLive } from "./Operator/Http.js"
import { HttpPlatformLive } from "./Platform/Http.js"
import { PlatformDocsLive } from "./PlatformDocs.js"
import * as RateLimits from "./RateLimits.js"
import { HttpUpstreamLive } from "./Upstream/Http.js"
import { HttpWebhooksLive } from "./Webhooks/Http.js"

/** Core's tenancy services and the server's own (tokens, auth, rate limits). @since 0.1.0 */
export const ServicesLive = Layer.mergeAll(AdminAuthLive, OperatorAuthLive, PlatformAuthLive).pipe(
  Layer.provideMerge(Layer.mergeAll(
    AdminToken.layer,
    AccessTokens.layer,
    Operators.layer,
    Platforms.layer,
    Connections.layer(),
    RateLimits.layer
  ))
)

/** Every route of the API. @since 0.1.0 */
export const ApiLive = HttpApiBuilder.api(Api).pipe(
  Layer.provide([
    HttpHealthLive,
    HttpAdminLive,
    HttpOperatorLive,
    HttpOAuthLive,
    HttpPlatformLive,
    HttpUpstreamLive,
    HttpWebhooksLive
  ])
)

/** What a client that got a 503 should wait before trying again (`Retry-After`, seconds). @since 0.1.0 */
export const retryAfterSeconds = 5

/**
 * The answer while the database cannot be reached: 503 problem+json with `Retry-After`, instead of the
 * 500 of an unexpected failure, since the same request may succeed once the database is back.
 *
 * @since 0.1.0
 */
export const databaseUnavailableResponse = (): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson({
    type: problemType("DatabaseUnavailable"),
    title: "Service Unavailable",
    status: 503,
    detail: "The database cannot be reached; try again later",
    _tag: "DatabaseUnavailable",
    reason: "DatabaseUnreachable"
  }, {
    status: 503,
    contentType: "application/problem+json",
    headers: { "retry-after": String(retryAfterSeconds) }
  })

/**
 * Every route (API, docs, metrics), mapped centrally: a failure or defect that says the database cannot
 * be reached (`Database.unavailable`: a `SqlError` caused by a refused, dropped or timed-out connection,
 * or PostgreSQL shutting down or starting) answers 503 with `Retry-After`. Why is kept as the `error`
 * annotation of the request's log line, which is a warning rather than an error: nothing is wrong with
 * the hub, and the database's own logs say why it is gone.
 *
 * @since 0.1.0
 */
export const DatabaseUnavailableLive = HttpApiBuilder.middleware((app) =>
  Effect.catchAllCause(app, (cause) =>
    Option.match(Database.unavailable(cause), {
      onNone: () => Effect.failCause(cause),
      onSome: (unavailable) =>
        Effect.as(
          FiberRef.update(
            FiberRef.currentLogAnnotations,
            (logged) => HashMap.set(logged, "error", unavailable.message)
          ),
          databaseUnavailableResponse()
        )
    }))
)

/**
 * `/openapi.json`, `/docs` (Scalar, served from the installed package: no CDN), `/metrics`, and the
 * mapping of an unreachable database to 503.
 *
 * @since 0.1.0
 */
export const DocsLive = Layer.mergeAll(
  HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" }),
  HttpApiScalar.layer({ path: "/docs" }),
  MetricsLive,
  PlatformDocsLive,
  DatabaseUnavailableLive
)

const annotations = (request: HttpServerRequest.HttpServerRequest, status: number) => ({
  "http.method": request.method,
  "http.url": request.url,
  "http.status": status
})

/**
 * One log line per request (`http.method`, `http.url`, `http.status`, in a `http.span.N` span), like
 * `HttpMiddleware.logger`, but at a level that says what happened: INFO for an answer (4xx included), WARN
 * for a 5xx the API answers on purpose (503 while the database is away, 502 from an upstream), and ERROR
 * with the whole cause for an unexpected failure (a defect or an error no route declares), which the
 * framework answers with 500. `HttpMiddleware.withLoggerDisabled` still silences a request.
 *
 * @since 0.1.0
 */
export const requestLogger = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> => {
  let counter = 0
  return Effect.withFiberRuntime((fiber) => {
    const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest)
    return Effect.withLogSpan(
      Effect.flatMap(Effect.exit(app), (exit) => {
        if (fiber.getFiberRef(HttpMiddleware.loggerDisabled)) return exit
        if (Exit.isSuccess(exit)) {
          const status = exit.value.status
          const log = status >= 500 ? Effect.logWarning("Sent HTTP response") : Effect.logInfo("Sent HTTP response")
          return Effect.zipRight(Effect.annotateLogs(log, annotations(request, status)), exit)
        }
        return Effect.flatMap(HttpServerError.causeResponse(exit.cause), ([response, cause]) => {
          // An answer made from an error that knows its response (a route that does not exist: 404), or a
          // client that went away (499): no failure of the hub's.
          const failed = response.status >= 500 && !Cause.isEmpty(cause) && !Cause.isInterruptedOnly(cause)
          const log = failed
            ? Effect.logError("Unexpected failure", cause)
            : Effect.logInfo("Sent HTTP response")
          return Effect.zipRight(Effect.annotateLogs(log, annotations(request, response.status)), exit)
        })
      }),
      `http.span.${++counter}`
    )
  })
}

/** Every 503 says when to try again (the readiness probe's too). */
const retryAfter = HttpApp.appendPreResponseHandler((_request, response) =>
  Effect.succeed(
    response.status === 503 && response.headers["retry-after"] === undefined
      ? HttpServerResponse.setHeader(response, "retry-after", String(retryAfterSeconds))
      : response
  )
)

/**
 * The HTTP app's middleware: a request id and metrics around the request logs (which carry the id),
 * problem+json for every error response, and `Retry-After` on every 503.
 *
 * @since 0.1.0
 */
export const middleware = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  observe(requestLogger(problemJson(Effect.zipRight(retryAfter, ContentTypes.guard(app)))))

/**
 * The Node server, with deadlines: the request's headers within 15 s and its whole body within 30 s of
 * the request's start (Node answers 408 and closes the connection otherwise), so a client that stops
 * sending mid-body cannot hold a connection open. Handling time after the body is not limited (an
 * operator's synchronous sync may take minutes).
 *
 * @since 0.1.0
 */
export const makeServer = () => {
  const server = createServer()
  server.headersTimeout = 15_000
  server.requestTimeout = 30_000
  return server
}

/**
 * Serves the API on the configured host and port.
 *
 * @since 0.1.0
 */
export const HttpLive = HttpApiBuilder.serve(middleware).pipe(
  Layer.provide(DocsLive),
  Layer.provide(ApiLive),
  HttpServer.withLogAddress,
  Layer.provide(
    Layer.unwrapEffect(
      Effect.map(HubConfig, (config) => NodeHttpServer.layer(makeServer, { host: config.host, port: config.port }))
    )
  )
)
