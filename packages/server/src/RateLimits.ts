/**
 * In-process rate limits (for `/oauth/token`, per client and per address), on rate-limiter-flexible's
 * in-memory limiter: at most `limit` hits per key in a window of `windowMillis` that opens with the key's
 * first hit; a key's counter is dropped when its window ends, so memory stays bounded however many
 * addresses and client ids are seen. Each hub process limits on its own; behind a load balancer the
 * effective limit is per process.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option } from "effect"
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible"

/**
 * @since 0.1.0
 * @category tags
 */
export class RateLimits extends Context.Tag("@spacesync/server/RateLimits")<RateLimits, {
  /**
   * Counts a hit on `key`; `Some(seconds)` to wait (at least 1, for `Retry-After`) when over `limit` hits
   * per `windowMillis`.
   */
  readonly hit: (key: string, limit: number, windowMillis: number) => Effect.Effect<Option.Option<number>>
}>() {}

/**
 * Limits with a limiter per (`limit`, `windowMillis`) pair, made on first use.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (): RateLimits["Type"] => {
  const limiters = new Map<string, RateLimiterMemory>()
  const limiterFor = (limit: number, windowMillis: number) => {
    const id = `${limit}/${windowMillis}`
    let limiter = limiters.get(id)
    if (limiter === undefined) {
      limiter = new RateLimiterMemory({ points: limit, duration: windowMillis / 1000 })
      limiters.set(id, limiter)
    }
    return limiter
  }
  return RateLimits.of({
    hit: (key, limit, windowMillis) =>
      Effect.promise(() =>
        limiterFor(limit, windowMillis).consume(key).then(
          () => Option.none(),
          // The in-memory limiter rejects with the key's state when over the limit, and never otherwise.
          (rejection: unknown) =>
            rejection instanceof RateLimiterRes
              ? Option.some(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)))
              : Promise.reject(rejection)
        )
      )
  })
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<RateLimits> = Layer.sync(RateLimits, make)
