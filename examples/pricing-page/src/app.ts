/**
 * A workspace's own website that always shows its current prices: a platform of the spacesync hub.
 *
 * - On start it takes an OAuth token (client credentials), registers its webhook endpoint
 *   `${publicUrl}/webhooks` on the hub (or reuses the one with that URL) and keeps its secret.
 * - `GET /connect?connection_id=…&state=…` is the platform's authorization URL: it activates the connection
 *   with `listingId` = the site's page id and redirects to `/`.
 * - `POST /webhooks` verifies each delivery with `@spacesync/core/Webhook`, answers 204 at once (a repeated
 *   `webhook-id` is acknowledged and not handled twice), then fetches the event's `apiUrl` with the ETag it
 *   holds in `If-None-Match` and re-renders.
 * - `GET /` is the page (server-side HTML), `GET /status` what it holds as JSON, `GET /healthz` liveness.
 */
import * as Webhook from "@spacesync/core/Webhook"
import { Either, Schema } from "effect"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Path from "node:path"
import { type Location, type LocationView, type Price, renderPage, type Resource } from "./render.js"

export interface Config {
  /** The hub's base URL, e.g. `http://127.0.0.1:8787`. */
  readonly hubUrl: string
  /** The platform's OAuth client id and secret (from `POST /admin/platforms`). */
  readonly clientId: string
  readonly clientSecret: string
  /** Listen port; 0 (the default) picks a free one. */
  readonly port?: number | undefined
  /** Listen address. Default `127.0.0.1`. */
  readonly host?: string | undefined
  /** The page's public base URL (webhooks are registered at `${publicUrl}/webhooks`). Default `http://host:port`. */
  readonly publicUrl?: string | undefined
  /** BCP 47 locale of prices, units and dates (`de-DE`, `en-GB`, `en-US`…). Default `en-GB`. */
  readonly locale?: string | undefined
  /** The site's page id: the `listingId` the hub carries back in every event. Default `website`. */
  readonly pageId?: string | undefined
  /** A JSON file that keeps the endpoint secret, connections and fetched data across restarts; or in memory. */
  readonly store?: { readonly path: string } | "memory" | undefined
  /** Where the server writes what it does (one line each). Default: nowhere. */
  readonly log?: ((line: string) => void) | undefined
}

export interface PricingPage {
  /** Where the page listens, e.g. `http://127.0.0.1:8790`. */
  readonly url: string
  /** The URL the hub delivers to (`${publicUrl}/webhooks`). */
  readonly webhookUrl: string
  /** The platform's authorization URL to register on the hub (`${publicUrl}/connect`). */
  readonly authorizationUrl: string
  readonly close: () => Promise<void>
}

type DataSet = "location" | "resources" | "prices"

interface Held<A> {
  readonly apiUrl: string
  readonly etag: string | undefined
  readonly version: number
  readonly data: A
}

interface LocationState {
  connectionId: string
  listingId: string
  location?: Held<Location> | undefined
  resources?: Held<ReadonlyArray<Resource>> | undefined
  prices?: Held<ReadonlyArray<Price>> | undefined
  updatedAt: string
}

interface State {
  endpoint?: { readonly id: string; readonly url: string; readonly secret: string } | undefined
  /** Connected locations by location id, in the order they were connected. */
  locations: Record<string, LocationState>
  /** The last event ids handled (webhook-id), to acknowledge repeats without handling them twice. */
  seen: Array<string>
}

const seenLimit = 5_000
const bodyLimit = 1_000_000
const scopes = "locations:read webhooks:manage connections:manage"

/** A hub answer that was not what the page expects; `detail` is the hub's problem detail when it sent one. */
export class HubError extends Error {
  constructor(readonly status: number, readonly detail: string, context: string) {
    super(`${context}: the hub answered ${status}${detail ? `: ${detail}` : ""}`)
  }
}

const problemDetail = async (res: Response) => {
  const text = await res.text()
  try {
    const body = JSON.parse(text)
    if (typeof body.error === "string") {
      // OAuth errors (RFC 6749): the code, and its description when there is one.
      return body.error_description ? `${body.error} (${body.error_description})` : body.error
    }
    return String(body.detail ?? body.title ?? text)
  } catch {
    return text.slice(0, 500)
  }
}

