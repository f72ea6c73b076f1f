/**
 * The one error type of adapters. Core reacts to the reason: `Unauthorized` pauses the account,
 * `RateLimited` waits, `InvalidData` is recorded against the location and does not stop the others,
 * `Upstream` and `Unavailable` fail the run (and the next scheduled run retries), `CursorRejected` (a read of
 * changes since a cursor the upstream no longer accepts) makes core run a full read instead.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** @since 0.1.0 */
export const AdapterErrorReason = Schema.Literal(
  "Unauthorized",
  "RateLimited",
  "Upstream",
  "InvalidData",
  "Unavailable",
  "CursorRejected"
)
/** @since 0.1.0 */
export type AdapterErrorReason = typeof AdapterErrorReason.Type

/**
 * @since 0.1.0
 * @category errors
 */
export class AdapterError extends Schema.TaggedError<AdapterError>()("AdapterError", {
  reason: AdapterErrorReason,
  message: Schema.String,
  /** `RateLimited`: how long the upstream asked us to wait. */
  retryAfterMillis: Schema.optional(Schema.Number),
  /** `Upstream`: the HTTP status the upstream answered. */
  status: Schema.optional(Schema.Number),
  /** `InvalidData`: where in the upstream (or canonical) document the problem is. */
  path: Schema.optional(Schema.Array(Schema.Union(Schema.String, Schema.Number))),
  /** The upstream location the error is about, when it is about one. */
  externalId: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect)
}) {}

/** @since 0.1.0 */
export const unauthorized = (message: string, cause?: unknown) =>
  new AdapterError({ reason: "Unauthorized", message, cause })

/** @since 0.1.0 */
export const rateLimited = (message: string, retryAfterMillis?: number) =>
  new AdapterError({ reason: "RateLimited", message, ...(retryAfterMillis !== undefined ? { retryAfterMillis } : {}) })

/** @since 0.1.0 */
export const upstream = (status: number, message: string, cause?: unknown) =>
  new AdapterError({ reason: "Upstream", status, message, cause })

/** @since 0.1.0 */
export const invalidData = (path: ReadonlyArray<string | number>, message: string, externalId?: string) =>
  new AdapterError({ reason: "InvalidData", path, message, ...(externalId !== undefined ? { externalId } : {}) })

/** @since 0.1.0 */
export const unavailable = (message: string, cause?: unknown) =>
  new AdapterError({ reason: "Unavailable", message, cause })

/** @since 0.1.0 */
export const cursorRejected = (message: string, cause?: unknown) =>
  new AdapterError({ reason: "CursorRejected", message, cause })

/**
 * The same error, about the upstream location `externalId`.
 *
 * @since 0.1.0
 */
export const withExternalId = (error: AdapterError, externalId: string): AdapterError =>
  new AdapterError({
    reason: error.reason,
    message: error.message,
    externalId,
    ...(error.retryAfterMillis !== undefined ? { retryAfterMillis: error.retryAfterMillis } : {}),
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.path !== undefined ? { path: error.path } : {}),
    ...(error.cause !== undefined ? { cause: error.cause } : {})
  })
