/**
 * spacesync's live demo in one command (`npx -y pnpm@10.34.9 demo` from the repository root):
 *
 * 1. a Nexudus simulator plays the operator's management system (three businesses, tariffs, day passes);
 * 2. the hub runs as its own process on the embedded database (`.spacesync/demo`, recreated each run;
 *    `DEMO_DATA_DIR` to put it elsewhere);
 * 3. the hub admin registers two platforms (a workspace's own pricing page, and "Deskfinder", a
 *    multi-operator listing platform), an operator and its Nexudus account, which is synced;
 * 4. the pricing page is connected to the London business; the listing platform waits for you to
 *    authorize in the browser (the URL and a demo sign-in are printed);
 * 5. every few seconds a tariff's price changes in Nexudus, which sends its signed webhook to the hub: the
 *    pricing page and the mapped listing follow.
 *
 * Ctrl-C stops everything it started (the hub process included) and leaves nothing running.
 * `DEMO_PRICE_INTERVAL` (default `5 seconds`) sets how often the price changes; `PORT` the hub's port.
 */
import { NodeRuntime } from "@effect/platform-node"
import * as NexudusSimulator from "@spacesync/adapter-nexudus/testing/NexudusSimulator"
import { start as startListingPlatform } from "@spacesync/example-listing-platform/app"
import { demoUsers } from "@spacesync/example-listing-platform/Demo"
import { start as startPricingPage } from "@spacesync/example-pricing-page/app"
import { Duration, Effect, Fiber, Schedule } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const bin = Path.join(root, "packages/server/bin/spacesync.mjs")
const dataDir = Path.resolve(process.env.DEMO_DATA_DIR ?? Path.join(root, ".spacesync/demo"))
const interval = Duration.decode((process.env.DEMO_PRICE_INTERVAL ?? "5 seconds") as Duration.DurationInput)

const say = (line: string) => Effect.sync(() => process.stdout.write(`${line}\n`))

/** `preferred` if nothing listens there, else any free port. */
const port = (preferred: number) =>
  Effect.async<number>((resume) => {
    const attempt = (wanted: number) => {
      const server = Net.createServer()
      server.once("error", () => attempt(0))
      server.listen(wanted, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        server.close(() => resume(Effect.succeed(port)))
      })
    }
    attempt(preferred)
  })

const call = (url: string, init: { token?: string; body?: unknown; method?: string } = {}) =>
  Effect.tryPromise({
    try: async () => {
      const res = await fetch(url, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.body === undefined ? {} : { "content-type": "application/json" })
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`${init.method ?? "GET"} ${url} answered ${res.status}: ${text}`)
      return text === "" ? undefined : JSON.parse(text)
    },
    catch: (error) => error as Error
  })

/** The hub as its own process; stopped (SIGTERM, then SIGKILL after 10 s) when the demo ends. */
const hubProcess = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const log = Fs.openSync(Path.join(dataDir, "hub.log"), "a")
      return spawn(process.execPath, [bin, "start"], {
        env: { ...process.env, ...env, SPACESYNC_LOG_FORMAT: "json" },
        stdio: ["ignore", log, log]
      })
    }),
    (child: ChildProcess) =>
      Effect.async<void>((resume) => {
        if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
        const force = setTimeout(() => child.kill("SIGKILL"), 10_000)
        child.once("exit", () => {
          clearTimeout(force)
          resume(Effect.void)
        })
        child.kill("SIGTERM")
      })
  )

/** Waits for `/readyz`, saying how long it has been waiting every five seconds. */
const ready = (hubUrl: string, child: ChildProcess) =>
  Effect.gen(function*() {
    const started = Date.now()
    let said = 0
    for (;;) {
      if (child.exitCode !== null) {
        return yield* Effect.fail(new Error(`the hub exited with ${child.exitCode}; see ${dataDir}/hub.log`))
      }
      const ok = yield* Effect.promise(() => fetch(`${hubUrl}/readyz`).then((r) => r.status === 200, () => false))
      if (ok) return
      const seconds = Math.floor((Date.now() - started) / 1000)
      if (seconds >= said + 5) {
        said = seconds
        yield* say(`      … ${seconds} s (the first start creates the embedded database)`)
      }
      if (seconds > 180) {
        return yield* Effect.fail(new Error(`the hub was not ready after 3 minutes; see ${dataDir}/hub.log`))
      }
      yield* Effect.sleep("300 millis")
    }
  })

const app = <A extends { readonly close: () => Promise<void> }>(start: () => Promise<A>) =>
  Effect.acquireRelease(
    Effect.tryPromise({ try: start, catch: (error) => error as Error }),
    (started) => Effect.promise(() => started.close())
  )

