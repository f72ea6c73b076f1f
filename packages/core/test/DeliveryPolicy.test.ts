import { describe, expect, it } from "@effect/vitest"
import { Duration, Option } from "effect"
import fc from "fast-check"
import * as DeliveryPolicy from "../src/DeliveryPolicy.js"

// No database and no clock: the policy is a function of its inputs.
const now = Date.parse("2026-11-22T10:00:00Z")
const scheduleMillis = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400].map((s) => s * 1000)

/** The default schedule with a fixed jitter draw (0.5: no jitter). */
const settings = (random = 0.5): DeliveryPolicy.Settings => ({
  schedule: DeliveryPolicy.defaultRetrySchedule,
  jitter: DeliveryPolicy.defaultJitter,
  random: () => random
})

const decide = (
  outcome: { readonly status: number | null; readonly retryAfter?: string },
  attempt: Partial<DeliveryPolicy.Attempt> = {},
  random = 0.5
) =>
  DeliveryPolicy.decide(
    { scheduleStep: attempt.scheduleStep ?? 0, trigger: attempt.trigger ?? "scheduled" },
    { status: outcome.status, retryAfter: outcome.retryAfter },
    settings(random),
    now
  )

const retryIn = (millis: number) => ({ _tag: "Retry", at: now + millis })

describe("DeliveryPolicy", () => {
  it("the schedule is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h with ±20 % jitter", () => {
    expect(DeliveryPolicy.defaultRetrySchedule.map(Duration.toMillis)).toEqual(scheduleMillis)
    expect(DeliveryPolicy.defaultJitter).toBe(0.2)
    for (const [step, delay] of scheduleMillis.entries()) {
      expect(decide({ status: 500 }, { scheduleStep: step })).toEqual(retryIn(delay))
      expect(decide({ status: 500 }, { scheduleStep: step }, 0)).toEqual(retryIn(Math.round(delay * 0.8)))
      const latest = decide({ status: 500 }, { scheduleStep: step }, 0.999999) as { readonly at: number }
      expect(Math.abs(latest.at - now - delay * 1.2)).toBeLessThanOrEqual(delay * 0.2 * 1e-5)
    }
  })

  it("2xx succeeds; 410 fails the delivery and disables the endpoint, whatever the schedule says", () => {
    for (const status of [200, 201, 202, 204, 299]) expect(decide({ status })).toEqual({ _tag: "Succeeded" })
    for (const scheduleStep of [0, 9, 1_000]) {
      expect(decide({ status: 410 }, { scheduleStep })).toEqual({
        _tag: "Gone",
        reason: "The endpoint answered 410 Gone"
      })
    }
    expect(decide({ status: 410 }, { trigger: "manual" })._tag).toBe("Gone")
  })

  it("redirects, other statuses and transport errors are failures, retried on the schedule", () => {
    for (const status of [300, 301, 302, 303, 307, 308, 400, 401, 404, 409, 429, 500, 502, 503, null]) {
      expect([status, decide({ status }, { scheduleStep: 1 })]).toEqual([status, retryIn(300_000)])
    }
  })

  it("fails for good once the schedule is used up; resends and recoveries are one attempt each", () => {
    expect(decide({ status: 500 }, { scheduleStep: 8 })).toEqual(retryIn(86_400_000))
    expect(decide({ status: 500 }, { scheduleStep: 9 })).toEqual({ _tag: "Failed", reason: "Retries exhausted" })
    expect(decide({ status: null }, { scheduleStep: 9 })).toEqual({ _tag: "Failed", reason: "Retries exhausted" })
    expect(decide({ status: 302 }, { scheduleStep: 1_000, trigger: "manual" })).toEqual({
      _tag: "Failed",
      reason: "A manual attempt failed"
    })
    expect(decide({ status: 503 }, { scheduleStep: 1_000, trigger: "recover" })).toEqual({
      _tag: "Failed",
      reason: "A recover attempt failed"
    })
  })

  it("honours Retry-After on 429 and 503 within [scheduled delay, 2 × scheduled delay]", () => {
    const step1 = { scheduleStep: 1 } // 5 min
    for (const status of [429, 503]) {
      expect(decide({ status, retryAfter: "400" }, step1)).toEqual(retryIn(400_000))
      // Never sooner than the schedule, never later than twice it.
      expect(decide({ status, retryAfter: "1" }, step1)).toEqual(retryIn(300_000))
      expect(decide({ status, retryAfter: "3600" }, step1)).toEqual(retryIn(600_000))
      // An HTTP-date counts from now.
      expect(decide({ status, retryAfter: "Sun, 22 Nov 2026 10:07:00 GMT" }, step1)).toEqual(retryIn(420_000))
      // Garbage is ignored: the schedule alone.
      expect(decide({ status, retryAfter: "soon" }, step1)).toEqual(retryIn(300_000))
      expect(decide({ status, retryAfter: "-400" }, step1)).toEqual(retryIn(300_000))
    }
    // Other statuses do not get to choose.
    expect(decide({ status: 500, retryAfter: "400" }, step1)).toEqual(retryIn(300_000))
    expect(decide({ status: 301, retryAfter: "400" }, step1)).toEqual(retryIn(300_000))
    // Nor does it extend a used-up schedule.
    expect(decide({ status: 429, retryAfter: "1" }, { scheduleStep: 9 })._tag).toBe("Failed")
  })

  it("every retry lands within the jittered delay, and within [delay, 2 × delay] of it with Retry-After", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.nat({ max: 200_000 })),
        fc.constantFrom(429, 503, 500, 302, null),
        (step, random, retryAfterSeconds, status) => {
          const decision = decide(
            { status, ...(retryAfterSeconds === null ? {} : { retryAfter: String(retryAfterSeconds) }) },
            { scheduleStep: step },
            random
          )
          expect(decision._tag).toBe("Retry")
          const delay = (decision as { readonly at: number }).at - now
          const base = scheduleMillis[step]!
          const jittered = base * (1 + 0.2 * (2 * random - 1))
          expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.8))
          if (retryAfterSeconds === null || (status !== 429 && status !== 503)) {
            expect(Math.abs(delay - jittered)).toBeLessThanOrEqual(0.5)
          } else {
            expect(delay).toBeGreaterThanOrEqual(Math.round(jittered) - 1)
            expect(delay).toBeLessThanOrEqual(Math.round(2 * jittered) + 1)
            if (retryAfterSeconds * 1000 >= jittered && retryAfterSeconds * 1000 <= 2 * jittered) {
              expect(delay).toBe(retryAfterSeconds * 1000)
            }
          }
        }
      )
    )
  })

  it("retryDelay: the delay before a step's retry, None past the schedule", () => {
    const delay = (step: number, random: number, retryAfterMillis?: number) =>
      DeliveryPolicy.retryDelay({
        schedule: DeliveryPolicy.defaultRetrySchedule,
        step,
        jitter: 0.2,
        random: () => random,
        retryAfterMillis
      })
    expect(delay(0, 0.5)).toEqual(Option.some(5000))
    expect(delay(0, 0)).toEqual(Option.some(4000))
    expect(delay(0, 0.999999)).toEqual(Option.some(6000))
    expect(delay(8, 0.5)).toEqual(Option.some(86_400_000))
    expect(delay(9, 0.5)).toEqual(Option.none())
    expect(delay(1, 0.5, 1000)).toEqual(Option.some(300_000))
    expect(delay(1, 0.5, 400_000)).toEqual(Option.some(400_000))
    expect(delay(1, 0.5, 3_600_000)).toEqual(Option.some(600_000))
  })
})
