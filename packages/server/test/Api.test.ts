import { describe, expect, it } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import type { Ids } from "@spacesync/core"
import { MemoryUpstream } from "@spacesync/core/testing"
import { Effect } from "effect"
import * as Net from "node:net"
import * as oauth from "oauth4webapi"
import * as TestHub from "./support/TestHub.js"

const upstream = MemoryUpstream.makeUpstream("memory-token")
for (let i = 0; i < 3; i++) upstream.locations.set(`L${i}`, Fixtures.locationSource(`L${i}`) as any)

const json = (body: unknown, token?: string, method = "POST"): RequestInit => ({
  method,
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body)
})
const auth = (token: string, method = "GET"): RequestInit => ({ method, headers: { authorization: `Bearer ${token}` } })
const admin = TestHub.adminToken

/** Everything a scenario needs: a platform with a token, an operator with a synced account, a connection. */
const world = Effect.gen(function*() {
  const platform = (yield* TestHub.fetchHub(
    "/admin/platforms",
    json({ name: "Listings", authorizationUrl: "https://listings.example/authorize?x=1" }, admin)
  )).json
  const operator = (yield* TestHub.fetchHub("/admin/operators", json({ name: "Op" }, admin))).json
  const account = (yield* TestHub.fetchHub(
    "/operator/accounts",
    json({ name: "Main", adapter: "memory", credentials: { token: "memory-token" } }, operator.apiKey)
  )).json
  const sync = yield* TestHub.fetchHub(`/operator/accounts/${account.accountId}/sync`, auth(operator.apiKey, "POST"))
  const locations =
    (yield* TestHub.fetchHub(`/operator/accounts/${account.accountId}/locations`, auth(operator.apiKey)))
      .json.data
  const token = (yield* TestHub.fetchHub("/oauth/token", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${platform.clientId}:${platform.clientSecret}`).toString("base64")}`
    },
    body: "grant_type=client_credentials"
  })).json.access_token as string
  return { platform, operator, account, sync, locations, token }
})

/** A connection of the world's platform to its first location, activated. */
const connected = (w: Effect.Effect.Success<typeof world>) =>
  Effect.gen(function*() {
    const created = (yield* TestHub.fetchHub(
      "/operator/connections",
      json({ platformId: w.platform.platformId, locationIds: [w.locations[0].locationId] }, w.operator.apiKey)
    )).json
    const state = new URL(created.authorizeUrl).searchParams.get("state")!
    const activated = yield* TestHub.fetchHub(
      `/v1/connections/${created.connectionId}/activate`,
      json({ state, listings: [{ locationId: w.locations[0].locationId, listingId: "p-77" }] }, w.token)
    )
    return { connectionId: created.connectionId as Ids.ConnectionId, created, activated, state }
  })

