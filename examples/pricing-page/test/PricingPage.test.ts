/**
 * The pricing page end to end, in a real browser: a hub in this process (scheduler loop and delivery workers
 * on the live clock), the Nexudus simulator as the coworking operator's management system, and the page
 * started with `start()`. The operator connects its London business to the page by following `authorizeUrl`
 * in headless Chromium; the page shows its rooms' rates, memberships, day passes, bundles and fees in GBP for
 * `en-GB` visitors. A tariff's price then changes in Nexudus, which posts its signed webhook to the account's
 * URL on the hub; without anyone calling the sync route, the reloaded page shows the new price within
 * seconds, fetched after a verified webhook with the ETag it held.
 */
import { beforeAll, expect, layer } from "@effect/vitest"
import * as NexudusSimulator from "@spacesync/adapter-nexudus/testing/NexudusSimulator"
import * as SeedData from "@spacesync/adapter-nexudus/testing/SeedData"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as TestHub from "../../../packages/server/test/support/TestHub.js"
import * as Support from "../../../test/e2e/support/Hub.js"
import * as Browser from "../../../test/support/Browser.js"
import { start } from "../src/app.js"
import { formatMoney } from "../src/format.js"

const screenshotPath = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../screenshot.png")

/** A free loopback port, so the platform's authorization URL can be registered before the page starts. */
const freePort = Effect.async<number>((resume) => {
  const probe = Http.createServer()
  probe.listen(0, "127.0.0.1", () => {
    const port = (probe.address() as AddressInfo).port
    probe.close(() => resume(Effect.succeed(port)))
  })
})

const getJson = (url: string) => Effect.promise(() => fetch(url).then((res) => res.json() as Promise<any>))

/** Runs `effect` until its value satisfies `done`, for at most `timeoutMs`; the last value either way. */
const eventually = <A>(effect: Effect.Effect<A>, done: (a: A) => boolean, timeoutMs = 15_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    let value = yield* effect
    while (!done(value) && Date.now() < deadline) {
      yield* Effect.sleep("200 millis")
      value = yield* effect
    }
    return value
  })

// Installing Debian's chromium (on a machine that lacks it) takes a minute or two, once: not the test's time.
beforeAll(() => Effect.runPromise(Browser.ensureChromium()), 600_000)

