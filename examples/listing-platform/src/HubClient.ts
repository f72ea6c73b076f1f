/**
 * The platform's side of the hub API: an OAuth access token (client credentials, renewed before it
 * expires or after a 401), JSON calls, and the platform's webhook endpoint, registered once and reused.
 */
import type { Db } from "./Db.js"
import { schema } from "./Db.js"

export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly path: string
  ) {
    super(`${path} answered ${status}: ${detail}`)
  }
}

export interface HubResponse<A> {
  readonly status: number
  readonly body: A
  readonly etag: string | null
}

export const makeHubClient = (options: {
  readonly hubUrl: string
  readonly clientId: string
  readonly clientSecret: string
}) => {
  const hubUrl = options.hubUrl.replace(/\/+$/, "")
  let token: { readonly value: string; readonly expiresAt: number } | undefined

  const fetchToken = async () => {
    const res = await fetch(`${hubUrl}/oauth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded"
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        scope: "locations:read webhooks:manage connections:manage"
      })
    })
    const text = await res.text()
    if (!res.ok) {
      throw new HubError(res.status, `token request refused (check the client id and secret): ${text}`, "/oauth/token")
    }
    const body = JSON.parse(text) as { access_token: string; expires_in: number }
    // Renewed a minute early so that no call carries a token that expires on its way.
    token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in - 60) * 1000 }
    return token.value
  }

  const accessToken = () => (token && token.expiresAt > Date.now() ? Promise.resolve(token.value) : fetchToken())

  /** A call to the hub (a path, or an absolute `apiUrl` on the hub); 401 renews the token once. */
  const call = async <A = any>(
    pathOrUrl: string,
    init: { method?: string; body?: unknown; ifNoneMatch?: string | undefined } = {}
  ): Promise<HubResponse<A>> => {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${hubUrl}${pathOrUrl}`
    if (!url.startsWith(`${hubUrl}/`)) throw new HubError(0, `refusing to send the token outside the hub: ${url}`, url)
    for (let attempt = 0;; attempt++) {
      const res = await fetch(url, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: {
          authorization: `Bearer ${await accessToken()}`,
          accept: "application/json",
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...(init.ifNoneMatch ? { "if-none-match": init.ifNoneMatch } : {})
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
      })
      if (res.status === 401 && attempt === 0) {
        token = undefined
        continue
      }
      const text = await res.text()
      let body: any = undefined
      try {
        body = text === "" ? undefined : JSON.parse(text)
      } catch {
        body = text
      }
      return { status: res.status, body, etag: res.headers.get("etag") }
    }
  }

  /** Like `call`, but anything other than 2xx is a `HubError` carrying the problem's detail. */
  const ok = async <A = any>(pathOrUrl: string, init: Parameters<typeof call>[1] = {}): Promise<A> => {
    const res = await call<A>(pathOrUrl, init)
    if (res.status < 200 || res.status > 299) {
      const problem = res.body as {
        detail?: string
        title?: string
        errors?: Array<{ path?: string; message: string }>
      }
      const detail = [
        problem?.detail ?? problem?.title ?? String(res.body ?? ""),
        ...(problem?.errors ?? []).map((e) => e.message)
      ]
        .filter((s) => s.length > 0)
        .join("; ")
      throw new HubError(res.status, detail, pathOrUrl)
    }
    return res.body
  }

  return { hubUrl, call, ok, accessToken }
}

export type HubClient = ReturnType<typeof makeHubClient>

interface StoredEndpoint {
  readonly id: string
  readonly url: string
  readonly secrets: ReadonlyArray<string>
}

/**
 * Makes sure the hub delivers to `url`: the endpoint this platform registered before (its secret is in
 * the database) is reused and re-enabled if the hub disabled it; an endpoint for `url` whose secret was
 * lost gets a new secret; otherwise one is created. Answers the secrets to verify deliveries with.
 */
export const ensureWebhookEndpoint = async (hub: HubClient, db: Db, url: string): Promise<StoredEndpoint> => {
  const [row] = await db.query<{ value: StoredEndpoint }>(
    `select value from ${schema}.hub_state where key = 'endpoint'`
  )
  const save = async (endpoint: StoredEndpoint) => {
    await db.query(
      `insert into ${schema}.hub_state (key, value) values ('endpoint', $1::jsonb)
       on conflict (key) do update set value = excluded.value`,
      [JSON.stringify(endpoint)]
    )
    return endpoint
  }
  const list = await hub.ok<{ data: Array<{ id: string; url: string; status?: unknown; enabled?: boolean }> }>(
    "/v1/webhook-endpoints"
  )
  const known = row ? list.data.find((e) => e.id === row.value.id) : undefined
  if (row && known && known.url === url) {
    await hub.ok(`/v1/webhook-endpoints/${known.id}`, { method: "PATCH", body: { enabled: true } })
    return row.value
  }
  const sameUrl = list.data.find((e) => e.url === url)
  if (sameUrl) {
    const rotated = await hub.ok<{ secret: string }>(`/v1/webhook-endpoints/${sameUrl.id}/rotate-secret`, {
      method: "POST"
    })
    await hub.ok(`/v1/webhook-endpoints/${sameUrl.id}`, { method: "PATCH", body: { enabled: true } })
    return save({ id: sameUrl.id, url, secrets: [rotated.secret] })
  }
  const created = await hub.ok<{ id: string; secret: string }>("/v1/webhook-endpoints", {
    body: { url, description: "listing platform: profile updates" }
  })
  return save({ id: created.id, url, secrets: [created.secret] })
}
