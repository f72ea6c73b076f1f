import { FetchHttpClient, HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import * as Adapter from "@spacesync/adapter-kit/Adapter"
import * as AdapterError from "@spacesync/adapter-kit/AdapterError"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import { Effect, Fiber, Layer, Schema, Stream } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Accounts from "../src/Accounts.js"
import * as SyncEngine from "../src/SyncEngine.js"
import * as TestEngine from "../src/testing/TestEngine.js"

const sleep = (ms: number) => Effect.promise(() => new Promise((r) => setTimeout(r, ms)))

describe("per-account upstream rate limit", () => {
  it.scopedLive(
    "every request the adapter makes (listing and snapshots) waits for the account's limiter",
    () =>
      Effect.gen(function*() {
        let requests = 0
        const server = Http.createServer((req, res) => {
          requests++
          const url = new URL(req.url!, "http://x")
          res.writeHead(200, { "content-type": "application/json" })
          res.end(
            url.pathname === "/locations"
              ? JSON.stringify(["A", "B", "C", "D"])
              : JSON.stringify(Fixtures.locationSource(url.pathname.slice(1)))
          )
        })
        yield* Effect.acquireRelease(
          Effect.async<void>((resume) => {
            server.listen(0, "127.0.0.1", () => resume(Effect.void))
          }),
          () => Effect.sync(() => server.close())
        )
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        const get = (path: string) =>
          Effect.flatMap(HttpClient.HttpClient, (client) => client.get(`${base}${path}`)).pipe(
            Effect.flatMap((res) => res.json),
            Effect.scoped,
            Effect.mapError((e) => AdapterError.unavailable(String(e)))
          )
        // Three requests per hour: the listing and two snapshots go out, the rest wait.
        const adapter = Adapter.make({
          id: "limited",
          name: "Limited",
          credentials: Schema.Struct({}),
          rateLimit: { limit: 3, interval: "1 hour" },
          check: () => Effect.void,
          snapshots: {
            read: Adapter.listThenFetch({
              list: () =>
                Stream.unwrap(
                  Effect.map(
                    get("/locations"),
                    (ids) => Stream.fromIterable((ids as Array<string>).map((externalId) => ({ externalId })))
                  )
                ),
              fetch: (_, ref) =>
                get(`/${ref.externalId}`) as Effect.Effect<
                  Adapter.SnapshotSource,
                  AdapterError.AdapterError,
                  HttpClient.HttpClient
                >
            })
          }
        })
        const hub = yield* Layer.build(TestEngine.layer([adapter]).pipe(Layer.provide(FetchHttpClient.layer)))
        const account = yield* Effect.flatMap(
          Accounts.Accounts,
          (a) => a.create({ name: "L", adapter: "limited", credentials: {} })
        ).pipe(
          Effect.provide(hub)
        )
        const run = yield* Effect.flatMap(SyncEngine.SyncEngine, (engine) => engine.sync(account.accountId)).pipe(
          Effect.provide(hub),
          Effect.fork
        )
        const deadline = Date.now() + 10_000
        while (requests < 3 && Date.now() < deadline) yield* sleep(20)
        yield* sleep(500)
        expect(requests).toBe(3)
        expect(run.unsafePoll()).toBeNull()
        yield* Fiber.interrupt(run)
      }),
    30_000
  )
})
