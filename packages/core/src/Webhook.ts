/**
 * Webhooks as platforms receive them, following Standard Webhooks v1 (`webhook-id`, `webhook-timestamp`,
 * and `webhook-signature`: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, one per valid secret):
 * the event body, the endpoint secrets, the signature headers, and `verify` for receiving platforms.
 *
 * A platform written in TypeScript needs nothing else:
 *
 * ```ts
 * import { Webhook } from "@spacesync/core"
 * import { Either, Schema } from "effect"
 *
 * const result = Webhook.verify({ payload: rawBody, headers: req.headers, secrets: [secret] })
 * if (Either.isLeft(result)) return res.writeHead(400).end(result.left.reason)
 * const event = Schema.decodeUnknownSync(Webhook.WebhookEvent)(result.right.payload)
 * ```
 *
 * The body is built once, at fan-out, stored as text and sent byte for byte as signed.
 *
 * @since 0.1.0
 */
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Duration, Either, Schema } from "effect"
import { createHmac, randomBytes, randomFillSync, timingSafeEqual } from "node:crypto"
import * as EventLog from "./EventLog.js"

const prefixed = Ids.prefixed

/** A webhook endpoint of a platform (`ep_…`). @since 0.1.0 */
export const EndpointId = prefixed("ep", "EndpointId")
/** @since 0.1.0 */
export type EndpointId = typeof EndpointId.Type

/** The delivery of one event to one endpoint (`dlv_…`). @since 0.1.0 */
export const DeliveryId = prefixed("dlv", "DeliveryId")
/** @since 0.1.0 */
export type DeliveryId = typeof DeliveryId.Type

/** A new endpoint id. @since 0.1.0 */
export const makeEndpointId = (): EndpointId => Ids.random("ep") as EndpointId

// Delivery ids are minted by the thousand at fan-out: random bytes come from a pool, not one system call
// per id. Same shape as `Ids.random`: 26 characters of lower-case base32 (130 random bits).
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
const pool = Buffer.alloc(26 * 256)
let poolOffset = pool.length

/** A new delivery id. @since 0.1.0 */
export const makeDeliveryId = (): DeliveryId => {
  if (poolOffset + 26 > pool.length) {
    randomFillSync(pool)
    poolOffset = 0
  }
  let id = "dlv_"
  for (let i = 0; i < 26; i++) id += alphabet[pool[poolOffset + i]! & 31]
  poolOffset += 26
  return id as DeliveryId
}

/**
 * The `data` of a webhook. For `connection.*` events `apiUrl` is the connection itself, and `locationId`,
 * `listingId` and `version` are usually `null` (they are set only when the event names a location). `listingId` is the platform's id of the location on that
 * connection (`null` until the platform named it). In `resources.updated` events of a connection with a
 * resource map, `changes.listingResourceIds` maps the changed resources that are mapped to the platform's
 * own ids; the key is absent otherwise.
 *
 * @since 0.1.0
 */
export const WebhookEventData = Schema.Struct({
  eventId: Ids.EventId,
  connectionId: Ids.ConnectionId,
  locationId: Schema.NullOr(Ids.LocationId),
  listingId: Schema.NullOr(Schema.String),
  version: Schema.NullOr(Schema.Number),
  apiUrl: Schema.String,
  changes: Schema.Struct({
    ...EventLog.Changes.fields,
    listingResourceIds: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
  }),
  fullResync: Schema.Boolean
})

/**
 * A webhook body, and an item of the events feed (`GET /v1/events`): the same object.
 *
 * @since 0.1.0
 */
export const WebhookEvent = Schema.Struct({
  type: EventLog.EventType,
  /** When the event was created (ISO 8601, milliseconds, UTC). */
  timestamp: Schema.String,
  data: WebhookEventData
}).annotations({ identifier: "WebhookEvent" })
/** @since 0.1.0 */
export type WebhookEvent = typeof WebhookEvent.Type

/** Who an event reached: one connection of a platform. @since 0.1.0 */
export interface Address {
  readonly connectionId: Ids.ConnectionId
  /** The platform's id of the event's location on this connection. */
  readonly listingId: string | null
  /** The connection's resource map (hub resource id → platform id), for `resources.updated`. */
  readonly resourceMap?: Readonly<Record<string, string>> | null | undefined
}

