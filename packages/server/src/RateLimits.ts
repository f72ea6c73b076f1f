/**
 * In-process sliding-window rate limits (for `/oauth/token`, per client and per address). Each hub process
 * limits on its own; behind a load balancer the effective limit is per process.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option } from "effect"

/**
 * @since 0.1.0
 * @category tags
 */
export class RateLimits extends Context.Tag("@spacesync/server/RateLimits")<RateLimits, {
  /** Counts a hit on `key`; `Some(seconds)` to wait when over `limit` hits per `windowMillis`. */
  readonly hit: (key: string, limit: number, windowMillis: number) => Effect.Effect<Option.Option<number>>
}>() {}

/** @since 0.1.0 */
export const make = (): RateLimits["Type"] => {
  const hits = new Map<string, Array<number>>()
  let lastSweep = Date.now()
  return RateLimits.of({
    hit: (key, limit, windowMillis) =>
      Effect.sync(() => {
        const now = Date.now()
        if (now - lastSweep > 60_000) {
          for (const [k, times] of hits) {
            if (times.length === 0 || times[times.length - 1]! < now - 3_600_000) hits.delete(k)
          }
          lastSweep = now
        }
        const times = (hits.get(key) ?? []).filter((t) => t > now - windowMillis)
        if (times.length >= limit) {
          hits.set(key, times)
          return Option.some(Math.max(1, Math.ceil((times[0]! + windowMillis - now) / 1000)))
        }
        times.push(now)
        hits.set(key, times)
        return Option.none()
      })
  })
}

/** @since 0.1.0 */
export const layer = Layer.sync(RateLimits, make)