layer(Support.hub, { timeout: "180 seconds", excludeTestServices: true })("pricing page", (it) => {
  it.scoped("shows the connected location's prices and the new price after an upstream change, in Chromium", () =>
    Effect.gen(function*() {
      const simulator = yield* NexudusSimulator.make()
      const hubUrl = yield* TestHub.baseUrl
      const call = Support.call
      const port = yield* freePort

      // The hub admin registers the page as a platform; the page starts with its credentials.
      const platform = (yield* call("/admin/platforms", {
        token: TestHub.adminToken,
        body: { name: "Fauxcowork website", authorizationUrl: `http://127.0.0.1:${port}/connect` }
      })).json
      const page = yield* Effect.acquireRelease(
        Effect.promise(() =>
          start({
            hubUrl,
            clientId: platform.clientId,
            clientSecret: platform.clientSecret,
            port,
            locale: "en-GB",
            pageId: "fauxcowork-site",
            store: "memory"
          })
        ),
        (page) => Effect.promise(() => page.close())
      )
      expect(page.url).toBe(`http://127.0.0.1:${port}`)
      const registered = yield* getJson(`${page.url}/status`)
      expect(registered.webhookUrl).toBe(`${page.url}/webhooks`)
      expect(registered.endpointId).toMatch(/^ep_/)

      // The operator's Nexudus account, synced once to list its businesses.
      const operator = (yield* call("/admin/operators", { token: TestHub.adminToken, body: { name: "Fauxcowork" } }))
        .json
      const account = (yield* call("/operator/accounts", {
        token: operator.apiKey,
        body: { name: "Nexudus", adapter: "nexudus", credentials: simulator.goodCredentials }
      })).json
      expect(
        (yield* call(`/operator/accounts/${account.accountId}/sync`, { token: operator.apiKey, method: "POST" }))
          .status
      ).toBe(200)
      const locations = (yield* call(`/operator/accounts/${account.accountId}/locations`, { token: operator.apiKey }))
        .json.data as Array<{ locationId: string; externalId: string; name: string }>
      // London's dedicated-desk tariff is the price the simulator changes.
      const tariffId = SeedData.tariffIds.londonDedicatedDesk
      const tariffExternalId = `tariff-${tariffId}`
      const location = locations.find((l) => l.externalId === String(SeedData.businessIds.london))!
      expect(location.name).toBe("Fauxcowork London")

      const connection = (yield* call("/operator/connections", {
        token: operator.apiKey,
        body: { platformId: platform.platformId, locationIds: [location.locationId] }
      })).json
      expect(new URL(connection.authorizeUrl).origin).toBe(page.url)

      // What the hub says the dedicated desk costs, read as the platform.
      const token = (yield* TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(platform))).json.access_token
      const deskTariff = () =>
        Effect.map(
          call(`/v1/connections/${connection.connectionId}/locations/${location.locationId}/prices`, { token }),
          (res) => res.json.data.find((p: any) => p.externalId === tariffExternalId)
        )

      // The operator follows authorizeUrl in a real browser: the page activates and shows the prices.
      const browser = yield* Browser.browser
      const tab = yield* Browser.page(browser, { viewport: { width: 900, height: 900 } })
      const response = yield* Effect.promise(() => tab.goto(connection.authorizeUrl))
      expect(response?.status()).toBe(200)
      expect(new URL(tab.url()).pathname).toBe("/")
      const before = yield* deskTariff()
      expect(before).toMatchObject({ name: "Dedicated Desk Monthly", category: "membership" })
      expect(before.amount).toEqual({ amount: "350.00", currency: "GBP" })
      const beforeText = formatMoney(before.amount, "en-GB")
      expect(beforeText).toBe("£350.00")
      const text = () => Effect.promise(() => tab.locator("main").innerText())
      const row = () => Effect.promise(() => tab.locator(`[data-price-id="${before.id}"]`).innerText())
      const shown = yield* text()
      expect(shown).toContain("Fauxcowork London")
      expect(shown).toContain(beforeText)
      expect(yield* row()).toContain(beforeText)
      expect(yield* Effect.promise(() => tab.locator(`[data-price-id="${before.id}"] .unit`).innerText())).toBe(
        "per month"
      )
      // Nexudus says which VAT rate applies but not whether its prices include it: the page claims neither.
      expect(before.tax).toEqual({ mode: "unknown", ratePercent: 20 })
      expect(yield* Effect.promise(() => tab.locator(`[data-price-id="${before.id}"] .tax`).count())).toBe(0)
      expect(shown).toMatch(/Last updated .* \(version \d+\)/)
      const [connected] = (yield* getJson(`${page.url}/status`)).locations
      expect(connected).toMatchObject({
        connectionId: connection.connectionId,
        locationId: location.locationId,
        listingId: "fauxcowork-site"
      })
      const listed = (yield* call("/v1/connections", { token })).json.data
      expect(listed[0].locations).toEqual([{ locationId: location.locationId, listingId: "fauxcowork-site" }])
      // The activation's webhooks arrive, verified; the data they name is what the page holds already.
      let status = yield* eventually(getJson(`${page.url}/status`), (s) => s.webhooks.verified >= 2)
      expect(status.webhooks.verified).toBeGreaterThanOrEqual(2)
      expect(status.webhooks.rejected).toBe(0)
      const etagBefore = status.locations[0].etags.prices
      expect(etagBefore).toMatch(/^"/)
      const verifiedBefore = status.webhooks.verified

      // The tariff's price changes in Nexudus, which posts its signed webhook (a booking of the business) to
      // the account's URL on the hub. Nobody calls sync.
      const changed = yield* simulator.changeOnePrice
      expect(changed).toEqual({ locationExternalId: location.externalId, priceExternalId: tariffExternalId })
      const sent = yield* simulator.deliverWebhook({
        record: {
          Id: 1415400001,
          BusinessId: SeedData.businessIds.london,
          ResourceName: "Boardroom Alpha",
          CoworkerFullName: "Zoë Ångström",
          UpdatedOn: new Date().toISOString()
        }
      }, `${hubUrl}/upstream/${account.accountId}/webhooks`)
      expect(sent.status).toBe(202)
      // The simulator raises the tariff by one pound.
      const afterText = "£351.00"

      // The page, reloaded every few hundred milliseconds, shows the new price.
      const deadline = Date.now() + 15_000
      let current = ""
      while (Date.now() < deadline) {
        yield* Effect.promise(() => tab.reload())
        current = yield* text()
        if (current.includes(afterText)) break
        yield* Effect.sleep("300 millis")
      }
      expect(current).toContain(afterText)
      expect(yield* row()).toContain(afterText)
      expect(yield* row()).not.toContain(beforeText)
      expect((yield* deskTariff()).amount).toEqual({ amount: "351.00", currency: "GBP" })

      // It learned of the change from a webhook it verified, and fetched the prices with the ETag it held.
      status = yield* getJson(`${page.url}/status`)
      expect(status.webhooks.verified).toBeGreaterThan(verifiedBefore)
      expect(status.webhooks.rejected).toBe(0)
      expect(status.locations[0].etags.prices).not.toBe(etagBefore)
      expect(status.fetches.failed).toBe(0)

      // A forged delivery is refused and counted.
      const forged = yield* Effect.promise(() =>
        fetch(`${page.url}/webhooks`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "webhook-id": "evt_forged",
            "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
            "webhook-signature": "v1,AAAA"
          },
          body: "{}"
        })
      )
      expect(forged.status).toBe(401)
      expect((yield* getJson(`${page.url}/status`)).webhooks.rejected).toBe(1)

      yield* Effect.promise(() => tab.screenshot({ path: screenshotPath, fullPage: true }))
    }))

  it.scoped("registers its endpoint once per URL, keeps its secret in the store, and refuses bad input", () =>
    Effect.gen(function*() {
      const hubUrl = yield* TestHub.baseUrl
      const platform = (yield* Support.call("/admin/platforms", {
        token: TestHub.adminToken,
        body: { name: "Another site", authorizationUrl: "http://127.0.0.1:1/connect" }
      })).json
      const base = { hubUrl, clientId: platform.clientId, clientSecret: platform.clientSecret }

      // Bad configuration and bad credentials fail start() with a message that says what is wrong.
      const failure = (config: Parameters<typeof start>[0]) =>
        Effect.promise(() => start(config).then(() => "started", (error: Error) => error.message))
      expect(yield* failure({ ...base, hubUrl: "not a url" })).toContain("hubUrl must be an absolute http(s) URL")
      expect(yield* failure({ ...base, clientId: "" })).toContain("clientId is required")
      expect(yield* failure({ ...base, locale: "not_a_locale!" })).toContain("locale")
      expect(yield* failure({ ...base, clientSecret: "wrong" })).toMatch(/token request .*401.*invalid_client/)

      const dir = yield* Effect.acquireRelease(
        Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "pricing-page-"))),
        (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
      )
      const port = yield* freePort
      const config = { ...base, port, store: { path: Path.join(dir, "state.json") } }
      const first = yield* Effect.promise(() => start(config))
      const firstStatus = yield* getJson(`${first.url}/status`)
      yield* Effect.promise(() => first.close())
      const kept = JSON.parse(Fs.readFileSync(config.store.path, "utf8"))
      expect(kept.endpoint).toMatchObject({ id: firstStatus.endpointId, url: `http://127.0.0.1:${port}/webhooks` })
      expect(kept.endpoint.secret).toMatch(/^whsec_/)

      // Restarted with its store: the same endpoint and secret. With a new store: the same endpoint, a new secret.
      const second = yield* Effect.acquireRelease(
        Effect.promise(() => start(config)),
        (page) => Effect.promise(() => page.close())
      )
      expect((yield* getJson(`${second.url}/status`)).endpointId).toBe(firstStatus.endpointId)
      expect(JSON.parse(Fs.readFileSync(config.store.path, "utf8")).endpoint.secret).toBe(kept.endpoint.secret)
      yield* Effect.promise(() => second.close())
      const third = yield* Effect.acquireRelease(
        Effect.promise(() => start({ ...config, store: { path: Path.join(dir, "other.json") } })),
        (page) => Effect.promise(() => page.close())
      )
      expect((yield* getJson(`${third.url}/status`)).endpointId).toBe(firstStatus.endpointId)
      expect(JSON.parse(Fs.readFileSync(Path.join(dir, "other.json"), "utf8")).endpoint.secret).not.toBe(
        kept.endpoint.secret
      )
      const token = (yield* TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(platform))).json.access_token
      const endpoints = (yield* Support.call("/v1/webhook-endpoints", { token })).json.data
      expect(endpoints.map((e: any) => e.url)).toEqual([`http://127.0.0.1:${port}/webhooks`])

      // Its routes: liveness, an authorization link without its parameters, an unknown connection, a bad path.
      const get = (path: string) =>
        Effect.promise(() =>
          fetch(`${third.url}${path}`, { redirect: "manual" }).then(async (res) => ({
            status: res.status,
            body: await res.text()
          }))
        )
      expect(yield* get("/healthz")).toEqual({ status: 200, body: JSON.stringify({ status: "ok" }) })
      const noState = yield* get("/connect")
      expect(noState.status).toBe(400)
      expect(noState.body).toContain("needs the connection_id and state")
      const unknown = yield* get("/connect?connection_id=con_unknown&state=abc")
      expect(unknown.status).toBe(404)
      expect(unknown.body).toContain("does not know connection con_unknown")
      expect((yield* get("/nowhere")).status).toBe(404)
      expect(yield* get("/")).toMatchObject({ status: 200 })
      expect((yield* get("/")).body).toContain("No prices yet.")
    }))
})
