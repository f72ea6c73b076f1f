/**
 * DeskBase webhooks: verifying `x-deskbase-signature` and naming the site an event touches.
 *
 * The header is `t=<unix seconds>,v1=<lowercase hex>`; the signature is HMAC-SHA256, keyed with the
 * account's webhook secret, of `<t>.<raw body>`. The comparison is constant-time, and a timestamp more
 * than 300 s away from now is refused (a replayed old request). The body is only a hint: the hub re-reads
 * the site it names through the API.
 */
import { Adapter, AdapterError } from "@spacesync/adapter-kit"
import { Clock, Effect, Either, Redacted, Schema } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"
import type * as DeskBaseClient from "./DeskBaseClient.js"
import * as DeskBaseSchemas from "./DeskBaseSchemas.js"

export const signatureHeader = "x-deskbase-signature"
export const toleranceSeconds = 300

/** The header value DeskBase sends for `body` at `t` (the simulator signs with it too). */
export const sign = (secret: string, body: Uint8Array, t: number): string =>
  `t=${t},v1=${createHmac("sha256", secret).update(`${t}.`).update(body).digest("hex")}`

const parseHeader = (value: string) => {
  const parts = new Map(value.split(",").map((part) => part.trim().split("=", 2) as [string, string | undefined]))
  const t = parts.get("t")
  const v1 = parts.get("v1")
  return t !== undefined && /^\d{1,12}$/.test(t) && v1 !== undefined ? { t: Number(t), v1 } : undefined
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const decodeBody = Schema.decodeUnknownEither(Schema.parseJson(DeskBaseSchemas.WebhookBody))

/** Verifies a webhook with the account's credentials and names what it touches; `Unauthorized` otherwise. */
export const verify = (
  request: Adapter.WebhookRequest,
  credentials: DeskBaseClient.Credentials
): Effect.Effect<Adapter.WebhookTargets, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    if (credentials.webhookSecret === undefined) {
      return yield* AdapterError.unauthorized("DeskBase webhook, but the account has no webhookSecret")
    }
    const header = request.headers[signatureHeader]
    const parsed = header === undefined ? undefined : parseHeader(header)
    if (parsed === undefined) {
      return yield* AdapterError.unauthorized(`DeskBase webhook without a readable ${signatureHeader}`)
    }
    const expected = sign(Redacted.value(credentials.webhookSecret), request.body, parsed.t)
    if (!sameText(`t=${parsed.t},v1=${parsed.v1.toLowerCase()}`, expected)) {
      return yield* AdapterError.unauthorized("DeskBase webhook with a wrong signature")
    }
    const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    if (Math.abs(now - parsed.t) > toleranceSeconds) {
      return yield* AdapterError.unauthorized(`DeskBase webhook with a timestamp outside ${toleranceSeconds} s`)
    }
    const body = decodeBody(Buffer.from(request.body).toString("utf8"))
    if (Either.isLeft(body)) {
      return yield* AdapterError.unauthorized("DeskBase webhook body is not {event, site_id?}")
    }
    return body.right.site_id === undefined
      ? Adapter.WebhookTargets.All()
      : Adapter.WebhookTargets.Locations({ externalIds: [body.right.site_id] })
  })
