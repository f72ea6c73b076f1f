/**
 * The platform developers' docs (docs/platforms) are tested: every code sample they include is a file of
 * examples/platform-client, included verbatim, and those files run here against a real hub. Every event
 * type is produced by a real change, delivered, verified with both samples, and the example body the docs
 * show for it has the shape of the delivered one.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import * as Webhook from "@spacesync/core/Webhook"
import { catchUp } from "@spacesync/example-platform-client/catchUp"
import { type Cached, fetchDataSet } from "@spacesync/example-platform-client/fetchDataSet"
import { receiver } from "@spacesync/example-platform-client/receiver"
import { getToken } from "@spacesync/example-platform-client/token"
import { verifyWithCore } from "@spacesync/example-platform-client/verifyWithCore"
import { verifyWithStandardWebhooks } from "@spacesync/example-platform-client/verifyWithStandardWebhooks"
import { Effect, Either, Schema } from "effect"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as TestHub from "../../packages/server/test/support/TestHub.js"
import { call, hub, waitFor } from "./support/Hub.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const docsDir = Path.join(root, "docs/platforms")
const docs = Fs.readdirSync(docsDir).filter((f) => f.endsWith(".md")).map((f) => ({
  name: f,
  text: Fs.readFileSync(Path.join(docsDir, f), "utf8")
}))

/** The code block right after each `<!-- sample: <path> -->` marker. */
const samples = (text: string) =>
  [...text.matchAll(/<!-- sample: (\S+) -->\s*```\w*\n([\s\S]*?)```/g)].map((m) => ({ path: m[1]!, code: m[2]! }))

/** The example body under each `### \`<type>\`` heading of events.md. */
const documentedEvents = (text: string) =>
  new Map(
    [...text.matchAll(/^### `([a-z.]+)`[\s\S]*?```json\n([\s\S]*?)```/gm)].map((m) => [m[1]!, JSON.parse(m[2]!)])
  )

/** A value's shape: object keys, array element shapes and primitive types, without the values. */
const shape = (value: unknown): unknown => {
  if (value === null) return "null"
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])]
  if (typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as any)[k])]))
  }
  return typeof value
}

