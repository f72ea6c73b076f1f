/**
 * Metrics of webhook delivery, as Effect `Metric`s (rendered by `Prometheus.render`):
 *
 * - `spacesync_webhook_attempts_total{outcome}`: attempts by outcome (`success`, or the error class:
 *   `http`, `timeout`, `dns`, `connection`, `tls`, `refused_target`, `other`), counted by the worker that
 *   made them;
 * - `spacesync_webhook_delivery_latency_seconds`: from the event's creation to the 2xx answer;
 * - `spacesync_webhook_queue_depth`: live deliveries (waiting, leased or waiting for a retry), and
 *   `spacesync_webhook_queue_due`: those due now;
 * - `spacesync_webhook_oldest_due_seconds{endpoint_id}`: age of the oldest due delivery per endpoint.
 *
 * The queue gauges come from the database (shared by every worker process): `refresh` samples them, and
 * `render` samples then renders everything, which is what a `/metrics` route calls.
 *
 * @since 0.1.0
 */
import { Effect, Metric, MetricBoundaries } from "effect"
import { DeliveryQueue } from "./DeliveryQueue.js"
import type { ErrorClass } from "./OutboundGuard.js"
import * as Prometheus from "./Prometheus.js"

/** An attempt's outcome as the attempts counter labels it. @since 0.1.0 */
export type Outcome = "success" | ErrorClass | "other"

/** Attempts by outcome. @since 0.1.0 */
export const attempts = Metric.counter("spacesync_webhook_attempts_total", {
  description: "Webhook delivery attempts by outcome",
  incremental: true
})

const byOutcome = new Map<Outcome, Metric.Metric.Counter<number>>()

/** The attempts counter of one outcome. @since 0.1.0 */
export const attemptsWith = (outcome: Outcome): Metric.Metric.Counter<number> => {
  let metric = byOutcome.get(outcome)
  if (metric === undefined) {
    metric = Metric.tagged(attempts, "outcome", outcome)
    byOutcome.set(outcome, metric)
  }
  return metric
}

/** Event created → 2xx, in seconds. @since 0.1.0 */
export const latency = Metric.histogram(
  "spacesync_webhook_delivery_latency_seconds",
  MetricBoundaries.fromIterable([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200]),
  "Time from an event's creation to a 2xx answer of the endpoint"
)

/** Live deliveries in the queue. @since 0.1.0 */
export const queueDepth = Metric.gauge("spacesync_webhook_queue_depth", {
  description: "Webhook deliveries queued (waiting, leased or waiting for a retry)"
})

/** Deliveries due now and not leased. @since 0.1.0 */
export const queueDue = Metric.gauge("spacesync_webhook_queue_due", {
  description: "Webhook deliveries due now and not yet claimed"
})

/** Age of the oldest due delivery, per endpoint. @since 0.1.0 */
export const oldestDue = Metric.gauge("spacesync_webhook_oldest_due_seconds", {
  description: "Age in seconds of the oldest due webhook delivery, per endpoint"
})

const seenEndpoints = new Set<string>()

/**
 * Samples the queue gauges from the database. Endpoints that no longer have due deliveries drop to 0.
 *
 * @since 0.1.0
 */
export const refresh: Effect.Effect<void, never, DeliveryQueue> = Effect.gen(function*() {
  const queue = yield* DeliveryQueue
  const depths = yield* queue.depths
  yield* Metric.set(queueDepth, depths.reduce((sum, d) => sum + d.depth, 0))
  yield* Metric.set(queueDue, depths.reduce((sum, d) => sum + d.due, 0))
  const current = new Set<string>()
  for (const depth of depths) {
    current.add(depth.endpointId)
    seenEndpoints.add(depth.endpointId)
    yield* Metric.set(Metric.tagged(oldestDue, "endpoint_id", depth.endpointId), depth.oldestDueSeconds)
  }
  for (const endpointId of seenEndpoints) {
    if (current.has(endpointId)) continue
    yield* Metric.set(Metric.tagged(oldestDue, "endpoint_id", endpointId), 0)
    seenEndpoints.delete(endpointId)
  }
})

/**
 * Samples the queue gauges, then renders every metric of this process in Prometheus text format.
 *
 * @since 0.1.0
 */
export const render: Effect.Effect<string, never, DeliveryQueue> = Effect.zipRight(refresh, Prometheus.render)
