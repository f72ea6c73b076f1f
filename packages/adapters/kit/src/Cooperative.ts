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
import type * as Scope from "effect/Scope"

/** How long a slice runs before it lets the event loop turn (4 ms). @since 0.1.0 */
export const sliceMillis = 4

/**
 * How long the event loop is left free after each slice while latency-sensitive work is in flight (see
 * `prioritize`): replies that arrive meanwhile are handled at once instead of after the next slice.
 *
 * @since 0.1.0
 */
export const pauseMillis = 2

const waiting: Array<() => void> = []
let pumping = false
const priorities = new Set<() => boolean>()

const underPressure = () => {
  for (const busy of priorities) if (busy()) return true
  return false
}

// The next turn: the next one (`setImmediate`), or one `pauseMillis` later under pressure.
const schedule = () => {
  if (underPressure()) setTimeout(pump, pauseMillis)
  else setImmediate(pump)
}

// Resumes the first waiting loop. The next pump is set up first, so that it runs on a later turn (an
// immediate set up while immediates run waits for the next turn), whatever the resumed loop does.
const pump = () => {
  const next = waiting.shift()
  if (waiting.length > 0) schedule()
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
    schedule()
  }
  return Effect.sync(() => {
    const i = waiting.indexOf(resumeThis)
    if (i >= 0) waiting.splice(i, 1)
  })
})

/**
 * Gives latency-sensitive work of the process (the delivery worker's requests and their database round
 * trips) priority over slicing loops for as long as the scope is open: whenever `busy()` holds, each slice
 * is followed by `pauseMillis` in which the event loop (and the core, for the database server beside it)
 * is left free. A hub delivering 1,000 events/s during a first load of 10,000 locations went from p99
 * 2.0–2.9 s (four runs) to 0.4–0.7 s (three runs) in `pnpm bench mixed`, and the load was no slower; a
 * loop with nothing latency-sensitive in flight runs as before.
 *
 * @since 0.1.0
 */
export const prioritize = (busy: () => boolean): Effect.Effect<void, never, Scope.Scope> =>
  Effect.asVoid(Effect.acquireRelease(
    Effect.sync(() => priorities.add(busy)),
    () => Effect.sync(() => priorities.delete(busy))
  ))

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
