import { Webhook } from "standardwebhooks"

/** What every spacesync webhook carries (see events.md for each type). */
export interface SpacesyncEvent {
  readonly type: string
  readonly timestamp: string
  readonly data: {
    readonly eventId: string
    readonly connectionId: string
    readonly locationId: string | null
    readonly listingId: string | null
    readonly version: number | null
    readonly apiUrl: string
    readonly changes: {
      readonly created: Array<string>
      readonly updated: Array<string>
      readonly deleted: Array<string>
    }
    readonly fullResync: boolean
  }
}

/**
 * Verifies a delivery with the Standard Webhooks library: the raw body exactly as received (never
 * re-serialised JSON), the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, and the
 * endpoint's `whsec_…` secret. Throws if the signature does not match or the timestamp is more than five
 * minutes away; returns the parsed event otherwise.
 */
export const verifyWithStandardWebhooks = (
  secret: string,
  rawBody: string,
  headers: Record<string, string>
): SpacesyncEvent => new Webhook(secret).verify(rawBody, headers) as SpacesyncEvent
