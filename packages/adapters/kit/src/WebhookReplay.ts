/**
 * Replay protection for signed upstream webhooks whose scheme has a timestamp: a verified signature is
 * remembered for as long as its timestamp is acceptable, and a second delivery of it is refused. The
 * memory is the adapter's (made when it is built), so it is per hub process: a replay sent to another
 * process of the same hub within the window is not caught there, and a re-sync hint is harmless to repeat.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"

/**
 * Signatures seen within the window.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReplayGuard {
  /** True the first time `key` is seen within the window (and remembers it), false for a replay. */
  readonly firstSeen: (key: string, nowMillis: number) => boolean
}

/**
 * A guard remembering keys for `windowSeconds` (use twice the scheme's timestamp tolerance, so a key
 * outlives every timestamp that could still verify), at most `capacity` of them (oldest dropped first).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: { readonly windowSeconds: number; readonly capacity?: number | undefined }
): Effect.Effect<ReplayGuard> =>
  Effect.sync(() => {
    const capacity = options.capacity ?? 100_000
    const windowMillis = options.windowSeconds * 1000
    // Insertion order is expiry order: every key gets the same window.
    const seen = new Map<string, number>()
    return {
      firstSeen: (key, nowMillis) => {
        for (const [old, expires] of seen) {
          if (expires > nowMillis) break
          seen.delete(old)
        }
        if (seen.has(key)) return false
        seen.set(key, nowMillis + windowMillis)
        if (seen.size > capacity) seen.delete(seen.keys().next().value!)
        return true
      }
    }
  })