const validUrl = (name: string, value: string) => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL, got ${JSON.stringify(value)}`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`)
  }
  return value.replace(/\/+$/, "")
}

const loadState = (store: Config["store"]): State => {
  const empty: State = { locations: {}, seen: [] }
  if (store === undefined || store === "memory" || !Fs.existsSync(store.path)) return empty
  const parsed = JSON.parse(Fs.readFileSync(store.path, "utf8")) as Partial<State>
  return { ...empty, ...parsed }
}

const saveState = (store: Config["store"], state: State) => {
  if (store === undefined || store === "memory") return
  Fs.mkdirSync(Path.dirname(store.path), { recursive: true })
  const temporary = `${store.path}.${process.pid}.tmp`
  Fs.writeFileSync(temporary, JSON.stringify(state, null, 2), { mode: 0o600 })
  Fs.renameSync(temporary, store.path)
}

/** The data set an `apiUrl` names: `/v1/connections/{c}/locations/{l}[/resources|/prices]`. */
const dataSetOf = (apiUrl: string): { readonly locationId: string; readonly set: DataSet } | undefined => {
  const match = /\/v1\/connections\/[^/]+\/locations\/([^/]+)(?:\/(resources|prices))?$/.exec(new URL(apiUrl).pathname)
  if (match === null) return undefined
  return { locationId: decodeURIComponent(match[1]!), set: (match[2] as DataSet | undefined) ?? "location" }
}

