/**
 * Delivery workers: claim due deliveries from the `DeliveryQueue`, sign and POST them, and record the
 * outcome. A worker is a layer, so it runs inside the hub or in a process of its own (any number of them
 * on one database: claims never overlap).
 *
 * A worker is three parts: the **retry policy** (`DeliveryPolicy`: pure, what an outcome means), the
 * **transport** (`DeliveryTransport`: one signed POST through undici) and, here, **the loops**: claiming
 * (`claimLoop`), dispatch (`dispatch`: keys, transport, policy) and completion (`completion`: results
 * written in batches, endpoints disabled), plus the reaper of expired leases and the deadline sweeper.
 *
 * - **Waking.** Fan-out `NOTIFY`s when it queues deliveries; the worker `LISTEN`s (when the database
 *   client can: not through the embedded database's socket, where it simply polls) and also polls every
 *   `pollInterval`, which is also what picks up retries that come due.
 * - **Concurrency.** At most `concurrency` requests in flight per worker, at most
 *   `perEndpointConcurrency` per endpoint, and per platform an even share of seven eighths of
 *   `concurrency` among the platforms in flight (all per worker process: two processes may each reach
 *   them), so one slow endpoint never holds up the others, and a platform with thousands of hanging
 *   endpoints never holds every slot. Claims are batched (`batchSize`) and take turns between platforms;
 *   completions are written in batches (half a claim batch, or after 100 ms), however slowly answers come.
 * - **Defaults** are the settings that deliver fastest on the benchmark (128 in flight, 32 per endpoint,
 *   claims of up to 256, polling every 250 ms).
 * - **Leases.** A claim holds a lease (`lease`, longer than the 15 s request timeout); a worker that dies
 *   leaves its leases to expire, and the reaper (every worker runs one) puts those deliveries back.
 *   Delivery is therefore at least once; the `webhook-id` is the same on every attempt. A batch of results
 *   being written is never interrupted (shutdown waits for it): a write whose answer was lost would
 *   otherwise be written again, logging its attempts twice.
 * - **Requests.** Signed as Standard Webhooks v1 (`Webhook.headers`), through the outbound-guarded undici
 *   dispatcher; see `DeliveryTransport`. The whole exchange is bounded by `timeout` (15 s); one sweeper
 *   enforces every deadline.
 * - **Outcomes.** See `DeliveryPolicy`: 2xx succeeds, 410 fails the delivery and disables the endpoint,
 *   anything else is retried on the schedule (5 s … 24 h, ±20 %, `Retry-After` on 429/503 honoured within
 *   [delay, 2 × delay]), then fails. An endpoint failing for 5 days without a success is disabled. A retry
 *   that a newer event of the same type for the same location has made stale is recorded as superseded.
 *
 * @since 0.1.0
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as Cooperative from "@spacesync/adapter-kit/Cooperative"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Config, Context, Duration, Effect, Either, Fiber, Layer, Queue, Stream } from "effect"
import type * as ConfigError from "effect/ConfigError"
import type * as Scope from "effect/Scope"
import type { Dispatcher } from "undici"
import * as DeliveryMetrics from "./DeliveryMetrics.js"
import * as DeliveryPolicy from "./DeliveryPolicy.js"
import { type AttemptResult, type Claimed, DeliveryQueue, layer as deliveryQueueLayer } from "./DeliveryQueue.js"
import * as DeliveryTransport from "./DeliveryTransport.js"
import * as OutboundGuard from "./OutboundGuard.js"
import { SecretBox } from "./SecretBox.js"
import * as Webhook from "./Webhook.js"

/** Settings of a worker. @since 0.1.0 */
export interface Options {
  /** Requests in flight at most (default 128). */
  readonly concurrency?: number | undefined
  /** Requests in flight per endpoint at most (default 32). */
  readonly perEndpointConcurrency?: number | undefined
  /** Deliveries claimed per statement at most (default 256; never more than the free slots). */
  readonly batchSize?: number | undefined
  /** Polling backstop (default 250 ms). */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** Lease of a claim (default 60 s); must exceed `timeout`. */
  readonly lease?: Duration.DurationInput | undefined
  /** How often expired leases are reaped (default half the lease, at most 10 s; also at start). */
  readonly reapInterval?: Duration.DurationInput | undefined
  /** Delay before each retry (default `DeliveryPolicy.defaultRetrySchedule`). */
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
  concurrency: 128,
  perEndpointConcurrency: 32,
  batchSize: 256,
  pollInterval: Duration.millis(250),
  lease: Duration.seconds(60),
  reapInterval: Duration.seconds(10),
  retrySchedule: DeliveryPolicy.defaultRetrySchedule,
  jitter: DeliveryPolicy.defaultJitter,
  timeout: Duration.seconds(15),
  maxResponseBytes: 64 * 1024,
  excerptBytes: 4 * 1024,
  disableAfter: Duration.days(5),
  listen: true,
  shutdownGrace: Duration.seconds(5)
} as const

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

