import { FetchHttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Schema, Stream } from "effect"
import * as Pagination from "../src/Pagination.js"
import * as LoopbackServer from "../src/testing/LoopbackServer.js"
import * as UpstreamHttp from "../src/UpstreamHttp.js"

const items = (n: number) => Array.from({ length: n }, (_, i) => `item-${i}`)

/** An in-memory page-numbered upstream that records which pages were asked for. */
const pagedUpstream = (all: ReadonlyArray<string>, size: number) => {
  const asked: Array<number> = []
  const fetch = (page: number) =>
    Effect.sync(() => {
      asked.push(page)
      return all.slice((page - 1) * size, page * size)
    })
  return { asked, fetch }
}

describe("Pagination", () => {
  describe("pageNumber", () => {
    it.effect("follows hasNext until the upstream says there is no next page", () =>
      Effect.gen(function*() {
        const upstream = pagedUpstream(items(7), 3)
        const all = yield* Stream.runCollect(Pagination.pageNumber({
          fetch: (page) => Effect.map(upstream.fetch(page), (items) => ({ items, hasNext: page * 3 < 7 }))
        }))
        expect(Chunk.toReadonlyArray(all)).toEqual(items(7))
        expect(upstream.asked).toEqual([1, 2, 3])
      }))

    it.effect("follows totalPages, counting from the first page number", () =>
      Effect.gen(function*() {
        const asked: Array<number> = []
        const all = yield* Stream.runCollect(Pagination.pageNumber({
          first: 0,
          fetch: (page) => Effect.sync(() => (asked.push(page), { items: [page], totalPages: 4 }))
        }))
        expect(Chunk.toReadonlyArray(all)).toEqual([0, 1, 2, 3])
        expect(asked).toEqual([0, 1, 2, 3])
      }))

    it.effect("without hints, stops at a short or empty page", () =>
      Effect.gen(function*() {
        const short = pagedUpstream(items(7), 3)
        const a = yield* Stream.runCollect(Pagination.pageNumber({
          pageSize: 3,
          fetch: (page) => Effect.map(short.fetch(page), (items) => ({ items }))
        })).pipe(Effect.map(Chunk.toReadonlyArray))
        expect(a).toEqual(items(7))
        expect(short.asked).toEqual([1, 2, 3])
        const exact = pagedUpstream(items(6), 3)
        const b = yield* Stream.runCollect(
          Pagination.pageNumber({ fetch: (page) => Effect.map(exact.fetch(page), (items) => ({ items })) })
        )
        expect(Chunk.size(b)).toBe(6)
        expect(exact.asked).toEqual([1, 2, 3])
      }))

    it.effect("requests pages only as the consumer pulls", () =>
      Effect.gen(function*() {
        const upstream = pagedUpstream(items(30), 5)
        const firstSeven = yield* Stream.runCollect(
          Pagination.pageNumber({
            pageSize: 5,
            fetch: (page) => Effect.map(upstream.fetch(page), (items) => ({ items }))
          }).pipe(Stream.take(7))
        )
        expect(Chunk.size(firstSeven)).toBe(7)
        expect(upstream.asked).toEqual([1, 2])
      }))

    it.effect("fails Upstream instead of listing forever", () =>
      Effect.gen(function*() {
        const error = yield* Stream.runDrain(Pagination.pageNumber({
          maxPages: 5,
          fetch: (page) => Effect.succeed({ items: [page], hasNext: true })
        })).pipe(Effect.flip)
        expect(error).toMatchObject({ _tag: "AdapterError", reason: "Upstream" })
      }))

    it.effect("a failing page fails the stream with that error", () =>
      Effect.gen(function*() {
        const error = yield* Stream.runDrain(Pagination.pageNumber({
          fetch: (page) => page === 2 ? Effect.fail("boom" as const) : Effect.succeed({ items: [1], hasNext: true })
        })).pipe(Effect.flip)
        expect(error).toBe("boom")
      }))
  })

  describe("cursor", () => {
    it.effect("starts without a cursor and follows next until it is absent", () =>
      Effect.gen(function*() {
        const asked: Array<Option.Option<string>> = []
        const pages: Record<string, { items: Array<number>; next?: string | null }> = {
          "": { items: [1, 2], next: "c2" },
          c2: { items: [3], next: "c3" },
          c3: { items: [4, 5], next: null }
        }
        const all = yield* Stream.runCollect(Pagination.cursor({
          fetch: (cursor) => Effect.sync(() => (asked.push(cursor), pages[Option.getOrElse(cursor, () => "")]!))
        }))
        expect(Chunk.toReadonlyArray(all)).toEqual([1, 2, 3, 4, 5])
        expect(asked).toEqual([Option.none(), Option.some("c2"), Option.some("c3")])
      }))

    it.effect("a cursor that comes back fails Upstream (the listing would never end)", () =>
      Effect.gen(function*() {
        const next: Record<string, string> = { "": "a", a: "b", b: "a" }
        const error = yield* Stream.runDrain(Pagination.cursor({
          fetch: (cursor) => Effect.succeed({ items: [1], next: next[Option.getOrElse(cursor, () => "")] })
        })).pipe(Effect.flip)
        expect(error).toMatchObject({ reason: "Upstream" })
        expect(error.message).toContain("came back")
      }))
  })

  describe("Link header", () => {
    it("finds rel=next in RFC 8288 headers with several links, relation lists, quoted commas and parameters", () => {
      const page = "https://api.example/items?page=2"
      // Quoted commas and semicolons do not split a link; a relation list names each of its types.
      expect(Pagination.nextLink(
        "<https://api.example/items?page=9>; rel=\"last\"; title=\"a, b; c\", </items?page=3>;rel=\"first next\"",
        page
      )).toEqual(Option.some("https://api.example/items?page=3"))
      expect(Pagination.nextLink(
        "<https://api.example/items?page=3&per=50>; rel=\"next\", <https://api.example/items?page=9>; rel=\"last\"",
        page
      )).toEqual(Option.some("https://api.example/items?page=3&per=50"))
      expect(Pagination.nextLink("</items?page=1>; rel=\"prev first\"; title=\"next, please\"", page)).toEqual(
        Option.none()
      )
      // Relative links are resolved against the page's URL; relation types are case-insensitive.
      expect(Pagination.nextLink("</items?page=3>; rel=next", page)).toEqual(
        Option.some("https://api.example/items?page=3")
      )
      expect(Pagination.nextLink("<?page=3>; rel=Next", page)).toEqual(Option.some("https://api.example/items?page=3"))
      expect(Pagination.nextLink("<https://x/y>; rel=\"last\"", "https://x/")).toEqual(Option.none())
      expect(Pagination.nextLink(undefined, "https://x/")).toEqual(Option.none())
      expect(Pagination.nextLink("not a link header", "https://x/")).toEqual(Option.none())
    })

    it.live("follows rel=next links, relative and absolute, through the upstream client", () =>
      Effect.gen(function*() {
        let base = ""
        const server = yield* LoopbackServer.make((request) => {
          const page = Number(request.query.get("page") ?? "1")
          const link = page === 1
            ? `</api/items?page=2>; rel="next"`
            : page === 2
            ? `<${base}/api/items?page=3>; rel="next", <${base}/api/items?page=1>; rel="first"`
            : `<${base}/api/items?page=1>; rel="first"`
          return { headers: { link }, body: { data: [page * 10, page * 10 + 1] } }
        })
        base = server.url
        const client = yield* UpstreamHttp.make({ baseUrl: server.url, auth: UpstreamHttp.bearer("t") })
        const all = yield* Stream.runCollect(Pagination.linkHeader({
          client,
          request: HttpClientRequest.get("/api/items"),
          decode: (response) =>
            Effect.map(
              UpstreamHttp.schemaJson(Schema.Struct({ data: Schema.Array(Schema.Number) }))(response),
              (body) => body.data
            )
        }))
        expect(Chunk.toReadonlyArray(all)).toEqual([10, 11, 20, 21, 30, 31])
        expect(server.requests.map((r) => r.url)).toEqual(["/api/items", "/api/items?page=2", "/api/items?page=3"])
        expect(server.requests.every((r) => r.headers.authorization === "Bearer t")).toBe(true)
      }).pipe(Effect.provide(FetchHttpClient.layer), Effect.scoped))

    it.live("a next link that points back to a visited page fails Upstream", () =>
      Effect.gen(function*() {
        const server = yield* LoopbackServer.make(() => ({
          headers: { link: "</loop>; rel=\"next\"" },
          body: []
        }))
        const client = yield* UpstreamHttp.make({ baseUrl: server.url })
        const error = yield* Stream.runDrain(Pagination.linkHeader({
          client,
          request: HttpClientRequest.get("/loop"),
          decode: () => Effect.succeed([])
        })).pipe(Effect.flip)
        expect(error.reason).toBe("Upstream")
        expect(server.requests).toHaveLength(1)
      }).pipe(Effect.provide(FetchHttpClient.layer), Effect.scoped))

    it.live("an unreadable Link header fails Upstream rather than ending the listing early", () =>
      Effect.gen(function*() {
        const server = yield* LoopbackServer.make(() => ({
          headers: { link: "/items?page=2; rel=next" },
          body: []
        }))
        const client = yield* UpstreamHttp.make({ baseUrl: server.url })
        const error = yield* Stream.runDrain(Pagination.linkHeader({
          client,
          request: HttpClientRequest.get("/items"),
          decode: () => Effect.succeed([])
        })).pipe(Effect.flip)
        expect(error).toMatchObject({ reason: "Upstream", message: expect.stringContaining("Link header") })
      }).pipe(Effect.provide(FetchHttpClient.layer), Effect.scoped))
  })
})