const htmlPage = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:640px;margin:40px auto"><h1>${title}</h1><p>${
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;")
  }</p></body></html>`

/** Starts the page: token, webhook endpoint, then the HTTP server. Rejects with a clear error if any step fails. */
export const start = async (config: Config): Promise<PricingPage> => {
  const hubUrl = validUrl("hubUrl", config.hubUrl)
  if (!config.clientId) throw new Error("clientId is required (the platform's OAuth client id)")
  if (!config.clientSecret) throw new Error("clientSecret is required (the platform's OAuth client secret)")
  const locale = config.locale ?? "en-GB"
  try {
    new Intl.NumberFormat(locale)
  } catch {
    throw new Error(`locale must be a BCP 47 language tag such as de-DE or en-GB, got ${JSON.stringify(locale)}`)
  }
  if (Intl.NumberFormat.supportedLocalesOf([locale]).length === 0) {
    throw new Error(`locale ${JSON.stringify(locale)} is not supported by this Node.js build`)
  }
  const pageId = config.pageId ?? "website"
  const host = config.host ?? "127.0.0.1"
  const log = config.log ?? (() => {})
  const state = loadState(config.store)
  const save = () => saveState(config.store, state)
  const counters = { received: 0, verified: 0, rejected: 0, duplicates: 0, fetched: 0, notModified: 0, failed: 0 }
  let lastError: string | undefined

  // ---- the hub's API ----
  let token: { readonly value: string; readonly expiresAt: number } | undefined
  const newToken = async () => {
    const res = await fetch(`${hubUrl}/oauth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded"
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: scopes })
    })
    if (!res.ok) {
      throw new HubError(res.status, await problemDetail(res), "token request (check the client id and secret)")
    }
    const body = (await res.json()) as { access_token: string; expires_in: number }
    token = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 }
    return token.value
  }
  const accessToken = async () =>
    token !== undefined && token.expiresAt - Date.now() > 60_000 ? token.value : await newToken()

  /** A call to the hub with the bearer token; a 401 takes a new token and tries once more. */
  const hub = async (pathOrUrl: string, init: { method?: string; body?: unknown; etag?: string | undefined } = {}) => {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${hubUrl}${pathOrUrl}`
    const send = async (bearer: string) =>
      fetch(url, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: {
          authorization: `Bearer ${bearer}`,
          accept: "application/json",
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...(init.etag === undefined ? {} : { "if-none-match": init.etag })
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
      })
    const res = await send(await accessToken())
    return res.status === 401 ? send(await newToken()) : res
  }

  // ---- the webhook endpoint ----
  const server = Http.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(config.port ?? 0, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`
  const publicUrl = config.publicUrl === undefined ? url : validUrl("publicUrl", config.publicUrl)
  const webhookUrl = `${publicUrl}/webhooks`
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })

  const register = async () => {
    const list = await hub("/v1/webhook-endpoints")
    if (!list.ok) throw new HubError(list.status, await problemDetail(list), "listing webhook endpoints")
    const existing = ((await list.json()) as { data: Array<{ id: string; url: string; status: string }> }).data
      .find((e) => e.url === webhookUrl)
    if (existing === undefined) {
      const res = await hub("/v1/webhook-endpoints", {
        body: { url: webhookUrl, description: `Pricing page ${publicUrl} (page ${pageId})` }
      })
      if (res.status !== 201) throw new HubError(res.status, await problemDetail(res), `registering ${webhookUrl}`)
      const created = (await res.json()) as { id: string; secret: string }
      state.endpoint = { id: created.id, url: webhookUrl, secret: created.secret }
      log(`registered webhook endpoint ${created.id} at ${webhookUrl}`)
    } else {
      if (state.endpoint?.id !== existing.id) {
        // An endpoint with this URL exists but its secret was not kept (a new store): rotate to learn one.
        const res = await hub(`/v1/webhook-endpoints/${existing.id}/rotate-secret`, { method: "POST" })
        if (!res.ok) throw new HubError(res.status, await problemDetail(res), `rotating the secret of ${existing.id}`)
        state.endpoint = { id: existing.id, url: webhookUrl, secret: ((await res.json()) as { secret: string }).secret }
        log(`reusing webhook endpoint ${existing.id} at ${webhookUrl} with a new secret`)
      } else {
        log(`reusing webhook endpoint ${existing.id} at ${webhookUrl}`)
      }
      if (existing.status === "disabled") {
        const res = await hub(`/v1/webhook-endpoints/${existing.id}`, { method: "PATCH", body: { enabled: true } })
        if (!res.ok) throw new HubError(res.status, await problemDetail(res), `re-enabling ${existing.id}`)
        log(`re-enabled webhook endpoint ${existing.id}`)
      }
    }
    save()
  }

  // ---- what the page holds ----
  /** One piece of work at a time per location, so fetches of the same data set never race. */
  const queues = new Map<string, Promise<void>>()
  const enqueue = (locationId: string, work: () => Promise<void>) => {
    const next = (queues.get(locationId) ?? Promise.resolve()).then(work).catch((error) => {
      counters.failed++
      lastError = error instanceof Error ? error.message : String(error)
      log(`error: ${lastError}`)
    })
    queues.set(locationId, next)
    return next
  }

  /** Fetches one data set with the ETag held for it; keeps the answer unless it is older than what is held. */
  const fetchDataSet = async (apiUrl: string) => {
    const target = dataSetOf(apiUrl)
    if (target === undefined) return
    const held = state.locations[target.locationId]
    if (held === undefined) return
    const current = held[target.set]
    const res = await hub(apiUrl, { etag: current?.apiUrl === apiUrl ? current.etag : undefined })
    if (res.status === 304) {
      counters.notModified++
      return
    }
    if (res.status === 404) {
      // Revoked, or the location left the connection: the hub no longer lets the page show it.
      await res.body?.cancel()
      delete state.locations[target.locationId]
      save()
      log(`${apiUrl} answered 404: location ${target.locationId} removed from the page`)
      return
    }
    if (!res.ok) throw new HubError(res.status, await problemDetail(res), `fetching ${apiUrl}`)
    counters.fetched++
    const body = (await res.json()) as { version: number; data: any }
    if (current !== undefined && body.version < current.version) return
    held[target.set] = { apiUrl, etag: res.headers.get("etag") ?? undefined, version: body.version, data: body.data }
    held.updatedAt = new Date().toISOString()
    save()
    log(`fetched ${target.set} of ${target.locationId} (version ${body.version})`)
  }

  const locationUrl = (connectionId: string, locationId: string) =>
    `${hubUrl}/v1/connections/${encodeURIComponent(connectionId)}/locations/${encodeURIComponent(locationId)}`

  /** Everything of one location: the location, its resources and its prices. */
  const refresh = (locationId: string) =>
    enqueue(locationId, async () => {
      const held = state.locations[locationId]
      if (held === undefined) return
      const base = locationUrl(held.connectionId, locationId)
      await fetchDataSet(base)
      if (state.locations[locationId] !== undefined) await fetchDataSet(`${base}/resources`)
      if (state.locations[locationId] !== undefined) await fetchDataSet(`${base}/prices`)
    })

  const addLocation = (connectionId: string, locationId: string, listingId: string | null) => {
    if (state.locations[locationId]?.connectionId !== connectionId) {
      state.locations[locationId] = {
        connectionId,
        listingId: listingId ?? pageId,
        updatedAt: new Date().toISOString()
      }
      save()
    }
  }

  const handle = async (event: Webhook.WebhookEvent) => {
    const { connectionId, locationId, listingId, apiUrl, fullResync } = event.data
    log(`event ${event.data.eventId} ${event.type} ${locationId ?? connectionId}`)
    switch (event.type) {
      case "connection.activated":
        return
      case "connection.revoked": {
        for (const [id, held] of Object.entries(state.locations)) {
          if (held.connectionId === connectionId) delete state.locations[id]
        }
        save()
        return
      }
      case "location.deleted": {
        if (locationId !== null && state.locations[locationId]?.connectionId === connectionId) {
          delete state.locations[locationId]
          save()
        }
        return
      }
    }
    if (locationId === null) return
    addLocation(connectionId, locationId, listingId)
    if (fullResync) return refresh(locationId)
    return enqueue(locationId, () => fetchDataSet(apiUrl))
  }

  const views = (): Array<LocationView> =>
    Object.values(state.locations).filter((held) => held.location?.data.status !== "deleted").map((held) => ({
      location: held.location?.data,
      resources: held.resources?.data ?? [],
      prices: held.prices?.data ?? [],
      version: Math.max(held.location?.version ?? 0, held.resources?.version ?? 0, held.prices?.version ?? 0),
      updatedAt: new Date(held.updatedAt)
    }))

  // ---- routes ----
  const connect = async (query: URLSearchParams, res: Http.ServerResponse) => {
    const connectionId = query.get("connection_id")
    const authState = query.get("state")
    if (!connectionId || !authState) {
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" }).end(
        htmlPage(
          "Cannot connect",
          "This address needs the connection_id and state that the hub's authorizeUrl carries."
        )
      )
      return
    }
    const found = await hub(`/v1/connections/${encodeURIComponent(connectionId)}`)
    if (!found.ok) {
      const detail = await problemDetail(found)
      res.writeHead(found.status === 404 ? 404 : 502, { "content-type": "text/html; charset=utf-8" }).end(
        htmlPage("Cannot connect", `The hub does not know connection ${connectionId} for this site: ${detail}`)
      )
      return
    }
    const connection = (await found.json()) as { locations: Array<{ locationId: string }> }
    // The workspace owns this site, so there is no sign-in here: every location of the connection is shown on
    // this page, with the page id as its listing id.
    const listings = connection.locations.map((l) => ({ locationId: l.locationId, listingId: pageId }))
    const activated = await hub(`/v1/connections/${encodeURIComponent(connectionId)}/activate`, {
      body: { state: authState, listings }
    })
    if (!activated.ok) {
      const detail = await problemDetail(activated)
      res.writeHead(activated.status >= 500 ? 502 : 400, { "content-type": "text/html; charset=utf-8" }).end(
        htmlPage("Cannot connect", `The hub refused the activation: ${detail}`)
      )
      return
    }
    for (const listing of listings) addLocation(connectionId, listing.locationId, pageId)
    log(`activated connection ${connectionId} (${listings.length} location(s))`)
    // Show the prices right away; the webhooks that follow find them current (304).
    await Promise.all(listings.map((l) => refresh(l.locationId)))
    res.writeHead(303, { location: "/" }).end()
  }

  const receive = (req: Http.IncomingMessage, res: Http.ServerResponse) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > bodyLimit) {
        res.writeHead(413, { "content-type": "text/plain" }).end("body too large")
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on("end", () => {
      if (res.writableEnded) return
      counters.received++
      const secret = state.endpoint?.secret
      const verified = secret === undefined
        ? undefined
        : Webhook.verify({
          payload: Buffer.concat(chunks),
          headers: req.headers as Webhook.HeadersInput,
          secrets: [secret]
        })
          .pipe(Either.flatMap((v) => Schema.decodeUnknownEither(Webhook.WebhookEvent)(v.payload)))
      if (verified === undefined || Either.isLeft(verified)) {
        counters.rejected++
        const reason = verified === undefined
          ? "no endpoint secret yet"
          : "reason" in verified.left
          ? String(verified.left.reason)
          : "not a spacesync event"
        log(`rejected a webhook: ${reason}`)
        res.writeHead(401, { "content-type": "text/plain" }).end(reason)
        return
      }
      counters.verified++
      res.writeHead(204).end()
      const event = verified.right
      if (state.seen.includes(event.data.eventId)) {
        counters.duplicates++
        return
      }
      state.seen.push(event.data.eventId)
      if (state.seen.length > seenLimit) state.seen.splice(0, state.seen.length - seenLimit)
      save()
      handle(event).catch((error) => {
        counters.failed++
        lastError = error instanceof Error ? error.message : String(error)
        log(`error: ${lastError}`)
      })
    })
  }

  const status = () => ({
    pageId,
    locale,
    publicUrl,
    webhookUrl,
    endpointId: state.endpoint?.id ?? null,
    webhooks: {
      received: counters.received,
      verified: counters.verified,
      rejected: counters.rejected,
      duplicates: counters.duplicates
    },
    fetches: { ok: counters.fetched, notModified: counters.notModified, failed: counters.failed },
    lastError: lastError ?? null,
    locations: Object.entries(state.locations).map(([locationId, held]) => ({
      locationId,
      connectionId: held.connectionId,
      listingId: held.listingId,
      name: held.location?.data.name ?? null,
      version: Math.max(held.location?.version ?? 0, held.resources?.version ?? 0, held.prices?.version ?? 0),
      etags: {
        location: held.location?.etag ?? null,
        resources: held.resources?.etag ?? null,
        prices: held.prices?.etag ?? null
      },
      updatedAt: held.updatedAt
    }))
  })

  server.on("request", (req, res) => {
    const requestUrl = new URL(req.url ?? "/", "http://page")
    const route = `${req.method} ${requestUrl.pathname}`
    const fail = (error: unknown) => {
      lastError = error instanceof Error ? error.message : String(error)
      log(`error on ${route}: ${lastError}`)
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/html; charset=utf-8" }).end(
          htmlPage("Something went wrong", lastError)
        )
      }
    }
    try {
      switch (route) {
        case "GET /":
        case "HEAD /":
          res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(
            renderPage(views(), { locale })
          )
          return
        case "GET /connect":
          connect(requestUrl.searchParams, res).catch(fail)
          return
        case "POST /webhooks":
          receive(req, res)
          return
        case "GET /status":
          res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(
            JSON.stringify(status())
          )
          return
        case "GET /healthz":
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }))
          return
      }
      const known = ["/", "/connect", "/webhooks", "/status", "/healthz"].includes(requestUrl.pathname)
      res.writeHead(known ? 405 : 404, { "content-type": "text/plain" }).end(known ? "method not allowed" : "not found")
    } catch (error) {
      fail(error)
    }
  })

  try {
    await newToken()
    await register()
    // After a restart with a kept store: bring what the page shows up to date (304s when nothing changed).
    await Promise.all(Object.keys(state.locations).map(refresh))
  } catch (error) {
    await close()
    throw error
  }
  log(`pricing page on ${url} (public ${publicUrl}); authorization URL ${publicUrl}/connect`)
  return { url, webhookUrl, authorizationUrl: `${publicUrl}/connect`, close }
}
