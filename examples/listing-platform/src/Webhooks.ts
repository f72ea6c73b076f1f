/**
 * The webhook endpoint: verify with @spacesync/core's helper, remember the `webhook-id` in the database
 * (a repeat or replay is acknowledged and changes nothing), answer 204 at once, and apply the event
 * afterwards, one at a time: fetch the `apiUrl` (with `If-None-Match`) and update the one profile mapped
 * to that connection and location, never another.
 */
import * as Webhook from "@spacesync/core/Webhook"
import { Effect, Either, Schema } from "effect"
import type { Db } from "./Db.js"
import { schema } from "./Db.js"
import type { HubClient } from "./HubClient.js"

export interface ProfilePrice {
  readonly id: string
  readonly name: string
  readonly category: string
  readonly amount: string
  readonly currency: string
  readonly per: string
  readonly count: number
  readonly tax: string
}

export interface ProfileResource {
  readonly id: string
  readonly name: string
  readonly kind: string
  readonly capacity: number | null
  readonly listingResourceId: string | null
}

const decodeEvent = Schema.decodeUnknownEither(Webhook.WebhookEvent)

/** Which data set an `apiUrl` names. */
const dataSetOf = (apiUrl: string): "location" | "resources" | "prices" | "snapshot" | undefined => {
  const path = new URL(apiUrl).pathname
  if (/\/locations\/[^/]+$/.test(path)) return "location"
  const m = /\/locations\/[^/]+\/(resources|prices|snapshot)$/.exec(path)
  return m ? (m[1] as "resources" | "prices" | "snapshot") : undefined
}

const formatAddress = (a: any): string | null => {
  if (!a) return null
  if (typeof a.formatted === "string") return a.formatted
  const parts = [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(" "), a.countryCode].filter(
    (p) => typeof p === "string" && p.length > 0
  )
  return parts.length > 0 ? parts.join(", ") : null
}

export const toPrices = (data: ReadonlyArray<any>): Array<ProfilePrice> =>
  data.filter((p) => p.status !== "deleted" && p.status !== "inactive").map((p) => ({
    id: p.id,
    name: p.name,
    category: p.category,
    amount: p.amount.amount,
    currency: p.amount.currency,
    per: p.unit.per,
    count: p.unit.count,
    tax: p.tax?.mode ?? "unknown"
  })).sort((x, y) => x.name.localeCompare(y.name) || x.id.localeCompare(y.id))

const toResources = (data: ReadonlyArray<any>): Array<ProfileResource> =>
  data.filter((r) => r.status !== "deleted" && r.visible !== false).map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    capacity: typeof r.capacity === "number" ? r.capacity : null,
    listingResourceId: r.listingResourceId ?? null
  }))

