/**
 * Crash and restart: three hub processes (one with the API; all three run the scheduler and delivery
 * workers) on a PostgreSQL server of the test's own, three feed accounts whose prices change every
 * 200 ms, and two platforms whose webhook receiver fails a few percent of first attempts (500, or no
 * answer until the hub's timeout). For 40 seconds the test SIGKILLs a random hub process every few
 * seconds and starts it again, and once restarts PostgreSQL (`fast` or `immediate`, drawn per run), a
 * process killed just before starting again while it is down.
 * Then prices stop changing, everything settles, and the run proves:
 * 1. every event in each platform's `/v1/events` feed reached each endpoint subscribed to its type at
 *    least once, with a valid signature (the duplicate rate is reported);
 * 2. the last upstream price of every location is what its `apiUrl` answers (no change lost);
 * 3. no account was synced by two processes at once, from the "Sync run started"/"Sync run ended" lines each
 *    process logged (an interval a killed process left open ends at the kill);
 * 4. each location's highest version each endpoint received is the hub's final version;
 * 5. no process exited except those the test killed (and the final SIGTERMs, which exit cleanly).
 *
 * `SPACESYNC_CHAOS_SEED` replays a run's random choices (its seed is printed); `SPACESYNC_CHAOS_LOGS=<dir>`
 * keeps every process's log, the deliveries and PostgreSQL's log there.
 */
import { describe, it } from "@effect/vitest"
import { FeedSimulator } from "@spacesync/adapter-feed/testing"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import { Effect, Fiber } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import pg from "pg"
import { expect } from "vitest"
import { freePort } from "../../packages/server/test/support/HubProcess.js"
import * as HubFleet from "./support/HubFleet.js"
import * as PgCluster from "./support/PgCluster.js"
import * as Proofs from "./support/Proofs.js"
import * as Receiver from "./support/Receiver.js"

