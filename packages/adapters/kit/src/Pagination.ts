/**
 * Paginated upstream listings as Streams: page numbers (Nexudus, Cobot), cursors (OfficeRnD) and RFC 8288
 * `Link: <…>; rel="next"` headers. Each stream requests one page at a time, as the consumer pulls, and
 * ends only when the upstream says there is nothing more.
 *
 * A listing must be complete (core deletes what an adapter does not list), so pagination that does not
 * end (a cursor or a next link seen before, more pages than `maxPages`) fails `Upstream` rather than
 * stopping early with a partial listing.
 *
 * @since 0.1.0
 */
import { HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { Chunk, Effect, Option, Stream } from "effect"
import * as AdapterError from "./AdapterError.js"
import type * as UpstreamHttp from "./UpstreamHttp.js"

/** Default bound on the number of pages of one listing. @since 0.1.0 */
export const defaultMaxPages = 10_000

const endless = (message: string) => AdapterError.upstream(0, `Pagination does not end: ${message}`)

/**
 * One page of a page-numbered listing. The stream continues while `hasNext` is true; without `hasNext`,
 * while `page < totalPages`; without either, while the page is not empty (and, when `pageSize` is given,
 * full).
 *
 * @since 0.1.0
 * @category models
 */
export interface NumberedPage<A> {
  readonly items: ReadonlyArray<A>
  readonly hasNext?: boolean | undefined
  readonly totalPages?: number | undefined
}

/**
 * A page-numbered listing: `fetch(first)`, `fetch(first + 1)`, … until the upstream says it is done.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pageNumber = <A, E, R>(options: {
  readonly fetch: (page: number) => Effect.Effect<NumberedPage<A>, E, R>
  /** The number of the first page. Default 1. */
  readonly first?: number | undefined
  /** The requested page size: a shorter page is the last one. */
  readonly pageSize?: number | undefined
  readonly maxPages?: number | undefined
}): Stream.Stream<A, E | AdapterError.AdapterError, R> => {
  const first = options.first ?? 1
  const maxPages = options.maxPages ?? defaultMaxPages
  return Stream.paginateChunkEffect<number, A, E | AdapterError.AdapterError, R>(
    first,
    (page) =>
      page - first >= maxPages
        ? Effect.fail(endless(`more than ${maxPages} pages`))
        : Effect.map(options.fetch(page), (result) => {
          const more = result.hasNext !== undefined
            ? result.hasNext
            : result.totalPages !== undefined
            ? page - first + 1 < result.totalPages
            : result.items.length > 0 && (options.pageSize === undefined || result.items.length >= options.pageSize)
          return [Chunk.fromIterable(result.items), more ? Option.some(page + 1) : Option.none()] as const
        })
  )
}

/**
 * One page of a cursor listing: its items and the cursor of the next page (absent, `null` or `""` on the
 * last page).
 *
 * @since 0.1.0
 * @category models
 */
export interface CursorPage<A> {
  readonly items: ReadonlyArray<A>
  readonly next?: string | null | undefined
}

/**
 * A cursor listing: `fetch(None)`, then `fetch(Some(next))` while the upstream names a next cursor. A
 * cursor that comes back a second time fails `Upstream` (the listing would never end).
 *
 * @since 0.1.0
 * @category constructors
 */
export const cursor = <A, E, R>(options: {
  readonly fetch: (cursor: Option.Option<string>) => Effect.Effect<CursorPage<A>, E, R>
  readonly maxPages?: number | undefined
}): Stream.Stream<A, E | AdapterError.AdapterError, R> => {
  const maxPages = options.maxPages ?? defaultMaxPages
  return Stream.suspend(() => {
    const seen = new Set<string>()
    return Stream.paginateChunkEffect<Option.Option<string>, A, E | AdapterError.AdapterError, R>(
      Option.none(),
      (current) =>
        seen.size >= maxPages
          ? Effect.fail(endless(`more than ${maxPages} pages`))
          : Effect.flatMap(options.fetch(current), (page) => {
            const next = page.next === undefined || page.next === null || page.next === "" ? undefined : page.next
            if (Option.isSome(current)) seen.add(current.value)
            if (next !== undefined && (seen.has(next) || Option.contains(current, next))) {
              return Effect.fail(endless(`cursor ${JSON.stringify(next)} came back`))
            }
            return Effect.succeed(
              [
                Chunk.fromIterable(page.items),
                next === undefined ? Option.none() : Option.some(Option.some(next))
              ] as const
            )
          })
    )
  })
}

