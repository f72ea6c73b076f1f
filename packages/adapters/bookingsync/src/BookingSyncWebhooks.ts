/**
 * BookingSync webhooks: verifying `X-Content-Signature` and naming what an event touches.
 *
 * The signature is the lowercase hex HMAC-SHA1, keyed with the application's client secret, of Ruby's
 * `Base64.encode64(body)`: standard base64 with a newline after every 60 characters and at the end.
 * BookingSync's own receiver (`bookingsync_application`) also accepts a signature over the strict
 * (unwrapped) base64, and so does this one. Comparisons are constant-time. The body,
 * `{"account_id", "event", "resource"}`, must name the account of the credentials; it is only a hint of
 * what to re-read.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError } from "@spacesync/adapter-kit"
import { Effect, Either, Option, Redacted, Schema } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"
import type * as BookingSyncClient from "./BookingSyncClient.js"
import * as BookingSyncSchemas from "./BookingSyncSchemas.js"

/** The header that carries the signature (lower case, as the hub hands headers over). @since 0.1.0 */
export const signatureHeader = "x-content-signature"

/**
 * Ruby's `Base64.encode64`: standard base64, a newline after every 60 characters and at the end (an
 * empty body encodes to an empty string, as in Ruby).
 *
 * @since 0.1.0
 */
export const encode64 = (body: Uint8Array): string => {
  const strict = Buffer.from(body).toString("base64")
  if (strict === "") return ""
  const wrapped = strict.replace(/.{60}/g, "$&\n")
  return wrapped.endsWith("\n") ? wrapped : `${wrapped}\n`
}

/**
 * The signature BookingSync sends for `body`: hex HMAC-SHA1 of `encode64(body)` (or, with
 * `{strict: true}`, of the unwrapped base64).
 *
 * @since 0.1.0
 */
export const sign = (secret: string, body: Uint8Array, options: { readonly strict?: boolean } = {}): string =>
  createHmac("sha1", secret)
    .update(options.strict === true ? Buffer.from(body).toString("base64") : encode64(body))
    .digest("hex")

