/**
 * OfficeRnD webhooks: verifying `officernd-signature` and naming what an event touches.
 *
 * The header is `t=<unix seconds>,signature=<lowercase hex>`; the signature is HMAC-SHA256, keyed with the
 * webhook's secret, of the raw body bytes followed by `.` and `t` (OfficeRnD's own `webhooks-demo`).
 * Comparisons are constant-time; a timestamp more than 300 s in the past or the future is refused.
 *
 * OfficeRnD sends no location, resource, plan or rate events: every event (membership, booking, fee, …) is
 * only a hint to re-read; it names a location when its object's `location` is one of the account's, else
 * all of them.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError } from "@spacesync/adapter-kit"
import { Clock, Effect, Either, Redacted, Schema } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"
import type * as OfficeRnDClient from "./OfficeRnDClient.js"
import * as OfficeRnDSchemas from "./OfficeRnDSchemas.js"

/** The header that carries the signature (lower case). @since 0.1.0 */
export const signatureHeader = "officernd-signature"

/** The largest clock difference accepted, in seconds. @since 0.1.0 */
export const toleranceSeconds = 300

/** The hex signature OfficeRnD sends for `body` at `t`. @since 0.1.0 */
export const sign = (secret: string, body: Uint8Array, t: string): string =>
  createHmac("sha256", secret).update(body).update(`.${t}`).digest("hex")

/** The header value OfficeRnD sends for `body` at `t`. @since 0.1.0 */
export const header = (secret: string, body: Uint8Array, t: number): string =>
  `t=${t},signature=${sign(secret, body, String(t))}`

/** `{t, signature}` of a header value, when it has both. @since 0.1.0 */
export const parseHeader = (value: string): { readonly t: string; readonly signature: string } | undefined => {
  let t: string | undefined
  let signature: string | undefined
  for (const part of value.split(",")) {
    const i = part.indexOf("=")
    if (i < 0) continue
    const key = part.slice(0, i).trim()
    const v = part.slice(i + 1).trim()
    if (key === "t") t = v
    else if (key === "signature") signature = v
  }
  return t === undefined || signature === undefined || !/^\d{1,12}$/.test(t) ? undefined : { t, signature }
}

const sameHex = (given: string, expected: string): boolean => {
  const a = Buffer.from(given.toLowerCase(), "utf8")
  const b = Buffer.from(expected, "utf8")
  return a.length === b.length && timingSafeEqual(a, b)
}

const decodeBody = Schema.decodeUnknownEither(Schema.parseJson(OfficeRnDSchemas.WebhookBody))

/**
 * What an event touches: the location its object names (`data.object.location`, an id or `{_id}`; a
 * webhook is registered per organization, so that is one of the account's), else all.
 *
 * @since 0.1.0
 */
export const targets = (body: OfficeRnDSchemas.WebhookBody): Adapter.WebhookTargets => {
  const object = body.data?.object
  const location = typeof object === "object" && object !== null
    ? (object as Record<string, unknown>).location
    : undefined
  const id = typeof location === "string"
    ? location
    : typeof location === "object" && location !== null && typeof (location as { _id?: unknown })._id === "string"
    ? (location as { _id: string })._id
    : undefined
  return id === undefined || id === ""
    ? Adapter.WebhookTargets.All()
    : Adapter.WebhookTargets.Locations({ externalIds: [id] })
}

/**
 * Verifies a webhook against `credentials` and names what it touches. Fails `Unauthorized` without a
 * `webhookSecret`, on a missing, malformed or wrong signature, and on a timestamp outside ±300 s.
 *
 * @since 0.1.0
 */
export const verify = (
  request: Adapter.WebhookRequest,
  credentials: OfficeRnDClient.Credentials
): Effect.Effect<Adapter.WebhookTargets, AdapterError.AdapterError> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => verifyAt(request, credentials, Math.floor(now / 1000)))

/**
 * `verify` at the time `nowSeconds` (unix seconds).
 *
 * @since 0.1.0
 */
export const verifyAt = (
  request: Adapter.WebhookRequest,
  credentials: OfficeRnDClient.Credentials,
  nowSeconds: number
): Effect.Effect<Adapter.WebhookTargets, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    if (credentials.webhookSecret === undefined) {
      return yield* AdapterError.unauthorized("OfficeRnD webhook, but the account has no webhookSecret")
    }
    const value = request.headers[signatureHeader]
    const parsed = value === undefined ? undefined : parseHeader(value)
    if (parsed === undefined) {
      return yield* AdapterError.unauthorized("OfficeRnD webhook without a readable officernd-signature")
    }
    const expected = sign(Redacted.value(credentials.webhookSecret), request.body, parsed.t)
    if (!sameHex(parsed.signature, expected)) {
      return yield* AdapterError.unauthorized("OfficeRnD webhook with a wrong signature")
    }
    if (Math.abs(nowSeconds - Number(parsed.t)) > toleranceSeconds) {
      return yield* AdapterError.unauthorized("OfficeRnD webhook with a timestamp outside 300 s")
    }
    const body = decodeBody(Buffer.from(request.body).toString("utf8"))
    if (Either.isLeft(body)) {
      return yield* AdapterError.unauthorized("OfficeRnD webhook body is not {eventType, data}")
    }
    return targets(body.right)
  })
