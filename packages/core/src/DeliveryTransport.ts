/**
 * The transport of webhook deliveries: one signed POST through an undici dispatcher (the outbound-guarded
 * one: no redirects, 5 s connect timeout, private targets refused when connecting).
 *
 * Requests are signed as Standard Webhooks v1 (`Webhook.headers`: one signature per secret still valid,
 * a rotated-out secret signs for 24 hours); the body is the stored text, byte for byte. At most
 * `maxBytes` of the answer are read and `excerptBytes` of it kept.
 *
 * This is the hot path of delivery: a bare undici handler, with no response stream, no fiber, abort
 * signal or timer per request. The caller keeps a `Flight` per request and enforces deadlines itself
 * (one sweeper for all of them, calling `abort`): at thousands of deliveries per second that is most of
 * a core saved. `post` never rejects: every failure is an `Exchange` with its error.
 *
 * @since 0.1.0
 */
import type { Dispatcher } from "undici"
import * as Webhook from "./Webhook.js"

/** What one signed POST is made of (a `DeliveryQueue.Claimed` is one). @since 0.1.0 */
export interface Request {
  /** The endpoint URL. */
  readonly url: string
  /** The `webhook-id`, the same on every attempt. */
  readonly eventId: string
  /** The stored body, sent byte for byte. */
  readonly body: string
}

/**
 * How an exchange ended: an answer (`status`, its `Retry-After` and an excerpt of its body; a body that
 * broke off after the status line still answered), or no answer (`status` null) and the `error`.
 *
 * @since 0.1.0
 */
export interface Exchange {
  readonly status: number | null
  readonly retryAfter: string | undefined
  readonly excerpt: string | null
  readonly error: unknown
}

/** Bounds of an exchange. @since 0.1.0 */
export interface Limits {
  /** Response bytes read at most. */
  readonly maxBytes: number
  /** Response bytes kept in the excerpt. */
  readonly excerptBytes: number
  /** undici's headers and body timeouts (the whole exchange is bounded by the caller's deadline). */
  readonly timeoutMillis: number
}

/**
 * A request in flight, for the caller's deadline sweeper and shutdown: `abort` it once `deadline` (epoch
 * milliseconds) has passed.
 *
 * @since 0.1.0
 */
export interface Flight {
  readonly deadline: number
  controller: Dispatcher.DispatchController | undefined
  abortedWith: Error | undefined
}

/**
 * Aborts a request in flight with `reason` (its `Exchange` carries that reason); the first reason wins. A
 * request not yet started is aborted as soon as it starts.
 *
 * @since 0.1.0
 */
export const abort = (flight: Flight, reason: Error): void => {
  if (flight.abortedWith !== undefined) return
  flight.abortedWith = reason
  flight.controller?.abort(reason)
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

/**
 * One signed POST of `request` on `dispatcher`, signed with `keys` (no keys: no signature), tracked by
 * `flight`. Resolves when the exchange ends, however it ends; never rejects.
 *
 * @since 0.1.0
 */
export const post = (
  dispatcher: Dispatcher,
  request: Request,
  keys: ReadonlyArray<Buffer>,
  flight: Flight,
  limits: Limits
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
      const target = parseTarget(request.url)
      const timestamp = Math.floor(Date.now() / 1000)
      dispatcher.dispatch({
        origin: target.origin,
        path: target.path,
        method: "POST",
        headers: {
          ...Webhook.headers({ id: request.eventId, timestamp, body: request.body, keys }),
          "user-agent": "spacesync-webhooks/1"
        },
        body: request.body,
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
