/**
 * The retry policy of webhook deliveries, as pure functions: given how far a delivery is in its retry
 * schedule, what caused the attempt and what the endpoint answered, what happens next. No database, no
 * clock of its own (the caller passes `now` and the jitter source), so it is tested on its own.
 *
 * - **2xx** succeeds.
 * - **410 Gone** fails the delivery and disables the endpoint.
 * - **Anything else** (3xx included: redirects are never followed, so a redirect is a failure) and every
 *   transport error (no answer, a timeout, a refused target, a secret that does not decrypt) is retried
 *   after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h, each ±20 %. A `Retry-After` on 429 or
 *   503 is honoured within [scheduled delay, 2 × scheduled delay]. Once the schedule is used up the
 *   delivery fails for good.
 * - Manual resends and recoveries of finished deliveries are one attempt each (the queue hands them over
 *   with the schedule used up), and their failure says which they were.
 *
 * The other rules of delivery are not per attempt and live elsewhere: an endpoint failing for 5 days
 * without a success is disabled when attempts are recorded (`DeliveryQueue.complete`), and a retry that a
 * newer event has made stale is recorded as superseded there too.
 *
 * @since 0.1.0
 */
import { parseRetryAfter } from "@spacesync/adapter-kit/UpstreamHttp"
import { Duration, Option } from "effect"
import type { Trigger } from "./DeliveryQueue.js"

/** The retry schedule: the delay before each retry (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h). @since 0.1.0 */
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

/** The relative jitter of every delay: ±20 %. @since 0.1.0 */
export const defaultJitter = 0.2

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

/** How retries are spaced. @since 0.1.0 */
export interface Settings {
  /** The delay before each retry (default `defaultRetrySchedule`). */
  readonly schedule: ReadonlyArray<Duration.DurationInput>
  /** Relative jitter of every delay (default `defaultJitter`). */
  readonly jitter: number
  /** Draws the jitter, in [0, 1) (`Math.random` in production). */
  readonly random: () => number
}

/** The delivery an attempt was for: where it is in its schedule, and what caused the attempt. @since 0.1.0 */
export interface Attempt {
  /** How many retries of the schedule the delivery has used (0 before its first retry). */
  readonly scheduleStep: number
  readonly trigger: Trigger
}

/** What the endpoint answered. @since 0.1.0 */
export interface Outcome {
  /** The status of the answer, or `null` when none came (a transport error of any class). */
  readonly status: number | null
  /** The answer's `Retry-After` header as sent (read on 429 and 503 only). */
  readonly retryAfter: string | undefined
}

/**
 * What happens after an attempt: the delivery `Succeeded`; it is retried at `at` (epoch milliseconds);
 * it `Failed` for good; or the endpoint is `Gone` (the delivery fails and the endpoint is disabled).
 *
 * @since 0.1.0
 */
export type Decision =
  | { readonly _tag: "Succeeded" }
  | { readonly _tag: "Retry"; readonly at: number }
  | { readonly _tag: "Failed"; readonly reason: string }
  | { readonly _tag: "Gone"; readonly reason: string }

/** Why a delivery to an endpoint that answered 410 failed, and why the endpoint was disabled. @since 0.1.0 */
export const goneReason = "The endpoint answered 410 Gone"

// Decisions without data are shared: deciding allocates nothing but a retry's time.
const succeeded: Decision = { _tag: "Succeeded" }
const gone: Decision = { _tag: "Gone", reason: goneReason }
const failed: Readonly<Record<Trigger, Decision>> = {
  scheduled: { _tag: "Failed", reason: "Retries exhausted" },
  manual: { _tag: "Failed", reason: "A manual attempt failed" },
  recover: { _tag: "Failed", reason: "A recover attempt failed" }
}

/**
 * What happens after `attempt` got `outcome`, at `now` (epoch milliseconds).
 *
 * @since 0.1.0
 */
export const decide = (attempt: Attempt, outcome: Outcome, settings: Settings, now: number): Decision => {
  const status = outcome.status
  if (status !== null && status >= 200 && status < 300) return succeeded
  if (status === 410) return gone
  const delay = retryDelay({
    schedule: settings.schedule,
    step: attempt.scheduleStep,
    jitter: settings.jitter,
    random: settings.random,
    retryAfterMillis: status === 429 || status === 503 ? parseRetryAfter(outcome.retryAfter, now) : undefined
  })
  return Option.isSome(delay) ? { _tag: "Retry", at: now + delay.value } : failed[attempt.trigger]
}