/**
 * The data set an event is about: the location, its resources or prices, or the connection itself.
 *
 * @since 0.1.0
 */
export const apiUrl = (
  publicUrl: string,
  type: EventLog.EventType,
  connectionId: string,
  locationId: string | null
): string => {
  const connection = `${publicUrl}/v1/connections/${connectionId}`
  if (type.startsWith("connection.") || locationId === null) return connection
  const location = `${connection}/locations/${locationId}`
  switch (type) {
    case "resources.updated":
      return `${location}/resources`
    case "pricing.updated":
      return `${location}/prices`
    default:
      return location
  }
}

/**
 * The webhook body of `event` as sent to `address`, with keys in the documented order.
 *
 * @since 0.1.0
 */
export const makeEvent = (publicUrl: string, event: EventLog.StoredEvent, address: Address): WebhookEvent => {
  const changes: WebhookEvent["data"]["changes"] = {
    created: event.changes.created,
    updated: event.changes.updated,
    deleted: event.changes.deleted
  }
  const map = address.resourceMap
  if (event.type === "resources.updated" && map) {
    const mapped: Record<string, string> = {}
    let any = false
    for (const id of [...event.changes.created, ...event.changes.updated, ...event.changes.deleted]) {
      const listingResourceId = map[id]
      if (typeof listingResourceId === "string") {
        mapped[id] = listingResourceId
        any = true
      }
    }
    if (any) (changes as { listingResourceIds?: Record<string, string> }).listingResourceIds = mapped
  }
  return {
    type: event.type,
    timestamp: new Date(event.createdAt.epochMillis).toISOString(),
    data: {
      eventId: event.eventId,
      connectionId: address.connectionId,
      locationId: event.locationId,
      listingId: event.locationId === null ? null : address.listingId,
      version: event.version,
      apiUrl: apiUrl(publicUrl, event.type, address.connectionId, event.locationId),
      changes,
      fullResync: event.fullResync
    }
  }
}

/**
 * The body text of `makeEvent`: what is stored, signed and sent byte for byte.
 *
 * @since 0.1.0
 */
export const makeBody = (publicUrl: string, event: EventLog.StoredEvent, address: Address): string =>
  JSON.stringify(makeEvent(publicUrl, event, address))

const secretPrefix = "whsec_"

/**
 * A new endpoint secret: `whsec_` + base64 of 32 random bytes.
 *
 * @since 0.1.0
 */
export const generateSecret = (): string => `${secretPrefix}${randomBytes(32).toString("base64")}`

/**
 * The HMAC key of a secret (the base64-decoded part after `whsec_`), or `undefined` when it is not one.
 *
 * @since 0.1.0
 */
export const secretKey = (secret: string): Buffer | undefined => {
  const encoded = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret
  if (encoded.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined
  const key = Buffer.from(encoded, "base64")
  return key.length === 0 ? undefined : key
}

const hmac = (key: Buffer, id: string, timestamp: number, body: string | Uint8Array): Buffer => {
  const mac = createHmac("sha256", key)
  mac.update(`${id}.${timestamp}.`)
  mac.update(body)
  return mac.digest()
}

/**
 * The `webhook-signature` header value: one `v1,<base64 HMAC-SHA256>` per key, space-separated, over
 * `<id>.<timestamp>.<body>`.
 *
 * @since 0.1.0
 */
export const signature = (
  keys: ReadonlyArray<Buffer>,
  id: string,
  timestamp: number,
  body: string | Uint8Array
): string => keys.map((key) => `v1,${hmac(key, id, timestamp, body).toString("base64")}`).join(" ")

/**
 * The headers of one delivery attempt: `webhook-id`, `webhook-timestamp` (Unix seconds of this attempt)
 * and `webhook-signature`.
 *
 * @since 0.1.0
 */
export const headers = (options: {
  readonly id: string
  readonly timestamp: number
  readonly body: string
  readonly keys: ReadonlyArray<Buffer>
}): Record<string, string> => ({
  "content-type": "application/json",
  "webhook-id": options.id,
  "webhook-timestamp": String(options.timestamp),
  "webhook-signature": signature(options.keys, options.id, options.timestamp, options.body)
})

/**
 * A webhook request did not verify. `reason` says why: headers missing, a timestamp that is not an
 * integer or outside the tolerance, no signature matching any secret, a secret that is not a `whsec_`
 * secret, or a body that is not JSON.
 *
 * @since 0.1.0
 */
export class WebhookVerificationError extends Schema.TaggedError<WebhookVerificationError>()(
  "WebhookVerificationError",
  {
    reason: Schema.Literal(
      "MissingHeaders",
      "InvalidTimestamp",
      "TimestampTooOld",
      "TimestampTooNew",
      "InvalidSignature",
      "InvalidSecret",
      "InvalidPayload"
    ),
    message: Schema.String
  }
) {}

/** Headers as Node, the Fetch API or a plain object carry them. @since 0.1.0 */
export type HeadersInput =
  | { readonly get: (name: string) => string | null | undefined }
  | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

const header = (input: HeadersInput, name: string): string | undefined => {
  if (typeof (input as { get?: unknown }).get === "function") {
    return (input as { readonly get: (name: string) => string | null | undefined }).get(name) ?? undefined
  }
  const record = input as Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === name) {
      const value = record[key]
      return typeof value === "string" ? value : value?.[0]
    }
  }
  return undefined
}