/** `Options` with every default applied. */
interface Settings {
  readonly concurrency: number
  readonly perEndpoint: number
  readonly batchSize: number
  readonly pollInterval: Duration.DurationInput
  readonly lease: Duration.DurationInput
  readonly reapInterval: Duration.DurationInput
  readonly policy: DeliveryPolicy.Settings
  readonly timeout: Duration.Duration
  readonly limits: DeliveryTransport.Limits
  readonly disableAfter: Duration.DurationInput
  readonly listen: boolean
  readonly shutdownGraceMillis: number
}

const settingsOf = (options: Options): Settings => {
  const lease = options.lease ?? defaults.lease
  const timeout = Duration.decode(options.timeout ?? defaults.timeout)
  return {
    concurrency: options.concurrency ?? defaults.concurrency,
    perEndpoint: options.perEndpointConcurrency ?? defaults.perEndpointConcurrency,
    batchSize: options.batchSize ?? defaults.batchSize,
    pollInterval: options.pollInterval ?? defaults.pollInterval,
    lease,
    reapInterval: options.reapInterval ??
      Duration.min(defaults.reapInterval, Duration.millis(Duration.toMillis(lease) / 2)),
    policy: {
      schedule: options.retrySchedule ?? defaults.retrySchedule,
      jitter: options.jitter ?? defaults.jitter,
      random: Math.random
    },
    timeout,
    limits: {
      maxBytes: options.maxResponseBytes ?? defaults.maxResponseBytes,
      excerptBytes: options.excerptBytes ?? defaults.excerptBytes,
      timeoutMillis: Duration.toMillis(timeout)
    },
    disableAfter: options.disableAfter ?? defaults.disableAfter,
    listen: options.listen ?? defaults.listen,
    shutdownGraceMillis: Duration.toMillis(options.shutdownGrace ?? defaults.shutdownGrace)
  }
}

/**
 * Requests in flight, per endpoint, per platform and in total: what the caps are checked against.
 *
 * Platforms share the worker fairly: with `k` platforms in flight, each may have at most an even share
 * of `concurrency` minus a reserve (an eighth), and a platform not in flight gets the share it would
 * have as the (k+1)-th. So a platform whose endpoints hang (each within its own cap, but 10,000 of them)
 * never holds every slot: another platform's deliveries always find one free.
 */
class Capacity {
  readonly perEndpoint = new Map<string, number>()
  readonly perPlatform = new Map<string, number>()
  total = 0
  readonly shared: number

  constructor(readonly endpointCap: number, readonly concurrency: number) {
    this.shared = Math.max(1, concurrency - Math.max(1, Math.floor(concurrency / 8)))
  }

  take(endpointId: string, platformId: string) {
    this.perEndpoint.set(endpointId, (this.perEndpoint.get(endpointId) ?? 0) + 1)
    this.perPlatform.set(platformId, (this.perPlatform.get(platformId) ?? 0) + 1)
    this.total++
  }

  free(endpointId: string, platformId: string) {
    const n = (this.perEndpoint.get(endpointId) ?? 1) - 1
    if (n <= 0) this.perEndpoint.delete(endpointId)
    else this.perEndpoint.set(endpointId, n)
    const p = (this.perPlatform.get(platformId) ?? 1) - 1
    if (p <= 0) this.perPlatform.delete(platformId)
    else this.perPlatform.set(platformId, p)
    this.total--
  }

  /** A platform's share of the worker when `platforms` platforms are in flight. */
  share(platforms: number) {
    return Math.max(1, Math.floor(this.shared / Math.max(1, platforms)))
  }

