/**
 * Reads every event addressed to the platform since `after` (the `next` cursor you stored last time;
 * nothing for the beginning) from `GET /v1/events`, oldest first, the same objects webhooks carry.
 * Store the returned cursor only after the events are handled, so a crash re-reads rather than skips.
 */
export const catchUp = async (
  hubUrl: string,
  accessToken: string,
  after: string | null,
  handle: (event: { readonly type: string; readonly data: { readonly eventId: string } }) => Promise<void>
): Promise<string | null> => {
  let cursor = after
  for (;;) {
    const url = new URL("/v1/events", hubUrl)
    url.searchParams.set("limit", "500")
    if (cursor !== null) url.searchParams.set("after", cursor)
    const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })
    if (!res.ok) throw new Error(`/v1/events answered ${res.status}: ${await res.text()}`)
    const page = (await res.json()) as { data: Array<Parameters<typeof handle>[0]>; next: string | null }
    for (const event of page.data) await handle(event)
    if (page.next === null || page.data.length === 0) return cursor
    cursor = page.next
  }
}