/** A verified webhook. @since 0.1.0 */
export interface Verified {
  readonly id: string
  /** The `webhook-timestamp` (Unix seconds). */
  readonly timestamp: number
  /** The parsed JSON body; decode it with `WebhookEvent`. */
  readonly payload: unknown
}

const fail = (reason: WebhookVerificationError["reason"], message: string) =>
  Either.left(new WebhookVerificationError({ reason, message }))

/**
 * Verifies a webhook request: the raw body exactly as received, its headers, and one or more endpoint
 * secrets (several during a rotation). The timestamp must be within `tolerance` (default 5 minutes) of
 * `now`. Returns an `Either`, which is also an `Effect`, so it works with and without Effect.
 *
 * @since 0.1.0
 */
export const verify = (options: {
  readonly payload: string | Uint8Array
  readonly headers: HeadersInput
  readonly secrets: string | ReadonlyArray<string>
  readonly tolerance?: Duration.DurationInput | undefined
  /** Current time in milliseconds (default: `Date.now()`). */
  readonly now?: number | undefined
}): Either.Either<Verified, WebhookVerificationError> => {
  const id = header(options.headers, "webhook-id")
  const timestampText = header(options.headers, "webhook-timestamp")
  const signatures = header(options.headers, "webhook-signature")
  if (!id || !timestampText || !signatures) {
    return fail("MissingHeaders", "webhook-id, webhook-timestamp and webhook-signature are required")
  }
  if (!/^\d{1,15}$/.test(timestampText.trim())) {
    return fail("InvalidTimestamp", "webhook-timestamp is not an integer number of seconds")
  }
  const timestamp = Number(timestampText.trim())
  const now = Math.floor((options.now ?? Date.now()) / 1000)
  const tolerance = Math.floor(Duration.toSeconds(options.tolerance ?? Duration.minutes(5)))
  if (now - timestamp > tolerance) return fail("TimestampTooOld", "webhook-timestamp is too old")
  if (timestamp - now > tolerance) return fail("TimestampTooNew", "webhook-timestamp is in the future")
  const secrets = typeof options.secrets === "string" ? [options.secrets] : options.secrets
  const keys: Array<Buffer> = []
  for (const secret of secrets) {
    const key = secretKey(secret)
    if (key === undefined) return fail("InvalidSecret", "A secret is not a whsec_ secret")
    keys.push(key)
  }
  if (keys.length === 0) return fail("InvalidSecret", "No secret given")
  const offered = signatures.split(" ").flatMap((entry) => {
    const comma = entry.indexOf(",")
    if (comma < 0 || entry.slice(0, comma) !== "v1") return []
    return [Buffer.from(entry.slice(comma + 1), "base64")]
  })
  const matched = keys.some((key) => {
    const expected = hmac(key, id, timestamp, options.payload)
    return offered.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))
  })
  if (!matched) return fail("InvalidSignature", "No signature matches the given secrets")
  const text = typeof options.payload === "string" ? options.payload : Buffer.from(options.payload).toString("utf8")
  try {
    return Either.right({ id, timestamp, payload: text === "" ? null : JSON.parse(text) })
  } catch {
    return fail("InvalidPayload", "The body is not JSON")
  }
}