  /** What each platform in flight may still take, and what a platform not in flight may take. */
  platforms(): { readonly free: ReadonlyMap<string, number>; readonly newcomer: number } {
    const share = this.share(this.perPlatform.size)
    const free = new Map<string, number>()
    for (const [id, n] of this.perPlatform) free.set(id, share - n)
    return { free, newcomer: this.share(this.perPlatform.size + 1) }
  }

  /** Whether some endpoint or platform is at its cap (so due deliveries of it may be waiting). */
  saturated() {
    for (const n of this.perEndpoint.values()) if (n >= this.endpointCap) return true
    const share = this.share(this.perPlatform.size)
    for (const n of this.perPlatform.values()) if (n >= share) return true
    return false
  }

  /** In flight per endpoint, with `gone` endpoints counted as saturated (nothing more is sent to them). */
  busy(gone: ReadonlySet<string>): ReadonlyMap<string, number> {
    return gone.size === 0
      ? this.perEndpoint
      : new Map([...this.perEndpoint, ...[...gone].map((id) => [id, this.endpointCap] as const)])
  }
}

/**
 * The completion part: results are recorded as attempts finish and written in batches (one statement per
 * batch); endpoints that answered 410 or have failed too long are disabled. `gone` holds endpoints with a
 * 410 not yet written: claims treat them as saturated.
 */
const completion = (queue: DeliveryQueue["Type"], settings: Settings, capacity: Capacity) =>
  Effect.gen(function*() {
    const results: Array<AttemptResult> = []
    const ready = yield* Queue.sliding<void>(1)
    const gone = new Set<string>()
    // A batch is written once it is half a claim batch, or when its first result is `flushDelay` old:
    // however slowly answers come (a slow receiver, 10,000 endpoints), one statement records many of them.
    const full = Math.max(1, Math.floor(settings.batchSize / 2))
    const flushDelay = 100

    // When the oldest result not yet written was recorded: a batch waits at most `flushDelay` from then.
    let oldestAt = 0

    const record = (result: AttemptResult) => {
      if (results.length === 0) oldestAt = Date.now()
      results.push(result)
      // Wakes the loop for the first result of a batch and for a full one only.
      if (results.length === 1 || results.length === full) Queue.unsafeOffer(ready, undefined)
    }

    const disabling = (batch: ReadonlyArray<AttemptResult>, stale: ReadonlyArray<Webhook.EndpointId>) => {
      const reasons = new Map<Webhook.EndpointId, string>()
      for (const r of batch) if (r.statusCode === 410) reasons.set(r.endpointId, DeliveryPolicy.goneReason)
      for (const id of stale) {
        if (!reasons.has(id)) reasons.set(id, `No successful delivery for ${humanDuration(settings.disableAfter)}`)
      }
      return Effect.forEach(
        reasons,
        ([id, reason]) => Effect.ensuring(queue.disableEndpoint(id, reason), Effect.sync(() => gone.delete(id))),
        { discard: true }
      )
    }

    // One batch, never interrupted once taken: an interrupted write may still have committed, and writing
    // it again would log its attempts twice (a finished delivery's attempt is then also a lost lease's).
    // A batch that failed goes back to the front.
    const flushBatch = Effect.uninterruptible(Effect.suspend(() => {
      const batch = results.splice(0, 500)
      return queue.complete(batch, { disableAfter: settings.disableAfter }).pipe(
        Effect.onExit((exit) => exit._tag === "Failure" ? Effect.sync(() => results.unshift(...batch)) : Effect.void),
        Effect.flatMap((stale) => disabling(batch, stale))
      )
    }))

    const flush = Effect.whileLoop({ while: () => results.length > 0, body: () => flushBatch, step: () => {} })

    // One statement at a time. Results that arrive while one is written start the next batch, which waits
    // like any other (draining them at once would write a batch of one or two per statement).
    const loop = Effect.gen(function*() {
      while (true) {
        if (results.length === 0) {
          yield* Queue.take(ready)
          continue
        }
        // Let more results join the batch while requests are in flight: one statement records them all.
        const deadline = oldestAt + flushDelay
        while (results.length > 0 && results.length < full && capacity.total > 0) {
          const left = deadline - Date.now()
          if (left <= 0) break
          yield* Effect.ignore(Effect.timeout(Queue.take(ready), Duration.millis(left)))
        }
        yield* flushBatch.pipe(
          Effect.catchAllCause((cause) =>
            Effect.logError("Recording delivery attempts failed; retrying", cause).pipe(
              Effect.zipRight(Effect.sleep("1 second"))
            )
          )
        )
      }
    })

    return { record, flush, loop, gone, unwritten: () => results.length } as const
  })

