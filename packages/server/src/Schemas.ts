/**
 * Request and response schemas shared by the API groups.
 *
 * @since 0.1.0
 */
import { AccountId, ConnectionId, LocationId, OperatorId, PlatformId } from "@spacesync/adapter-kit/Ids"
import { Accounts } from "@spacesync/core"
import { Schema } from "effect"

/** The longest string any field (or key) of a request body may be. @since 0.1.0 */
export const maxStringLength = 16_384

/** How deeply a request body may nest objects and arrays. @since 0.1.0 */
export const maxDepth = 32

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why a string cannot be taken: PostgreSQL stores no NUL, and a lone surrogate is not Unicode text. @since 0.1.0 */
export const stringProblem = (s: string): string | undefined =>
  s.length > maxStringLength
    ? `Longer than ${maxStringLength} characters`
    : s.includes("\u0000")
    ? "Contains a NUL character"
    : loneSurrogate.test(s)
    ? "Contains a lone surrogate (not valid UTF-16 text)"
    : undefined

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)

/**
 * What is wrong with the strings and nesting anywhere in a request body (the free-form parts too, such as
 * account credentials): strings or keys with NUL characters, lone surrogates or more than
 * `maxStringLength` characters, and nesting deeper than `maxDepth`. Iterative, so no body is too deep to
 * inspect; checked before schemas decode a body, since formatting a decoding error about a deeply nested
 * value overflows the stack.
 *
 * @since 0.1.0
 */
export const textIssues = (value: unknown): Array<{ path: Array<PropertyKey>; message: string }> => {
  const issues: Array<{ path: Array<PropertyKey>; message: string }> = []
  const stack: Array<readonly [unknown, Array<PropertyKey>]> = [[value, []]]
  while (stack.length > 0 && issues.length < 10) {
    const [current, path] = stack.pop()!
    if (typeof current === "string") {
      const problem = stringProblem(current)
      if (problem !== undefined) issues.push({ path, message: problem })
      continue
    }
    const container = Array.isArray(current) || isPlainObject(current)
    if (!container) continue
    if (path.length >= maxDepth) {
      issues.push({ path, message: `Nested deeper than ${maxDepth} levels` })
      continue
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], [...path, i]])
    } else {
      for (const [key, item] of Object.entries(current)) {
        const problem = stringProblem(key)
        if (problem !== undefined) issues.push({ path: [...path, key], message: `Key: ${problem}` })
        else stack.push([item, [...path, key]])
      }
    }
  }
  return issues
}

/**
 * A request body: its fields, and nothing else (unknown fields are a 400 naming them). Every JSON body
 * has passed `textIssues` before it is decoded (`ContentTypes.guard`).
 *
 * @since 0.1.0
 */
export const Body = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.Struct(fields).annotations({ parseOptions: { onExcessProperty: "error" } })

/** A list response. @since 0.1.0 */
export const List = <S extends Schema.Schema.Any>(item: S) => Schema.Struct({ data: Schema.Array(item) })

/** @since 0.1.0 */
export const NonEmpty = Schema.String.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(200))

/** An absolute http(s) URL (the kit's one `HttpUrl` schema). @since 0.1.0 */
export { HttpUrl } from "@spacesync/adapter-kit/HttpUrl"

/** @since 0.1.0 */
export const Timestamp = Schema.DateTimeUtc

/**
 * An instant a request names (a filter, a point to recover from): ISO 8601 between the years 1 and 9999.
 * JavaScript holds instants 270,000 years either way, PostgreSQL none before 4713 BC: the range keeps every
 * instant a client can mean, and answers 400 for the others rather than failing in the database.
 *
 * @since 0.1.0
 */
export const Instant = Schema.DateTimeUtc.pipe(
  Schema.filter((instant) => {
    const year = new Date(instant.epochMillis).getUTCFullYear()
    return (year >= 1 && year <= 9999) || "Expected an instant between the years 1 and 9999"
  }),
  Schema.annotations({ jsonSchema: { type: "string", format: "date-time" } })
)

/**
 * An integer query parameter between `min` and `max`. On the wire it is the parameter's text, which the
 * schema decodes: decimal digits only (no sign, fraction, exponent, hex or spaces, which `Number` would
 * take). The OpenAPI document gives its meaning instead: an integer with its bounds.
 *
 * @since 0.1.0
 */
export const IntegerParam = (min: number, max: number, description: string) =>
  Schema.String.pipe(
    Schema.pattern(/^[0-9]{1,15}$/, { message: () => `Expected a whole number between ${min} and ${max}` }),
    Schema.compose(Schema.NumberFromString),
    Schema.int(),
    Schema.between(min, max)
  ).annotations({
    jsonSchema: { type: "integer", minimum: min, maximum: max, description }
  })

/** A count or a version: a whole number. @since 0.1.0 */
export const Count = Schema.Int.pipe(Schema.nonNegative())

/** @since 0.1.0 */
export const PlatformView = Schema.Struct({
  platformId: PlatformId,
  name: Schema.String,
  authorizationUrl: Schema.String,
  clientId: Schema.String,
  createdAt: Timestamp
})

/** @since 0.1.0 */
export const OperatorView = Schema.Struct({ operatorId: OperatorId, name: Schema.String, createdAt: Timestamp })

/** @since 0.1.0 */
export const SyncCounts = Accounts.SyncCounts

/** @since 0.1.0 */
export const AccountView = Schema.Struct({
  accountId: AccountId,
  name: Schema.String,
  adapter: Schema.String,
  pollIntervalSeconds: Schema.Int,
  status: Schema.Literal("active", "paused"),
  pausedReason: Schema.NullOr(Schema.String),
  webhookUrl: Schema.String,
  lastSync: Schema.NullOr(Schema.Struct({
    outcome: Accounts.SyncOutcome,
    startedAt: Timestamp,
    finishedAt: Timestamp,
    durationMillis: Count,
    counts: SyncCounts,
    error: Schema.NullOr(Schema.String)
  })),
  progress: Schema.NullOr(Schema.Struct({
    mode: Schema.Literal("full", "changes", "targeted"),
    read: Count,
    total: Schema.NullOr(Count),
    startedAt: Timestamp,
    updatedAt: Timestamp
  })).annotations({
    description:
      "While a long sync runs: the locations read so far, of `total` when the upstream said how many (updated every few seconds; `null` otherwise)"
  }),
  createdAt: Timestamp
})

/** @since 0.1.0 */
export const ConnectionLocation = Schema.Struct({ locationId: LocationId, listingId: Schema.NullOr(Schema.String) })

/** @since 0.1.0 */
export const ConnectionView = Schema.Struct({
  connectionId: ConnectionId,
  platformId: PlatformId,
  status: Schema.Literal("pending", "active", "revoked"),
  locations: Schema.Array(ConnectionLocation),
  createdAt: Timestamp,
  activatedAt: Schema.NullOr(Timestamp),
  revokedAt: Schema.NullOr(Timestamp)
})
