/**
 * The hub, a management system (the Nexudus simulator) and the listing platform, each a process of its
 * own, as they run in production. Two operators read the same Nexudus space through two hub accounts and
 * map the same business to their own listings on the platform (in a real browser). One tariff price change
 * upstream then reaches the platform's database twice, with the signature verified each time:
 * - operator A's account polls hourly, so only Nexudus's signed webhook to its account URL can bring it;
 * - operator B's account gets no webhook, so only its scheduled poll (30 s) can.
 */
import { describe, it } from "@effect/vitest"
import { TestDatabase } from "@spacesync/core/testing"
import { demoUsers } from "@spacesync/example-listing-platform/Demo"
import { Effect, Schedule } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import { expect } from "vitest"
import { freePort, spawnHub } from "../../packages/server/test/support/HubProcess.js"
import { browser, page as newPage } from "../support/Browser.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const listingMain = Path.resolve(here, "../../examples/listing-platform/src/main.ts")
const simulatorMain = Path.resolve(here, "support/nexudus-process.ts")
const [ana, ben] = demoUsers as [typeof demoUsers[number], typeof demoUsers[number]]
const adminToken = "sk_admin_separate_processes_0123456789"

/** A `node --import tsx` process, killed with the scope; its output collected. */
const processOf = (script: string, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      let output = ""
      const child = spawn(process.execPath, ["--import", "tsx", script], {
        cwd: Path.dirname(script),
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      child.stdout!.on("data", (chunk) => (output += chunk))
      child.stderr!.on("data", (chunk) => (output += chunk))
      return { child, output: () => output }
    }),
    ({ child }: { readonly child: ChildProcess; readonly output: () => string }) =>
      Effect.async<void>((resume) => {
        if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.kill("SIGTERM")
      }).pipe(Effect.timeoutOption("10 seconds"))
  )

const waitFor = <A>(get: () => Promise<A | undefined>, what: string | (() => string), timeoutMs: number) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const value = yield* Effect.promise(get)
      if (value !== undefined) return value
      yield* Effect.sleep("250 millis")
    }
    return yield* Effect.dieMessage(`timed out waiting for ${typeof what === "string" ? what : what()}`)
  })