/** The result of an attempt as the queue records it, from the policy's decision; counts it in the metrics. */
const attemptResult = (
  claimed: Claimed,
  exchange: DeliveryTransport.Exchange,
  decision: DeliveryPolicy.Decision,
  attemptedAt: Date,
  durationMs: number,
  now: number
): AttemptResult => {
  if (decision._tag === "Succeeded") {
    DeliveryMetrics.attemptsWith("success").unsafeUpdate(1, [])
    DeliveryMetrics.latency.unsafeUpdate(Math.max(0, now - claimed.eventCreatedAt) / 1000, [])
  }
  const status = exchange.status
  const errorClass = decision._tag === "Succeeded"
    ? null
    : status !== null
    ? "http" as const
    : (exchange.error as { readonly _tag?: unknown } | null)?._tag === "DecryptError"
    ? null
    : OutboundGuard.errorClass(exchange.error)
  if (decision._tag !== "Succeeded") DeliveryMetrics.attemptsWith(errorClass ?? "other").unsafeUpdate(1, [])
  return {
    claimId: claimed.claimId,
    tid: claimed.tid,
    deliveryId: claimed.deliveryId,
    endpointId: claimed.endpointId,
    attempt: claimed.attempt,
    trigger: claimed.trigger,
    url: claimed.url,
    outcome: decision._tag === "Succeeded" ? "succeeded" : decision._tag === "Retry" ? "retry" : "failed",
    attemptedAt,
    durationMs,
    statusCode: status,
    responseExcerpt: exchange.excerpt,
    errorClass,
    errorMessage: decision._tag === "Succeeded"
      ? null
      : status !== null
      ? `HTTP ${status}`
      : errorClass === null
      ? "The endpoint secret cannot be decrypted (SPACESYNC_SECRET_KEY changed?)"
      : describe(exchange.error),
    nextAttemptAt: decision._tag === "Retry" ? new Date(decision.at) : null,
    reason: decision._tag === "Failed" || decision._tag === "Gone" ? decision.reason : null
  }
}

