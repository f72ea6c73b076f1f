import { FetchHttpClient, Headers, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, FiberRef, Redacted, Schema, type Scope } from "effect"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as LoopbackServer from "../src/testing/LoopbackServer.js"
import * as UpstreamHttp from "../src/UpstreamHttp.js"

/** A server that answers with the scripted responses in order, then with the last one. */
const scripted = (...responses: Array<LoopbackServer.Response | "hang">) => {
  let i = 0
  return LoopbackServer.make(() => responses[Math.min(i++, responses.length - 1)]!)
}

const fast = { retry: { times: 3, base: "10 millis" } } as const

const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient | Scope.Scope>) =>
  effect.pipe(Effect.provide(FetchHttpClient.layer), Effect.scoped)

describe("UpstreamHttp", () => {
  it.live("resolves paths against the base URL and authenticates every request", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ body: { ok: true } })
      const client = yield* UpstreamHttp.make({
        baseUrl: `${server.url}/api/v2/`,
        auth: UpstreamHttp.bearer(Redacted.make("s3cret"))
      })
      yield* client.get("/locations", { urlParams: { page: 2 } })
      yield* client.get("resources")
      yield* client.execute(HttpClientRequest.get(""))
      expect(server.requests.map((r) => r.url)).toEqual(["/api/v2/locations?page=2", "/api/v2/resources", "/api/v2"])
      expect(server.requests[0]!.headers.authorization).toBe("Bearer s3cret")
      expect(server.requests[0]!.headers.accept).toBe("application/json")
    })))

  it.live("basic auth and secret headers", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ body: {} })
      const basic = yield* UpstreamHttp.make({ baseUrl: server.url, auth: UpstreamHttp.basic("ann", "pw") })
      yield* basic.get("/a")
      const keyed = yield* UpstreamHttp.make({
        baseUrl: server.url,
        auth: UpstreamHttp.headers({ "x-api-key": Redacted.make("k1") })
      })
      yield* keyed.get("/b")
      expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("ann:pw").toString("base64")}`)
      expect(server.requests[1]!.headers["x-api-key"]).toBe("k1")
    })))

  it.live("secret header values are redacted in traces while they are sent", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ body: {} })
      const seen: Array<Record<string, unknown>> = []
      // What the platform's tracer would record as span attributes for this request.
      const base = (yield* HttpClient.HttpClient).pipe(HttpClient.transform((send, request) =>
        Effect.flatMap(FiberRef.get(Headers.currentRedactedNames), (names) => {
          seen.push({ ...Headers.redact(request.headers, names) })
          return send
        })
      ))
      const client = UpstreamHttp.fromClient(base, {
        baseUrl: server.url,
        auth: UpstreamHttp.headers({ "X-Feed-Key": Redacted.make("k-123") })
      })
      yield* client.get("/a")
      expect(server.requests[0]!.headers["x-feed-key"]).toBe("k-123")
      expect(seen[0]!["x-feed-key"]).toBeDefined()
      expect(String(seen[0]!["x-feed-key"])).not.toContain("k-123")
    })))

  it.live("refuses to send credentials to another origin than the base URL", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ body: {} })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, auth: UpstreamHttp.bearer("t") })
      const error = yield* Effect.flip(client.get("http://127.0.0.2:9/steal"))
      expect(error.reason).toBe("Upstream")
      expect(server.requests).toHaveLength(0)
    })))

  it.live("retries 5xx with backoff and succeeds when the upstream recovers", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ status: 503 }, { status: 502 }, { body: { n: 1 } })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, ...fast })
      const response = yield* client.get("/x")
      expect(response.status).toBe(200)
      expect(yield* response.json).toEqual({ n: 1 })
      expect(server.requests).toHaveLength(3)
    })))

  it.live("gives up after the bounded number of retries with Upstream and the status", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ status: 500, body: "database on fire" })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, retry: { times: 2, base: "5 millis" } })
      const error = yield* Effect.flip(client.get("/x"))
      expect(error.reason).toBe("Upstream")
      expect(error.status).toBe(500)
      expect(error.message).toContain("database on fire")
      expect(server.requests).toHaveLength(3)
    })))

  it.live("401 and 403 are Unauthorized and not retried", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ status: 401 }, { status: 403 })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, ...fast })
      const first = yield* Effect.flip(client.get("/x"))
      const second = yield* Effect.flip(client.get("/x"))
      expect([first.reason, first.status, second.reason, second.status]).toEqual([
        "Unauthorized",
        401,
        "Unauthorized",
        403
      ])
      expect(server.requests).toHaveLength(2)
    })))

  it.live("other 4xx are Upstream with the status, not retried", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ status: 404 })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, ...fast })
      const error = yield* Effect.flip(client.get("/missing?token=abc"))
      expect([error.reason, error.status]).toEqual(["Upstream", 404])
      expect(error.message).not.toContain("token=abc")
      expect(server.requests).toHaveLength(1)
    })))

  it.live("waits out 429 for the Retry-After seconds, then succeeds", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ status: 429, headers: { "retry-after": "1" } }, { body: {} })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, ...fast })
      const started = Date.now()
      const response = yield* client.get("/x")
      expect(response.status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(950)
      expect(server.requests).toHaveLength(2)
    })))

  it.live("a declared throttling status (Nexudus's 409) is waited out like 429; undeclared it is an error", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted(
        { status: 409, headers: { "retry-after": "0.2" }, body: "You must wait before accessing this url again." },
        { body: {} }
      )
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, throttleStatuses: [409], ...fast })
      expect((yield* client.get("/x")).status).toBe(200)
      expect(server.requests).toHaveLength(2)

      const other = yield* scripted({ status: 409 }, { body: {} })
      const plain = yield* UpstreamHttp.make({ baseUrl: other.url, ...fast })
      const error = yield* Effect.flip(plain.get("/x"))
      expect([error.reason, error.status]).toEqual(["Upstream", 409])
    })))

  it.live("a Retry-After beyond the wait budget fails RateLimited at once, naming the wait", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ status: 429, headers: { "retry-after": "120" } })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, rateLimit: { maxTotal: "5 seconds" } })
      const started = Date.now()
      const error = yield* Effect.flip(client.get("/x"))
      expect(error.reason).toBe("RateLimited")
      expect(error.retryAfterMillis).toBe(120_000)
      expect(Date.now() - started).toBeLessThan(2_000)
      expect(server.requests).toHaveLength(1)
    })))

  it.live("keeps waiting while throttled until the total budget is spent, then fails RateLimited", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ status: 429, headers: { "retry-after": "0.1" } })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, rateLimit: { maxTotal: "350 millis" } })
      const error = yield* Effect.flip(client.get("/x"))
      expect(error.reason).toBe("RateLimited")
      // 3 waits of 100 ms fit in 350 ms: the first request and three more.
      expect(server.requests).toHaveLength(4)
    })))

  it.live("a request that gets no answer times out as Unavailable, after retries", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted("hang")
      const client = yield* UpstreamHttp.make({
        baseUrl: server.url,
        timeout: "150 millis",
        retry: { times: 1, base: "5 millis" }
      })
      const error = yield* Effect.flip(client.get("/x"))
      expect(error.reason).toBe("Unavailable")
      expect(error.message).toContain("No answer within")
      expect(server.requests).toHaveLength(2)
    })))

  it.live("an unreachable upstream is Unavailable", () =>
    run(Effect.gen(function*() {
      const client = yield* UpstreamHttp.make({ baseUrl: "http://127.0.0.1:1", retry: { times: 1, base: "5 millis" } })
      const error = yield* Effect.flip(client.get("/x"))
      expect(error.reason).toBe("Unavailable")
    })))

  it.live("a body larger than the cap fails Upstream", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ body: "x".repeat(5_000) })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url, maxBodyBytes: 1_000 })
      const error = yield* Effect.flip(client.get("/x"))
      expect(error.reason).toBe("Upstream")
      expect(error.message).toContain("larger than 1000 bytes")
    })))

  it.live("bodies arriving in many chunks are read whole, with or without a declared length", () =>
    run(Effect.gen(function*() {
      // 200,017 bytes in uneven chunks: more than the first buffer of a body of unknown length, so it grows.
      const body = Buffer.from(Array.from({ length: 200_017 }, (_, i) => 97 + (i * 7) % 26))
      const port = yield* Effect.acquireRelease(
        Effect.async<{ readonly server: Http.Server; readonly port: number }>((resume) => {
          const server = Http.createServer((req, res) => {
            const declared = req.url === "/declared"
            const empty = req.url === "/empty"
            res.writeHead(200, declared || empty ? { "content-length": String(empty ? 0 : body.length) } : {})
            if (empty) return void res.end()
            let at = 0
            const next = () => {
              if (at >= body.length) return void res.end()
              const size = 1 + (at * 13) % 40_000
              res.write(body.subarray(at, at + size))
              at += size
              setImmediate(next)
            }
            next()
          })
          server.listen(
            0,
            "127.0.0.1",
            () => resume(Effect.succeed({ server, port: (server.address() as Net.AddressInfo).port }))
          )
        }),
        ({ server }) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
      ).pipe(Effect.map(({ port }) => port))
      const client = yield* UpstreamHttp.make({ baseUrl: `http://127.0.0.1:${port}` })
      for (const path of ["/chunked", "/declared"]) {
        const read = yield* UpstreamHttp.bytes(yield* client.get(path))
        expect(read.length).toBe(body.length)
        expect(Buffer.compare(Buffer.from(read), body)).toBe(0)
      }
      expect((yield* UpstreamHttp.bytes(yield* client.get("/empty"))).length).toBe(0)
      // The cap holds for a body of unknown length too, however it is chunked.
      const capped = yield* UpstreamHttp.make({ baseUrl: `http://127.0.0.1:${port}`, maxBodyBytes: 150_000 })
      const error = yield* Effect.flip(capped.get("/chunked"))
      expect(error.message).toContain("larger than 150000 bytes")
    })))

  it.live("bytes hands over the body the client read, not a copy, and the response can still be read as text", () =>
    run(Effect.gen(function*() {
      const body = "\uFEFF{\"name\":\"Café\"}"
      const server = yield* scripted({ body, headers: { "content-type": "application/json" } })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url })
      const response = yield* client.get("/feed")
      const first = yield* UpstreamHttp.bytes(response)
      expect(Buffer.from(first).toString("utf8")).toBe(body)
      // The same bytes each time: a large feed is not copied again (a web Response read copies it twice).
      expect(yield* UpstreamHttp.bytes(response)).toBe(first)
      expect(yield* UpstreamHttp.json(response)).toEqual({ name: "Café" })
      expect(yield* response.text).toBe("{\"name\":\"Café\"}")
      // A response the client did not read is read as any other.
      const elsewhere = HttpClientResponse.fromWeb(response.request, new Response("abc"))
      expect(Buffer.from(yield* UpstreamHttp.bytes(elsewhere)).toString("utf8")).toBe("abc")
    })))

  it.live("304 is handed back, not an error", () =>
    run(Effect.gen(function*() {
      const server = yield* scripted({ status: 304, headers: { etag: "\"v1\"" } })
      const client = yield* UpstreamHttp.make({ baseUrl: server.url })
      const response = yield* client.get("/x", { headers: { "if-none-match": "\"v1\"" } })
      expect(response.status).toBe(304)
      expect(server.requests[0]!.headers["if-none-match"]).toBe("\"v1\"")
    })))

  it.live("schemaJson decodes, and names the path of a mismatch as InvalidData", () =>
    run(Effect.gen(function*() {
      const Page = Schema.Struct({ items: Schema.Array(Schema.Struct({ id: Schema.String, price: Schema.Number })) })
      const server = yield* scripted(
        { body: { items: [{ id: "a", price: 1 }] } },
        { body: { items: [{ id: "a", price: 1 }, { id: "b", price: "12" }] } },
        { body: "<html>oops</html>" }
      )
      const client = yield* UpstreamHttp.make({ baseUrl: server.url })
      const ok = yield* client.get("/p").pipe(Effect.flatMap(UpstreamHttp.schemaJson(Page)))
      expect(ok.items[0]!.id).toBe("a")
      const bad = yield* Effect.flip(client.get("/p").pipe(Effect.flatMap(UpstreamHttp.schemaJson(Page))))
      expect(bad.reason).toBe("InvalidData")
      expect(bad.path).toEqual(["items", 1, "price"])
      expect(bad.message).toContain("items.1.price")
      const notJson = yield* Effect.flip(client.get("/p").pipe(Effect.flatMap(UpstreamHttp.schemaJson(Page))))
      expect(notJson.reason).toBe("InvalidData")
      expect(notJson.path).toEqual([])
      expect(notJson.message).toContain("not JSON")
    })))

  it("parses Retry-After as RFC 9110 says: delay-seconds or an HTTP-date in any of its three forms", () => {
    const now = Date.parse("2026-11-22T10:00:00Z")
    const parse = (value: string | undefined) => UpstreamHttp.parseRetryAfter(value, now)
    expect(parse("120")).toBe(120_000)
    expect(parse("0")).toBe(0)
    expect(parse(" 2 ")).toBe(2_000)
    expect(parse("\t7")).toBe(7_000)
    // A decimal number of seconds is tolerated (sub-second waits).
    expect(parse("1.5")).toBe(1_500)
    // IMF-fixdate, RFC 850 (two-digit year) and asctime, all GMT; a date in the past is now.
    expect(parse("Sun, 22 Nov 2026 10:00:30 GMT")).toBe(30_000)
    expect(parse("Sunday, 22-Nov-26 10:01:00 GMT")).toBe(60_000)
    expect(parse("Sun Nov 22 10:02:00 2026")).toBe(120_000)
    expect(parse("Sun Nov  1 10:00:00 2026")).toBe(0)
    expect(parse("Sun, 22 Nov 2026 09:00:00 GMT")).toBe(0)
    // An RFC 850 year more than 50 years ahead is in the past century.
    expect(parse("Thursday, 01-Jan-99 00:00:00 GMT")).toBe(0)
    // Garbage, negative numbers, dates that do not exist or are not GMT: undefined.
    for (
      const value of [
        undefined,
        "",
        "soon",
        "-5",
        "-0.5",
        "1.",
        "1e3",
        "0x10",
        "Nov 22, 2026 10:00:30",
        "9".repeat(400),
        "Sun, 31 Nov 2026 10:00:00 GMT",
        "Sun, 22 Nov 2026 24:00:00 GMT",
        "Sun, 22 Nov 2026 10:00:00 CET",
        "Sun, 22 Nov 2026 10:00:00 +0000",
        "2026-11-22T10:00:30Z",
        "22 Nov 2026 10:00:30 GMT"
      ]
    ) expect([value, parse(value)]).toEqual([value, undefined])
  })
})