const adminToken = "sk_admin_chaos_0123456789abcdef"
const chaosMillis = 40_000
const accountsCount = 3
const locationsPerAccount = 3

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const call = (url: string, init: { token?: string; body?: unknown; method?: string; form?: URLSearchParams } = {}) =>
  Effect.tryPromise(async () => {
    const res = await fetch(url, {
      method: init.method ?? (init.body === undefined && init.form === undefined ? "GET" : "POST"),
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(init.form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" })
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.form === undefined ? {} : { body: init.form.toString() }),
      signal: AbortSignal.timeout(30_000)
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${init.method ?? "call"} ${url} answered ${res.status}: ${text}`)
    return text === "" ? undefined : JSON.parse(text)
  }).pipe(Effect.orDie)

const waitUntil = (what: () => string, check: Effect.Effect<boolean>, timeoutMillis: number) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMillis
    while (!(yield* check)) {
      if (Date.now() > deadline) return yield* Effect.dieMessage(`timed out waiting for ${what()}`)
      yield* Effect.sleep("250 millis")
    }
  })

describe("crash and restart", () => {
  it.scopedLive(
    "no event, price change or version is lost, and no account is synced twice at once",
    () =>
      Effect.gen(function*() {
        const seed = Number(process.env.SPACESYNC_CHAOS_SEED ?? Date.now() % 2 ** 31)
        const random = prng(seed)
        const between = (min: number, max: number) => Math.round(min + random() * (max - min))
        const stopMode: PgCluster.StopMode = random() < 0.5 ? "fast" : "immediate"
        console.log(`chaos: seed ${seed}, PostgreSQL restart with -m ${stopMode}`)

        const began = Date.now()
        const databaseUrl = PgCluster.urlOf(yield* freePort)

        // The upstream: one feed per account, each with its own locations.
        const feeds = yield* Effect.forEach(Array.from({ length: accountsCount }, (_, a) => a), (a) =>
          Effect.gen(function*() {
            const feed = yield* FeedSimulator.make()
            const externalIds = Array.from({ length: locationsPerAccount }, (_, l) =>
              `acc${a + 1}-loc${l + 1}`)
            yield* feed.serve({
              locations: externalIds.map((id) => Fixtures.locationSource(id, { resources: 1, prices: 2 }))
            })
            return { feed, externalIds }
          }))
        /** The last price (`<externalId>-p0`) each location's feed served: what the hub must end with. */
        const lastPrice = new Map<string, string>()
        let cents = 0
        const changeAPrice = (slot: number) => {
          const { externalIds, feed } = feeds[slot % accountsCount]!
          const externalId = externalIds[Math.floor(slot / accountsCount) % locationsPerAccount]!
          const document = feed.document() as { locations: Array<any> }
          const entry = document.locations.find((l) =>
            l.location.externalId === externalId
          )
          cents++
          const amount = `${100 + Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`
          entry.prices[0].amount = { ...entry.prices[0].amount, amount }
          lastPrice.set(externalId, amount)
        }
        for (const { externalIds } of feeds) for (const id of externalIds) lastPrice.set(id, "10.50")

        // Its own generator, so the chaos's draws (kills, pauses) come in the same order whatever it receives.
        const receiver = yield* Receiver.make({ failShare: 0.03, hangShare: 0.02, random: prng(seed + 1) })

        const fleet = yield* HubFleet.make({
          DATABASE_URL: databaseUrl,
          DATABASE_POOL_SIZE: "5",
          SPACESYNC_SECRET_KEY: "chaos-secret-key-0123456789-abcdefghijkl",
          SPACESYNC_ADMIN_TOKEN: adminToken,
          SPACESYNC_ALLOW_PRIVATE_TARGETS: "true",
          SPACESYNC_LOG_FORMAT: "json",
          SPACESYNC_LOG_LEVEL: "info",
          SPACESYNC_SCHEDULER_TICK: "200 millis",
          SPACESYNC_SYNC_LEASE: "3 seconds",
          SPACESYNC_DELIVERY_POLL_INTERVAL: "250 millis",
          SPACESYNC_DELIVERY_LEASE: "20 seconds"
        }, ["api,scheduler,workers", "scheduler,workers", "scheduler,workers"])
        const [apiHub] = fleet.hubs
        // All three at once, while the database server is created (they wait for it, as processes started
        // together do); then they migrate it together (migrations take an advisory lock).
        const [cluster] = yield* Effect.all([
          PgCluster.make(Number(new URL(databaseUrl).port)),
          Effect.forEach(fleet.hubs, fleet.start, { concurrency: "unbounded", discard: true })
        ], { concurrency: "unbounded" })
        const db = new pg.Pool({ connectionString: cluster.url, max: 2 })
        db.on("error", () => undefined)
        yield* Effect.addFinalizer(() => Effect.promise(() => db.end()))
        const query = <A>(text: string, values: Array<unknown> = []) =>
          Effect.tryPromise(() => db.query(text, values)).pipe(Effect.map((r) => r.rows as Array<A>), Effect.orDie)
        const api = apiHub!.url

        // An operator with three feed accounts, each synced once; they then poll every second (the API's
        // minimum is 30 s, so the test sets it in the database).
        const operator = yield* call(`${api}/admin/operators`, { token: adminToken, body: { name: "Chaos Desks" } })
        const accounts = yield* Effect.forEach(feeds, ({ feed }, a) =>
          call(`${api}/operator/accounts`, {
            token: operator.apiKey,
            body: { name: `feed ${a + 1}`, adapter: "feed", credentials: feed.goodCredentials }
          }))
        const locations: Array<{ locationId: string; externalId: string }> = []
        for (const account of accounts) {
          yield* call(`${api}/operator/accounts/${account.accountId}/sync`, { token: operator.apiKey, method: "POST" })
          const page = yield* call(`${api}/operator/accounts/${account.accountId}/locations`, {
            token: operator.apiKey
          })
          locations.push(...page.data)
        }
        expect(locations).toHaveLength(accountsCount * locationsPerAccount)
        yield* query("update spacesync.accounts set poll_interval_seconds = 1, next_sync_at = now()")

        const endpointKeys = new Map<string, string>()
        // Two platforms: A with one endpoint for every type, B with one for every type and one for prices.
        const platforms = yield* Effect.forEach([
          { name: "Desks A", endpoints: [{ key: "a-all", eventTypes: undefined }] },
          {
            name: "Desks B",
            endpoints: [{ key: "b-all", eventTypes: undefined }, { key: "b-prices", eventTypes: ["pricing.updated"] }]
          }
        ], (spec) =>
          Effect.gen(function*() {
            const platform = yield* call(`${api}/admin/platforms`, {
              token: adminToken,
              body: { name: spec.name, authorizationUrl: "https://desks.example/connect" }
            })
            const token: string = (yield* call(`${api}/oauth/token`, {
              form: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: platform.clientId,
                client_secret: platform.clientSecret
              })
            })).access_token
            // Endpoints first, so every event of the connection is addressed to them.
            for (const endpoint of spec.endpoints) {
              const created = yield* call(`${api}/v1/webhook-endpoints`, {
                token,
                body: {
                  url: receiver.url(endpoint.key),
                  ...(endpoint.eventTypes === undefined ? {} : { eventTypes: endpoint.eventTypes })
                }
              })
              receiver.register(endpoint.key, created.secret)
              endpointKeys.set(created.id, endpoint.key)
            }
            const connection = yield* call(`${api}/operator/connections`, {
              token: operator.apiKey,
              body: { platformId: platform.platformId, locationIds: locations.map((l) => l.locationId) }
            })
            const state = new URL(connection.authorizeUrl).searchParams.get("state")
            yield* call(`${api}/v1/connections/${connection.connectionId}/activate`, {
              token,
              body: {
                state,
                listings: locations.map((l) => ({
                  locationId: l.locationId,
                  listingId: `${spec.name}-${l.externalId}`
                }))
              }
            })
            return { ...spec, platform, token, connectionId: connection.connectionId as string }
          }))

        // Prices change every 200 ms, round robin over the nine locations, until the chaos ends.
        let changing = true
        const changes = yield* Effect.gen(function*() {
          let slot = 0
          while (changing) {
            changeAPrice(slot++)
            yield* Effect.sleep("200 millis")
          }
          return slot
        }).pipe(Effect.fork)

        // The chaos: SIGKILL a random process every few seconds and start it again; restart PostgreSQL once.
        const chaosStart = Date.now()
        let kills = 0
        const up = new Set(fleet.hubs)
        const restarts: Array<Fiber.RuntimeFiber<unknown>> = []
        const killer = yield* Effect.gen(function*() {
          while (Date.now() - chaosStart < chaosMillis) {
            yield* Effect.sleep(between(1_500, 4_500))
            const candidates = [...up]
            const hub = candidates[Math.floor(random() * candidates.length)]
            if (hub === undefined) continue
            up.delete(hub)
            yield* fleet.kill(hub)
            kills++
            // Started again after a short pause, while the chaos goes on.
            restarts.push(
              yield* Effect.sleep(between(200, 2_000)).pipe(
                Effect.andThen(fleet.start(hub)),
                Effect.andThen(Effect.sync(() => up.add(hub))),
                // In the test's scope: a fiber forked by the killer would be interrupted when the killer ends.
                Effect.forkScoped
              )
            )
          }
        }).pipe(Effect.fork)
        const restartPg = yield* Effect.gen(function*() {
          yield* Effect.sleep(between(chaosMillis * 0.3, chaosMillis * 0.7))
          // One process is killed just before, and started again while the database is down: it must wait
          // for it rather than exit.
          yield* waitUntil(() => "a hub process to be up", Effect.sync(() => up.size > 0), 60_000)
          const hub = [...up][Math.floor(random() * up.size)]!
          up.delete(hub)
          yield* fleet.kill(hub)
          kills++
          yield* cluster.stop(stopMode)
          const stoppedAt = Date.now()
          const starting = yield* fleet.start(hub).pipe(
            Effect.andThen(Effect.sync(() => up.add(hub))),
            Effect.forkScoped
          )
          yield* waitUntil(
            () => `hub ${hub.index} to start while the database is down`,
            Effect.sync(() => {
              const life = fleet.lives.find((l) => l.hub === hub.index && l.startedAt >= stoppedAt)
              return life !== undefined &&
                (life.exit !== undefined || life.lines.some((l) => l.includes("Waiting for the database")))
            }),
            60_000
          )
          restarts.push(starting)
          yield* Effect.sleep(between(300, 2_000))
          yield* cluster.start
          const startedWhileDown = fleet.lives.some((l) =>
            l.hub === hub.index && l.startedAt >= stoppedAt &&
            l.lines.some((line) => line.includes("Waiting for the database"))
          )
          return { at: stoppedAt - chaosStart, down: Date.now() - stoppedAt, startedWhileDown }
        }).pipe(Effect.orDie, Effect.fork)
        yield* Fiber.join(killer)
        const pgRestart = yield* Fiber.join(restartPg)
        yield* Effect.forEach(restarts, Fiber.join, { discard: true })
        changing = false
        const priceChanges = yield* Fiber.join(changes)
        const changesEnded = Date.now()

        // Settling: every account synced completely after the last change, and the delivery queue empty.
        const unexpectedExits = () =>
          fleet.lives.filter((life) => life.exit !== undefined && life.killedAt === undefined && !life.stopping)
        const failFast = Effect.suspend(() =>
          unexpectedExits().length === 0 ? Effect.void : Effect.dieMessage(
            `a hub process exited on its own:\n${
              unexpectedExits().map((l) => `pid ${l.pid} ${JSON.stringify(l.exit)}\n${l.lines.slice(-40).join("\n")}`)
                .join("\n")
            }`
          )
        )
        yield* waitUntil(
          () => "a complete sync of every account after the last price change",
          failFast.pipe(
            Effect.andThen(query<{ n: number }>(
              `select count(*)::int as n from spacesync.accounts
             where last_sync_outcome = 'succeeded' and last_sync_started_at > $1`,
              [new Date(changesEnded)]
            )),
            Effect.map((rows) => rows[0]!.n === accountsCount)
          ),
          60_000
        )
        yield* waitUntil(
          () => "the delivery queue to drain",
          failFast.pipe(
            Effect.andThen(query<{ n: number }>("select count(*)::int as n from spacesync.webhook_deliveries")),
            Effect.map((rows) => rows[0]!.n === 0)
          ),
          60_000
        )

        const settled = Date.now()

        // 1. Every event of each platform's feed reached each subscribed endpoint, signed.
        // What the hub finished otherwise than by a success: superseded (by which event) or failed.
        const finished = yield* query<{ endpoint_id: string; event_id: string; status: string; superseded_by: string }>(
          "select endpoint_id, event_id, status, superseded_by from spacesync.webhook_delivery_log where status <> 'succeeded'"
        )
        const superseded = new Map<string, Map<string, string>>()
        for (const row of finished.filter((r) => r.status === "superseded")) {
          const key = endpointKeys.get(row.endpoint_id) ?? row.endpoint_id
          superseded.set(key, (superseded.get(key) ?? new Map()).set(row.event_id, row.superseded_by))
        }
        const failedDeliveries = finished.filter((r) => r.status !== "superseded")
        const reports: Array<ReturnType<typeof Proofs.deliveryReport>[number]> = []
        const feedsOf = new Map<string, Array<Proofs.FeedEvent>>()
        for (const platform of platforms) {
          const events: Array<Proofs.FeedEvent> = []
          let after: string | null = null
          for (;;) {
            const page: { data: Array<Proofs.FeedEvent>; next: string | null } = yield* call(
              `${api}/v1/events?limit=500${after === null ? "" : `&after=${after}`}`,
              { token: platform.token }
            )
            events.push(...page.data)
            if (page.next === null || page.data.length === 0) break
            after = page.next
          }
          feedsOf.set(platform.name, events)
          reports.push(...Proofs.deliveryReport(events, platform.endpoints, receiver.deliveries, superseded))
        }

        // 2 and 4. Each location's price and version through its apiUrl, against the upstream and deliveries.
        const finals = yield* Effect.forEach(platforms, (platform) =>
          Effect.forEach(locations, (location) =>
            Effect.gen(function*() {
              const base = `${api}/v1/connections/${platform.connectionId}/locations/${location.locationId}`
              const prices = yield* call(`${base}/prices`, { token: platform.token })
              const price = prices.data.find((p: any) =>
                p.externalId === `${location.externalId}-p0`
              )
              return {
                platform: platform.name,
                location,
                version: prices.version as number,
                amount: price?.amount?.amount as string | undefined
              }
            })))
        const priceMismatches = finals.flat().filter((f) => f.amount !== lastPrice.get(f.location.externalId))
        const versionMismatches = platforms.flatMap((platform) =>
          platform.endpoints.flatMap((endpoint) => {
            const received = Proofs.receivedVersions(receiver.deliveries, endpoint.key)
            return finals.flat().filter((f) => f.platform === platform.name).flatMap((f) =>
              received.get(f.location.locationId) === f.version
                ? []
                : [{
                  endpoint: endpoint.key,
                  location: f.location.externalId,
                  hub: f.version,
                  received: received.get(f.location.locationId)
                }]
            )
          })
        )

        // 3. Sync intervals per account, from every process's logs.
        const { intervals, unpaired } = Proofs.syncIntervals(fleet.lives, Date.now())
        const overlapping = Proofs.overlaps(intervals)

        const logDir = process.env.SPACESYNC_CHAOS_LOGS
        if (logDir !== undefined && logDir !== "") {
          Fs.mkdirSync(logDir, { recursive: true })
          for (const life of fleet.lives) {
            Fs.writeFileSync(Path.join(logDir, `hub${life.hub}-${life.pid}.log`), life.lines.join("\n"))
          }
          Fs.writeFileSync(Path.join(logDir, "deliveries.json"), JSON.stringify(receiver.deliveries, null, 1))
          Fs.writeFileSync(Path.join(logDir, "postgres.log"), cluster.log())
        }

        // 5. Stop the fleet: every process exits cleanly on SIGTERM; none exited otherwise.
        yield* Effect.forEach(fleet.hubs, fleet.stop, { concurrency: "unbounded", discard: true })
        const unclean = fleet.lives.filter((life) =>
          life.killedAt === undefined && !(life.stopping && life.exit?.code === 0)
        )

        const totals = reports.reduce(
          (sum, r) => ({
            expected: sum.expected + r.expected,
            accepted: sum.accepted + r.accepted,
            duplicates: sum.duplicates + r.duplicates,
            attempts: sum.attempts + r.attempts,
            refused: sum.refused + r.refused,
            superseded: sum.superseded + r.superseded
          }),
          { expected: 0, accepted: 0, duplicates: 0, attempts: 0, refused: 0, superseded: 0 }
        )
        console.log(
          [
            `chaos: seed ${seed}; ${kills} SIGKILLs over ${fleet.lives.length} processes; PostgreSQL -m ${stopMode} at ${
              Math.round(pgRestart.at / 1000)
            } s for ${Math.round(pgRestart.down / 1000)} s${
              pgRestart.startedWhileDown ? ", a process started meanwhile" : ""
            }; ${priceChanges} price changes; ${intervals.length} sync runs, ${overlapping.length} overlapping (${
              intervals.filter((i) => i.endedBy === "killed").length
            } cut by a kill)`,
            `chaos: setup ${Math.round((chaosStart - began) / 1000)} s, chaos ${
              Math.round((changesEnded - chaosStart) / 1000)
            } s, settling ${Math.round((settled - changesEnded) / 1000)} s`,
            "endpoint   events  attempts  refused  accepted  superseded  duplicates  rate",
            ...reports.map((r) =>
              `${r.endpoint.padEnd(10)} ${String(r.expected).padStart(6)} ${String(r.attempts).padStart(9)} ${
                String(r.refused).padStart(8)
              } ${String(r.accepted).padStart(9)} ${String(r.superseded).padStart(11)} ${
                String(r.duplicates).padStart(11)
              }  ${(100 * r.duplicates / Math.max(1, r.expected)).toFixed(1)} %`
            ),
            `total      ${String(totals.expected).padStart(6)} ${String(totals.attempts).padStart(9)} ${
              String(totals.refused).padStart(8)
            } ${String(totals.accepted).padStart(9)} ${String(totals.superseded).padStart(11)} ${
              String(totals.duplicates).padStart(11)
            }  ${(100 * totals.duplicates / Math.max(1, totals.expected)).toFixed(1)} %`
          ].join("\n")
        )

        expect(reports.flatMap((r) => r.missing.map((id) => `${r.endpoint} ${id}`)), "events never delivered").toEqual(
          []
        )
        expect(failedDeliveries, "deliveries the hub gave up").toEqual([])
        expect(reports.map((r) => [r.endpoint, r.unverified]), "deliveries with a bad signature").toEqual(
          reports.map((r) => [r.endpoint, 0])
        )
        expect(reports.flatMap((r) => r.notInFeed), "deliveries of events not in the feed").toEqual([])
        expect(totals.expected, "events in the feeds").toBeGreaterThan(0)
        expect(priceMismatches.map((f) => [f.platform, f.location.externalId, f.amount]), "prices lost").toEqual([])
        expect(versionMismatches, "versions received short of the hub's").toEqual([])
        expect(unpaired, "sync log lines that do not pair up").toEqual([])
        expect(
          { count: overlapping.length, first: overlapping.slice(0, 3) },
          "runs of one account that overlapped"
        ).toEqual({ count: 0, first: [] })
        expect(intervals.length, "sync runs").toBeGreaterThan(accountsCount)
        expect(pgRestart.startedWhileDown, "a process started while PostgreSQL was down, and waited").toBe(true)
        expect(
          unclean.map((l) => ({ pid: l.pid, exit: l.exit, tail: l.lines.slice(-20) })),
          "processes that exited other than by the test's SIGKILL or a clean SIGTERM"
        ).toEqual([])
      }),
    { timeout: 300_000 }
  )
})