const demo = Effect.gen(function*() {
  yield* say("spacesync demo\n")
  Fs.rmSync(dataDir, { recursive: true, force: true })
  Fs.mkdirSync(dataDir, { recursive: true })

  yield* say("1/6 Starting a Nexudus simulator (the operator's management system)")
  const nexudus = yield* NexudusSimulator.make()
  yield* say(`      ${nexudus.url}`)

  const hubPort = yield* port(Number(process.env.PORT ?? 8787))
  const hubUrl = `http://127.0.0.1:${hubPort}`
  const adminToken = `sk_admin_demo_${randomBytes(12).toString("hex")}`
  yield* say(`2/6 Starting the hub on its embedded database (${Path.relative(root, dataDir)})`)
  const hub = yield* hubProcess({
    PORT: String(hubPort),
    HOST: "127.0.0.1",
    SPACESYNC_DATA_DIR: Path.join(dataDir, "hub"),
    SPACESYNC_ADMIN_TOKEN: adminToken,
    // The simulator, the pricing page and the listing platform all listen on loopback.
    SPACESYNC_ALLOW_PRIVATE_TARGETS: "true",
    DATABASE_URL: ""
  })
  yield* ready(hubUrl, hub)
  yield* say(`      ${hubUrl} (process ${hub.pid}; logs: ${Path.relative(root, dataDir)}/hub.log)`)

  yield* say("3/6 Registering the two platforms, the operator and its Nexudus account; first sync")
  const pricingPort = yield* port(8788)
  const listingPort = yield* port(8789)
  const pricingUrl = `http://127.0.0.1:${pricingPort}`
  const listingUrl = `http://127.0.0.1:${listingPort}`
  const pricingPlatform = yield* call(`${hubUrl}/admin/platforms`, {
    token: adminToken,
    body: { name: "Fauxcowork London (its own website)", authorizationUrl: `${pricingUrl}/connect` }
  })
  const listingPlatform = yield* call(`${hubUrl}/admin/platforms`, {
    token: adminToken,
    body: { name: "Deskfinder", authorizationUrl: `${listingUrl}/connect` }
  })
  const operator = yield* call(`${hubUrl}/admin/operators`, { token: adminToken, body: { name: "Fauxcowork" } })
  const account = yield* call(`${hubUrl}/operator/accounts`, {
    token: operator.apiKey,
    body: { name: "Fauxcowork on Nexudus", adapter: "nexudus", credentials: nexudus.goodCredentials }
  })
  const sync = yield* call(`${hubUrl}/operator/accounts/${account.accountId}/sync`, {
    token: operator.apiKey,
    method: "POST"
  })
  yield* say(`      ${sync.locations ?? sync.counts?.listed} locations synced`)
  const locations = (yield* call(`${hubUrl}/operator/accounts/${account.accountId}/locations`, {
    token: operator.apiKey
  })).data as Array<{ locationId: string; externalId: string; name: string }>

  yield* say("4/6 Starting the pricing page and the listing platform")
  yield* app(() =>
    startPricingPage({
      hubUrl,
      clientId: pricingPlatform.clientId,
      clientSecret: pricingPlatform.clientSecret,
      port: pricingPort,
      locale: "en-GB",
      store: "memory",
      log: () => {}
    })
  )
  yield* app(() =>
    startListingPlatform({
      hubUrl,
      clientId: listingPlatform.clientId,
      clientSecret: listingPlatform.clientSecret,
      port: listingPort,
      dataDir: Path.join(dataDir, "listing-platform"),
      log: () => {}
    })
  )

  yield* say("5/6 Connecting them")
  // The price that will keep changing, and the business it belongs to.
  const target = yield* nexudus.changeOnePrice
  const location = locations.find((l) => l.externalId === target.locationExternalId) ?? locations[0]!
  const pricingConnection = yield* call(`${hubUrl}/operator/connections`, {
    token: operator.apiKey,
    body: { platformId: pricingPlatform.platformId, locationIds: [location.locationId] }
  })
  // The workspace owns its website: following the authorizeUrl activates the connection.
  yield* Effect.tryPromise(() => fetch(pricingConnection.authorizeUrl, { redirect: "manual" }))
  const listingConnection = yield* call(`${hubUrl}/operator/connections`, {
    token: operator.apiKey,
    body: { platformId: listingPlatform.platformId, locationIds: locations.map((l) => l.locationId) }
  })
  const hookUrl = `${hubUrl}/upstream/${account.accountId}/webhooks`

  yield* say(`6/6 Changing a tariff of ${location.name ?? location.externalId} every ${Duration.format(interval)}\n`)
  const [ana] = demoUsers
  yield* say(
    [
      "The demo is running. Open:",
      `  the workspace's pricing page   ${pricingUrl}/`,
      `  the listing platform           ${listingUrl}/`,
      "  authorize the operator's locations on the listing platform (map each to one of your listings):",
      `    ${listingConnection.authorizeUrl}`,
      `    sign in as ${ana!.email} / ${ana!.password}`,
      `  the hub's API reference        ${hubUrl}/docs`,
      "",
      "Ctrl-C stops everything.",
      ""
    ].join("\n")
  )

  let tick = 0
  const change = Effect.gen(function*() {
    tick++
    const changed = yield* nexudus.changeOnePrice
    const sent = yield* nexudus.deliverWebhook({
      record: {
        Id: 1_500_000 + tick,
        BusinessId: Number(changed.locationExternalId),
        ResourceName: "Meeting room",
        CoworkerFullName: "Demo Visitor",
        UpdatedOn: new Date().toISOString()
      }
    }, hookUrl)
    yield* say(
      `  ${
        new Date().toLocaleTimeString("en-GB")
      }  Nexudus: ${changed.priceExternalId} changed; webhook → hub ${sent.status}`
    )
  }).pipe(Effect.catchAllCause((cause) => say(`  a price change failed: ${cause}`)))
  const loop = yield* Effect.fork(Effect.repeat(change, Schedule.spaced(interval)))
  yield* Effect.addFinalizer(() => Effect.andThen(Fiber.interrupt(loop), say("\nStopping…")))
  return yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.ensuring(say("Stopped: the hub, the simulator and both sites are shut down.")),
  Effect.catchAll((error) =>
    Effect.andThen(say(`The demo could not start: ${error.message}`), Effect.sync(() => process.exitCode = 1))
  )
)

NodeRuntime.runMain(demo, { disablePrettyLogger: true })
