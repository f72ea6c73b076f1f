/**
 * Cobot webhooks: unsigned hints.
 *
 * Cobot (API 1 subscriptions) signs nothing: a delivery is `{"url": "https://<subdomain>.cobot.me/api/…"}`
 * naming what changed. So a delivery is only a hint to re-read the account's space, and only when the URL
 * it names belongs to that space: its origin is `https://{subdomain}.cobot.me` (or, when the credentials
 * set `baseUrl`, that origin). The URL is never fetched: the re-sync reads the adapter's own requests.
 *
 * A hint naming anything else (another space, another host, no URL at all, a deletion that carries the
 * object instead of a URL) is refused `Unauthorized`: the hub then answers 401 and changes nothing, the
 * same answer it gives for every request that does not verify, so a caller learns nothing about which
 * accounts exist, and a forged hint costs no upstream request.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError } from "@spacesync/adapter-kit"
import { Effect, Either, Schema } from "effect"
import type * as CobotClient from "./CobotClient.js"
import * as CobotSchemas from "./CobotSchemas.js"

const decodeBody = Schema.decodeUnknownEither(Schema.parseJson(CobotSchemas.WebhookBody))

/** The origins whose URLs belong to the credentials' space. @since 0.1.0 */
export const originsOf = (credentials: CobotClient.Credentials): ReadonlyArray<string> =>
  credentials.baseUrl === undefined
    ? [`https://${credentials.subdomain}.cobot.me`]
    : [new URL(credentials.baseUrl).origin]

/** Whether `url` belongs to the credentials' space. @since 0.1.0 */
export const belongs = (url: string, credentials: CobotClient.Credentials): boolean => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.username !== "" || parsed.password !== "") return false
  return originsOf(credentials).includes(parsed.origin)
}

/**
 * Verifies a hint against `credentials`. The account is one space, so a hint that belongs re-reads it
 * (`All`: the same requests as a read of its one location).
 *
 * @since 0.1.0
 */
export const verify = (
  request: Adapter.WebhookRequest,
  credentials: CobotClient.Credentials
): Effect.Effect<Adapter.WebhookTargets, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const body = decodeBody(Buffer.from(request.body).toString("utf8"))
    if (Either.isLeft(body)) {
      return yield* AdapterError.unauthorized("Cobot webhook body is not {url}")
    }
    if (!belongs(body.right.url, credentials)) {
      return yield* AdapterError.unauthorized("Cobot webhook names a URL outside the account's space")
    }
    return Adapter.WebhookTargets.All()
  })
