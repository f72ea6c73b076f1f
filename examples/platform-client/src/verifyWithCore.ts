import * as Webhook from "@spacesync/core/Webhook"
import { Either, Schema } from "effect"

/**
 * Verifies a delivery with @spacesync/core's helper. During a secret rotation pass both secrets. The
 * result is an `Either`: the decoded event, or a `WebhookVerificationError` whose `reason` says what was
 * wrong (`InvalidSignature`, `TimestampTooOld`, `MissingHeaders`…).
 */
export const verifyWithCore = (
  secrets: ReadonlyArray<string>,
  rawBody: Uint8Array | string,
  headers: Webhook.HeadersInput
) =>
  Webhook.verify({ payload: rawBody, headers, secrets }).pipe(
    Either.map((verified) => Schema.decodeUnknownSync(Webhook.WebhookEvent)(verified.payload))
  )
