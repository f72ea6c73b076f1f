/**
 * Fetches the data set an event's `apiUrl` names, sending the last `ETag` in `If-None-Match`: 304 means
 * what you hold is current, and costs no body. Keep the body and its ETag per `apiUrl`.
 */
export interface Cached {
  readonly etag: string
  readonly body: { readonly version: number; readonly data?: unknown }
}

export const fetchDataSet = async (
  apiUrl: string,
  accessToken: string,
  cache: Map<string, Cached>
): Promise<{ readonly status: 200 | 304; readonly body: Cached["body"] }> => {
  const held = cache.get(apiUrl)
  const res = await fetch(apiUrl, {
    headers: { authorization: `Bearer ${accessToken}`, ...(held ? { "if-none-match": held.etag } : {}) }
  })
  if (res.status === 304 && held) return { status: 304, body: held.body }
  if (res.status !== 200) throw new Error(`${apiUrl} answered ${res.status}: ${await res.text()}`)
  const body = (await res.json()) as Cached["body"]
  cache.set(apiUrl, { etag: res.headers.get("etag")!, body })
  return { status: 200, body }
}
