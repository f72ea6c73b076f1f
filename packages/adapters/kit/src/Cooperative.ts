/**
 * Long synchronous work (laying out a feed, decoding and hashing thousands of locations) shared fairly with
 * the rest of the process: the work runs in short slices, and between slices the event loop runs (HTTP
 * requests, deliveries, database replies of other work in the same process).
 *
 * Every slicing loop of the process takes **one turn** of the event loop at a time: `yieldTurn` resumes one
 * waiting loop per turn, in the order they asked. A plain `setImmediate` per loop resumed all of them in the
 * same turn, one slice after another: four concurrent sync groups of 4 ms each held the event loop for
 * 16–22 ms at a time, so a delivery's round trips waited that long at every step (measured during a first
 * load of 10,000 locations: 523 gaps of over 10 ms in 16.6 s, 12.9 s in all).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"

/** How long a slice runs before it lets the event loop turn (4 ms). @since 0.1.0 */
export const sliceMillis = 4

const waiting: Array<() => void> = []
let pumping = false

// Resumes the first waiting loop. The next pump is set up first, so that it runs on the next turn (an
// immediate set up while immediates run waits for the next turn), whatever the resumed loop does.
const pump = () => {
  const next = waiting.shift()
  if (waiting.length > 0) setImmediate(pump)
  else pumping = false
  next?.()
}

/**
 * Waits for a turn of the event loop of its own: pending I/O and timers run first, and no other slicing
 * loop of the process runs in the same turn.
 *
 * @since 0.1.0
 */
export const yieldTurn: Effect.Effect<void> = Effect.async<void>((resume) => {
  const resumeThis = () => resume(Effect.void)
  waiting.push(resumeThis)
  if (!pumping) {
    pumping = true
    setImmediate(pump)
  }
  return Effect.sync(() => {
    const i = waiting.indexOf(resumeThis)
    if (i >= 0) waiting.splice(i, 1)
  })
})

/**
 * A slice clock: `due()` tells whether the current slice has run for `sliceMillis`; `next` waits for a
 * turn (`yieldTurn`) and starts a new slice.
 *
 * @since 0.1.0
 */
export const makeSlices = (millis: number = sliceMillis) => {
  let start = performance.now()
  return {
    due: (): boolean => performance.now() - start >= millis,
    next: Effect.map(yieldTurn, () => {
      start = performance.now()
    })
  }
}
