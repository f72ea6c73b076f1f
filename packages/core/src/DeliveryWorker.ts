/**
 * Delivery workers: claim due deliveries from the `DeliveryQueue`, sign and POST them, and record the
 * outcome. A worker is a layer, so it runs inside the hub or in a process of its own (any number of them
 * on one database: claims never overlap).
 *
 * - **Waking.** Fan-out `NOTIFY`s when it queues deliveries; the worker `LISTEN`s (when the database
 *   client can: not through the embedded database's socket, where it simply polls) and also polls every
 *   `pollInterval`, which is also what picks up retries that come due.
 * - **Concurrency.** At most `concurrency` requests in flight per worker, and at most
 *   `perEndpointConcurrency` per endpoint (both per worker process: two processes may each reach them),
 *   so one slow endpoint never holds up the others. Claims are batched (`batchSize`); completions are
 *   written in batches as they accumulate.
 * - **Leases.** A claim holds a lease (`lease`, longer than the 15 s request timeout); a worker that dies
 *   leaves its leases to expire, and the reaper (every worker runs one) puts those deliveries back.
 *   Delivery is therefore at least once; the `webhook-id` is the same on every attempt.
 * - **Requests.** Signed exactly as CONTRACT.md (Standard Webhooks v1, one signature per secret that is
 *   still valid: a rotated-out secret signs for 24 hours). The body is the stored text, byte for byte.
 *   They go through the outbound-guarded undici dispatcher (the one under `OutboundGuard.layer`'s
 *   `HttpClient`: no redirects, 5 s connect timeout, private targets refused when connecting); the whole
 *   exchange is bounded by `timeout` (15 s) and at most 64 KB of the response is read, 4 KB of it logged.
 *   The per-request path is a bare undici handler (no fiber, stream, abort signal or timer per request;
 *   one sweeper enforces deadlines): at thousands of deliveries per second that is most of a core saved.
 * - **Outcomes.** 2xx succeeds. 410 fails the delivery and disables the endpoint. Anything else (3xx
 *   included) and transport errors are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and
 *   24 h, each ±20 %; `Retry-After` on 429/503 is honoured within [delay, 2 × delay]; then the delivery
 *   fails. An endpoint failing for 5 days without a success is disabled. A retry that a newer event of the
 *   same type for the same location has made stale is recorded as superseded instead.
 *   Manual resends and recoveries of finished deliveries are one attempt each.
 *
 * @since 0.1.0
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Config, Context, Duration, Effect, Either, Fiber, Layer, Option, Queue, Stream } from "effect"
import type * as ConfigError from "effect/ConfigError"
import type * as Scope from "effect/Scope"
import type { Dispatcher } from "undici"
import * as DeliveryMetrics from "./DeliveryMetrics.js"
import { type AttemptResult, type Claimed, DeliveryQueue, layer as deliveryQueueLayer } from "./DeliveryQueue.js"
import * as OutboundGuard from "./OutboundGuard.js"
import { SecretBox } from "./SecretBox.js"
import * as Webhook from "./Webhook.js"

/** The retry schedule of CONTRACT.md: the delay before each retry. @since 0.1.0 */
export const defaultRetrySchedule: ReadonlyArray<Duration.Duration> = [
  Duration.seconds(5),
  Duration.minutes(5),
  Duration.minutes(30),
  Duration.hours(2),
  Duration.hours(5),
  Duration.hours(10),
  Duration.hours(14),
  Duration.hours(20),
  Duration.hours(24)
]

/** Settings of a worker. @since 0.1.0 */
export interface Options {
  /** Requests in flight at most (default 64). */
  readonly concurrency?: number | undefined
  /** Requests in flight per endpoint at most (default 8). */
  readonly perEndpointConcurrency?: number | undefined
  /** Deliveries claimed per statement at most (default 100). */
  readonly batchSize?: number | undefined
  /** Polling backstop (default 1 s). */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** Lease of a claim (default 60 s); must exceed `timeout`. */
  readonly lease?: Duration.DurationInput | undefined
  /** How often expired leases are reaped (default half the lease, at most 10 s; also at start). */
  readonly reapInterval?: Duration.DurationInput | undefined
  /** Delay before each retry (default: CONTRACT.md). */
  readonly retrySchedule?: ReadonlyArray<Duration.DurationInput> | undefined
  /** Relative jitter of every delay (default 0.2, i.e. ±20 %). */
  readonly jitter?: number | undefined
  /** Bound of one whole exchange, body included (default 15 s). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Response bytes read at most (default 64 KB). */
  readonly maxResponseBytes?: number | undefined
  /** Response bytes kept in the attempt log (default 4 KB). */
  readonly excerptBytes?: number | undefined
  /** An endpoint failing this long without a success is disabled (default 5 days). */
  readonly disableAfter?: Duration.DurationInput | undefined
  /** `LISTEN` for new deliveries (default true); polling works either way. */
  readonly listen?: boolean | undefined
  /** On shutdown, how long to let requests in flight finish (default 5 s). */
  readonly shutdownGrace?: Duration.DurationInput | undefined
}