/** The signing keys of a claimed delivery; decrypted secrets are cached by ciphertext (a rotation changes it). */
const signingKeys = (box: SecretBox["Type"]) => {
  const keys = new Map<string, Buffer>()
  return (claimed: Claimed) =>
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
      return out as ReadonlyArray<Buffer>
    })
}

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
    const settings = settingsOf(options)
    const queue = yield* DeliveryQueue
    const keysOf = signingKeys(yield* SecretBox)
    const dispatcher: Dispatcher = yield* NodeHttpClient.Dispatcher
    const capacity = new Capacity(settings.perEndpoint, settings.concurrency)
    const completions = yield* completion(queue, settings, capacity)
    const flights = new Set<DeliveryTransport.Flight>()
    let stopped = false

    // Whether the last claim may have left due deliveries behind (a full batch, or saturated endpoints).
    let backlog = true
    const refill = Math.max(1, Math.floor(Math.min(settings.batchSize, settings.concurrency) / 2))
    const wakeups = yield* Queue.sliding<void>(1)
    const wake = () => void Queue.unsafeOffer(wakeups, undefined)

    const finish = (claimed: Claimed, exchange: DeliveryTransport.Exchange, attemptedAt: Date, durationMs: number) => {
      const now = Date.now()
      const decision = DeliveryPolicy.decide(claimed, exchange, settings.policy, now)
      if (decision._tag === "Gone") completions.gone.add(claimed.endpointId)
      completions.record(attemptResult(claimed, exchange, decision, attemptedAt, durationMs, now))
    }

    const release = (claimed: Claimed) => {
      capacity.free(claimed.endpointId, claimed.platformId)
      if (backlog && settings.concurrency - capacity.total >= refill) wake()
    }

    // Dispatch: starts one attempt; it records its result and frees its slot when done.
    const dispatch = (claimed: Claimed, keys: Either.Either<ReadonlyArray<Buffer>, unknown>) => {
      const attemptedAt = new Date()
      const started = performance.now()
      if (Either.isLeft(keys)) {
        finish(claimed, { status: null, retryAfter: undefined, excerpt: null, error: keys.left }, attemptedAt, 0)
        release(claimed)
        return
      }
      const flight: DeliveryTransport.Flight = {
        deadline: Date.now() + settings.limits.timeoutMillis,
        controller: undefined,
        abortedWith: undefined
      }
      flights.add(flight)
      DeliveryTransport.post(dispatcher, claimed, keys.right, flight, settings.limits).then((exchange) => {
        flights.delete(flight)
        if (!stopped) finish(claimed, exchange, attemptedAt, performance.now() - started)
        release(claimed)
      })
    }

    // Aborts requests past their deadline (the whole exchange, body included, is bounded by `timeout`).
    const sweepInterval = Duration.millis(Math.max(10, Math.min(250, settings.limits.timeoutMillis / 10)))
    const sweepLoop = Effect.gen(function*() {
      while (true) {
        yield* Effect.sleep(sweepInterval)
        const now = Date.now()
        for (const flight of flights) {
          if (now >= flight.deadline) {
            DeliveryTransport.abort(
              flight,
              new OutboundGuard.TimeoutError(`No complete answer within ${Duration.format(settings.timeout)}`)
            )
          }
        }
      }
    })

    // Claiming: as many due deliveries as there are free slots, within the per-endpoint caps.
    const claimOnce = Effect.gen(function*() {
      const free = settings.concurrency - capacity.total
      if (free <= 0) {
        backlog = true
        return false
      }
      const limit = Math.min(free, settings.batchSize)
      const saturated = capacity.saturated()
      const platforms = capacity.platforms()
      const claimed = yield* queue.claim({
        claimId: Ids.random("clm"),
        limit,
        perEndpoint: settings.perEndpoint,
        inFlight: capacity.busy(completions.gone),
        platformFree: platforms.free,
        platformDefault: platforms.newcomer,
        unwritten: completions.unwritten(),
        lease: settings.lease
      })
      for (const c of claimed) {
        capacity.take(c.endpointId, c.platformId)
        dispatch(c, yield* Effect.either(keysOf(c)))
      }
      // Anything claimed may have left more behind: a claim stops at a platform's share as well as at the
      // batch size, and a backlog not noticed here would wait for the next poll instead of the next free slots.
      backlog = claimed.length > 0 || saturated || capacity.saturated()
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
        if (!more) yield* Effect.ignore(Effect.timeout(Queue.take(wakeups), settings.pollInterval))
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
        yield* Effect.sleep(settings.reapInterval)
      }
    })

    // Requests in flight and results not yet written come before long synchronous work of the process (a
    // sync preparing thousands of locations): see `Cooperative.prioritize`.
    yield* Cooperative.prioritize(() => capacity.total > 0 || completions.unwritten() > 0)
    const flushFiber = yield* Effect.forkScoped(completions.loop)
    yield* Effect.forkScoped(reapLoop)
    yield* Effect.forkScoped(sweepLoop)
    if (settings.listen) yield* Effect.forkScoped(Stream.runForEach(queue.notifications, () => Effect.sync(wake)))
    const claimFiber = yield* Effect.forkScoped(claimLoop)

    // Runs first on shutdown: stop claiming, let requests in flight finish, record what finished.
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        yield* Fiber.interrupt(claimFiber)
        const deadline = Date.now() + settings.shutdownGraceMillis
        while (capacity.total > 0 && Date.now() < deadline) yield* Effect.sleep("20 millis")
        // Whatever is still in flight is abandoned: its lease expires and another worker sends it again.
        stopped = true
        for (const flight of flights) DeliveryTransport.abort(flight, new Error("The worker stopped"))
        // Waits for a batch being written (batches are not interruptible), then writes the rest.
        yield* Fiber.interrupt(flushFiber)
        yield* completions.flush.pipe(
          Effect.catchAllCause((cause) => Effect.logWarning("Final flush failed", cause))
        )
      })
    )

    return DeliveryWorker.of({
      wake: Effect.sync(wake),
      inFlight: Effect.sync(() => capacity.total)
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
