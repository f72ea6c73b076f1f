/**
 * Nexudus webhooks: verifying `X-Nexudus-Hook-Signature` and naming what a hook touches.
 *
 * Nexudus signs a webhook created through the API with the app's shared secret: the header is the
 * **uppercase hex** HMAC-SHA256 (key: the secret's bytes) of the body it sends, `JsonConvert.SerializeObject(
 * new[]{dto})`, a JSON array with one record. Nexudus hashes the ASCII encoding of that text (.NET
 * `ASCIIEncoding`: every non-ASCII character becomes `?`). The signature is checked, constant-time, over
 * the raw bytes received; when they do not verify and the body holds non-ASCII text, it is checked once
 * more over those bytes with each non-ASCII character as `?` (what Nexudus hashed, if it sent the body as
 * UTF-8). That second check lets through only a body whose ASCII text is exactly what Nexudus signed: the
 * `BusinessId` the targets come from is ASCII, so a forger who swaps one accented letter for another in
 * a captured hook gains a repeated re-sync hint and nothing more.
 *
 * The hex is compared without regard to case: Nexudus sends uppercase (`ToString("X2")`), and the case
 * of a hex digit carries no information, so accepting lowercase lets no other body or secret through.
 *
 * The scheme has no timestamp, so there is no replay window: a replayed hook is only a repeated re-sync
 * hint. Nexudus has no tariff, product, resource or business events; a verified hook (a booking, a
 * coworker, a contract…) is a hint to re-read the business its record names (`BusinessId`), else all of
 * the account's businesses.
 *
 * An account without a `webhookSecret` takes no webhooks: every request is refused `Unauthorized` (an
 * unsigned hint could be forged by anyone and would cost a full upstream read each time).
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError } from "@spacesync/adapter-kit"
import { Effect, Either, Redacted, Schema } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"
import type * as NexudusClient from "./NexudusClient.js"
import * as NexudusSchemas from "./NexudusSchemas.js"

/** The header that carries the signature (lower case, as the hub passes headers). @since 0.1.0 */
export const signatureHeader = "x-nexudus-hook-signature"

/** The signature Nexudus sends for `body`: uppercase hex HMAC-SHA256. @since 0.1.0 */
export const sign = (secret: string, body: Uint8Array | string): string =>
  createHmac("sha256", secret).update(body).digest("hex").toUpperCase()

const sameHex = (given: string, expected: string): boolean => {
  const a = Buffer.from(given.trim().toUpperCase(), "utf8")
  const b = Buffer.from(expected, "utf8")
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The bytes .NET's `ASCIIEncoding` makes of a UTF-8 body: every non-ASCII character (a whole code point)
 * becomes `?`.
 *
 * @since 0.1.0
 */
export const asciiOf = (body: Uint8Array): Uint8Array => {
  const out: Array<number> = []
  for (const char of Buffer.from(body).toString("utf8")) {
    const code = char.codePointAt(0)!
    out.push(code < 0x80 ? code : 0x3f)
  }
  return Uint8Array.from(out)
}

const decodeBody = Schema.decodeUnknownEither(Schema.parseJson(NexudusSchemas.WebhookBody))

/**
 * What a verified hook touches: the businesses its records name, else all of them.
 *
 * @since 0.1.0
 */
export const targetsOf = (body: Uint8Array): Adapter.WebhookTargets => {
  const decoded = decodeBody(Buffer.from(body).toString("utf8"))
  if (Either.isLeft(decoded)) return Adapter.WebhookTargets.All()
  const ids = decoded.right.map((record) => record.BusinessId)
  if (ids.length === 0 || ids.some((id) => typeof id !== "number" || !Number.isInteger(id))) {
    return Adapter.WebhookTargets.All()
  }
  return Adapter.WebhookTargets.Locations({ externalIds: [...new Set(ids.map(String))] })
}

/**
 * Verifies a hook against `credentials`: fails `Unauthorized` when the account has no `webhookSecret`,
 * or on a missing or wrong signature.
 *
 * @since 0.1.0
 */
export const verify = (
  request: Adapter.WebhookRequest,
  credentials: NexudusClient.Credentials
): Effect.Effect<Adapter.WebhookTargets, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    if (credentials.webhookSecret === undefined) {
      return yield* AdapterError.unauthorized("Nexudus webhook, but the account has no webhookSecret")
    }
    const given = request.headers[signatureHeader]
    if (given === undefined || given.trim() === "") {
      return yield* AdapterError.unauthorized("Nexudus webhook without an X-Nexudus-Hook-Signature")
    }
    const secret = Redacted.value(credentials.webhookSecret)
    const raw = sameHex(given, sign(secret, request.body))
    const ascii = !raw && request.body.some((byte) => byte >= 0x80) &&
      sameHex(given, sign(secret, asciiOf(request.body)))
    if (!raw && !ascii) {
      return yield* AdapterError.unauthorized("Nexudus webhook with a wrong signature")
    }
    return targetsOf(request.body)
  })
