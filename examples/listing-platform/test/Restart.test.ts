/**
 * The platform on a PostgreSQL database of its own (`databaseUrl`, as `DATABASE_URL` sets it): restarts
 * reuse the webhook endpoint and the seed, a lost endpoint secret is replaced without a second endpoint,
 * and bad configuration fails with a message that says what to fix.
 */
import { expect, layer } from "@effect/vitest"
import { TestDatabase } from "@spacesync/core/testing"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as Net from "node:net"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as TestHub from "../../../packages/server/test/support/TestHub.js"
import { call, hub } from "../../../test/e2e/support/Hub.js"
import { start } from "../src/app.js"

const exampleDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as Net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

layer(hub, { timeout: 90_000, excludeTestServices: true })("listing platform restarts", (it) => {
  it.scoped("a second start on the same database reuses the webhook endpoint and the seed", () =>
    Effect.gen(function*() {
      const hubUrl = yield* TestHub.baseUrl
      const { url: databaseUrl } = yield* TestDatabase.createDatabase
      const port = yield* Effect.promise(freePort)
      const created = (yield* call("/admin/platforms", {
        token: TestHub.adminToken,
        body: { name: "Deskfinder", authorizationUrl: `http://127.0.0.1:${port}/connect` }
      })).json
      const config = {
        hubUrl,
        clientId: created.clientId,
        clientSecret: created.clientSecret,
        port,
        databaseUrl,
        log: () => {}
      }
      const token = (yield* TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(created))).json.access_token
      const endpoints = () =>
        Effect.map(call("/v1/webhook-endpoints", { token }), (r) => r.json.data as Array<{ id: string; url: string }>)
      const stored = (platform: Awaited<ReturnType<typeof start>>) =>
        Effect.promise(() =>
          platform.db.query<{ value: { id: string; secrets: Array<string> } }>(
            `select value from listing_platform.hub_state where key = 'endpoint'`
          )
        ).pipe(Effect.map((rows) => rows[0]!.value))

      const first = yield* Effect.promise(() => start(config))
      const endpoint = yield* stored(first)
      expect(first.webhookUrl).toBe(`http://127.0.0.1:${port}/webhooks`)
      expect(yield* endpoints()).toEqual([expect.objectContaining({ id: endpoint.id, url: first.webhookUrl })])
      const users = yield* Effect.promise(() =>
        first.db.query(`select id, email, password_hash from listing_platform.users order by email`)
      )
      expect(users.map((u) => u.email)).toEqual(["ana@harbour-desks.example", "ben@summit-cowork.example"])
      expect(String(users[0]!.password_hash)).toMatch(/^scrypt\$/)
      yield* Effect.promise(() => first.close())

      const second = yield* Effect.promise(() => start(config))
      expect(yield* stored(second)).toEqual(endpoint)
      expect(yield* endpoints()).toHaveLength(1)
      expect(
        yield* Effect.promise(() =>
          second.db.query(`select id, email, password_hash from listing_platform.users order by email`)
        )
      )
        .toEqual(users)
      expect((yield* Effect.promise(() => second.db.query(`select id from listing_platform.listings`))).length).toBe(5)
      // The stored secret is lost: the same endpoint gets a new one, no second endpoint.
      yield* Effect.promise(() => second.db.query(`delete from listing_platform.hub_state`))
      yield* Effect.promise(() => second.close())
      const third = yield* Effect.promise(() => start(config))
      const replaced = yield* stored(third)
      expect(replaced.id).toBe(endpoint.id)
      expect(replaced.secrets).not.toEqual(endpoint.secrets)
      expect(yield* endpoints()).toHaveLength(1)
      yield* Effect.promise(() => third.close())

      // Wrong client credentials: start fails and says what to check.
      const refused = yield* Effect.promise(() =>
        start({ ...config, clientSecret: "wrong" }).then(() => "started", (e: Error) => e.message)
      )
      expect(refused).toContain("check the client id and secret")
    }))

  it.effect("main.ts names the variables it needs when they are missing", () =>
    Effect.gen(function*() {
      const result = yield* Effect.async<{ code: number | null; stderr: string }>((resume) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "src/main.ts"],
          { cwd: exampleDir, env: { PATH: process.env.PATH ?? "" }, timeout: 30_000 },
          (error, _stdout, stderr) => resume(Effect.succeed({ code: error ? (error as any).code ?? 1 : 0, stderr }))
        )
      })
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("HUB_URL is not set")
      expect(result.stderr).toContain("LISTING_CLIENT_SECRET")
    }))
})
