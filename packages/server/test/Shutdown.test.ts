import { describe, expect, it } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import { TestDatabase } from "@spacesync/core/testing"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import pg from "pg"
import { spawnHub } from "./support/HubProcess.js"
import * as TestHub from "./support/TestHub.js"

const sleep = (ms: number) => Effect.promise(() => new Promise((r) => setTimeout(r, ms)))

describe("spacesync start: SIGTERM", () => {
  it.scopedLive("lets the in-flight delivery finish or returns its lease, and exits 0", () =>
    Effect.gen(function*() {
      const { url: databaseUrl } = yield* TestDatabase.createDatabase
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-shutdown-"))
      const feedFile = Path.join(dir, "feed.json")
      const feed = { locations: [Fixtures.locationSource("L1")] as Array<any> }
      Fs.writeFileSync(feedFile, JSON.stringify(feed))
      // A slow platform: answers 1.5 s after each webhook arrives.
      let arrived = 0
      const receiver = Http.createServer((req, res) => {
        req.resume()
        req.on("end", () => {
          arrived++
          setTimeout(() => res.writeHead(204).end(), 1500)
        })
      })
      yield* Effect.acquireRelease(
        Effect.async<void>((resume) => {
          receiver.listen(0, "127.0.0.1", () => resume(Effect.void))
        }),
        () => Effect.sync(() => receiver.closeAllConnections())
      )
      const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`
      const admin = "sk_admin_shutdown_test_0123456789"
      const hub = yield* spawnHub({
        DATABASE_URL: databaseUrl,
        SPACESYNC_SECRET_KEY: "s".repeat(40),
        SPACESYNC_ADMIN_TOKEN: admin,
        SPACESYNC_ALLOW_PRIVATE_TARGETS: "true",
        SPACESYNC_FEED_ROOT: dir
      })
      const call = (path: string, token: string, body?: unknown, method = body === undefined ? "GET" : "POST") =>
        Effect.promise(async () => {
          const res = await fetch(`${hub.url}${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            ...(body === undefined ? {} : { body: JSON.stringify(body) })
          })
          return res.status === 204 ? {} : (await res.json()) as any
        })
      const platform = yield* call("/admin/platforms", admin, { name: "P", authorizationUrl: "https://p.example/c" })
      const operator = yield* call("/admin/operators", admin, { name: "O" })
      const account = yield* call("/operator/accounts", operator.apiKey, {
        name: "Feed",
        adapter: "feed",
        credentials: { url: `file://${feedFile}` }
      })
      yield* call(`/operator/accounts/${account.accountId}/sync`, operator.apiKey, undefined, "POST")
      const [location] = (yield* call(`/operator/accounts/${account.accountId}/locations`, operator.apiKey)).data
      const token = (yield* Effect.promise(async () =>
        (await fetch(`${hub.url}/oauth/token`, TestHub.tokenRequest(platform))).json() as any
      )).access_token
      const connection = yield* call("/operator/connections", operator.apiKey, {
        platformId: platform.platformId,
        locationIds: [location.locationId]
      })
      yield* call(`/v1/webhook-endpoints`, token, { url: receiverUrl })
      yield* call(`/v1/connections/${connection.connectionId}/activate`, token, {
        state: new URL(connection.authorizeUrl).searchParams.get("state"),
        listings: [{ locationId: location.locationId, listingId: "x" }]
      })
      // connection.activated + location.created are now being delivered to the slow receiver.
      const deadline = Date.now() + 15_000
      while (arrived === 0 && Date.now() < deadline) {
        yield* sleep(25)
      }
      expect(arrived).toBeGreaterThan(0)
      const exited = Effect.async<number | null>((resume) => {
        hub.child.once("exit", (code) =>
          resume(Effect.succeed(code)))
      })
      hub.child.kill("SIGTERM")
      const code = yield* exited.pipe(Effect.timeout("20 seconds"))
      expect(code).toBe(0)
      // Nothing is left claimed by the stopped process: finished, or back in the queue without a lease.
      const rows = yield* Effect.promise(async () => {
        const client = new pg.Client({ connectionString: databaseUrl })
        await client.connect()
        const result = await client.query(
          "select count(*)::int as claimed from spacesync.webhook_deliveries where claim_id is not null and lease_expires_at > now()"
        )
        await client.end()
        return result.rows[0]
      })
      expect(rows).toEqual({ claimed: 0 })
      Fs.rmSync(dir, { recursive: true, force: true })
    }), 90_000)
})
