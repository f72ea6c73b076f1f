/**
 * Request and response schemas shared by the API groups.
 *
 * @since 0.1.0
 */
import { AccountId, ConnectionId, LocationId, OperatorId, PlatformId } from "@spacesync/adapter-kit/Ids"
import { Accounts } from "@spacesync/core"
import { Schema } from "effect"

/**
 * A request body: its fields, and nothing else (unknown fields are a 400 naming them).
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
 * An integer query parameter between `min` and `max`. On the wire it is the parameter's text, which the
 * schema decodes; the OpenAPI document gives its meaning instead: an integer with its bounds.
 *
 * @since 0.1.0
 */
export const IntegerParam = (min: number, max: number, description: string) =>
  Schema.NumberFromString.pipe(Schema.int(), Schema.between(min, max)).annotations({
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