const sameHex = (given: string, expected: string): boolean => {
  const a = Buffer.from(given, "utf8")
  const b = Buffer.from(expected, "utf8")
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Whether `signature` is BookingSync's signature of `body` under `secret`, in either scheme.
 *
 * @since 0.1.0
 */
export const isValidSignature = (secret: string, body: Uint8Array, signature: string): boolean => {
  const given = signature.trim().toLowerCase()
  // Both are computed and compared, whichever matches, so the time taken says nothing.
  const wrapped = sameHex(given, sign(secret, body))
  const strict = sameHex(given, sign(secret, body, { strict: true }))
  return wrapped || strict
}

const decodeBody = Schema.decodeUnknownEither(Schema.parseJson(BookingSyncSchemas.WebhookBody))

/**
 * The `account_id` a raw webhook body names, for a hub route that receives every account's webhooks on
 * one URL (`None` when the body is not a BookingSync webhook body). Unverified: only a lookup key.
 *
 * @since 0.1.0
 */
export const accountKey = (body: Uint8Array): Option.Option<string> =>
  Either.match(decodeBody(Buffer.from(body).toString("utf8")), {
    onLeft: () => Option.none(),
    onRight: (parsed) => Option.some(String(parsed.account_id))
  })

/**
 * The key `accountKey` is matched against: the credentials' `accountId`.
 *
 * @since 0.1.0
 */
export const credentialsKey = (credentials: BookingSyncClient.Credentials): string => credentials.accountId

const nothing = [
  "availability_",
  "booking",
  "client_",
  "inbox_",
  "inquiry_",
  "payment_",
  "review_",
  "host_review_",
  "user_",
  "accounts_user_",
  "accounts_application_",
  "amenity_"
]

const rentalEvents = ["rental_", "rentals_amenity_", "photo_"]

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined

const idString = (value: unknown): string | undefined =>
  typeof value === "number" && Number.isInteger(value)
    ? String(value)
    : typeof value === "string" && value !== ""
    ? value
    : undefined

/**
 * The rentals a webhook's `resource` names: the records under its collection key (`rentals`, `photos`,
 * … as an array, or one record under the singular key); for a rental its `id`, for a record of a rental
 * its `links.rental`. Empty when the resource names none.
 *
 * @since 0.1.0
 */
export const rentalIds = (event: string, resource: unknown): ReadonlyArray<string> => {
  const body = asRecord(resource)
  if (body === undefined) return []
  const isRental = event.startsWith("rental_") && !event.startsWith("rental_exposure_exception_")
  const records: Array<unknown> = []
  for (const [key, value] of Object.entries(body)) {
    if (key === "links" || key === "meta") continue
    if (Array.isArray(value)) records.push(...value)
    else if (asRecord(value) !== undefined) records.push(value)
  }
  // A bare serialization (the record itself as the resource).
  if (records.length === 0 || body.id !== undefined) records.push(body)
  const ids = new Set<string>()
  for (const record of records) {
    const r = asRecord(record)
    if (r === undefined) continue
    const id = isRental ? idString(r.id) : idString(asRecord(r.links)?.rental)
    if (id !== undefined) ids.add(id)
  }
  return [...ids].sort()
}

/**
 * What an event touches:
 * - `rental_*`, `rentals_amenity_*`, `photo_*`: the rentals the resource names (all when it names none);
 * - `fee_*`: all (which rentals use a fee is not in the body);
 * - `account_updated`: all; `account_destroyed`: `Pause`, so the hub pauses the account with the reason;
 * - availability, bookings, clients, inbox, inquiries, payments, reviews, users, amenity definitions and
 *   application installs: nothing spacesync reads;
 * - an event the documentation does not list: all (the body is only a hint; a re-read is safe).
 *
 * @since 0.1.0
 */
export const targets = (
  body: BookingSyncSchemas.WebhookBody
): Effect.Effect<Adapter.WebhookTargets, AdapterError.AdapterError> => {
  const event = body.event
  if (event === "account_destroyed") {
    return Effect.succeed(Adapter.WebhookTargets.Pause({
      reason: `BookingSync account ${String(body.account_id)} was destroyed (webhook account_destroyed)`
    }))
  }
  if (event === "account_updated" || event.startsWith("fee_")) return Effect.succeed(Adapter.WebhookTargets.All())
  if (rentalEvents.some((prefix) => event.startsWith(prefix))) {
    const ids = rentalIds(event, body.resource)
    return Effect.succeed(
      ids.length === 0 ? Adapter.WebhookTargets.All() : Adapter.WebhookTargets.Locations({ externalIds: ids })
    )
  }
  if (nothing.some((prefix) => event.startsWith(prefix))) return Effect.succeed(Adapter.WebhookTargets.Nothing())
  return Effect.succeed(Adapter.WebhookTargets.All())
}

/**
 * Verifies a webhook against `credentials` and names what it touches. Fails `Unauthorized` on a missing
 * or wrong signature and on a body that names another account.
 *
 * @since 0.1.0
 */
export const verify = (
  request: Adapter.WebhookRequest,
  credentials: BookingSyncClient.Credentials
): Effect.Effect<Adapter.WebhookTargets, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const signature = request.headers[signatureHeader]
    if (signature === undefined || signature.trim() === "") {
      return yield* AdapterError.unauthorized("BookingSync webhook without X-Content-Signature")
    }
    if (!isValidSignature(Redacted.value(credentials.clientSecret), request.body, signature)) {
      return yield* AdapterError.unauthorized("BookingSync webhook with a wrong X-Content-Signature")
    }
    const body = decodeBody(Buffer.from(request.body).toString("utf8"))
    if (Either.isLeft(body)) {
      return yield* AdapterError.unauthorized("BookingSync webhook body is not {account_id, event, resource}")
    }
    if (String(body.right.account_id) !== credentials.accountId) {
      return yield* AdapterError.unauthorized("BookingSync webhook for another account")
    }
    return yield* targets(body.right)
  })