const json = async (url: string, init: { token?: string; body?: unknown; method?: string } = {}) => {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text}`)
  return text === "" ? undefined : JSON.parse(text)
}

describe("separate processes", () => {
  it.scopedLive(
    "a price change upstream reaches the platform's database, once by webhook and once by polling",
    () =>
      Effect.gen(function*() {
        // The management system.
        const simulator = yield* processOf(simulatorMain, {})
        const upstream = yield* Effect.promise(() =>
          Effect.runPromise(
            Effect.sync(() => simulator.output().split("\n").find((l) => l.startsWith("{"))).pipe(
              Effect.filterOrFail((line): line is string => line !== undefined),
              Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("60 seconds")))
            )
          )
        ).pipe(Effect.map((line) => JSON.parse(line) as { url: string; control: string; credentials: unknown }))
        const first = yield* Effect.promise(() => json(`${upstream.control}/change`, { method: "POST" }))

        // The hub, on a database of its own.
        const hubDb = yield* TestDatabase.createDatabase
        const hub = yield* spawnHub({
          DATABASE_URL: hubDb.url,
          SPACESYNC_SECRET_KEY: "s".repeat(40),
          SPACESYNC_ADMIN_TOKEN: adminToken,
          SPACESYNC_ALLOW_PRIVATE_TARGETS: "true",
          SPACESYNC_SCHEDULER_TICK: "250 millis"
        })
        const listingPort = yield* freePort
        const listingUrl = `http://127.0.0.1:${listingPort}`
        const platform = yield* Effect.promise(() =>
          json(`${hub.url}/admin/platforms`, {
            token: adminToken,
            body: { name: "Deskfinder", authorizationUrl: `${listingUrl}/connect` }
          })
        )
        const operator = (name: string, pollIntervalSeconds: number) =>
          Effect.promise(async () => {
            const op = await json(`${hub.url}/admin/operators`, { token: adminToken, body: { name } })
            const account = await json(`${hub.url}/operator/accounts`, {
              token: op.apiKey,
              body: { name, adapter: "nexudus", credentials: upstream.credentials, pollIntervalSeconds }
            })
            await json(`${hub.url}/operator/accounts/${account.accountId}/sync`, { token: op.apiKey, method: "POST" })
            const locations = (await json(`${hub.url}/operator/accounts/${account.accountId}/locations`, {
              token: op.apiKey
            })).data as Array<{ locationId: string; externalId: string }>
            const location = locations.find((l) => l.externalId === first.locationExternalId)!
            const connection = await json(`${hub.url}/operator/connections`, {
              token: op.apiKey,
              body: { platformId: platform.platformId, locationIds: [location.locationId] }
            })
            return { apiKey: op.apiKey, accountId: account.accountId, location, connection }
          })
        const a = yield* operator("Harbour Desks", 3600)
        const b = yield* operator("Summit Coworking", 30)

        // The listing platform, on a database of its own.
        const platformDb = yield* TestDatabase.createDatabase
        const listing = yield* processOf(listingMain, {
          HUB_URL: hub.url,
          LISTING_CLIENT_ID: platform.clientId,
          LISTING_CLIENT_SECRET: platform.clientSecret,
          PORT: String(listingPort),
          DATABASE_URL: platformDb.url
        })
        yield* waitFor(
          () => fetch(`${listingUrl}/`).then((r) => (r.ok ? true : undefined), () => undefined),
          () => `the listing platform:\n${listing.output()}`,
          60_000
        )
        const db = new pg.Client({ connectionString: platformDb.url })
        yield* Effect.acquireRelease(Effect.promise(() => db.connect()), () => Effect.promise(() => db.end()))
        const prices = (listingId: string) =>
          db.query("select prices from listing_platform.listings where id = $1", [listingId]).then(
            (r) => (r.rows[0]?.prices ?? []) as Array<{ name: string; amount: string }>
          )

        // Each operator authorizes in the browser and maps the business to one of its own listings.
        const chromium = yield* browser
        for (const [op, user, listingId] of [[a, ana, "harbour-altona"], [b, ben, "summit-mitte"]] as const) {
          const page = yield* newPage(chromium)
          yield* Effect.promise(async () => {
            await page.goto(op.connection.authorizeUrl)
            await page.fill("#email", user.email)
            await page.fill("#password", user.password)
            await Promise.all([page.waitForURL(/\/connect/), page.click("form[action='/login'] button[type=submit]")])
            await page.selectOption(`select[name="listing:${op.location.locationId}"]`, listingId)
            await Promise.all([page.waitForURL(/\/connect\/done/), page.click("#connect-form button")])
          })
          const synced = yield* waitFor(
            () => prices(listingId).then((p) => (p.length > 0 ? p : undefined)),
            `${listingId} to sync`,
            30_000
          )
          expect(synced.map((p) => p.amount)).toContain(Number(first.price).toFixed(2))
        }

        // One change upstream; Nexudus signs its webhook to A's account URL only.
        const changed = yield* Effect.promise(() => json(`${upstream.control}/change`, { method: "POST" }))
        const amount = Number(changed.price).toFixed(2)
        const sent = yield* Effect.promise(() =>
          json(`${upstream.control}/webhook?to=${encodeURIComponent(`${hub.url}/upstream/${a.accountId}/webhooks`)}`, {
            method: "POST"
          })
        )
        expect(sent.status).toBe(202)
        yield* waitFor(
          () => prices("harbour-altona").then((p) => (p.some((x) => x.amount === amount) ? true : undefined)),
          "A's profile to get the new price by webhook",
          30_000
        )
        // B's account was not told: its poll (every 30 s) brings the same change.
        yield* waitFor(
          () => prices("summit-mitte").then((p) => (p.some((x) => x.amount === amount) ? true : undefined)),
          "B's profile to get the new price by polling",
          60_000
        )
        // The platform stores a webhook only once its signature verified (a forged one is answered 401 and not
        // stored): both connections' pricing.updated are there.
        const receipts = (yield* Effect.promise(() =>
          db.query("select type, connection_id from listing_platform.webhook_receipts where type = 'pricing.updated'")
        )).rows
        expect(
          new Set(receipts.map((r) =>
            r.connection_id
          ))
        ).toEqual(
          new Set([a.connection.connectionId, b.connection.connectionId])
        )
        // A's account polls hourly: its one sync after the first is the webhook's.
        const accountA = yield* Effect.promise(() =>
          json(`${hub.url}/operator/accounts/${a.accountId}`, { token: a.apiKey })
        )
        expect(accountA.pollIntervalSeconds).toBe(3600)
      }),
    240_000
  )
})
