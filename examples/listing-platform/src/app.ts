/**
 * Deskfinder, a multi-operator listing platform on spacesync. Operators sign in with their own users,
 * map the hub locations they authorized to their own listing profiles, and every profile follows its
 * location by verified webhooks. `start` runs it all: database, hub token, webhook endpoint, web server.
 */
import { Effect } from "effect"
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { type Db, open, schema } from "./Db.js"
import { demoUsers, type SeedUser } from "./Demo.js"
import { ensureWebhookEndpoint, HubError, makeHubClient } from "./HubClient.js"
import * as Pages from "./Pages.js"
import * as Passwords from "./Passwords.js"
import { makeWebhooks, type ProfileResource } from "./Webhooks.js"

export interface ListingPlatformConfig {
  /** The hub's base URL, e.g. `http://127.0.0.1:8787`. */
  readonly hubUrl: string
  /** The platform's OAuth client credentials (from `POST /admin/platforms`). */
  readonly clientId: string
  readonly clientSecret: string
  /** Listen port (default 8791; 0 picks a free one). */
  readonly port?: number | undefined
  /** Listen address (default 127.0.0.1). */
  readonly host?: string | undefined
  /** The URL the hub and browsers reach the platform at (default `http://host:port`). */
  readonly publicUrl?: string | undefined
  /** A PostgreSQL connection string; unset: the embedded database in `dataDir`. */
  readonly databaseUrl?: string | undefined
  /** Where the embedded database lives (default `.listing-platform`; `"memory"` for a throw-away one). */
  readonly dataDir?: string | undefined
  /** Users and their listings to create when missing (default: the two demo operators; `[]` for none). */
  readonly seed?: ReadonlyArray<SeedUser> | undefined
  readonly log?: ((message: string) => void) | undefined
}

export interface ListingPlatform {
  readonly url: string
  readonly webhookUrl: string
  readonly db: Db
  /** Resolves once every webhook received so far has been applied. */
  readonly idle: () => Promise<void>
  readonly close: () => Promise<void>
}

const sessionCookie = "lp_session"
const sessionHours = 12
const connectionIdPattern = /^con_[A-Za-z0-9_-]{1,100}$/

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex")
const token = () => randomBytes(24).toString("base64url")
const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string
  ) {
    super(detail)
  }
}

const readBody = (req: Http.IncomingMessage, limit: number) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new HttpFailure(413, "Too large", `The request body is larger than ${limit} bytes.`))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

const cookies = (req: Http.IncomingMessage) =>
  new Map(
    (req.headers.cookie ?? "").split(";").map((c) => c.trim().split("=")).filter((kv) => kv.length >= 2).map((
      kv
    ) => [kv[0]!, decodeURIComponent(kv.slice(1).join("="))])
  )

/** Only a local path may be a redirect target after sign-in. */
const safeNext = (next: unknown) =>
  typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")
    ? next
    : "/account"

interface Session {
  readonly id: string
  readonly csrf: string
  readonly user: { readonly id: string; readonly name: string; readonly company: string } | null
  readonly connectConnectionId: string | null
  readonly connectState: string | null
}

