/**
 * `/metrics` in Prometheus text format: HTTP request counts and latencies by route and status, plus every
 * other Effect metric of the process (webhook delivery, syncs).
 *
 * @since 0.1.0
 */
import { HttpApiBuilder, HttpApp, HttpMiddleware, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import * as Prometheus from "@spacesync/core/Prometheus"
import { Effect, Metric, MetricBoundaries } from "effect"

/** @since 0.1.0 */
export const httpRequests = Metric.counter("spacesync_http_requests_total", {
  description: "HTTP requests by method, route and status",
  incremental: true
})

/** @since 0.1.0 */
export const httpDuration = Metric.histogram(
  "spacesync_http_request_duration_seconds",
  MetricBoundaries.exponential({ start: 0.001, factor: 2, count: 14 }),
  "HTTP request latency by method and route"
)

const idSegment = /^(loc|res|prc|con|plt|op|acc|evt|ep|dlv)_[0-9a-z]+$/

/** The route label of a URL: its path with ids replaced by `:kind`, so label values stay few. */
const routeOf = (url: string): string => {
  const path = url.split("?")[0] ?? "/"
  const segments = path.split("/").map((s) => {
    const match = idSegment.exec(s)
    return match ? `:${match[1]}` : s
  })
  const route = segments.join("/")
  return segments.length > 9 || !/^[a-z0-9:/._-]*$/.test(route) ? "other" : route
}

/**
 * Counts and times every request, labelled by the matched route pattern (never the raw URL, which holds
 * ids), and adds a request id (`x-request-id`, taken from the request when it has a sane one) to the
 * response and to every log line of the request.
 *
 * @since 0.1.0
 */
export const observe = HttpMiddleware.make((app) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const incoming = request.headers["x-request-id"]
    const requestId = incoming !== undefined && /^[A-Za-z0-9._-]{1,64}$/.test(incoming)
      ? incoming
      : crypto.randomUUID()
    const started = performance.now()
    const route = routeOf(request.url)
    yield* HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.gen(function*() {
        yield* Metric.update(
          httpRequests.pipe(
            Metric.tagged("method", request.method),
            Metric.tagged("route", route),
            Metric.tagged("status", String(response.status))
          ),
          1
        )
        yield* Metric.update(
          httpDuration.pipe(Metric.tagged("method", request.method), Metric.tagged("route", route)),
          (performance.now() - started) / 1000
        )
        return HttpServerResponse.setHeader(response, "x-request-id", requestId)
      })
    )
    return yield* app.pipe(Effect.annotateLogs({ requestId }))
  })
)

/**
 * The `/metrics` route.
 *
 * @since 0.1.0
 */
export const MetricsLive = HttpApiBuilder.Router.use((router) =>
  router.get(
    "/metrics",
    Effect.map(Prometheus.render, (text) => HttpServerResponse.text(text, { contentType: Prometheus.contentType }))
  )
)
