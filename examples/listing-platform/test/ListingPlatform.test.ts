/**
 * Deskfinder against a real hub in this process (scheduler loop and delivery workers on the live clock),
 * two operators whose management systems are canonical JSON feeds, the platform started with `start()` on
 * its embedded database, and Debian's Chromium for the operator's side of the authorization.
 */
import { expect, layer } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import * as Webhook from "@spacesync/core/Webhook"
import { Context, Effect, Layer } from "effect"
import * as Fs from "node:fs"
import * as Http from "node:http"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type { Page } from "playwright-core"
import * as TestHub from "../../../packages/server/test/support/TestHub.js"
import { call, hub } from "../../../test/e2e/support/Hub.js"
import { browser, page as newPage } from "../../../test/support/Browser.js"
import { type ListingPlatform, start } from "../src/app.js"
import { demoUsers } from "../src/Demo.js"

const exampleDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const [ana, ben] = demoUsers as [typeof demoUsers[number], typeof demoUsers[number]]

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as Net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

/** Both operators' management systems: canonical feeds served on loopback, changed by the tests. */
const feedServer = Effect.acquireRelease(
  Effect.async<{ server: Http.Server; feeds: Map<string, { locations: Array<any> }> }>((resume) => {
    const feeds = new Map<string, { locations: Array<any> }>()
    const server = Http.createServer((req, res) => {
      const feed = feeds.get(req.url ?? "")
      if (!feed) {
        res.writeHead(404).end()
        return
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(feed))
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, feeds })))
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

interface Operator {
  readonly apiKey: string
  readonly accountId: string
  readonly feed: { locations: Array<any> }
  readonly locations: Array<{ locationId: string; externalId: string }>
}

class Fixture extends Context.Tag("Fixture")<Fixture, {
  readonly platform: ListingPlatform
  readonly platformId: string
  readonly credentials: { readonly clientId: string; readonly clientSecret: string }
  readonly a: Operator
  readonly b: Operator
}>() {}

const FixtureLive = Layer.scoped(
  Fixture,
  Effect.gen(function*() {
    const hubUrl = yield* TestHub.baseUrl
    const { feeds, server } = yield* feedServer
    const feedBase = `http://127.0.0.1:${(server.address() as Net.AddressInfo).port}`
    const port = yield* Effect.promise(freePort)
    const created = (yield* call("/admin/platforms", {
      token: TestHub.adminToken,
      body: { name: "Deskfinder", authorizationUrl: `http://127.0.0.1:${port}/connect` }
    })).json
    const operator = (name: string, path: string, externalIds: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const feed = { locations: externalIds.map((id) => Fixtures.locationSource(id)) as Array<any> }
        feeds.set(path, feed)
        const { apiKey } = (yield* call("/admin/operators", { token: TestHub.adminToken, body: { name } })).json
        const { accountId } = (yield* call("/operator/accounts", {
          token: apiKey,
          body: { name: `${name} feed`, adapter: "feed", credentials: { url: `${feedBase}${path}` } }
        })).json
        yield* call(`/operator/accounts/${accountId}/sync`, { token: apiKey, method: "POST" })
        const locations = (yield* call(`/operator/accounts/${accountId}/locations`, { token: apiKey })).json.data
        return { apiKey, accountId, feed, locations } as Operator
      })
    // The same upstream records for both: only the mapping tells their profiles apart.
    const a = yield* operator(ana.company, "/a.json", ["berlin-1", "berlin-2"])
    const b = yield* operator(ben.company, "/b.json", ["berlin-1"])
    const dataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "listing-platform-"))
    const platform = yield* Effect.acquireRelease(
      Effect.promise(() =>
        start({
          hubUrl,
          clientId: created.clientId,
          clientSecret: created.clientSecret,
          port,
          dataDir,
          log: () => undefined
        })
      ),
      (p) =>
        Effect.promise(() => p.close()).pipe(Effect.andThen(() => Fs.rmSync(dataDir, { recursive: true, force: true })))
    )
    return { platform, platformId: created.platformId, credentials: created, a, b }
  })
)