export const start = async (config: ListingPlatformConfig): Promise<ListingPlatform> => {
  for (const key of ["hubUrl", "clientId", "clientSecret"] as const) {
    if (typeof config[key] !== "string" || config[key].trim() === "") throw new Error(`start: ${key} is required`)
  }
  try {
    new URL(config.hubUrl)
  } catch {
    throw new Error(`start: hubUrl is not a URL: ${config.hubUrl}`)
  }
  const log = config.log ?? ((message: string) => console.log(`[listing-platform] ${message}`))
  const host = config.host ?? "127.0.0.1"
  const db = await open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir ?? ".listing-platform" })
  const server = Http.createServer()
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await webhooks.idle().catch(() => undefined)
    await db.close()
  }
  const hub = makeHubClient(config)
  let secrets: ReadonlyArray<string> = []
  const webhooks = makeWebhooks({ db, hub, secrets: () => secrets, log })
  let publicUrl = ""
  let ready = false

  try {
    await seed(db, config.seed ?? demoUsers)
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(config.port ?? 8791, host, () => resolve())
    })
    const port = (server.address() as AddressInfo).port
    publicUrl = (config.publicUrl ?? `http://${host}:${port}`).replace(/\/+$/, "")
    server.on("request", (req, res) => {
      // Until start() has finished (the webhook endpoint registered, the handlers defined), answer 503:
      // a browser or a webhook arriving this early retries.
      if (!ready) {
        res.writeHead(503, { "retry-after": "1", "content-type": "text/plain" }).end("Starting")
        return
      }
      handle(req, res).catch((error) => {
        const failure = error instanceof HttpFailure
          ? error
          : new HttpFailure(500, "Something went wrong", "The platform could not handle this request.")
        if (!(error instanceof HttpFailure)) {
          log(`${req.method} ${req.url}: ${error instanceof Error ? error.stack : error}`)
        }
        if (res.headersSent) return res.end()
        html(res, failure.status, Pages.layout(failure.title, Pages.message(failure.title, failure.detail)))
      })
    })
    const endpoint = await ensureWebhookEndpoint(hub, db, `${publicUrl}/webhooks`)
    secrets = endpoint.secrets
    log(`listening on ${publicUrl}; the hub delivers to ${endpoint.url} (${endpoint.id})`)
  } catch (error) {
    await close()
    throw error
  }

  const secure = publicUrl.startsWith("https://")

  function html(
    res: Http.ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string | Array<string>> = {}
  ) {
    res.writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-frame-options": "DENY",
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      ...headers
    })
    res.end(body)
  }

  const redirect = (
    res: Http.ServerResponse,
    location: string,
    headers: Record<string, string | Array<string>> = {}
  ) => {
    res.writeHead(303, { location, ...headers })
    res.end()
  }

  const setCookie = (value: string, maxAge: number) =>
    `${sessionCookie}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`

  const loadSession = async (req: Http.IncomingMessage): Promise<Session | undefined> => {
    const raw = cookies(req).get(sessionCookie)
    if (!raw) return undefined
    const [row] = await db.query<any>(
      `select s.id, s.csrf, s.connect_connection_id, s.connect_state, u.id as user_id, u.name, u.company
         from ${schema}.sessions s left join ${schema}.users u on u.id = s.user_id
        where s.id = $1 and s.expires_at > now()`,
      [sha256(raw)]
    )
    if (!row) return undefined
    return {
      id: row.id,
      csrf: row.csrf,
      user: row.user_id ? { id: row.user_id, name: row.name, company: row.company } : null,
      connectConnectionId: row.connect_connection_id,
      connectState: row.connect_state
    }
  }

  /** The visitor's session, created (anonymous) when there is none; its cookie goes into `headers`. */
  const newSession = async (userId: string | null, headers: Record<string, string>) => {
    const raw = token()
    const csrf = token()
    await db.query(
      `insert into ${schema}.sessions (id, user_id, csrf, expires_at)
       values ($1, $2, $3, now() + make_interval(hours => ${sessionHours}))`,
      [sha256(raw), userId, csrf]
    )
    headers["set-cookie"] = setCookie(raw, sessionHours * 3600)
    return { id: sha256(raw), csrf }
  }

  const form = async (req: Http.IncomingMessage) => {
    const type = req.headers["content-type"] ?? ""
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      throw new HttpFailure(415, "Unsupported form", "Forms are sent as application/x-www-form-urlencoded.")
    }
    return new URLSearchParams((await readBody(req, 64 * 1024)).toString("utf8"))
  }

  /** A POSTed form of a live session, its CSRF token checked. */
  const postedForm = async (req: Http.IncomingMessage) => {
    const session = await loadSession(req)
    const fields = await form(req)
    if (!session || !sameSecret(fields.get("_csrf") ?? "", session.csrf)) {
      throw new HttpFailure(
        403,
        "Form expired",
        "This form is no longer valid (your session ended or it was not sent from this site). Go back, reload the page and try again."
      )
    }
    return { session, fields }
  }

  const user = (session: Session | undefined) =>
    session?.user ? { name: session.user.name, csrf: session.csrf } : undefined

  const ownListings = (userId: string) =>
    db.query<{ id: string; title: string; taken: boolean }>(
      `select l.id, l.title, exists (
           select 1 from ${schema}.mappings m where m.listing_id = l.id and m.detached_at is null
         ) as taken
         from ${schema}.listings l where l.owner_id = $1 order by l.title`,
      [userId]
    )

  /** The pending connection the hub names, with its locations' names when the hub already serves them. */
  const hubConnection = async (connectionId: string) => {
    const res = await hub.call<{ status: string; locations: Array<{ locationId: string; listingId: string | null }> }>(
      `/v1/connections/${encodeURIComponent(connectionId)}`
    )
    if (res.status === 404) {
      throw new HttpFailure(
        404,
        "Unknown connection",
        "This authorization link names a connection Deskfinder does not know. Ask spacesync for a new link."
      )
    }
    if (res.status !== 200) throw new HubError(res.status, JSON.stringify(res.body), "/v1/connections")
    if (res.body.status !== "pending") {
      throw new HttpFailure(
        409,
        "Already used",
        `This authorization link was already used (the connection is ${res.body.status}). Ask spacesync for a new link to connect again.`
      )
    }
    return res.body.locations
  }

  const locationNames = (connectionId: string, locationIds: ReadonlyArray<string>) =>
    Promise.all(locationIds.map(async (locationId) => {
      const res = await hub.call<{ data: { name: string } }>(
        `/v1/connections/${encodeURIComponent(connectionId)}/locations/${encodeURIComponent(locationId)}`
      )
      return { locationId, name: res.status === 200 ? res.body.data.name : null }
    }))

  const connectPage = async (
    res: Http.ServerResponse,
    session: Session,
    connectionId: string,
    state: string,
    status = 200,
    error?: string
  ) => {
    const locations = await hubConnection(connectionId)
    const named = await locationNames(connectionId, locations.map((l) => l.locationId))
    const listings = await ownListings(session.user!.id)
    html(
      res,
      status,
      Pages.layout(
        "Connect your locations",
        Pages.connect({ csrf: session.csrf, connectionId, state, locations: named, listings, error }),
        user(session)
      )
    )
  }

  const handle = async (req: Http.IncomingMessage, res: Http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://platform.invalid")
    const route = `${req.method} ${url.pathname}`

    if (route === "POST /webhooks") {
      const body = await readBody(req, 1024 * 1024)
      const answer = await webhooks.receive(body, req.headers as Record<string, string>)
      res.writeHead(answer.status, answer.status === 204 ? {} : { "content-type": "text/plain; charset=utf-8" })
      res.end(answer.status === 204 ? undefined : answer.text)
      return
    }
    if (route === "GET /healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok")
      return
    }
    if (route === "GET /") {
      const profiles = await db.query<Pages.ProfileRow>(
        `select l.*, u.company from ${schema}.listings l join ${schema}.users u on u.id = l.owner_id
          where l.published order by l.title`
      )
      return html(res, 200, Pages.layout("Workspaces", Pages.home(profiles), user(await loadSession(req))))
    }
    const listingMatch = /^\/listings\/([^/]+)$/.exec(url.pathname)
    if (req.method === "GET" && listingMatch) {
      const session = await loadSession(req)
      const [profile] = await db.query<Pages.ProfileRow & { published: boolean; owner_id: string }>(
        `select l.*, u.company from ${schema}.listings l join ${schema}.users u on u.id = l.owner_id where l.id = $1`,
        [decodeURIComponent(listingMatch[1]!)]
      )
      if (!profile || (!profile.published && profile.owner_id !== session?.user?.id)) {
        throw new HttpFailure(404, "Not found", "There is no such workspace on Deskfinder.")
      }
      return html(res, 200, Pages.layout(profile.title, Pages.listing(profile), user(session)))
    }
    if (route === "GET /login") {
      const session = await loadSession(req)
      const headers: Record<string, string> = {}
      const csrf = session?.csrf ?? (await newSession(null, headers)).csrf
      const next = safeNext(url.searchParams.get("next"))
      if (session?.user) return redirect(res, next)
      return html(res, 200, Pages.layout("Sign in", Pages.login({ csrf, next })), headers)
    }
    if (route === "POST /login") {
      const { fields, session } = await postedForm(req)
      const email = (fields.get("email") ?? "").trim().toLowerCase()
      const password = fields.get("password") ?? ""
      const next = safeNext(fields.get("next"))
      const [found] = await db.query<{ id: string; password_hash: string }>(
        `select id, password_hash from ${schema}.users where email = $1`,
        [email]
      )
      if (!(await Passwords.verify(password, found?.password_hash)) || !found) {
        return html(
          res,
          401,
          Pages.layout("Sign in", Pages.login({ csrf: session.csrf, next, email, error: "Wrong email or password." }))
        )
      }
      // A new session at sign-in, so that a session id known before it is worth nothing after.
      await db.query(`delete from ${schema}.sessions where id = $1`, [session.id])
      const headers: Record<string, string> = {}
      await newSession(found.id, headers)
      return redirect(res, next, headers)
    }
    if (route === "POST /logout") {
      const { session } = await postedForm(req)
      await db.query(`delete from ${schema}.sessions where id = $1`, [session.id])
      return redirect(res, "/", { "set-cookie": setCookie("", 0) })
    }
    if (route === "GET /account") {
      const session = await loadSession(req)
      if (!session?.user) return redirect(res, `/login?next=${encodeURIComponent("/account")}`)
      const listings = await db.query<any>(
        `select l.id, l.title, l.published, l.version, m.location_id from ${schema}.listings l
           left join ${schema}.mappings m on m.listing_id = l.id and m.detached_at is null
          where l.owner_id = $1 order by l.title`,
        [session.user.id]
      )
      return html(
        res,
        200,
        Pages.layout("My listings", Pages.account({ company: session.user.company, listings }), user(session))
      )
    }
    if (route === "GET /connect") {
      const connectionId = url.searchParams.get("connection_id") ?? ""
      const state = url.searchParams.get("state") ?? ""
      if (!connectionIdPattern.test(connectionId) || state.length === 0 || state.length > 200) {
        throw new HttpFailure(
          400,
          "Invalid authorization link",
          "This link must carry the connection_id and state that spacesync added to it. Open the link from spacesync again."
        )
      }
      const session = await loadSession(req)
      if (!session?.user) {
        return redirect(res, `/login?next=${encodeURIComponent(`/connect?${url.searchParams.toString()}`)}`)
      }
      // The authorization this session is in: the form it posts must be for this one.
      await db.query(
        `update ${schema}.sessions set connect_connection_id = $2, connect_state = $3 where id = $1`,
        [session.id, connectionId, state]
      )
      return connectPage(res, session, connectionId, state)
    }
    if (route === "POST /connect") {
      const { fields, session } = await postedForm(req)
      if (!session.user) return redirect(res, "/login")
      const connectionId = fields.get("connection_id") ?? ""
      const state = fields.get("state") ?? ""
      if (
        session.connectConnectionId === null || session.connectState === null ||
        !sameSecret(connectionId, session.connectConnectionId) || !sameSecret(state, session.connectState)
      ) {
        throw new HttpFailure(
          400,
          "Authorization does not match",
          "This form is not for the authorization you opened. Follow the link from spacesync again."
        )
      }
      const locations = await hubConnection(connectionId)
      const own = new Map((await ownListings(session.user.id)).map((l) => [l.id, l]))
      const listings: Array<{ locationId: string; listingId: string }> = []
      const problems: Array<string> = []
      for (const { locationId } of locations) {
        const listingId = fields.get(`listing:${locationId}`) ?? ""
        const mine = own.get(listingId)
        if (listingId === "") problems.push(`Choose a listing for ${locationId}.`)
        else if (!mine) problems.push(`${listingId} is not one of your listings.`)
        else if (mine.taken) problems.push(`${mine.title} is already connected to another location.`)
        else if (listings.some((l) => l.listingId === listingId)) {
          problems.push(`${mine.title} is chosen for two locations; each location needs its own listing.`)
        } else listings.push({ locationId, listingId })
      }
      const unknown = [...fields.keys()].filter((k) =>
        k.startsWith("listing:") && !locations.some((l) => `listing:${l.locationId}` === k)
      )
      if (unknown.length > 0) problems.push("The form names a location that is not part of this connection.")
      if (problems.length > 0) return connectPage(res, session, connectionId, state, 400, problems.join(" "))

      // The mappings exist (as "activating") before the hub activates, so that the webhooks the activation
      // sends find them however fast they arrive; they go away again if the hub refuses.
      const userId = session.user.id
      try {
        await db.transaction((q) =>
          Effect.gen(function*() {
            yield* q(`insert into ${schema}.connections (id, user_id, status) values ($1, $2, 'activating')`, [
              connectionId,
              userId
            ])
            for (const l of listings) {
              yield* q(`insert into ${schema}.mappings (connection_id, location_id, listing_id) values ($1, $2, $3)`, [
                connectionId,
                l.locationId,
                l.listingId
              ])
            }
          })
        )
      } catch {
        return connectPage(
          res,
          session,
          connectionId,
          state,
          409,
          "One of these listings was connected meanwhile, or this connection is being set up in another window."
        )
      }
      const activated = await hub.call(`/v1/connections/${encodeURIComponent(connectionId)}/activate`, {
        body: { state, listings }
      })
      if (activated.status !== 200) {
        await db.query(`delete from ${schema}.connections where id = $1 and status = 'activating'`, [connectionId])
        const detail = (activated.body as { detail?: string } | undefined)?.detail ?? `status ${activated.status}`
        throw new HttpFailure(
          activated.status === 404 ? 404 : 400,
          "Authorization refused",
          `spacesync refused this authorization (${detail}). The link may be expired or already used: ask for a new one.`
        )
      }
      await db.query(
        `update ${schema}.connections set status = 'active', activated_at = coalesce(activated_at, now())
          where id = $1 and status = 'activating'`,
        [connectionId]
      )
      await db.query(
        `update ${schema}.sessions set connect_connection_id = null, connect_state = null where id = $1`,
        [session.id]
      )
      return redirect(res, `/connect/done?connection_id=${encodeURIComponent(connectionId)}`)
    }
    if (route === "GET /connect/done") {
      const session = await loadSession(req)
      if (!session?.user) return redirect(res, "/login")
      return donePage(res, session, url.searchParams.get("connection_id") ?? "", 200, {
        notice: url.searchParams.get("saved") === "1" ? "Your space ids are saved." : undefined
      })
    }
    if (route === "POST /connect/resources") {
      const { fields, session } = await postedForm(req)
      if (!session.user) return redirect(res, "/login")
      const connectionId = fields.get("connection_id") ?? ""
      const rows = await connectionRows(session.user.id, connectionId)
      const maps = new Map<string, Record<string, string>>(rows.map((r) => [r.location_id, {}]))
      for (const [key, value] of fields) {
        const m = /^res:([^:]+):(.+)$/.exec(key)
        if (!m || value.trim() === "") continue
        const map = maps.get(m[1]!)
        if (!map) {
          throw new HttpFailure(400, "Invalid form", "The form names a location that is not part of this connection.")
        }
        map[m[2]!] = value.trim().slice(0, 100)
      }
      for (const [locationId, map] of maps) {
        const put = await hub.call(
          `/v1/connections/${encodeURIComponent(connectionId)}/locations/${
            encodeURIComponent(locationId)
          }/resource-map`,
          { method: "PUT", body: map }
        )
        if (put.status !== 200) {
          const problem = put.body as { detail?: string; errors?: Array<{ message: string }> } | undefined
          return donePage(res, session, connectionId, 400, {
            error: `spacesync refused the space ids: ${
              [problem?.detail, ...(problem?.errors ?? []).map((e) => e.message)].filter(Boolean).join("; ")
            }`
          })
        }
      }
      return redirect(res, `/connect/done?connection_id=${encodeURIComponent(connectionId)}&saved=1`)
    }
    throw new HttpFailure(404, "Not found", "There is no such page on Deskfinder.")
  }

  const connectionRows = async (userId: string, connectionId: string) => {
    const rows = await db.query<{ location_id: string; listing_id: string; title: string }>(
      `select m.location_id, m.listing_id, l.title from ${schema}.mappings m
         join ${schema}.connections c on c.id = m.connection_id
         join ${schema}.listings l on l.id = m.listing_id
        where c.id = $1 and c.user_id = $2 and m.detached_at is null and c.status = 'active'
        order by l.title`,
      [connectionId, userId]
    )
    if (rows.length === 0) throw new HttpFailure(404, "Not found", "You have no active connection with this id.")
    return rows
  }

  const donePage = async (
    res: Http.ServerResponse,
    session: Session,
    connectionId: string,
    status: number,
    extra: { readonly notice?: string | undefined; readonly error?: string | undefined }
  ) => {
    const rows = await connectionRows(session.user!.id, connectionId)
    const base = `/v1/connections/${encodeURIComponent(connectionId)}/locations/`
    const detailed = await Promise.all(rows.map(async (r) => {
      const [location, resources] = await Promise.all([
        hub.call<{ data: { name: string } }>(`${base}${encodeURIComponent(r.location_id)}`),
        hub.call<{ data: Array<any> }>(`${base}${encodeURIComponent(r.location_id)}/resources`)
      ])
      return {
        locationId: r.location_id,
        listingId: r.listing_id,
        title: r.title,
        name: location.status === 200 ? location.body.data.name : null,
        resources: resources.status === 200
          ? resources.body.data.map((x): ProfileResource => ({
            id: x.id,
            name: x.name,
            kind: x.kind,
            capacity: x.capacity ?? null,
            listingResourceId: x.listingResourceId ?? null
          }))
          : []
      }
    }))
    html(
      res,
      status,
      Pages.layout(
        "Connected",
        Pages.done({ csrf: session.csrf, connectionId, rows: detailed, ...extra }),
        user(session)
      )
    )
  }

  ready = true
  return { url: publicUrl, webhookUrl: `${publicUrl}/webhooks`, db, idle: webhooks.idle, close }
}

/** Creates the seed users and their listings that do not exist yet (by email and listing id). */
const seed = async (db: Db, users: ReadonlyArray<SeedUser>) => {
  for (const u of users) {
    const email = u.email.trim().toLowerCase()
    const [existing] = await db.query<{ id: string }>(`select id from ${schema}.users where email = $1`, [email])
    const id = existing?.id ?? `usr_${randomBytes(8).toString("hex")}`
    if (!existing) {
      await db.query(
        `insert into ${schema}.users (id, email, name, company, password_hash) values ($1, $2, $3, $4, $5)`,
        [id, email, u.name, u.company, await Passwords.hash(u.password)]
      )
    }
    for (const l of u.listings) {
      await db.query(
        `insert into ${schema}.listings (id, owner_id, title, city) values ($1, $2, $3, $4) on conflict (id) do nothing`,
        [l.id, id, l.title, l.city]
      )
    }
  }
}
