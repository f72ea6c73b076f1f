import { FetchHttpClient, HttpClient } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Adapter, Digest, Ids } from "@spacesync/adapter-kit"
import { AdapterConformance, Fixtures } from "@spacesync/adapter-kit/testing"
import { Accounts, EventLog, SnapshotStore, SyncEngine } from "@spacesync/core"
import { TestDatabase, TestEngine } from "@spacesync/core/testing"
import { ConfigProvider, Effect, Exit, Layer, Option, Redacted, Schema, Scope } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { FeedAdapter, FeedDocument } from "../src/index.js"
import { FeedSimulator } from "../src/testing/index.js"

AdapterConformance.suite({ adapter: FeedAdapter.make, simulator: FeedSimulator.make() })

// Everything here runs on the embedded database: the feed package's tests need no PostgreSQL server
// (vitest.config.ts points the test server at an address where none listens).
const engine = Layer.fresh(
  TestEngine.layer([FeedAdapter.make], { database: TestDatabase.layerEmbedded() }).pipe(
    Layer.provideMerge(FetchHttpClient.layer)
  )
)

const feedAdapter = Effect.runSync(FeedAdapter.make)

const createAccount = (credentials: unknown) =>
  Effect.flatMap(Accounts.Accounts, (accounts) => accounts.create({ name: "feed test", adapter: "feed", credentials }))
    .pipe(Effect.orDie, Effect.map((account) => account.accountId))

const sync = (accountId: Ids.AccountId) => Effect.flatMap(SyncEngine.SyncEngine, (engine) => engine.sync(accountId))

/** Everything stored about an account: versions and deletion flags by externalId, and its events. */
const storedState = (accountId: Ids.AccountId) =>
  Effect.gen(function*() {
    const store = yield* SnapshotStore.SnapshotStore
    const log = yield* EventLog.EventLog
    const summaries = yield* store.summaries(accountId)
    const events: Array<string> = []
    for (const summary of summaries) {
      events.push(...(yield* log.forLocation(summary.locationId)).map((e) => e.eventId))
    }
    return {
      locations: Object.fromEntries(summaries.map((s) => [s.externalId, [s.version, s.deleted, s.hash]])),
      events: events.sort()
    }
  })

const check = (credentials: unknown) =>
  Effect.gen(function*() {
    const decoded = yield* Schema.decodeUnknown(FeedAdapter.Credentials)(credentials).pipe(Effect.orDie)
    return yield* feedAdapter.check(decoded)
  })

const withFeedRoot = (root: string | undefined) =>
  Effect.withConfigProvider(
    ConfigProvider.fromMap(new Map(root === undefined ? [] : [["SPACESYNC_FEED_ROOT", root]]))
  )

describe("feed credentials", () => {
  it("accept http(s) and file URLs and keep header values redacted", () => {
    const decode = Schema.decodeUnknownSync(FeedAdapter.Credentials)
    const credentials = decode({ url: "https://example.com/feed.json", headers: { authorization: "Bearer s3cret" } })
    expect(Redacted.value(credentials.headers!.authorization!)).toBe("Bearer s3cret")
    expect(JSON.stringify(credentials)).not.toContain("s3cret")
    expect(String(credentials.headers!.authorization)).not.toContain("s3cret")
    expect(decode({ url: "file:///srv/feeds/a.json" }).url).toBe("file:///srv/feeds/a.json")
    expect(() => decode({ url: "ftp://example.com/feed.json" })).toThrow(/http\(s\) or file/)
    expect(() => decode({ url: "feed.json" })).toThrow()
    expect(() => decode({ url: "https://example.com/f", headers: { "if-none-match": "x" } })).toThrow()
  })
})

