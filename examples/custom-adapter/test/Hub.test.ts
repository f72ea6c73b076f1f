/**
 * The DeskBase adapter registered in a real hub (`hub.ts`): an operator creates a `deskbase` account
 * through the hub's API, syncs it against the simulator, and the hub verifies DeskBase's signed webhooks
 * with the adapter (202), refusing a forged one (401).
 */
import { expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import * as Net from "node:net"
import { HubLive } from "../hub.js"
import { DeskBaseSimulator } from "../src/testing/index.js"

const adminToken = "sk_admin_custom_adapter_test_0123456789"

const freePort = Effect.async<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as Net.AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

it.scopedLive(
  "a hub with the adapter registered syncs a deskbase account and takes its signed webhooks",
  () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const config = ConfigProvider.fromMap(
        new Map([
          ["PORT", String(port)],
          ["HOST", "127.0.0.1"],
          ["SPACESYNC_DATA_DIR", "memory"],
          ["SPACESYNC_SECRET_KEY", "custom-adapter-test-secret-key-0123456789"],
          ["SPACESYNC_ADMIN_TOKEN", adminToken],
          ["SPACESYNC_ALLOW_PRIVATE_TARGETS", "true"]
        ])
      )
      yield* Layer.build(HubLive.pipe(Layer.provide(Layer.setConfigProvider(config))))
      const hub = `http://127.0.0.1:${port}`
      const call = (path: string, token: string, body?: unknown) =>
        Effect.promise(async () => {
          const response = await fetch(`${hub}${path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            ...(body === undefined ? {} : { body: JSON.stringify(body) })
          })
          const text = await response.text()
          return { status: response.status, json: text === "" ? undefined : JSON.parse(text) as any }
        })

      const simulator = yield* DeskBaseSimulator.make()
      const operator = yield* call("/admin/operators", adminToken, { name: "DeskBase customer" })
      expect(operator.status).toBe(201)
      const apiKey: string = operator.json.apiKey

      const refused = yield* call("/operator/accounts", apiKey, {
        name: "Sites",
        adapter: "deskbase",
        credentials: { apiKey: "" }
      })
      expect(refused.status).toBe(400)

      const account = yield* call("/operator/accounts", apiKey, {
        name: "Sites",
        adapter: "deskbase",
        credentials: simulator.goodCredentials
      })
      expect(account.status).toBe(201)
      const accountId: string = account.json.accountId
      expect(account.json.webhookUrl).toBe(`${hub}/upstream/${accountId}/webhooks`)

      const sync = yield* call(`/operator/accounts/${accountId}/sync`, apiKey)
      expect(sync.status).toBe(200)
      expect(sync.json.locations).toBe(5)

      const webhook = simulator.webhook("site-1")
      const send = (body: Uint8Array) =>
        Effect.promise(() =>
          fetch(account.json.webhookUrl, {
            method: "POST",
            headers: webhook.headers,
            body
          }).then((r) => r.status)
        )
      expect(yield* send(webhook.body)).toBe(202)
      expect(yield* send(new TextEncoder().encode(JSON.stringify({ event: "rate.updated", site_id: "site-2" })))).toBe(
        401
      )
    }),
  60_000
)