export const makeWebhooks = (options: {
  readonly db: Db
  readonly hub: HubClient
  readonly secrets: () => ReadonlyArray<string>
  readonly log: (message: string) => void
}) => {
  const { db, hub, log } = options
  let queue: Promise<void> = Promise.resolve()

  /** The profile mapped to this connection and location, while the mapping is live. */
  const mappedListing = async (connectionId: string, locationId: string) => {
    const [row] = await db.query<{ listing_id: string; version: number | null }>(
      `select m.listing_id, l.version from ${schema}.mappings m
         join ${schema}.connections c on c.id = m.connection_id
         join ${schema}.listings l on l.id = m.listing_id
       where m.connection_id = $1 and m.location_id = $2 and m.detached_at is null
         and c.status in ('activating', 'active')`,
      [connectionId, locationId]
    )
    return row
  }

  /** GET with the ETag held for that URL: 304 means nothing to apply. */
  const fetchFresh = async (apiUrl: string) => {
    const [held] = await db.query<{ etag: string }>(`select etag from ${schema}.etags where api_url = $1`, [apiUrl])
    const res = await hub.call<{ version: number; data: any }>(apiUrl, { ifNoneMatch: held?.etag })
    if (res.status === 304) return undefined
    if (res.status === 404) return null
    if (res.status !== 200) throw new Error(`${apiUrl} answered ${res.status}`)
    if (res.etag) {
      await db.query(
        `insert into ${schema}.etags (api_url, etag, body) values ($1, $2, $3::jsonb)
         on conflict (api_url) do update set etag = excluded.etag, body = excluded.body`,
        [apiUrl, res.etag, JSON.stringify(res.body)]
      )
    }
    return res.body
  }

  const apply = async (event: Webhook.WebhookEvent): Promise<string> => {
    const { connectionId, locationId, version } = event.data
    if (event.type === "connection.revoked") {
      await db.transaction((q) =>
        Effect.gen(function*() {
          yield* q(
            `update ${schema}.connections set status = 'revoked', revoked_at = coalesce(revoked_at, now()) where id = $1`,
            [connectionId]
          )
          yield* q(
            `update ${schema}.mappings set detached_at = now() where connection_id = $1 and detached_at is null`,
            [
              connectionId
            ]
          )
        })
      )
      return "detached"
    }
    if (event.type === "connection.activated") {
      await db.query(
        `update ${schema}.connections set status = 'active', activated_at = coalesce(activated_at, now())
         where id = $1 and status = 'activating'`,
        [connectionId]
      )
      return "activated"
    }
    if (locationId === null) return "ignored: no location"
    const mapped = await mappedListing(connectionId, locationId)
    if (!mapped) return "ignored: not mapped"
    if (version !== null && mapped.version !== null && version < mapped.version) {
      return `ignored: version ${version} older than ${mapped.version}`
    }
    const listingId = mapped.listing_id
    if (event.type === "location.deleted") {
      await db.query(
        `update ${schema}.listings set published = false, version = greatest(coalesce(version, 0), $2),
           synced_at = now(), updated_at = now() where id = $1`,
        [listingId, version ?? 0]
      )
      return "unpublished"
    }
    const base = event.data.apiUrl.replace(/\/(resources|prices|snapshot)$/, "")
    const urls = event.data.fullResync ? [base, `${base}/resources`, `${base}/prices`] : [event.data.apiUrl]
    const sets: Array<string> = []
    const assignments: Array<string> = []
    const params: Array<unknown> = [listingId]
    let newest = version ?? 0
    for (const url of urls) {
      const body = await fetchFresh(url)
      if (body === null) return "ignored: the hub no longer serves this location"
      if (body === undefined) continue
      newest = Math.max(newest, body.version)
      const set = dataSetOf(url)
      sets.push(set ?? url)
      if (set === "location") {
        const location = body.data
        params.push(location.name, formatAddress(location.address), location.status === "active" && location.visible)
        assignments.push(
          `location_name = $${params.length - 2}`,
          `address = $${params.length - 1}`,
          `published = $${params.length}`
        )
      } else if (set === "prices") {
        params.push(JSON.stringify(toPrices(body.data)))
        assignments.push(`prices = $${params.length}::jsonb`)
      } else if (set === "resources") {
        params.push(JSON.stringify(toResources(body.data)))
        assignments.push(`resources = $${params.length}::jsonb`)
      }
    }
    if (assignments.length === 0) return "unchanged (304)"
    params.push(newest)
    // The version check is repeated in the update, so that an older event can never win a race.
    const updated = await db.query(
      `update ${schema}.listings set ${assignments.join(", ")}, version = $${params.length},
         synced_at = now(), updated_at = now()
       where id = $1 and coalesce(version, 0) <= $${params.length} returning id`,
      params
    )
    return updated.length === 1 ? `updated ${sets.join(", ")} to version ${newest}` : "ignored: newer data held"
  }

  const enqueue = (webhookId: string, event: Webhook.WebhookEvent) => {
    queue = queue.then(async () => {
      let outcome: string
      try {
        outcome = await apply(event)
      } catch (error) {
        outcome = `failed: ${error instanceof Error ? error.message : String(error)}`
        log(`webhook ${webhookId} (${event.type}): ${outcome}`)
      }
      await db.query(
        `update ${schema}.webhook_receipts set handled_at = now(), outcome = $2 where webhook_id = $1`,
        [webhookId, outcome]
      ).catch((error) => log(`webhook ${webhookId}: cannot record the outcome: ${String(error)}`))
    })
  }

  /**
   * Handles one request to `/webhooks`: the status to answer and a short text. The event is applied
   * after the answer, in order with the others.
   */
  const receive = async (
    rawBody: Buffer,
    headers: Record<string, string | ReadonlyArray<string> | undefined>
  ): Promise<{ readonly status: number; readonly text: string }> => {
    const verified = Webhook.verify({ payload: rawBody, headers, secrets: options.secrets() })
    if (Either.isLeft(verified)) return { status: 401, text: `${verified.left.reason}: ${verified.left.message}` }
    const event = decodeEvent(verified.right.payload)
    if (Either.isLeft(event)) return { status: 400, text: "the body is not a spacesync event" }
    const pick = (name: string) => {
      const value = headers[name]
      return typeof value === "string" ? value : value?.[0] ?? ""
    }
    const inserted = await db.query(
      `insert into ${schema}.webhook_receipts (webhook_id, type, connection_id, location_id, headers, body)
       values ($1, $2, $3, $4, $5::jsonb, $6) on conflict (webhook_id) do nothing returning webhook_id`,
      [
        verified.right.id,
        event.right.type,
        event.right.data.connectionId,
        event.right.data.locationId,
        JSON.stringify({
          "webhook-id": pick("webhook-id"),
          "webhook-timestamp": pick("webhook-timestamp"),
          "webhook-signature": pick("webhook-signature")
        }),
        rawBody.toString("utf8")
      ]
    )
    if (inserted.length === 0) return { status: 204, text: "already received" }
    enqueue(verified.right.id, event.right)
    return { status: 204, text: "" }
  }

  /** Resolves when every event received so far has been applied. */
  const idle = async () => {
    let seen: Promise<void>
    do {
      seen = queue
      await seen
    } while (seen !== queue)
  }

  return { receive, idle }
}