describe("FeedDocument.entries", () => {
  it.effect("a malformed entry is an InvalidData element naming its externalId and the path in the document", () =>
    Effect.gen(function*() {
      const locations: Array<any> = [1, 2, 3, 4].map((i) => Fixtures.locationSource(`loc-${i}`))
      locations[3].prices[0].amount.amount = 12.5
      locations[1].prices[1].appliesTo = { resourceIds: ["no-such-resource"] }
      const entries = yield* FeedDocument.entries({ locations })
      expect(entries).toHaveLength(4)
      const [first, second, , fourth] = entries
      expect(first).toMatchObject({ _tag: "Snapshot", source: { location: { externalId: "loc-1" } } })
      expect(fourth).toMatchObject({
        _tag: "Failed",
        externalId: "loc-4",
        error: { reason: "InvalidData", externalId: "loc-4", path: ["locations", 3, "prices", 0, "amount", "amount"] }
      })
      expect(second).toMatchObject({
        _tag: "Failed",
        error: {
          reason: "InvalidData",
          externalId: "loc-2",
          path: ["locations", 1, "prices", 1, "appliesTo", "resourceIds", 0]
        }
      })
    }))

  it.effect("entriesWith gives canonical entries with their digests, and does not check them again", () =>
    Effect.gen(function*() {
      const locations: Array<any> = [1, 2, 3].map((i) => Fixtures.locationSource(`loc-${i}`))
      locations[1].prices[0].amount.amount = "12.5" // valid, but not canonical: normalized, no digest
      locations[2].prices[0].amount.amount = 12.5 // invalid
      const added: Array<string> = []
      const checked = FeedDocument.makeCheckedEntries()
      const recording: FeedDocument.CheckedEntries = {
        has: checked.has,
        add: (digest) => {
          added.push(digest)
          checked.add(digest)
        }
      }
      const first = yield* FeedDocument.entriesWith(recording)({ locations })
      const digest = Digest.sha256Hex(JSON.stringify(locations[0]))
      expect(first.map((e) => e._tag === "Snapshot" ? e.digest ?? "none" : "failed")).toEqual([
        digest,
        "none",
        "failed"
      ])
      expect(first[1]!._tag === "Snapshot" && first[1]!.source.prices[0]!.amount.amount).toBe("12.50")
      expect(added).toEqual([digest])
      // Same results on the next read; the entry whose digest passed before is taken as is.
      expect(yield* FeedDocument.entriesWith(recording)({ locations })).toEqual(first)
      expect(added).toEqual([digest])
      // (Shown with a set that claims every digest: nothing is checked, not even the invalid entry.)
      const all = yield* FeedDocument.entriesWith({ has: () => true, add: () => {} })({ locations })
      expect(all.map((e) => e._tag)).toEqual(["Snapshot", "Snapshot", "Snapshot"])
      // Without a set (`entries`): no digests, every entry checked.
      const plain = yield* FeedDocument.entries({ locations })
      expect(plain.map((e) => e._tag === "Snapshot" ? e.digest ?? "none" : "failed")).toEqual([
        "none",
        "none",
        "failed"
      ])
    }))

  it.effect("an externalId used twice marks that location bad, once", () =>
    Effect.gen(function*() {
      const entries = yield* FeedDocument.entries({
        locations: [Fixtures.locationSource("a"), Fixtures.locationSource("b"), Fixtures.locationSource("a")]
      })
      expect(
        entries.map((e) => e._tag === "Failed" ? ["error", e.externalId, e.error.path] : Adapter.externalIdOf(e))
      ).toEqual([
        ["error", "a", ["locations", 2, "location", "externalId"]],
        "b"
      ])
    }))

  it.effect("a document without a locations array, or an entry without an externalId, fails as a whole", () =>
    Effect.gen(function*() {
      const notArray = yield* Effect.flip(FeedDocument.entries({ locations: { a: 1 } }))
      expect([notArray.reason, notArray.path]).toEqual(["InvalidData", ["locations"]])
      const missing = yield* Effect.flip(FeedDocument.entries({}))
      expect([missing.reason, missing.path]).toEqual(["InvalidData", ["locations"]])
      const anonymous = yield* Effect.flip(
        FeedDocument.entries({ locations: [Fixtures.locationSource("a"), { location: { name: "x" } }] })
      )
      expect([anonymous.reason, anonymous.path]).toEqual(["InvalidData", ["locations", 1, "location", "externalId"]])
    }))
})