/** The defaults of `Options`. @since 0.1.0 */
export const defaults = {
  concurrency: 64,
  perEndpointConcurrency: 8,
  batchSize: 100,
  pollInterval: Duration.seconds(1),
  lease: Duration.seconds(60),
  reapInterval: Duration.seconds(10),
  retrySchedule: defaultRetrySchedule,
  jitter: 0.2,
  timeout: Duration.seconds(15),
  maxResponseBytes: 64 * 1024,
  excerptBytes: 4 * 1024,
  disableAfter: Duration.days(5),
  listen: true,
  shutdownGrace: Duration.seconds(5)
} as const

/**
 * The delay before the next retry, in milliseconds, or `None` when the schedule is exhausted. `step` is
 * the number of retries already used; `random` in [0, 1) draws the jitter; `retryAfterMillis` (a 429/503
 * `Retry-After`) is honoured within [delay, 2 × delay].
 *
 * @since 0.1.0
 */
export const retryDelay = (options: {
  readonly schedule: ReadonlyArray<Duration.DurationInput>
  readonly step: number
  readonly jitter: number
  readonly random: () => number
  readonly retryAfterMillis?: number | undefined
}): Option.Option<number> => {
  const base = options.schedule[options.step]
  if (base === undefined) return Option.none()
  const delay = Duration.toMillis(base) * (1 + options.jitter * (2 * options.random() - 1))
  const retryAfter = options.retryAfterMillis
  return Option.some(
    Math.round(retryAfter === undefined ? delay : Math.min(2 * delay, Math.max(delay, retryAfter)))
  )
}

/**
 * A `Retry-After` header value (seconds or an HTTP date) in milliseconds from `now`.
 *
 * @since 0.1.0
 */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * A running worker.
 *
 * @since 0.1.0
 * @category tags
 */
export class DeliveryWorker extends Context.Tag("@spacesync/core/DeliveryWorker")<DeliveryWorker, {
  /** Look for due deliveries now (as a `NOTIFY` would). */
  readonly wake: Effect.Effect<void>
  /** Requests in flight right now. */
  readonly inFlight: Effect.Effect<number>
}>() {}

interface Exchange {
  readonly status: number | null
  readonly retryAfter: string | undefined
  readonly excerpt: string | null
  readonly error: unknown
}