/**
 * One link of an RFC 8288 `Link` header.
 *
 * @since 0.1.0
 * @category models
 */
export interface Link {
  readonly url: string
  readonly rel: ReadonlyArray<string>
  readonly params: Readonly<Record<string, string>>
}

/**
 * Parses an RFC 8288 `Link` header (`<https://a/b?page=2>; rel="next", <…>; rel="last"`). Commas inside
 * `<…>` and inside quoted values are handled; `rel` may hold several space-separated types.
 *
 * @since 0.1.0
 */
export const parseLinkHeader = (header: string): ReadonlyArray<Link> => {
  const links: Array<Link> = []
  let i = 0
  const n = header.length
  while (i < n) {
    const open = header.indexOf("<", i)
    if (open === -1) break
    const close = header.indexOf(">", open + 1)
    if (close === -1) break
    const url = header.slice(open + 1, close).trim()
    i = close + 1
    const params: Record<string, string> = {}
    // Parameters up to the next top-level comma.
    while (i < n) {
      while (i < n && /[\s;]/.test(header[i]!)) i++
      if (i >= n || header[i] === ",") {
        i++
        break
      }
      const nameStart = i
      while (i < n && /[^\s=;,]/.test(header[i]!)) i++
      const name = header.slice(nameStart, i).toLowerCase()
      while (i < n && header[i] === " ") i++
      let value = ""
      if (header[i] === "=") {
        i++
        while (i < n && header[i] === " ") i++
        if (header[i] === "\"") {
          i++
          while (i < n && header[i] !== "\"") {
            if (header[i] === "\\" && i + 1 < n) i++
            value += header[i]
            i++
          }
          i++
        } else {
          const valueStart = i
          while (i < n && /[^;,]/.test(header[i]!)) i++
          value = header.slice(valueStart, i).trim()
        }
      }
      if (name !== "" && !(name in params)) params[name] = value
    }
    links.push({ url, rel: (params.rel ?? "").toLowerCase().split(/\s+/).filter((r) => r !== ""), params })
  }
  return links
}

/**
 * The `rel="next"` target of a response's `Link` header, resolved against `base` (the URL of the page).
 *
 * @since 0.1.0
 */
export const nextLink = (header: string | undefined, base: string): Option.Option<string> => {
  if (header === undefined) return Option.none()
  const link = parseLinkHeader(header).find((l) => l.rel.includes("next"))
  if (link === undefined) return Option.none()
  try {
    return Option.some(new URL(link.url, base).href)
  } catch {
    return Option.none()
  }
}

/**
 * A listing that follows `Link: <…>; rel="next"`: sends `request`, decodes each page with `decode`, and
 * requests the next link (relative links are resolved against the page's URL) until there is none.
 *
 * @since 0.1.0
 * @category constructors
 */
export const linkHeader = <A, E, R>(options: {
  readonly client: UpstreamHttp.Client
  readonly request: HttpClientRequest.HttpClientRequest
  readonly decode: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<ReadonlyArray<A>, E, R>
  readonly maxPages?: number | undefined
}): Stream.Stream<A, E | AdapterError.AdapterError, R> => {
  const maxPages = options.maxPages ?? defaultMaxPages
  return Stream.suspend(() => {
    const seen = new Set<string>()
    return Stream.paginateChunkEffect<HttpClientRequest.HttpClientRequest, A, E | AdapterError.AdapterError, R>(
      options.request,
      (request) =>
        seen.size >= maxPages
          ? Effect.fail(endless(`more than ${maxPages} pages`))
          : Effect.gen(function*() {
            const response = yield* options.client.execute(request)
            const items = yield* options.decode(response)
            // The URL actually requested (after the client resolved it against its base URL).
            const url = response.request.url
            seen.add(url)
            const next = nextLink(response.headers["link"], url)
            if (Option.isSome(next) && seen.has(next.value)) {
              return yield* Effect.fail(endless(`next link ${next.value} was already visited`))
            }
            return [
              Chunk.fromIterable(items),
              Option.map(next, (url) => HttpClientRequest.setUrlParams(HttpClientRequest.setUrl(request, url), []))
            ] as const
          })
    )
  })
}