const serve = (handler: Http.RequestListener | Http.Server) =>
  Effect.acquireRelease(
    Effect.async<Http.Server>((resume) => {
      const server = handler instanceof Http.Server ? handler : Http.createServer(handler)
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`))

describe("docs/platforms", () => {
  it("include their code samples verbatim from examples/platform-client", () => {
    const included = docs.flatMap((doc) => samples(doc.text).map((s) => ({ ...s, doc: doc.name })))
    expect(included.length).toBeGreaterThanOrEqual(6)
    for (const sample of included) {
      expect(Fs.readFileSync(Path.join(root, sample.path), "utf8"), `${sample.doc}: ${sample.path}`).toBe(sample.code)
    }
  })

  it("document every event type with an example body that decodes as an event", () => {
    const events = documentedEvents(docs.find((d) => d.name === "events.md")!.text)
    expect([...events.keys()].sort()).toEqual([...Webhook.WebhookEvent.fields.type.literals].sort())
    for (const [type, body] of events) {
      expect(Schema.decodeUnknownSync(Webhook.WebhookEvent)(body).type).toBe(type)
    }
  })
})

layer(hub, { timeout: 120_000, excludeTestServices: true })("docs/platforms against a hub", (it) => {
  it.scoped("their samples run against a hub: every event type delivered, verified twice, fetched, caught up", () =>
    Effect.gen(function*() {
      const hubUrl = yield* TestHub.baseUrl
      const feed = { locations: [Fixtures.locationSource("berlin-1"), Fixtures.locationSource("berlin-2")] }
      const feedUrl = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(feed))
      })
      const raw: Array<{ headers: Http.IncomingHttpHeaders; body: string }> = []
      const rawUrl = yield* serve((req, res) => {
        let body = ""
        req.on("data", (c) => (body += c))
        req.on("end", () => {
          raw.push({ headers: req.headers, body })
          res.writeHead(204).end()
        })
      })
      let secret = ""
      const handled: Array<Webhook.WebhookEvent> = []
      const sampleUrl = yield* serve(receiver({ secrets: () => [secret], handle: (event) => handled.push(event) }))

      const platform = (yield* call("/admin/platforms", {
        token: TestHub.adminToken,
        body: { name: "Desks.example", authorizationUrl: "https://desks.example/connect" }
      })).json
      const operator = (yield* call("/admin/operators", { token: TestHub.adminToken, body: { name: "Spaces" } })).json
      const account = (yield* call("/operator/accounts", {
        token: operator.apiKey,
        body: { name: "Feed", adapter: "feed", credentials: { url: `${feedUrl}/feed.json` } }
      })).json
      const sync = () =>
        call(`/operator/accounts/${account.accountId}/sync`, { token: operator.apiKey, method: "POST" })
      yield* sync()
      const locations = (yield* call(`/operator/accounts/${account.accountId}/locations`, { token: operator.apiKey }))
        .json.data as Array<{ locationId: string; externalId: string }>

      // token.ts
      const token = yield* Effect.promise(() => getToken(hubUrl, platform.clientId, platform.clientSecret))
      expect(token.accessToken.length).toBeGreaterThan(10)
      expect(token.expiresAt).toBeGreaterThan(Date.now())

      const rawEndpoint = (yield* call("/v1/webhook-endpoints", { token: token.accessToken, body: { url: rawUrl } }))
        .json
      const sampleEndpoint = (yield* call("/v1/webhook-endpoints", {
        token: token.accessToken,
        body: { url: `${sampleUrl}/hooks` }
      })).json
      secret = sampleEndpoint.secret

      const connection = (yield* call("/operator/connections", {
        token: operator.apiKey,
        body: { platformId: platform.platformId, locationIds: locations.map((l) => l.locationId) }
      })).json
      const activated = yield* call(`/v1/connections/${connection.connectionId}/activate`, {
        token: token.accessToken,
        body: {
          state: new URL(connection.authorizeUrl).searchParams.get("state"),
          listings: locations.map((l) => ({ locationId: l.locationId, listingId: `listing-${l.externalId}` }))
        }
      })
      expect(activated.status).toBe(200)

      // One change of each kind upstream.
      const berlin1 = feed.locations[0] as any
      berlin1.prices[0].amount = { amount: "99.00", currency: "EUR" }
      yield* sync()
      berlin1.resources[0].name = "Renamed room"
      yield* sync()
      berlin1.location.name = "Berlin One, renamed"
      yield* sync()
      feed.locations.splice(1, 1)
      yield* sync()
      yield* call(`/v1/connections/${connection.connectionId}`, { token: token.accessToken, method: "DELETE" })

      const types = [...Webhook.WebhookEvent.fields.type.literals]
      const byType = new Map<string, { headers: Http.IncomingHttpHeaders; body: string }>()
      yield* waitFor(() => {
        for (const hook of raw) byType.set(JSON.parse(hook.body).type, hook)
        return types.every((t) => byType.has(t)) ? true : undefined
      }, 30_000)

      // verifyWithStandardWebhooks.ts and verifyWithCore.ts accept every delivery and reject a tampered one.
      for (const hook of byType.values()) {
        const headers = {
          "webhook-id": String(hook.headers["webhook-id"]),
          "webhook-timestamp": String(hook.headers["webhook-timestamp"]),
          "webhook-signature": String(hook.headers["webhook-signature"])
        }
        expect(verifyWithStandardWebhooks(rawEndpoint.secret, hook.body, headers)).toEqual(JSON.parse(hook.body))
        const byCore = verifyWithCore([rawEndpoint.secret], hook.body, headers)
        expect(Either.getOrThrow(byCore).data.eventId).toBe(headers["webhook-id"])
        expect(() => verifyWithStandardWebhooks(rawEndpoint.secret, `${hook.body} `, headers)).toThrow()
        const tampered = verifyWithCore([rawEndpoint.secret], `${hook.body} `, headers)
        expect(Either.isLeft(tampered) && tampered.left.reason).toBe("InvalidSignature")
      }

      // The documented example bodies have the delivered bodies' shapes.
      const documented = documentedEvents(docs.find((d) => d.name === "events.md")!.text)
      for (const [type, hook] of byType) {
        expect(shape(documented.get(type)), type).toEqual(shape(JSON.parse(hook.body)))
      }

      // receiver.ts handled each event once, as delivered to its own endpoint.
      yield* waitFor(() => (handled.length >= raw.length ? true : undefined))
      expect(new Set(handled.map((e) => e.data.eventId)).size).toBe(handled.length)
      expect(new Set(handled.map((e) => e.type))).toEqual(new Set(types))

      // fetchDataSet.ts: 200 with an ETag, then 304 from the cache. (The connection is revoked by now, so
      // a new one serves the apiUrl.)
      const again = (yield* call("/operator/connections", {
        token: operator.apiKey,
        body: { platformId: platform.platformId, locationIds: [locations[0]!.locationId] }
      })).json
      yield* call(`/v1/connections/${again.connectionId}/activate`, {
        token: token.accessToken,
        body: {
          state: new URL(again.authorizeUrl).searchParams.get("state"),
          listings: [{ locationId: locations[0]!.locationId, listingId: "listing-berlin-1" }]
        }
      })
      const apiUrl = `${hubUrl}/v1/connections/${again.connectionId}/locations/${locations[0]!.locationId}/prices`
      const cache = new Map<string, Cached>()
      const first = yield* Effect.promise(() => fetchDataSet(apiUrl, token.accessToken, cache))
      expect(first.status).toBe(200)
      expect(JSON.stringify(first.body)).toContain("99.00")
      const second = yield* Effect.promise(() => fetchDataSet(apiUrl, token.accessToken, cache))
      expect(second).toEqual({ status: 304, body: first.body })

      // catchUp.ts: every event the feed holds, in order, and a cursor that resumes after them.
      const seen: Array<string> = []
      const cursor = yield* Effect.promise(() =>
        catchUp(hubUrl, token.accessToken, null, async (event) => void seen.push(event.data.eventId))
      )
      const delivered = new Set(raw.map((h) => String(h.headers["webhook-id"])))
      for (const id of delivered) expect(seen).toContain(id)
      expect(cursor).not.toBeNull()
      const after: Array<string> = []
      expect(
        yield* Effect.promise(() =>
          catchUp(hubUrl, token.accessToken, cursor, async (event) => void after.push(event.data.eventId))
        )
      ).toBe(cursor)
      expect(after).toEqual([])
    }))
})