layer(engine, { excludeTestServices: true, timeout: "60 seconds" })("feed adapter", (it) => {
  it.scoped("re-reads with If-None-Match and reuses the previous document on 304", () =>
    Effect.gen(function*() {
      const simulator = yield* FeedSimulator.make()
      const accountId = yield* createAccount(simulator.goodCredentials)
      const first = yield* sync(accountId)
      const second = yield* sync(accountId)
      expect(first.counts.created).toBe(5)
      expect(second.counts).toMatchObject({ listed: 5, unchanged: 5 })
      expect(second.events).toEqual([])
      const [a, b] = simulator.server.requests
      expect(a!.headers["if-none-match"]).toBeUndefined()
      expect(b!.headers["if-none-match"]).toMatch(/^"[\w-]+"$/)
      // A change gets a new ETag: the full document is downloaded again.
      yield* simulator.changeOnePrice
      const third = yield* sync(accountId)
      expect(third.counts.updated).toBe(1)
    }))

  it.scoped("each build of the adapter has its own document cache", () =>
    Effect.gen(function*() {
      const simulator = yield* FeedSimulator.make()
      const credentials = yield* Schema.decodeUnknown(FeedAdapter.Credentials)(simulator.goodCredentials)
      const run = (adapter: typeof feedAdapter) => adapter.check(credentials)
      const first = yield* FeedAdapter.make
      yield* run(first)
      yield* run(first)
      yield* run(yield* FeedAdapter.make)
      expect(simulator.server.requests.map((r) => r.headers["if-none-match"] !== undefined)).toEqual([
        false,
        true,
        false
      ])
    }))

  it.scoped("malformed feed JSON fails InvalidData naming the path, and nothing stored changes", () =>
    Effect.gen(function*() {
      const simulator = yield* FeedSimulator.make()
      const accountId = yield* createAccount(simulator.goodCredentials)
      yield* sync(accountId)
      const before = yield* storedState(accountId)

      for (
        const [body, path] of [
          ["{\"locations\": [", []],
          [{ locations: "none" }, ["locations"]],
          [{ data: [] }, ["locations"]]
        ] as const
      ) {
        yield* simulator.serve(body)
        const error = yield* Effect.flip(sync(accountId))
        expect(error.adapterError?.reason).toBe("InvalidData")
        expect(error.adapterError?.path).toEqual(path)
        expect(yield* storedState(accountId)).toEqual(before)
      }
      const account = Option.getOrThrow(yield* Effect.flatMap(Accounts.Accounts, (a) => a.get(accountId)))
      expect(account.status).toBe("active")
    }))

  it.scoped("one malformed entry marks just that location bad; the others sync", () =>
    Effect.gen(function*() {
      const simulator = yield* FeedSimulator.make()
      const accountId = yield* createAccount(simulator.goodCredentials)
      yield* sync(accountId)
      const before = yield* storedState(accountId)
      const document = structuredClone(simulator.document()) as { locations: Array<any> }
      document.locations[3].prices[0].amount.amount = 12.5
      document.locations[0].location.name = "Renamed"
      yield* simulator.serve(document)
      const report = yield* sync(accountId)
      expect(report.outcome).toBe("partial")
      expect(report.errors).toEqual([{
        externalId: "loc-4",
        reason: "InvalidData",
        message: expect.stringContaining("locations.3.prices.0.amount.amount"),
        path: ["locations", 3, "prices", 0, "amount", "amount"]
      }])
      expect(report.counts).toMatchObject({ updated: 1, failed: 1, deleted: 0 })
      const after = yield* storedState(accountId)
      expect(after.locations["loc-4"]).toEqual(before.locations["loc-4"])
      expect(after.locations["loc-1"]![0]).toBe(2)
    }))

  it.scoped("an unreachable feed fails Unavailable, and nothing stored changes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const simulator = yield* Scope.extend(FeedSimulator.make(), scope)
      const accountId = yield* createAccount(simulator.goodCredentials)
      yield* sync(accountId)
      const before = yield* storedState(accountId)
      yield* Scope.close(scope, Exit.void)
      const error = yield* Effect.flip(sync(accountId))
      expect(error.adapterError?.reason).toBe("Unavailable")
      expect(yield* storedState(accountId)).toEqual(before)
    }))

  it.scoped("a feed larger than SPACESYNC_FEED_MAX_BYTES is refused", () =>
    Effect.gen(function*() {
      const simulator = yield* FeedSimulator.make()
      const withMaxBytes = (bytes: number) =>
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["SPACESYNC_FEED_MAX_BYTES", String(bytes)]])))
      const error = yield* Effect.flip(check(simulator.goodCredentials).pipe(withMaxBytes(1000)))
      expect(error.reason).toBe("Upstream")
      expect(error.message).toContain("larger than 1000 bytes")
      yield* check(simulator.goodCredentials).pipe(withMaxBytes(1_000_000))
    }))

  it.scoped("a feed the server refuses (401) is Unauthorized and pauses the account", () =>
    Effect.gen(function*() {
      const simulator = yield* FeedSimulator.make()
      const accountId = yield* createAccount(simulator.badCredentials)
      const error = yield* Effect.flip(sync(accountId))
      expect(error.adapterError?.reason).toBe("Unauthorized")
      // The header values never reach the stored error.
      const account = Option.getOrThrow(yield* Effect.flatMap(Accounts.Accounts, (a) => a.get(accountId)))
      expect(account.status).toBe("paused")
      expect(JSON.stringify(account)).not.toContain("wrong-token")
    }))

  describe("file:// feeds", () => {
    const files = Effect.acquireRelease(
      Effect.promise(async () => {
        const base = await fs.mkdtemp(path.join(os.tmpdir(), "spacesync-feed-"))
        const root = path.join(base, "root")
        await fs.mkdir(path.join(root, "feeds"), { recursive: true })
        const feed = JSON.stringify({ locations: [Fixtures.locationSource("f-1"), Fixtures.locationSource("f-2")] })
        await fs.writeFile(path.join(root, "feeds", "a.json"), feed)
        await fs.writeFile(path.join(base, "outside.json"), feed)
        await fs.symlink(path.join(base, "outside.json"), path.join(root, "feeds", "link.json"))
        await fs.symlink(path.join(root, "feeds", "a.json"), path.join(root, "feeds", "inner-link.json"))
        return { base, root, url: (file: string) => pathToFileURL(file).href }
      }),
      ({ base }) => Effect.promise(() => fs.rm(base, { recursive: true, force: true }))
    )

    it.scoped("a file under SPACESYNC_FEED_ROOT is read", () =>
      Effect.gen(function*() {
        const { root, url } = yield* files
        const accountId = yield* createAccount({ url: url(path.join(root, "feeds", "a.json")) })
        const report = yield* sync(accountId).pipe(withFeedRoot(root))
        expect(report.outcome).toBe("succeeded")
        expect(report.counts.created).toBe(2)
        // A symbolic link that stays inside the root is fine.
        yield* check({ url: url(path.join(root, "feeds", "inner-link.json")) }).pipe(withFeedRoot(root))
      }))

    it.scoped("is refused outside the root, via .. or a symbolic link, and when the root is unset", () =>
      Effect.gen(function*() {
        const { base, root, url } = yield* files
        const refused = (credentials: unknown, feedRoot: string | undefined) =>
          Effect.flip(check(credentials).pipe(withFeedRoot(feedRoot)))
        const cases = [
          [{ url: url(path.join(base, "outside.json")) }, root],
          [{ url: `${url(root)}/feeds/../../outside.json` }, root],
          [{ url: `${url(root)}/feeds/%2e%2e/%2E%2E/outside.json` }, root],
          [{ url: url(path.join(root, "feeds", "link.json")) }, root],
          [{ url: url(path.join(root, "feeds", "a.json")) }, undefined],
          [{ url: url(root) }, root],
          [{ url: "file://remote-host/feeds/a.json" }, root]
        ] as const
        for (const [credentials, feedRoot] of cases) {
          const error = yield* refused(credentials, feedRoot)
          expect([credentials.url, error.reason, error.message]).toEqual([
            credentials.url,
            "Unauthorized",
            expect.stringContaining("file:// feed refused")
          ])
        }
        const missing = yield* refused({ url: url(path.join(root, "feeds", "missing.json")) }, root)
        expect(missing.reason).toBe("Unavailable")
      }))

    it.scoped("a refused file:// account is paused with the reason and stores nothing", () =>
      Effect.gen(function*() {
        const { base, root, url } = yield* files
        const accountId = yield* createAccount({ url: url(path.join(base, "outside.json")) })
        const error = yield* Effect.flip(sync(accountId).pipe(withFeedRoot(root)))
        expect(error.adapterError?.reason).toBe("Unauthorized")
        const account = Option.getOrThrow(yield* Effect.flatMap(Accounts.Accounts, (a) => a.get(accountId)))
        expect(account.status).toBe("paused")
        expect(account.pausedReason).toContain("outside SPACESYNC_FEED_ROOT")
        expect((yield* storedState(accountId)).locations).toEqual({})
      }))
  })

  it.scoped("the adapter reads through the HttpClient of the context", () =>
    Effect.gen(function*() {
      const simulator = yield* FeedSimulator.make()
      const seen: Array<string> = []
      const client = yield* HttpClient.HttpClient
      const recording = HttpClient.tapRequest(client, (request) => Effect.sync(() => seen.push(request.url)))
      const credentials = yield* Schema.decodeUnknown(FeedAdapter.Credentials)(simulator.goodCredentials)
      yield* feedAdapter.check(credentials).pipe(Effect.provideService(HttpClient.HttpClient, recording))
      expect(seen).toEqual([simulator.url])
    }))
})