// Endpoint URLs repeat: parse each once.
const targets = new Map<string, { readonly origin: string; readonly path: string }>()
const parseTarget = (url: string) => {
  let target = targets.get(url)
  if (target === undefined) {
    const parsed = new URL(url)
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` }
    if (targets.size > 10_000) targets.clear()
    targets.set(url, target)
  }
  return target
}

const firstHeader = (value: string | Array<string> | undefined) => Array.isArray(value) ? value[0] : value

/** A request in flight, for the deadline sweeper and shutdown. */
interface Flight {
  readonly deadline: number
  controller: Dispatcher.DispatchController | undefined
  abortedWith: Error | undefined
}

const abortFlight = (flight: Flight, reason: Error) => {
  if (flight.abortedWith !== undefined) return
  flight.abortedWith = reason
  flight.controller?.abort(reason)
}

/**
 * One signed POST on the dispatcher: the stored body byte for byte, at most `maxBytes` of the answer kept.
 * This is the hot path: a bare undici handler (no response stream, no per-request fiber, abort signal or
 * timer; a sweeper enforces deadlines), and it never rejects.
 */
const post = (
  dispatcher: Dispatcher,
  claimed: Claimed,
  keys: ReadonlyArray<Buffer>,
  flight: Flight,
  limits: { readonly maxBytes: number; readonly excerptBytes: number; readonly timeoutMillis: number }
): Promise<Exchange> =>
  new Promise((resolve) => {
    let status: number | null = null
    let retryAfter: string | undefined
    const chunks: Array<Buffer> = []
    let size = 0
    let settled = false
    const settle = (error: unknown) => {
      if (settled) return
      settled = true
      resolve(
        status === null
          ? { status: null, retryAfter: undefined, excerpt: null, error: flight.abortedWith ?? error }
          : {
            status,
            retryAfter,
            // A body that broke off after the status line still answered.
            excerpt: Buffer.concat(chunks).subarray(0, limits.excerptBytes).toString("utf8"),
            error: null
          }
      )
    }
    try {
      const target = parseTarget(claimed.url)
      const timestamp = Math.floor(Date.now() / 1000)
      dispatcher.dispatch({
        origin: target.origin,
        path: target.path,
        method: "POST",
        headers: {
          ...Webhook.headers({ id: claimed.eventId, timestamp, body: claimed.body, keys }),
          "user-agent": "spacesync-webhooks/1"
        },
        body: claimed.body,
        headersTimeout: limits.timeoutMillis,
        bodyTimeout: limits.timeoutMillis
      }, {
        onRequestStart(controller) {
          flight.controller = controller
          if (flight.abortedWith !== undefined) controller.abort(flight.abortedWith)
        },
        onResponseStart(_controller, statusCode, headers) {
          status = statusCode
          retryAfter = firstHeader(headers["retry-after"])
        },
        onResponseData(controller, chunk) {
          if (size >= limits.maxBytes) return
          chunks.push(chunk)
          size += chunk.length
          if (size >= limits.maxBytes) {
            settle(null)
            controller.abort(new Error("Response body limit reached"))
          }
        },
        onResponseEnd() {
          settle(null)
        },
        onResponseError(_controller, error) {
          settle(error)
        }
      })
    } catch (error) {
      settle(error)
    }
  })

/**
 * A worker with `options`, running until its scope closes; then it stops claiming, lets requests in
 * flight finish (up to `shutdownGrace`) and records them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<
  DeliveryWorker["Type"],
  never,
  DeliveryQueue | NodeHttpClient.Dispatcher | SecretBox | Scope.Scope
> =>
  Effect.gen(function*() {
    const o = {
      concurrency: options.concurrency ?? defaults.concurrency,
      perEndpoint: options.perEndpointConcurrency ?? defaults.perEndpointConcurrency,
      batchSize: options.batchSize ?? defaults.batchSize,
      pollInterval: options.pollInterval ?? defaults.pollInterval,
      lease: options.lease ?? defaults.lease,
      reapInterval: options.reapInterval ??
        Duration.min(defaults.reapInterval, Duration.millis(Duration.toMillis(options.lease ?? defaults.lease) / 2)),
      schedule: options.retrySchedule ?? defaults.retrySchedule,
      jitter: options.jitter ?? defaults.jitter,
      timeout: Duration.decode(options.timeout ?? defaults.timeout),
      maxResponseBytes: options.maxResponseBytes ?? defaults.maxResponseBytes,
      excerptBytes: options.excerptBytes ?? defaults.excerptBytes,
      disableAfter: options.disableAfter ?? defaults.disableAfter,
      listen: options.listen ?? defaults.listen,
      shutdownGrace: Duration.toMillis(options.shutdownGrace ?? defaults.shutdownGrace)
    }
    const queue = yield* DeliveryQueue
    const box = yield* SecretBox
    const dispatcher = yield* NodeHttpClient.Dispatcher
    const timeoutMillis = Duration.toMillis(o.timeout)
    const limits = { maxBytes: o.maxResponseBytes, excerptBytes: o.excerptBytes, timeoutMillis }
    const flights = new Set<Flight>()
    const sweepInterval = Duration.millis(Math.max(10, Math.min(250, timeoutMillis / 10)))
    let stopped = false

    const inFlight = new Map<string, number>()
    let total = 0
    // Whether the last claim may have left due deliveries behind (a full batch, or saturated endpoints).
    let backlog = true
    const refill = Math.max(1, Math.floor(Math.min(o.batchSize, o.concurrency) / 2))
    const flushDelay = Duration.millis(20)
    const wakeups = yield* Queue.sliding<void>(1)
    const wake = () => void Queue.unsafeOffer(wakeups, undefined)
    const results: Array<AttemptResult> = []
    const resultsReady = yield* Queue.sliding<void>(1)
    const keys = new Map<string, Buffer>()
    const gone = new Set<string>()

    // Decrypted secrets are cached by ciphertext; a rotation changes the ciphertext.
    const keysOf = (claimed: Claimed) =>
      Effect.gen(function*() {
        const now = Date.now()
        const out: Array<Buffer> = []
        for (const secret of claimed.secrets) {
          if (secret.expiresAt !== null && Date.parse(secret.expiresAt) <= now) continue
          let key = keys.get(secret.key)
          if (key === undefined) {
            const plain = yield* box.decrypt("webhook-secrets", secret.key, claimed.endpointId)
            key = Webhook.secretKey(plain)
            if (key === undefined) continue
            if (keys.size > 10_000) keys.clear()
            keys.set(secret.key, key)
          }
          out.push(key)
        }
        return out
      })

    const decide = (claimed: Claimed, result: Exchange, attemptedAt: Date, durationMs: number): AttemptResult => {
      const finished = Date.now()
      const base = {
        claimId: claimed.claimId,
        tid: claimed.tid,
        deliveryId: claimed.deliveryId,
        endpointId: claimed.endpointId,
        attempt: claimed.attempt,
        trigger: claimed.trigger,
        url: claimed.url,
        attemptedAt,
        durationMs,
        statusCode: result.status,
        responseExcerpt: result.excerpt
      }
      if (result.status !== null && result.status >= 200 && result.status < 300) {
        DeliveryMetrics.attemptsWith("success").unsafeUpdate(1, [])
        DeliveryMetrics.latency.unsafeUpdate(Math.max(0, finished - claimed.eventCreatedAt) / 1000, [])
        return {
          ...base,
          outcome: "succeeded",
          errorClass: null,
          errorMessage: null,
          nextAttemptAt: null,
          reason: null
        }
      }
      const errorClass = result.status !== null
        ? "http" as const
        : (result.error as { readonly _tag?: unknown } | null)?._tag === "DecryptError"
        ? null
        : OutboundGuard.errorClass(result.error)
      DeliveryMetrics.attemptsWith(errorClass ?? "other").unsafeUpdate(1, [])
      const errorMessage = result.status !== null
        ? `HTTP ${result.status}`
        : errorClass === null
        ? "The endpoint secret cannot be decrypted (SPACESYNC_SECRET_KEY changed?)"
        : describe(result.error)
      if (result.status === 410) {
        gone.add(claimed.endpointId)
        return {
          ...base,
          outcome: "failed",
          errorClass,
          errorMessage,
          nextAttemptAt: null,
          reason: "The endpoint answered 410 Gone"
        }
      }
      const retryAfter = result.status === 429 || result.status === 503
        ? parseRetryAfter(result.retryAfter, finished)
        : undefined
      const delay = retryDelay({
        schedule: o.schedule,
        step: claimed.scheduleStep,
        jitter: o.jitter,
        random: Math.random,
        retryAfterMillis: retryAfter
      })
      return Option.match(delay, {
        onNone: (): AttemptResult => ({
          ...base,
          outcome: "failed",
          errorClass,
          errorMessage,
          nextAttemptAt: null,
          reason: claimed.trigger === "scheduled" ? "Retries exhausted" : `A ${claimed.trigger} attempt failed`
        }),
        onSome: (millis): AttemptResult => ({
          ...base,
          outcome: "retry",
          errorClass,
          errorMessage,
          nextAttemptAt: new Date(finished + millis),
          reason: null
        })
      })
    }

    const record = (result: AttemptResult) => {
      results.push(result)
      Queue.unsafeOffer(resultsReady, undefined)
    }

    const release = (claimed: Claimed) => {
      const n = (inFlight.get(claimed.endpointId) ?? 1) - 1
      if (n <= 0) inFlight.delete(claimed.endpointId)
      else inFlight.set(claimed.endpointId, n)
      total--
      if (backlog && o.concurrency - total >= refill) wake()
    }

    // Starts one attempt; it records its result and frees its slot when done.
    const deliver = (claimed: Claimed, secretKeys: Either.Either<ReadonlyArray<Buffer>, unknown>) => {
      const attemptedAt = new Date()
      const started = performance.now()
      if (Either.isLeft(secretKeys)) {
        const exchange = { status: null, retryAfter: undefined, excerpt: null, error: secretKeys.left }
        record(decide(claimed, exchange, attemptedAt, 0))
        release(claimed)
        return
      }
      const flight: Flight = { deadline: Date.now() + timeoutMillis, controller: undefined, abortedWith: undefined }
      flights.add(flight)
      post(dispatcher, claimed, secretKeys.right, flight, limits).then((exchange) => {
        flights.delete(flight)
        if (!stopped) record(decide(claimed, exchange, attemptedAt, performance.now() - started))
        release(claimed)
      })
    }

    // Aborts requests past their deadline (the whole exchange, body included, is bounded by `timeout`).
    const sweepLoop = Effect.gen(function*() {
      while (true) {
        yield* Effect.sleep(sweepInterval)
        const now = Date.now()
        for (const flight of flights) {
          if (now >= flight.deadline) {
            abortFlight(
              flight,
              new OutboundGuard.TimeoutError(`No complete answer within ${Duration.format(o.timeout)}`)
            )
          }
        }
      }
    })

    const claimOnce = Effect.gen(function*() {
      const free = o.concurrency - total
      if (free <= 0) {
        backlog = true
        return false
      }
      const limit = Math.min(free, o.batchSize)
      const saturated = [...inFlight.values()].some((n) => n >= o.perEndpoint)
      // Endpoints about to be disabled (a 410 not yet recorded) count as saturated: nothing more is sent.
      const busy = gone.size === 0
        ? inFlight
        : new Map([...inFlight, ...[...gone].map((id) => [id, o.perEndpoint] as const)])
      const claimed = yield* queue.claim({
        claimId: Ids.random("clm"),
        limit,
        perEndpoint: o.perEndpoint,
        inFlight: busy,
        lease: o.lease
      })
      for (const c of claimed) {
        inFlight.set(c.endpointId, (inFlight.get(c.endpointId) ?? 0) + 1)
        total++
        deliver(c, yield* Effect.either(keysOf(c)))
      }
      backlog = claimed.length === limit || saturated || [...inFlight.values()].some((n) => n >= o.perEndpoint)
      return claimed.length === limit
    })

    const claimLoop = Effect.gen(function*() {
      while (true) {
        const more = yield* claimOnce.pipe(
          Effect.catchAllCause((cause) =>
            Effect.logError("Claiming deliveries failed; retrying", cause).pipe(
              Effect.zipRight(Effect.sleep("1 second")),
              Effect.as(false)
            )
          )
        )
        if (!more) yield* Effect.ignore(Effect.timeout(Queue.take(wakeups), o.pollInterval))
      }
    })

    const disabling = (batch: ReadonlyArray<AttemptResult>, stale: ReadonlyArray<Webhook.EndpointId>) => {
      const reasons = new Map<Webhook.EndpointId, string>()
      for (const r of batch) if (r.statusCode === 410) reasons.set(r.endpointId, "The endpoint answered 410 Gone")
      for (const id of stale) {
        if (!reasons.has(id)) reasons.set(id, `No successful delivery for ${humanDuration(o.disableAfter)}`)
      }
      return Effect.forEach(
        reasons,
        ([id, reason]) => Effect.ensuring(queue.disableEndpoint(id, reason), Effect.sync(() => gone.delete(id))),
        { discard: true }
      )
    }

    const flushOnce = Effect.gen(function*() {
      while (results.length > 0) {
        const batch = results.splice(0, 500)
        const stale = yield* queue.complete(batch, { disableAfter: o.disableAfter }).pipe(
          Effect.onExit((exit) => exit._tag === "Failure" ? Effect.sync(() => results.unshift(...batch)) : Effect.void)
        )
        yield* disabling(batch, stale)
      }
    })

    const flushLoop = Effect.gen(function*() {
      while (true) {
        yield* Queue.take(resultsReady)
        // Under load, let a few more results join the batch: one statement records them all.
        if (results.length < o.batchSize / 2 && total > 0) yield* Effect.sleep(flushDelay)
        yield* flushOnce.pipe(
          Effect.catchAllCause((cause) =>
            Effect.logError("Recording delivery attempts failed; retrying", cause).pipe(
              Effect.zipRight(Effect.sleep("1 second")),
              Effect.zipRight(Queue.offer(resultsReady, undefined))
            )
          )
        )
      }
    })

    const reapLoop = Effect.gen(function*() {
      while (true) {
        const reaped = yield* queue.reap.pipe(
          Effect.catchAllCause((cause) => Effect.as(Effect.logWarning("Reaping leases failed", cause), 0))
        )
        if (reaped > 0) {
          yield* Effect.logInfo(`Returned ${reaped} deliveries with expired leases to the queue`)
          wake()
        }
        yield* Effect.sleep(o.reapInterval)
      }
    })

    const flushFiber = yield* Effect.forkScoped(flushLoop)
    yield* Effect.forkScoped(reapLoop)
    yield* Effect.forkScoped(sweepLoop)
    if (o.listen) yield* Effect.forkScoped(Stream.runForEach(queue.notifications, () => Effect.sync(wake)))
    const claimFiber = yield* Effect.forkScoped(claimLoop)

    // Runs first on shutdown: stop claiming, let requests in flight finish, record what finished.
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        yield* Fiber.interrupt(claimFiber)
        const deadline = Date.now() + o.shutdownGrace
        while (total > 0 && Date.now() < deadline) yield* Effect.sleep("20 millis")
        // Whatever is still in flight is abandoned: its lease expires and another worker sends it again.
        stopped = true
        for (const flight of flights) abortFlight(flight, new Error("The worker stopped"))
        yield* Fiber.interrupt(flushFiber)
        yield* flushOnce.pipe(Effect.catchAllCause((cause) => Effect.logWarning("Final flush failed", cause)))
      })
    )

    return DeliveryWorker.of({
      wake: Effect.sync(wake),
      inFlight: Effect.sync(() => total)
    })
  })

const humanDuration = (input: Duration.DurationInput) => {
  const millis = Duration.toMillis(input)
  const day = 86_400_000
  return millis % day === 0 ? `${millis / day} day${millis === day ? "" : "s"}` : Duration.format(input)
}

const describe = (error: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = error
  for (let i = 0; i < 4 && current !== null && current !== undefined; i++) {
    const message = (current as { message?: unknown }).message
    if (typeof message === "string" && message !== "" && !parts.includes(message)) parts.push(message)
    current = (current as { cause?: unknown }).cause
  }
  return (parts.join(": ") || String(error)).slice(0, 500)
}

/**
 * A worker with `options` on the `DeliveryQueue`, the undici dispatcher (`NodeHttpClient.Dispatcher`: use
 * the outbound-guarded one, `OutboundGuard.dispatcherLayer`) and `SecretBox` of the context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<DeliveryWorker, never, DeliveryQueue | NodeHttpClient.Dispatcher | SecretBox> =>
  Layer.scoped(DeliveryWorker, make(options))

/**
 * Worker settings from the environment: `SPACESYNC_DELIVERY_CONCURRENCY`,
 * `SPACESYNC_DELIVERY_ENDPOINT_CONCURRENCY`, `SPACESYNC_DELIVERY_BATCH_SIZE`,
 * `SPACESYNC_DELIVERY_POLL_INTERVAL` and `SPACESYNC_DELIVERY_LEASE` (durations such as `2 seconds`).
 *
 * @since 0.1.0
 */
export const OptionsConfig: Config.Config<Options> = Config.all({
  concurrency: Config.integer("SPACESYNC_DELIVERY_CONCURRENCY").pipe(
    Config.withDefault(defaults.concurrency),
    Config.withDescription("Webhook requests in flight per worker process at most")
  ),
  perEndpointConcurrency: Config.integer("SPACESYNC_DELIVERY_ENDPOINT_CONCURRENCY").pipe(
    Config.withDefault(defaults.perEndpointConcurrency),
    Config.withDescription("Webhook requests in flight per endpoint and worker process at most")
  ),
  batchSize: Config.integer("SPACESYNC_DELIVERY_BATCH_SIZE").pipe(Config.withDefault(defaults.batchSize)),
  pollInterval: Config.duration("SPACESYNC_DELIVERY_POLL_INTERVAL").pipe(Config.withDefault(defaults.pollInterval)),
  lease: Config.duration("SPACESYNC_DELIVERY_LEASE").pipe(Config.withDefault(defaults.lease))
})

/**
 * A complete worker from the environment: settings from `OptionsConfig`, the outbound-guarded HTTP client
 * (`SPACESYNC_ALLOW_PRIVATE_TARGETS`) and the delivery queue on the database of the context. This is what
 * the hub runs, and what a separate worker process runs with the database and `SecretBox` layers.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<
  DeliveryWorker,
  ConfigError.ConfigError,
  import("@effect/sql").SqlClient.SqlClient | SecretBox
> = Layer.unwrapEffect(Effect.map(OptionsConfig, layer)).pipe(
  Layer.provide(Layer.mergeAll(deliveryQueueLayer, OutboundGuard.dispatcherLayer))
)