const sql = <A = any>(text: string, params: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(Fixture, ({ platform }) => Effect.promise(() => platform.db.query<A>(text, params)))

/** Every column of a profile, exactly as stored. */
const profileText = (id: string) =>
  Effect.map(
    sql<{ t: string }>(`select row_to_json(l)::text as t from listing_platform.listings l where id = $1`, [id]),
    (rows) => rows[0]!.t
  )

/** The amount of the profile's "Rate 1" (the feed's first price). */
const rate1 = (p: any): string | undefined => p.prices.find((x: any) => x.name === "Rate 1")?.amount

const profile = (id: string) =>
  Effect.map(sql(`select * from listing_platform.listings where id = $1`, [id]), (r) => r[0])

/** Polls the platform's database until `check` holds. */
const until = (check: () => Effect.Effect<boolean, never, Fixture>, timeoutMs = 20_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (!(yield* check())) {
      if (Date.now() > deadline) return yield* Effect.dieMessage("timed out waiting for the platform")
      yield* Effect.sleep("50 millis")
    }
  })

const sync = (op: Operator) => call(`/operator/accounts/${op.accountId}/sync`, { token: op.apiKey, method: "POST" })

/** Waits until the hub has no delivery in flight to the platform, and the platform applied what it got. */
const settled = Effect.gen(function*() {
  const { credentials, platform } = yield* Fixture
  const token = (yield* TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(credentials))).json.access_token
  const [endpoint] = yield* sql<{ value: { id: string } }>(`select value from listing_platform.hub_state`)
  const deadline = Date.now() + 20_000
  for (;;) {
    const pending = (yield* call(`/v1/webhook-endpoints/${endpoint!.value.id}/deliveries?status=pending`, { token }))
      .json.data
    if (pending.length === 0) break
    if (Date.now() > deadline) return yield* Effect.dieMessage("deliveries still pending")
    yield* Effect.sleep("100 millis")
  }
  yield* Effect.promise(() => platform.idle())
})

const newConnection = (op: Operator, locationIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const { platformId } = yield* Fixture
    const res = yield* call("/operator/connections", { token: op.apiKey, body: { platformId, locationIds } })
    expect(res.status).toBe(201)
    return res.json as { connectionId: string; authorizeUrl: string }
  })

const signIn = (page: Page, user: typeof ana) =>
  Effect.promise(async () => {
    await page.waitForSelector("form[action='/login']")
    await page.fill("#email", user.email)
    await page.fill("#password", user.password)
    await page.click("form[action='/login'] button[type=submit]")
    await page.waitForLoadState("load")
  })

const ctx = {
  connectionA: "",
  connectionB: ""
}

