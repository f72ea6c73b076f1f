/**
 * Optix webhooks: verifying `request_signature` and naming what an event touches.
 *
 * Optix delivers a form-encoded POST (`application/x-www-form-urlencoded`) with `client_id`,
 * `created_timestamp` (unix seconds), `organization_id`, `event` and `request_signature`, where
 * `request_signature = sha1(client_id + secret + created_timestamp)` as hex (developer.optixapp.com,
 * "Using webhooks"). Only `client_id` and `created_timestamp` are signed, not the body: a delivery is only
 * a hint, and the hub re-reads the API.
 *
 * - With `clientId` and `webhookSecret` in the credentials (both set): `client_id` must be the
 *   account's, the signature is compared in constant time, and a `created_timestamp` more than 300 s
 *   from now is refused (the adapter also refuses a replay of an accepted delivery, see `OptixAdapter`).
 * - Without both: the delivery cannot be authenticated, so it is an unsigned hint (as Cobot's are): a
 *   well-formed Optix delivery with a fresh timestamp re-syncs the account, anything else is refused.
 *
 * Every event targets the whole account (`All`): the body names no location, only the organization.
 * `organization_token_updated` means Optix issued a new organization token: the hub cannot swap it in, so
 * it is also `All`, and if Optix has revoked the old token the re-sync fails `Unauthorized` and pauses the
 * account with a message telling the operator to update the account's `accessToken`.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError } from "@spacesync/adapter-kit"
import { Clock, Effect, Option, Redacted } from "effect"
import { createHash, timingSafeEqual } from "node:crypto"
import type * as OptixClient from "./OptixClient.js"
import type * as OptixSchemas from "./OptixSchemas.js"

/** The largest clock difference accepted, in seconds. @since 0.1.0 */
export const toleranceSeconds = 300

/** The event Optix sends when it replaces the organization's token. @since 0.1.0 */
export const tokenUpdatedEvent = "organization_token_updated"

/** `sha1(clientId + secret + createdTimestamp)` as lowercase hex. @since 0.1.0 */
export const sign = (clientId: string, secret: string, createdTimestamp: string): string =>
  createHash("sha1").update(`${clientId}${secret}${createdTimestamp}`, "utf8").digest("hex")

/** The fields of a delivery body; `undefined` when one is missing. @since 0.1.0 */
export const parseForm = (body: Uint8Array): OptixSchemas.WebhookForm | undefined => {
  const params = new URLSearchParams(Buffer.from(body).toString("utf8"))
  const get = (name: string) => params.get(name) ?? undefined
  const client_id = get("client_id")
  const created_timestamp = get("created_timestamp")
  const organization_id = get("organization_id")
  const event = get("event")
  const request_signature = get("request_signature") ?? ""
  if (client_id === undefined || created_timestamp === undefined || event === undefined) return undefined
  return { client_id, created_timestamp, organization_id: organization_id ?? "", event, request_signature }
}

/** The `client_id` a delivery names (the key of an application's accounts). @since 0.1.0 */
export const clientIdOf = (request: Adapter.WebhookRequest): Option.Option<string> =>
  Option.flatMap(
    Option.fromNullable(parseForm(request.body)),
    (form) => form.client_id === "" ? Option.none() : Option.some(form.client_id)
  )

const sameHex = (given: string, expected: string): boolean => {
  const a = Buffer.from(given.toLowerCase(), "utf8")
  const b = Buffer.from(expected, "utf8")
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Whether the credentials can authenticate deliveries (both `clientId` and `webhookSecret`). @since 0.1.0 */
export const signed = (credentials: OptixClient.Credentials): boolean =>
  credentials.clientId !== undefined && credentials.webhookSecret !== undefined

/**
 * Verifies a delivery against `credentials` and names what it touches.
 *
 * @since 0.1.0
 */
export const verify = (
  request: Adapter.WebhookRequest,
  credentials: OptixClient.Credentials
): Effect.Effect<Adapter.WebhookTargets, AdapterError.AdapterError> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => verifyAt(request, credentials, Math.floor(now / 1000)))

/**
 * `verify` at the time `nowSeconds` (unix seconds).
 *
 * @since 0.1.0
 */
export const verifyAt = (
  request: Adapter.WebhookRequest,
  credentials: OptixClient.Credentials,
  nowSeconds: number
): Effect.Effect<Adapter.WebhookTargets, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const form = parseForm(request.body)
    if (form === undefined) {
      return yield* AdapterError.unauthorized(
        "Optix webhook body is not a form with client_id, created_timestamp and event"
      )
    }
    if (!/^\d{1,12}$/.test(form.created_timestamp)) {
      return yield* AdapterError.unauthorized("Optix webhook with an unreadable created_timestamp")
    }
    if (signed(credentials)) {
      if (form.client_id !== credentials.clientId) {
        return yield* AdapterError.unauthorized("Optix webhook for another client_id")
      }
      const expected = sign(form.client_id, Redacted.value(credentials.webhookSecret!), form.created_timestamp)
      if (!sameHex(form.request_signature, expected)) {
        return yield* AdapterError.unauthorized("Optix webhook with a wrong request_signature")
      }
    }
    if (Math.abs(nowSeconds - Number(form.created_timestamp)) > toleranceSeconds) {
      return yield* AdapterError.unauthorized("Optix webhook with a created_timestamp outside 300 s")
    }
    return Adapter.WebhookTargets.All()
  })
