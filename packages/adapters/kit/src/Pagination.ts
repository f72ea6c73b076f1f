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
import { Chunk, Effect, Either, Option, Stream } from "effect"
import LinkHeader from "http-link-header"
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
 * The `rel="next"` target of a `Link` header, resolved against `base`: `Right(None)` when there is none,
 * `Left(reason)` when the header or the link cannot be read.
 */
const findNext = (header: string | undefined, base: string): Either.Either<Option.Option<string>, string> => {
  if (header === undefined) return Either.right(Option.none())
  let next: LinkHeader.Reference | undefined
  try {
    // RFC 8288: quoted values may hold commas and semicolons; `rel="next last"` is one link of two types.
    next = LinkHeader.parse(header).rel("next")[0]
  } catch (error) {
    return Either.left(`unreadable Link header (${error instanceof Error ? error.message : String(error)})`)
  }
  if (next === undefined) return Either.right(Option.none())
  try {
    return Either.right(Option.some(new URL(next.uri, base).href))
  } catch {
    return Either.left(`the next link ${JSON.stringify(next.uri)} is not a URL`)
  }
}

/**
 * The `rel="next"` target of a response's RFC 8288 `Link` header (parsed with `http-link-header`),
 * resolved against `base` (the URL of the page). `None` when there is no next link, or when the header or
 * its next link cannot be read (`linkHeader` fails on those instead).
 *
 * @since 0.1.0
 */
export const nextLink = (header: string | undefined, base: string): Option.Option<string> =>
  Either.getOrElse(findNext(header, base), () => Option.none())

/**
 * A listing that follows `Link: <…>; rel="next"`: sends `request`, decodes each page with `decode`, and
 * requests the next link (relative links are resolved against the page's URL) until there is none. A
 * `Link` header that cannot be read fails `Upstream` (the listing would otherwise end early).
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
            const found = findNext(response.headers["link"], url)
            // Stopping here would look like the end of the listing: fail instead.
            if (Either.isLeft(found)) return yield* Effect.fail(AdapterError.upstream(response.status, found.left))
            const next = found.right
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