describe("hub API", () => {
  it.layer(TestHub.layer([MemoryUpstream.adapter(upstream)], { SPACESYNC_TOKEN_RATE_PER_CLIENT: "1000" }), {
    timeout: 120_000
  })((it) => {
    it.effect("admin: creates, lists and deletes platforms and operators; secrets are shown once", () =>
      Effect.gen(function*() {
        const created = yield* TestHub.fetchHub(
          "/admin/platforms",
          json({ name: "P", authorizationUrl: "https://p.example/auth" }, admin)
        )
        expect(created.status).toBe(201)
        expect(created.json).toEqual({
          platformId: expect.stringMatching(/^plt_/),
          clientId: expect.stringMatching(/^cli_/),
          clientSecret: expect.stringMatching(/^cs_/)
        })
        const list = yield* TestHub.fetchHub("/admin/platforms", auth(admin))
        const listed = list.json.data.find((p: any) => p.platformId === created.json.platformId)
        expect(listed).toMatchObject({
          name: "P",
          authorizationUrl: "https://p.example/auth",
          clientId: created.json.clientId
        })
        expect(JSON.stringify(list.json)).not.toContain(created.json.clientSecret)
        const op = yield* TestHub.fetchHub("/admin/operators", json({ name: "O" }, admin))
        expect(op.status).toBe(201)
        expect(op.json.apiKey).toMatch(/^sk_op_/)
        expect((yield* TestHub.fetchHub(`/admin/operators/${op.json.operatorId}`, auth(admin, "DELETE"))).status).toBe(
          204
        )
        expect((yield* TestHub.fetchHub(`/admin/operators/${op.json.operatorId}`, auth(admin, "DELETE"))).status).toBe(
          404
        )
        expect((yield* TestHub.fetchHub(`/admin/platforms/${created.json.platformId}`, auth(admin, "DELETE"))).status)
          .toBe(204)
        // The deleted operator's key no longer works.
        expect((yield* TestHub.fetchHub("/operator/accounts", auth(op.json.apiKey))).status).toBe(401)
      }))

    it.effect("admin routes need the admin token; bad input is a 400 problem naming the paths", () =>
      Effect.gen(function*() {
        const none = yield* TestHub.fetchHub("/admin/platforms")
        expect(none.status).toBe(401)
        expect(none.headers.get("content-type")).toBe("application/problem+json")
        expect(none.json).toMatchObject({ type: expect.any(String), title: "Unauthorized", status: 401 })
        expect((yield* TestHub.fetchHub("/admin/platforms", auth("sk_op_nope"))).status).toBe(401)
        const bad = yield* TestHub.fetchHub(
          "/admin/platforms",
          json({ name: "", authorizationUrl: "ftp://x", extra: true }, admin)
        )
        expect(bad.status).toBe(400)
        expect(bad.json).toMatchObject({ status: 400, title: "Invalid request" })
        const paths = bad.json.errors.map((e: any) => e.path)
        expect(paths).toEqual(expect.arrayContaining(["extra"]))
        const malformed = yield* TestHub.fetchHub("/admin/operators", {
          method: "POST",
          headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
          body: "{not json"
        })
        expect(malformed.status).toBe(400)
        expect(malformed.headers.get("content-type")).toBe("application/problem+json")
      }))

    it.effect("operator: adds an account (credentials validated, encrypted), syncs it and lists its locations", () =>
      Effect.gen(function*() {
        const w = yield* world
        expect(w.account).toEqual({
          accountId: expect.stringMatching(/^acc_/),
          webhookUrl: expect.stringMatching(new RegExp(`/upstream/${w.account.accountId}/webhooks$`))
        })
        expect(w.sync.status).toBe(200)
        expect(w.sync.json).toMatchObject({ locations: 3, events: 9, outcome: "succeeded" })
        expect(w.locations).toHaveLength(3)
        expect(w.locations[0]).toMatchObject({ externalId: "L0", name: "Workspace L0", version: 1, deleted: false })
        const again = yield* TestHub.fetchHub(
          `/operator/accounts/${w.account.accountId}/sync`,
          auth(w.operator.apiKey, "POST")
        )
        expect(again.json).toMatchObject({ locations: 3, events: 0 })
        const bad = yield* TestHub.fetchHub(
          "/operator/accounts",
          json({ name: "X", adapter: "memory", credentials: { token: 42 } }, w.operator.apiKey)
        )
        expect(bad.status).toBe(400)
        expect(bad.json.errors).toEqual([{ path: "credentials.token", message: expect.any(String) }])
        const unknown = yield* TestHub.fetchHub(
          "/operator/accounts",
          json({ name: "X", adapter: "nexus", credentials: {} }, w.operator.apiKey)
        )
        expect(unknown.status).toBe(400)
        expect(unknown.json.errors[0].path).toBe("adapter")
        const view = yield* TestHub.fetchHub(`/operator/accounts/${w.account.accountId}`, auth(w.operator.apiKey))
        expect(view.json).toMatchObject({ adapter: "memory", status: "active", lastSync: { outcome: "succeeded" } })
        expect(view.text).not.toContain("memory-token")
      }))

    it.effect("oauth: client_secret_basic with an OAuth library, client_secret_post, scopes and RFC 6749 errors", () =>
      Effect.gen(function*() {
        const w = yield* world
        const base = yield* TestHub.baseUrl
        // A token obtained by oauth4webapi, an OAuth client written by others.
        const as: oauth.AuthorizationServer = { issuer: base, token_endpoint: `${base}/oauth/token` }
        const client: oauth.Client = { client_id: w.platform.clientId }
        const granted = yield* Effect.promise(async () => {
          const response = await oauth.clientCredentialsGrantRequest(
            as,
            client,
            oauth.ClientSecretBasic(w.platform.clientSecret),
            new URLSearchParams({ scope: "locations:read" }),
            { [oauth.allowInsecureRequests]: true }
          )
          return oauth.processClientCredentialsResponse(as, client, response)
        })
        expect(granted).toMatchObject({ token_type: "bearer", scope: "locations:read" })
        expect(granted.expires_in).toBeLessThanOrEqual(3600)
        const form = (body: Record<string, string>) =>
          TestHub.fetchHub("/oauth/token", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(body).toString()
          })
        const post = yield* form({
          grant_type: "client_credentials",
          client_id: w.platform.clientId,
          client_secret: w.platform.clientSecret
        })
        expect(post.status).toBe(200)
        expect(post.json).toMatchObject({ token_type: "Bearer", expires_in: 900 })
        expect(post.json.scope.split(" ").sort()).toEqual(["connections:manage", "locations:read", "webhooks:manage"])
        expect(post.headers.get("cache-control")).toBe("no-store")
        const wrong = yield* form({
          grant_type: "client_credentials",
          client_id: w.platform.clientId,
          client_secret: "x"
        })
        expect(wrong.status).toBe(401)
        expect(wrong.json.error).toBe("invalid_client")
        const grant = yield* form({ grant_type: "password", client_id: w.platform.clientId, client_secret: "x" })
        expect(grant.status).toBe(400)
        expect(grant.json).toEqual({ error: "unsupported_grant_type", error_description: expect.any(String) })
        const scope = yield* form({
          grant_type: "client_credentials",
          client_id: w.platform.clientId,
          client_secret: w.platform.clientSecret,
          scope: "locations:write"
        })
        expect(scope.json.error).toBe("invalid_scope")
        // A token with only locations:read cannot manage connections.
        const readOnly = granted.access_token
        expect((yield* TestHub.fetchHub("/v1/events", auth(readOnly))).status).toBe(200)
        const forbidden = yield* TestHub.fetchHub(
          "/v1/connections/con_x/activate",
          json({ state: "s", listings: [] }, readOnly)
        )
        expect(forbidden.status).toBe(403)
        expect((yield* TestHub.fetchHub("/v1/events", auth("at_unknown"))).status).toBe(401)
        expect((yield* TestHub.fetchHub("/v1/events")).status).toBe(401)
      }))

    it.effect("connections: pending → authorizeUrl → activate with the single-use state → active, with events", () =>
      Effect.gen(function*() {
        const w = yield* world
        const created = yield* TestHub.fetchHub(
          "/operator/connections",
          json({ platformId: w.platform.platformId, locationIds: [w.locations[0].locationId] }, w.operator.apiKey)
        )
        expect(created.status).toBe(201)
        expect(created.json.status).toBe("pending")
        const url = new URL(created.json.authorizeUrl)
        expect(url.origin + url.pathname).toBe("https://listings.example/authorize")
        expect(url.searchParams.get("x")).toBe("1")
        expect(url.searchParams.get("connection_id")).toBe(created.json.connectionId)
        const state = url.searchParams.get("state")!
        const path = `/v1/connections/${created.json.connectionId}/activate`
        // While pending, the platform can read it by id (to let its user map the locations), but it is not
        // listed and its data routes answer 404.
        const pending = yield* TestHub.fetchHub(`/v1/connections/${created.json.connectionId}`, auth(w.token))
        expect(pending.json).toMatchObject({
          status: "pending",
          locations: [{ locationId: w.locations[0].locationId }]
        })
        expect((yield* TestHub.fetchHub("/v1/connections", auth(w.token))).json.data).toEqual([])
        expect(
          (yield* TestHub.fetchHub(
            `/v1/connections/${created.json.connectionId}/locations/${w.locations[0].locationId}`,
            auth(w.token)
          )).status
        ).toBe(404)
        const wrong = yield* TestHub.fetchHub(path, json({ state: "st_wrong", listings: [] }, w.token))
        expect(wrong.status).toBe(400)
        expect(wrong.headers.get("content-type")).toBe("application/problem+json")
        expect(wrong.json).toMatchObject({ status: 400, title: "Bad Request", detail: "Invalid or expired state" })
        expect(wrong.json.errors).toEqual([{
          path: "state",
          message: "Does not match this connection's authorization state, or has expired"
        }])
        // A listing for a location outside the connection names its path; nothing changes.
        const outside = yield* TestHub.fetchHub(
          path,
          json({ state, listings: [{ locationId: w.locations[1].locationId, listingId: "p-1" }] }, w.token)
        )
        expect(outside.status).toBe(400)
        expect(outside.json).toMatchObject({
          detail: "Unknown locations in listings",
          errors: [{
            path: "listings.0.locationId",
            message: `Location ${w.locations[1].locationId} is not part of this connection`
          }]
        })
        const listings = [{ locationId: w.locations[0].locationId, listingId: "p-77" }]
        const ok = yield* TestHub.fetchHub(path, json({ state, listings }, w.token))
        expect(ok.status).toBe(200)
        expect(ok.json).toEqual({ connectionId: created.json.connectionId, status: "active", locations: listings })
        const reused = yield* TestHub.fetchHub(path, json({ state, listings }, w.token))
        expect(reused.status).toBe(409)
        expect(reused.json).toMatchObject({
          title: "Conflict",
          detail: `Connection ${created.json.connectionId} is active; its state was already used`
        })
        const feed = (yield* TestHub.fetchHub("/v1/events", auth(w.token))).json
        const mine = feed.data.filter((e: any) => e.data.connectionId === created.json.connectionId)
        expect(mine.map((e: any) => [e.type, e.data.fullResync])).toEqual([
          ["connection.activated", false],
          ["location.created", true]
        ])
        expect(mine[1].data).toMatchObject({ locationId: w.locations[0].locationId, listingId: "p-77", version: 1 })
        const listed = (yield* TestHub.fetchHub("/v1/connections", auth(w.token))).json.data
        expect(listed.find((c: any) => c.connectionId === created.json.connectionId)).toMatchObject({
          status: "active",
          locations: listings
        })
        // A second connection to the same platform for the same location is refused.
        const twice = yield* TestHub.fetchHub(
          "/operator/connections",
          json({ platformId: w.platform.platformId, locationIds: [w.locations[0].locationId] }, w.operator.apiKey)
        )
        expect(twice.status).toBe(409)
        expect(twice.json.detail).toBe(
          `Location ${
            w.locations[0].locationId
          } is already in connection ${created.json.connectionId} with this platform`
        )
        // Unknown locations and platforms are 404s naming them.
        const unknownLocation = yield* TestHub.fetchHub(
          "/operator/connections",
          json({ platformId: w.platform.platformId, locationIds: ["loc_unknown"] }, w.operator.apiKey)
        )
        expect(unknownLocation.status).toBe(404)
        expect(unknownLocation.json.detail).toBe("Location loc_unknown not found")
        const unknownPlatform = yield* TestHub.fetchHub(
          "/operator/connections",
          json({ platformId: "plt_unknown", locationIds: [w.locations[1].locationId] }, w.operator.apiKey)
        )
        expect(unknownPlatform.status).toBe(404)
        expect(unknownPlatform.json.detail).toBe("Platform plt_unknown not found")
        // Revoked by the operator: connection.revoked is still delivered, data routes close.
        const revoked = yield* TestHub.fetchHub(
          `/operator/connections/${created.json.connectionId}`,
          auth(w.operator.apiKey, "DELETE")
        )
        expect(revoked.json.status).toBe("revoked")
        const after = (yield* TestHub.fetchHub(`/v1/events?after=${feed.next}`, auth(w.token))).json
        expect(after.data.map((e: any) => e.type)).toEqual(["connection.revoked"])
        const closed = yield* TestHub.fetchHub(
          `/v1/connections/${created.json.connectionId}/locations/${w.locations[0].locationId}`,
          auth(w.token)
        )
        expect(closed.status).toBe(404)
      }))

    it.effect("data routes: location, resources, prices and snapshot with strong ETags and 304", () =>
      Effect.gen(function*() {
        const w = yield* world
        const { connectionId } = yield* connected(w)
        const base = `/v1/connections/${connectionId}/locations/${w.locations[0].locationId}`
        const location = yield* TestHub.fetchHub(base, auth(w.token))
        expect(location.status).toBe(200)
        expect(location.json).toMatchObject({ version: 1, data: { id: w.locations[0].locationId, externalId: "L0" } })
        const etag = location.headers.get("etag")!
        expect(etag).toMatch(/^"[0-9a-f]{64}"$/)
        const notModified = yield* TestHub.fetchHub(base, {
          headers: { authorization: `Bearer ${w.token}`, "if-none-match": etag }
        })
        expect(notModified.status).toBe(304)
        expect(notModified.headers.get("etag")).toBe(etag)
        const resources = yield* TestHub.fetchHub(`${base}/resources`, auth(w.token))
        expect(resources.json.data).toHaveLength(3)
        const prices = yield* TestHub.fetchHub(`${base}/prices`, auth(w.token))
        expect(prices.json.data[0].amount).toEqual({ amount: expect.stringMatching(/^\d+\.\d\d$/), currency: "EUR" })
        const snapshot = yield* TestHub.fetchHub(`${base}/snapshot`, auth(w.token))
        expect(snapshot.json).toMatchObject({ version: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) })
        expect(snapshot.headers.get("etag")).toBe(`"${snapshot.json.hash}"`)
        // A resource map adds listingResourceId and changes the resources ETag.
        const room = resources.json.data[0].id
        const map = yield* TestHub.fetchHub(`${base}/resource-map`, json({ [room]: "room-3" }, w.token, "PUT"))
        expect(map.status).toBe(200)
        const mapped = yield* TestHub.fetchHub(`${base}/resources`, auth(w.token))
        expect(mapped.json.data.find((r: any) => r.id === room).listingResourceId).toBe("room-3")
        expect(mapped.headers.get("etag")).not.toBe(resources.headers.get("etag"))
        const badMap = yield* TestHub.fetchHub(`${base}/resource-map`, json({ res_notmine: "x" }, w.token, "PUT"))
        expect(badMap.status).toBe(400)
        expect(badMap.json).toMatchObject({
          detail: "Unknown resources in the map",
          errors: [{ path: "res_notmine", message: `Not a resource of location ${w.locations[0].locationId}` }]
        })
        // Keys that are not resource ids at all, and bodies that are not a JSON object, are refused too.
        const notIds = yield* TestHub.fetchHub(
          `${base}/resource-map`,
          json({ "room 3": "x", [room]: "r" }, w.token, "PUT")
        )
        expect(notIds.status).toBe(400)
        expect(notIds.json.errors).toContainEqual({ path: "room 3", message: expect.stringContaining("resource id") })
        for (
          const init of [
            { body: "not json", type: "application/json" },
            { body: "room=3", type: "application/x-www-form-urlencoded" },
            { body: "[1]", type: "application/json" }
          ]
        ) {
          const refused = yield* TestHub.fetchHub(`${base}/resource-map`, {
            method: "PUT",
            headers: { authorization: `Bearer ${w.token}`, "content-type": init.type },
            body: init.body
          })
          expect(refused.status, init.body).toBeGreaterThanOrEqual(400)
          expect(refused.status, init.body).toBeLessThan(500)
        }
        // The refused maps left the stored one.
        expect((yield* TestHub.fetchHub(`${base}/resources`, auth(w.token))).headers.get("etag")).toBe(
          mapped.headers.get("etag")
        )
        expect(
          (yield* TestHub.fetchHub(`${base}/resources`, auth(w.token))).json.data.find((r: any) => r.id === room)
            .listingResourceId
        ).toBe("room-3") // An upstream change raises the version and changes the ETag.
        ;(upstream.locations.get("L0") as any).location.name = "Renamed"
        yield* TestHub.fetchHub(`/operator/accounts/${w.account.accountId}/sync`, auth(w.operator.apiKey, "POST"))
        const changed = yield* TestHub.fetchHub(base, {
          headers: { authorization: `Bearer ${w.token}`, "if-none-match": etag }
        })
        expect(changed.status).toBe(200)
        expect(changed.json).toMatchObject({ version: 2, data: { name: "Renamed" } })
        ;(upstream.locations.get("L0") as any).location.name = "Workspace L0"
      }))

    it.effect("upstream webhooks: verified by the adapter → coalesced re-sync (202); bad signature 401; over 1 MB 413", () =>
      Effect.gen(function*() {
        const w = yield* world
        const path = `/upstream/${w.account.accountId}/webhooks`
        const body = JSON.stringify({ locations: ["L1"] })
        const ok = yield* TestHub.fetchHub(path, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-memory-signature": MemoryUpstream.signWebhook("memory-token", body)
          },
          body
        })
        expect(ok.status).toBe(202)
        expect(ok.json).toEqual({ accepted: true, locations: ["L1"] })
        const bad = yield* TestHub.fetchHub(path, {
          method: "POST",
          headers: { "content-type": "application/json", "x-memory-signature": "00" },
          body
        })
        expect(bad.status).toBe(401)
        const big = "x".repeat(1024 * 1024 + 10)
        const tooLarge = yield* TestHub.fetchHub(path, { method: "POST", body: big })
        expect(tooLarge.status).toBe(413)
        expect((yield* TestHub.fetchHub(`/upstream/acc_unknown/webhooks`, { method: "POST", body })).status).toBe(404)
      }))

    it.effect("tenant isolation: every /operator and /v1 route answers 404 for another tenant's ids", () =>
      Effect.gen(function*() {
        const a = yield* world
        const b = yield* world
        const con = yield* connected(a)
        const loc = a.locations[0].locationId
        // Operator B walks operator A's ids.
        const operatorRoutes: Array<[string, string, unknown?]> = [
          ["GET", `/operator/accounts/${a.account.accountId}`],
          ["POST", `/operator/accounts/${a.account.accountId}/sync`],
          ["GET", `/operator/accounts/${a.account.accountId}/locations`],
          ["DELETE", `/operator/connections/${con.connectionId}`],
          ["POST", "/operator/connections", { platformId: b.platform.platformId, locationIds: [loc] }]
        ]
        for (const [method, path, body] of operatorRoutes) {
          const res = yield* TestHub.fetchHub(
            path,
            body === undefined ? auth(b.operator.apiKey, method) : json(body, b.operator.apiKey, method)
          )
          expect([path, res.status]).toEqual([path, 404])
        }
        // Platform B walks platform A's connection.
        const v1 = `/v1/connections/${con.connectionId}`
        const platformRoutes: Array<[string, string, unknown?]> = [
          ["GET", v1],
          ["DELETE", v1],
          ["POST", `${v1}/activate`, { state: con.state, listings: [] }],
          ["PUT", `${v1}/locations/${loc}/resource-map`, {}],
          ["GET", `${v1}/locations/${loc}`],
          ["GET", `${v1}/locations/${loc}/resources`],
          ["GET", `${v1}/locations/${loc}/prices`],
          ["GET", `${v1}/locations/${loc}/snapshot`]
        ]
        for (const [method, path, body] of platformRoutes) {
          const res = yield* TestHub.fetchHub(
            path,
            body === undefined ? auth(b.token, method) : json(body, b.token, method)
          )
          expect([path, res.status]).toEqual([path, 404])
          expect(res.json.detail).toMatch(/ not found$/)
        }
        // Platform A cannot reach a location outside its connection through its own connection.
        const other = a.locations[1].locationId
        expect((yield* TestHub.fetchHub(`${v1}/locations/${other}`, auth(a.token))).status).toBe(404)
        // B's feed does not contain A's events.
        const feed = (yield* TestHub.fetchHub("/v1/events", auth(b.token))).json
        expect(feed.data.some((e: any) => e.data.connectionId === con.connectionId)).toBe(false)
        // Still intact for A.
        expect((yield* TestHub.fetchHub(`${v1}/locations/${loc}`, auth(a.token))).status).toBe(200)
      }))

    it.effect("webhook endpoints: create (secret once), list, update, rotate, deliveries, recover, resend; scoped per platform", () =>
      Effect.gen(function*() {
        const w = yield* world
        const other = yield* world
        const created = yield* TestHub.fetchHub(
          "/v1/webhook-endpoints",
          json({ url: "https://hooks.example/in", description: "main" }, w.token)
        )
        expect(created.status).toBe(201)
        expect(created.json).toMatchObject({
          id: expect.stringMatching(/^ep_/),
          url: "https://hooks.example/in",
          eventTypes: null,
          status: "enabled",
          secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/)
        })
        const id = created.json.id
        const listed = (yield* TestHub.fetchHub("/v1/webhook-endpoints", auth(w.token))).json.data
        expect(listed.map((e: any) => e.id)).toEqual([id])
        expect(JSON.stringify(listed)).not.toContain(created.json.secret)
        const patched = yield* TestHub.fetchHub(
          `/v1/webhook-endpoints/${id}`,
          json({ eventTypes: ["pricing.updated", "location.deleted"] }, w.token, "PATCH")
        )
        expect(patched.json.eventTypes).toEqual(["pricing.updated", "location.deleted"])
        const rotated = yield* TestHub.fetchHub(`/v1/webhook-endpoints/${id}/rotate-secret`, auth(w.token, "POST"))
        expect(rotated.json.secret).toMatch(/^whsec_/)
        expect(rotated.json.secret).not.toBe(created.json.secret)
        const deliveries = yield* TestHub.fetchHub(
          `/v1/webhook-endpoints/${id}/deliveries?status=failed`,
          auth(w.token)
        )
        expect(deliveries.json).toEqual({ data: [], next: null })
        const badStatus = yield* TestHub.fetchHub(`/v1/webhook-endpoints/${id}/deliveries?status=nope`, auth(w.token))
        expect(badStatus.status).toBe(400)
        const recovered = yield* TestHub.fetchHub(
          `/v1/webhook-endpoints/${id}/recover`,
          json({ since: "2026-01-01T00:00:00Z" }, w.token)
        )
        expect(recovered.json).toEqual({ requeued: 0 })
        expect((yield* TestHub.fetchHub("/v1/deliveries/dlv_unknown/resend", auth(w.token, "POST"))).status).toBe(404)
        const invalid = yield* TestHub.fetchHub("/v1/webhook-endpoints", json({ url: "ftp://x" }, w.token))
        expect(invalid.status).toBe(400)
        expect(invalid.headers.get("content-type")).toBe("application/problem+json")
        const unknownField = yield* TestHub.fetchHub(
          "/v1/webhook-endpoints",
          json({ url: "https://x.example", secret: "mine" }, w.token)
        )
        expect(unknownField.status).toBe(400)
        expect(unknownField.json.errors[0].path).toBe("secret")
        // Another platform sees none of it.
        for (
          const [method, path] of [
            ["GET", `/v1/webhook-endpoints/${id}`],
            ["PATCH", `/v1/webhook-endpoints/${id}`],
            ["DELETE", `/v1/webhook-endpoints/${id}`],
            ["POST", `/v1/webhook-endpoints/${id}/rotate-secret`],
            ["GET", `/v1/webhook-endpoints/${id}/deliveries`],
            ["POST", `/v1/webhook-endpoints/${id}/recover`]
          ] as const
        ) {
          const body = method === "PATCH"
            ? {}
            : method === "POST" && path.endsWith("recover")
            ? { since: "2026-01-01T00:00:00Z" }
            : undefined
          const res = yield* TestHub.fetchHub(
            path,
            body === undefined ? auth(other.token, method) : json(body, other.token, method)
          )
          expect([path, method, res.status]).toEqual([path, method, 404])
        }
        expect((yield* TestHub.fetchHub("/v1/webhook-endpoints", auth(other.token))).json.data).toEqual([])
        expect((yield* TestHub.fetchHub(`/v1/webhook-endpoints/${id}`, auth(w.token, "DELETE"))).status).toBe(204)
        expect((yield* TestHub.fetchHub(`/v1/webhook-endpoints/${id}`, auth(w.token))).status).toBe(404)
      }))

    it.effect("deliveries created together page one by one with the cursor, none skipped or repeated", () =>
      Effect.gen(function*() {
        const w = yield* world
        const endpoint =
          (yield* TestHub.fetchHub("/v1/webhook-endpoints", json({ url: "https://hooks.example/p" }, w.token)))
            .json
        // One activation of two locations: connection.activated and two location.created, in one transaction,
        // so their deliveries share one creation time.
        const created = (yield* TestHub.fetchHub(
          "/operator/connections",
          json({
            platformId: w.platform.platformId,
            locationIds: [w.locations[0].locationId, w.locations[1].locationId]
          }, w.operator.apiKey)
        )).json
        yield* TestHub.fetchHub(
          `/v1/connections/${created.connectionId}/activate`,
          json({
            state: new URL(created.authorizeUrl).searchParams.get("state"),
            listings: [
              { locationId: w.locations[0].locationId, listingId: "a" },
              { locationId: w.locations[1].locationId, listingId: "b" }
            ]
          }, w.token)
        )
        const all = (yield* TestHub.fetchHub(`/v1/webhook-endpoints/${endpoint.id}/deliveries`, auth(w.token))).json
        expect(all.data).toHaveLength(3)
        expect(new Set(all.data.map((d: any) => d.createdAt)).size).toBe(1)
        expect(all.next).toBeNull()
        const paged: Array<string> = []
        let cursor: string | null = null
        for (let page = 0; page < 5; page++) {
          const query: string = cursor === null ? "limit=1" : `limit=1&cursor=${cursor}`
          const res =
            (yield* TestHub.fetchHub(`/v1/webhook-endpoints/${endpoint.id}/deliveries?${query}`, auth(w.token)))
              .json
          paged.push(...res.data.map((d: any) => d.id))
          cursor = res.next
          if (cursor === null) break
        }
        expect(paged).toEqual(all.data.map((d: any) => d.id))
        const bad = yield* TestHub.fetchHub(
          `/v1/webhook-endpoints/${endpoint.id}/deliveries?cursor=x%20y`,
          auth(w.token)
        )
        expect(bad.status).toBe(400)
      }))

    it.effect("bodies of a type a route does not take answer 415 before being read; a truncated upload is answered", () =>
      Effect.gen(function*() {
        const w = yield* world
        const hub = new URL(yield* TestHub.baseUrl)
        // A multipart body that announces 100 kB and stops after a few bytes: answered at once, not held open.
        const statusLine = yield* Effect.async<string>((resume) => {
          const socket = Net.connect(Number(hub.port), hub.hostname, () => {
            socket.write(
              [
                "POST /v1/webhook-endpoints HTTP/1.1",
                `Host: ${hub.host}`,
                `Authorization: Bearer ${w.token}`,
                "Content-Type: multipart/form-data; boundary=xyz",
                "Content-Length: 100000",
                "",
                "--xyz\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\nhttps://a"
              ].join("\r\n")
            )
          })
          let received = ""
          socket.on("data", (chunk) => {
            received += chunk
            if (received.includes("\r\n")) {
              socket.destroy()
              resume(Effect.succeed(received.slice(0, received.indexOf("\r\n"))))
            }
          })
        }).pipe(Effect.timeout("10 seconds"))
        expect(statusLine).toBe("HTTP/1.1 415 Unsupported Media Type")
        for (
          const [method, path, type, body] of [
            ["POST", "/v1/webhook-endpoints", "text/plain", "url=https://hooks.example"],
            ["POST", "/v1/webhook-endpoints", "application/x-www-form-urlencoded", "url=https%3A%2F%2Fhooks.example"],
            ["POST", "/operator/accounts", "text/xml", "<account/>"]
          ] as const
        ) {
          const res = yield* TestHub.fetchHub(path, {
            method,
            headers: {
              authorization: `Bearer ${path.startsWith("/v1") ? w.token : w.operator.apiKey}`,
              "content-type": type
            },
            body
          })
          expect(res.status, `${path} ${type}`).toBe(415)
          expect(res.headers.get("content-type")).toBe("application/problem+json")
          expect(res.json).toMatchObject({ status: 415, detail: expect.stringContaining("application/json") })
        }
        // Nothing was created; JSON (with parameters) is still taken.
        expect((yield* TestHub.fetchHub("/v1/webhook-endpoints", auth(w.token))).json.data).toEqual([])
        const created = yield* TestHub.fetchHub("/v1/webhook-endpoints", {
          method: "POST",
          headers: { authorization: `Bearer ${w.token}`, "content-type": "application/json; charset=utf-8" },
          body: JSON.stringify({ url: "https://hooks.example/in" })
        })
        expect(created.status).toBe(201)
      }))

    it.effect("serves OpenAPI 3.1, browsable docs without a CDN, and Prometheus metrics", () =>
      Effect.gen(function*() {
        const spec = yield* TestHub.fetchHub("/openapi.json")
        expect(spec.json.openapi).toBe("3.1.0")
        expect(Object.keys(spec.json.paths)).toEqual(expect.arrayContaining([
          "/oauth/token",
          "/v1/events",
          "/v1/connections/{connectionId}/locations/{locationId}/snapshot",
          "/upstream/{accountId}/webhooks"
        ]))
        const { Validator } = yield* Effect.promise(() => import("@seriousme/openapi-schema-validator"))
        const validator = new Validator()
        const result = yield* Effect.promise(() => validator.validate(spec.json))
        expect(result.errors ?? []).toEqual([])
        expect(result.valid).toBe(true)
        expect(validator.version).toBe("3.1")
        const docs = yield* TestHub.fetchHub("/docs")
        expect(docs.status).toBe(200)
        // The Scalar bundle is inlined from the installed package: no script is loaded from elsewhere.
        expect(docs.text.includes("<script>")).toBe(true)
        expect(/<script[^>]*\ssrc=/.test(docs.text)).toBe(false)
        expect(docs.text.length).toBeGreaterThan(100_000)
        // The introduction links the platform developers' guides, which the hub serves as Markdown.
        const guides = [...String(spec.json.info.description).matchAll(/\]\((\/docs\/platforms\/[a-z-]+\.md)\)/g)]
          .map((m) => m[1]!)
        expect(guides).toEqual(expect.arrayContaining(["/docs/platforms/webhooks.md", "/docs/platforms/events.md"]))
        for (const path of guides) {
          const guide = yield* TestHub.fetchHub(path)
          expect(guide.status, path).toBe(200)
          expect(guide.headers.get("content-type")).toBe("text/markdown; charset=utf-8")
          expect(guide.text).toMatch(/^# /)
        }
        expect((yield* TestHub.fetchHub("/docs/platforms")).text).toContain("# spacesync for platform developers")
        for (const path of ["/docs/platforms/nope.md", "/docs/platforms/..%2F..%2Fpackage.json"]) {
          const missing = yield* TestHub.fetchHub(path)
          expect(missing.status, path).toBe(404)
          expect(missing.headers.get("content-type")).toBe("application/problem+json")
        }
        const metrics = yield* TestHub.fetchHub("/metrics")
        expect(metrics.headers.get("content-type")).toContain("text/plain")
        expect(metrics.text).toContain("spacesync_http_requests_total")
        expect(metrics.text).toMatch(/route="\/v1\/connections\/:con\/locations\/:loc"/)
      }))
  })
})