layer(Layer.provideMerge(FixtureLive, hub), { timeout: 120_000, excludeTestServices: true })(
  "listing platform",
  (it) => {
    it.scoped("operator A authorizes in the browser: signs in, maps each location to an own listing, and the profiles sync", () =>
      Effect.gen(function*() {
        const { a, platform } = yield* Fixture
        const chromium = yield* browser
        const page = yield* newPage(chromium, { viewport: { width: 1100, height: 760 } })
        const connection = yield* newConnection(a, a.locations.map((l) => l.locationId))
        ctx.connectionA = connection.connectionId
        expect(connection.authorizeUrl.startsWith(`${platform.url}/connect?`)).toBe(true)

        yield* Effect.promise(() => page.goto(connection.authorizeUrl))
        expect(new URL(page.url()).pathname).toBe("/login")
        // A wrong password is refused, and the form keeps the way back to the authorization.
        yield* signIn(page, { ...ana, password: "not-the-password" })
        expect(yield* Effect.promise(() => page.textContent("[role=alert]"))).toContain("Wrong email or password")
        yield* signIn(page, ana)
        expect(new URL(page.url()).pathname).toBe("/connect")
        expect(yield* Effect.promise(() => page.textContent("h1"))).toBe("Connect your locations")

        // Every location of the connection, and only A's own listings to choose from.
        const options = yield* Effect.promise(() =>
          page.$$eval(
            `select[name="listing:${a.locations[0]!.locationId}"] option`,
            (os) => os.map((o) => (o as unknown as { value: string }).value).filter((v) => v !== "")
          )
        )
        expect(options.sort()).toEqual(
          ana.listings.map((l) => l.id).sort()
        )
        for (const location of a.locations) {
          expect(yield* Effect.promise(() => page.textContent("#connect-form"))).toContain(location.locationId)
        }
        yield* Effect.promise(() =>
          page.selectOption(`select[name="listing:${a.locations[0]!.locationId}"]`, "harbour-altona")
        )
        yield* Effect.promise(() =>
          page.selectOption(`select[name="listing:${a.locations[1]!.locationId}"]`, "harbour-speicherstadt")
        )
        yield* Effect.promise(() => page.screenshot({ path: Path.join(exampleDir, "screenshot.png"), fullPage: true }))
        yield* Effect.promise(() =>
          Promise.all([page.waitForURL(/\/connect\/done/), page.click("#connect-form button")])
        )
        expect(yield* Effect.promise(() => page.textContent("[role=status]"))).toContain("Your locations are connected")
        expect(yield* Effect.promise(() => page.textContent("#mappings"))).toContain("Harbour Desks Altona")

        // The platform's database: the connection is active and each location maps to the chosen listing.
        expect(yield* sql(`select status from listing_platform.connections where id = $1`, [connection.connectionId]))
          .toEqual([{ status: "active" }])
        expect(
          yield* sql(
            `select location_id, listing_id from listing_platform.mappings where connection_id = $1 and detached_at is null
           order by listing_id`,
            [connection.connectionId]
          )
        ).toEqual([
          { location_id: a.locations[0]!.locationId, listing_id: "harbour-altona" },
          { location_id: a.locations[1]!.locationId, listing_id: "harbour-speicherstadt" }
        ])
        // The hub holds the listing ids too.
        const hubSide = (yield* call("/operator/connections", { token: a.apiKey })).json.data.find((c: any) =>
          c.connectionId === connection.connectionId
        )
        expect(hubSide.status).toBe("active")

        // location.created (fullResync) filled the profile: name, address, prices, version.
        yield* until(() => Effect.map(profile("harbour-altona"), (p) => p.version !== null && p.prices.length > 0))
        const altona = yield* profile("harbour-altona")
        expect(altona.location_name).toBe("Workspace berlin-1")
        expect(altona.prices.map((p: any) => p.amount)).toEqual(["10.50", "11.50", "12.50", "13.50"])

        // Optional: A's own ids for the rooms, sent to the hub's resource map.
        const firstRoom = (yield* Effect.promise(() =>
          page.getAttribute("form[action='/connect/resources'] input[id^=res-]", "id")
        ))!
        yield* Effect.promise(() => page.fill(`#${firstRoom}`, "altona-room-a"))
        yield* Effect.promise(() =>
          Promise.all([page.waitForURL(/saved=1/), page.click("form[action='/connect/resources'] button")])
        )
        expect(yield* Effect.promise(() => page.inputValue(`#${firstRoom}`))).toBe("altona-room-a")

        // The public pages show the synced profile with its prices.
        yield* Effect.promise(() => page.goto(`${platform.url}/listings/harbour-altona`))
        expect(yield* Effect.promise(() => page.textContent("#prices"))).toContain("10.50 EUR / hour")
        yield* Effect.promise(() =>
          page.screenshot({ path: Path.join(exampleDir, "screenshot-listing.png"), fullPage: true })
        )
        yield* Effect.promise(() => page.goto(platform.url))
        expect(yield* Effect.promise(() => page.textContent("main"))).toContain("Harbour Desks Altona")
      }))

    it.scoped("operator B: a state that does not match and another operator's listing are refused; its own listing connects", () =>
      Effect.gen(function*() {
        const { b, platform } = yield* Fixture
        const chromium = yield* browser
        const page = yield* newPage(chromium)
        const connection = yield* newConnection(b, [b.locations[0]!.locationId])
        ctx.connectionB = connection.connectionId
        const location = b.locations[0]!.locationId
        const forged = new URL(connection.authorizeUrl)
        forged.searchParams.set("state", "st_forged_state_value")

        yield* Effect.promise(() => page.goto(forged.toString()))
        yield* signIn(page, ben)
        yield* Effect.promise(() => page.selectOption(`select[name="listing:${location}"]`, "summit-mitte"))
        yield* Effect.promise(() => Promise.all([page.waitForLoadState("load"), page.click("#connect-form button")]))
        expect(yield* Effect.promise(() => page.textContent("h1"))).toBe("Authorization refused")
        expect(yield* sql(`select * from listing_platform.connections where id = $1`, [connection.connectionId]))
          .toEqual([])

        // A connection id the platform does not have.
        yield* Effect.promise(() => page.goto(`${platform.url}/connect?connection_id=con_unknown123&state=st_x`))
        expect(yield* Effect.promise(() => page.textContent("h1"))).toBe("Unknown connection")

        // The real link; the form is edited to name A's listing: refused on the server, nothing activated.
        yield* Effect.promise(() => page.goto(connection.authorizeUrl))
        yield* Effect.promise(() =>
          page.$eval(`select[name="listing:${location}"]`, (select: any) => {
            const option = select.ownerDocument.createElement("option")
            option.value = "harbour-rooftop"
            select.appendChild(option)
            select.value = "harbour-rooftop"
          })
        )
        yield* Effect.promise(() => Promise.all([page.waitForLoadState("load"), page.click("#connect-form button")]))
        expect(yield* Effect.promise(() => page.textContent("[role=alert]"))).toContain(
          "harbour-rooftop is not one of your listings"
        )
        expect(yield* sql(`select * from listing_platform.mappings where listing_id = 'harbour-rooftop'`)).toEqual([])
        expect(yield* sql(`select * from listing_platform.connections where id = $1`, [connection.connectionId]))
          .toEqual([])

        yield* Effect.promise(() => page.selectOption(`select[name="listing:${location}"]`, "summit-mitte"))
        yield* Effect.promise(() =>
          Promise.all([page.waitForURL(/\/connect\/done/), page.click("#connect-form button")])
        )
        expect(
          yield* sql(`select listing_id from listing_platform.mappings where connection_id = $1`, [
            connection.connectionId
          ])
        )
          .toEqual([{ listing_id: "summit-mitte" }])
        yield* until(() => Effect.map(profile("summit-mitte"), (p) => p.version !== null && p.prices.length > 0))
      }))

    it.scoped("an upstream price change updates A's mapped profile only; B's profiles stay byte for byte the same", () =>
      Effect.gen(function*() {
        const { a } = yield* Fixture
        yield* settled
        const before = {
          mitte: yield* profileText("summit-mitte"),
          kreuzberg: yield* profileText("summit-kreuzberg"),
          rooftop: yield* profileText("harbour-rooftop")
        }
        const version = (yield* profile("harbour-altona")).version
        a.feed.locations[0].prices[0].amount = { amount: "99.00", currency: "EUR" }
        yield* sync(a)
        yield* until(() => Effect.map(profile("harbour-altona"), (p) => rate1(p) === "99.00"))
        expect((yield* profile("harbour-altona")).version).toBeGreaterThan(version)
        yield* settled
        expect(yield* profileText("summit-mitte")).toBe(before.mitte)
        expect(yield* profileText("summit-kreuzberg")).toBe(before.kreuzberg)
        expect(yield* profileText("harbour-rooftop")).toBe(before.rooftop)
      }))

    it.scoped("a replayed webhook is acknowledged and changes nothing; a forged one is answered 401 and changes nothing", () =>
      Effect.gen(function*() {
        const { platform } = yield* Fixture
        yield* settled
        const [recorded] = yield* sql<{ headers: Record<string, string>; body: string }>(
          `select headers, body from listing_platform.webhook_receipts where type = 'pricing.updated'
          order by received_at desc limit 1`
        )
        const before = yield* profileText("harbour-altona")
        const receipts = (yield* sql(`select count(*)::int as n from listing_platform.webhook_receipts`))[0].n
        const post = (headers: Record<string, string>, body: string) =>
          Effect.promise(() =>
            fetch(platform.webhookUrl, {
              method: "POST",
              headers: { ...headers, "content-type": "application/json" },
              body
            })
          )

        const replay = yield* post(recorded!.headers, recorded!.body)
        expect(replay.status).toBe(204)
        yield* Effect.promise(() => platform.idle())
        expect(yield* profileText("harbour-altona")).toBe(before)
        expect((yield* sql(`select count(*)::int as n from listing_platform.webhook_receipts`))[0].n).toBe(receipts)

        // A forged event: a new id and a lower price, signed with a key that is not the endpoint's.
        const forgedBody = recorded!.body.replace(/"eventId":"[^"]+"/, "\"eventId\":\"evt_forged00000000000000\"")
        const forged = yield* post({
          "webhook-id": "evt_forged00000000000000",
          "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
          "webhook-signature": `v1,${Buffer.from("not a signature of this body").toString("base64")}`
        }, forgedBody)
        expect(forged.status).toBe(401)
        // The recorded request with its body altered: its signature no longer matches.
        const tampered = yield* post(
          recorded!.headers,
          recorded!.body.replace("\"fullResync\":false", "\"fullResync\":true")
        )
        expect(tampered.status).toBe(401)
        yield* Effect.promise(() => platform.idle())
        expect(yield* profileText("harbour-altona")).toBe(before)
        expect((yield* sql(`select count(*)::int as n from listing_platform.webhook_receipts`))[0].n).toBe(receipts)
      }))

    it.scoped("a correctly signed event with a version older than the profile's is ignored", () =>
      Effect.gen(function*() {
        const { platform } = yield* Fixture
        yield* settled
        const [recorded] = yield* sql<{ body: string }>(
          `select body from listing_platform.webhook_receipts where type = 'pricing.updated'
          order by received_at desc limit 1`
        )
        const [{ value }] = yield* sql<{ value: { secrets: Array<string> } }>(
          `select value from listing_platform.hub_state where key = 'endpoint'`
        )
        const before = yield* profileText("harbour-altona")
        const stored = (yield* profile("harbour-altona")).version as number
        const event = JSON.parse(recorded!.body)
        event.data.eventId = "evt_stale000000000000000"
        event.data.version = stored - 1
        const body = JSON.stringify(event)
        const headers = Webhook.headers({
          id: event.data.eventId,
          timestamp: Math.floor(Date.now() / 1000),
          body,
          keys: value.secrets.map((secret) => Webhook.secretKey(secret)!)
        })
        const res = yield* Effect.promise(() => fetch(platform.webhookUrl, { method: "POST", headers, body }))
        expect(res.status).toBe(204)
        yield* Effect.promise(() => platform.idle())
        expect(
          yield* sql(`select outcome from listing_platform.webhook_receipts where webhook_id = $1`, [
            event.data.eventId
          ])
        )
          .toEqual([{ outcome: `ignored: version ${stored - 1} older than ${stored}` }])
        expect(yield* profileText("harbour-altona")).toBe(before)
      }))

    it.scoped("a location deleted upstream unpublishes its profile", () =>
      Effect.gen(function*() {
        const { a, platform } = yield* Fixture
        a.feed.locations.splice(1, 1)
        yield* sync(a)
        yield* until(() => Effect.map(profile("harbour-speicherstadt"), (p) => p.published === false))
        const home = yield* Effect.promise(() => fetch(platform.url).then((r) => r.text()))
        expect(home).not.toContain("Harbour Desks Speicherstadt")
        expect(home).toContain("Harbour Desks Altona")
        expect((yield* Effect.promise(() => fetch(`${platform.url}/listings/harbour-speicherstadt`))).status).toBe(404)
      }))

    it.scoped("after the operator revokes the connection, upstream changes no longer reach the profile", () =>
      Effect.gen(function*() {
        const { a } = yield* Fixture
        const revoked = yield* call(`/operator/connections/${ctx.connectionA}`, { token: a.apiKey, method: "DELETE" })
        expect(revoked.status).toBe(200)
        yield* until(() =>
          Effect.map(
            sql(
              `select count(*)::int as n from listing_platform.mappings where connection_id = $1 and detached_at is null`,
              [
                ctx.connectionA
              ]
            ),
            (rows) => rows[0].n === 0
          )
        )
        expect(yield* sql(`select status from listing_platform.connections where id = $1`, [ctx.connectionA]))
          .toEqual([{ status: "revoked" }])
        yield* settled
        const before = yield* profileText("harbour-altona")
        a.feed.locations[0].prices[0].amount = { amount: "55.00", currency: "EUR" }
        yield* sync(a)
        yield* settled
        expect(yield* profileText("harbour-altona")).toBe(before)
        expect(rate1(yield* profile("harbour-altona"))).toBe("99.00")
      }))
  }
)
