/**
 * A client generated from the OpenAPI document works for a platform developer: `openapi-typescript`
 * generates types from the document the hub serves, a small `openapi-fetch` client (fixtures/
 * platform-client.ts) type-checks against them, mistakes a developer could make do not, and the client
 * reads the events feed and the data routes and manages webhook endpoints on a running hub.
 */
import { describe, expect, it } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import { MemoryUpstream } from "@spacesync/core/testing"
import { Effect } from "effect"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import openapiTS, { astToString } from "openapi-typescript"
import ts from "typescript"
import { platformClient } from "./fixtures/platform-client.js"
import * as TestHub from "./support/TestHub.js"

const upstream = MemoryUpstream.makeUpstream("generated-token")
upstream.locations.set("G1", Fixtures.locationSource("G1") as any)

const fixture = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "fixtures/platform-client.ts")
const require = createRequire(import.meta.url)

/** Mistakes the generated types must refuse, each with the error TypeScript gives for it. */
const mistakes: Record<string, { readonly code: string; readonly error: number }> = {
  "limit-as-string.ts": {
    code: `await client.GET("/v1/events", { params: { query: { limit: "50" } } })`,
    error: 2322
  },
  "unknown-route.ts": {
    code: `await client.GET("/v1/listings", {})`,
    error: 2345
  },
  "missing-path-parameter.ts": {
    code:
      `await client.GET("/v1/connections/{connectionId}/locations/{locationId}/prices", { params: { path: { connectionId: "con_1" } } })`,
    error: 2741
  },
  "unknown-event-type.ts": {
    code:
      `await client.POST("/v1/webhook-endpoints", { body: { url: "https://x.example/hook", eventTypes: ["price.changed"] } })`,
    error: 2322
  },
  "amount-is-a-string.ts": {
    code: [
      `const { data } = await client.GET("/v1/connections/{connectionId}/locations/{locationId}/prices", { params: { path: { connectionId: "con_1", locationId: "loc_1" } } })`,
      `const cents: number = data!.data[0]!.amount.amount`,
      `void cents`
    ].join("\n"),
    error: 2322
  }
}

/** Writes the generated types, the fixture and the mistakes into `dir` and type-checks them. */
const typeCheck = (dir: string, types: string) => {
  Fs.writeFileSync(Path.join(dir, "package.json"), JSON.stringify({ type: "module" }))
  Fs.writeFileSync(Path.join(dir, "platform-api.ts"), types)
  const source = Fs.readFileSync(fixture, "utf8")
  expect(source).toContain("// @ts-nocheck\n")
  Fs.writeFileSync(Path.join(dir, "platform-client.ts"), source.replace("// @ts-nocheck\n", ""))
  for (const [file, { code }] of Object.entries(mistakes)) {
    Fs.writeFileSync(
      Path.join(dir, file),
      [
        `import createClient from "openapi-fetch"`,
        `import type { paths } from "./platform-api.js"`,
        `const client = createClient<paths>({ baseUrl: "http://127.0.0.1" })`,
        code,
        ""
      ].join("\n")
    )
  }
  const openapiFetch = Path.join(Path.dirname(require.resolve("openapi-fetch")), "index.d.mts")
  const program = ts.createProgram({
    rootNames: ["platform-client.ts", ...Object.keys(mistakes)].map((f) => Path.join(dir, f)),
    options: {
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
      strict: true,
      exactOptionalPropertyTypes: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      skipLibCheck: true,
      noEmit: true,
      // The temporary folder has no node_modules: resolve the client library where this package has it.
      paths: { "openapi-fetch": [openapiFetch] }
    }
  })
  const diagnostics = ts.getPreEmitDiagnostics(program)
  const byFile = (file: string) =>
    diagnostics.filter((d) => d.file !== undefined && Path.basename(d.file.fileName) === file).map((d) => ({
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n")
    }))
  return { all: diagnostics, byFile }
}

describe("a client generated from the served OpenAPI document", () => {
  it.layer(TestHub.layer([MemoryUpstream.adapter(upstream)]), { timeout: 120_000 })((it) => {
    it.effect("type-checks a platform client with openapi-fetch, refuses mistakes, and works against the hub", () =>
      Effect.gen(function*() {
        // The types, from the document the hub serves.
        const served = yield* TestHub.fetchHub("/openapi.json")
        expect(served.status).toBe(200)
        const types = yield* Effect.promise(async () => astToString(await openapiTS(served.json)))
        expect(types).toContain("export interface paths")
        expect(types).toContain("export interface webhooks")

        // The same client against this hub: a platform with a token and an active connection.
        const admin = TestHub.adminToken
        const post = (path: string, body: unknown, token: string) =>
          TestHub.fetchHub(path, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify(body)
          }).pipe(Effect.map((r) => r.json))
        const platform = yield* post("/admin/platforms", {
          name: "Generated",
          authorizationUrl: "https://generated.example/connect"
        }, admin)
        const operator = yield* post("/admin/operators", { name: "Generated op" }, admin)
        const account = yield* post("/operator/accounts", {
          name: "Mem",
          adapter: "memory",
          credentials: { token: "generated-token" }
        }, operator.apiKey)
        yield* post(`/operator/accounts/${account.accountId}/sync`, {}, operator.apiKey)
        const locations = (yield* TestHub.fetchHub(`/operator/accounts/${account.accountId}/locations`, {
          headers: { authorization: `Bearer ${operator.apiKey}` }
        })).json.data
        const locationId = locations[0].locationId as string
        const token = (yield* TestHub.fetchHub("/oauth/token", TestHub.tokenRequest(platform))).json.access_token
        const pending = yield* post("/operator/connections", {
          platformId: platform.platformId,
          locationIds: [locationId]
        }, operator.apiKey)
        const state = new URL(pending.authorizeUrl).searchParams.get("state")
        yield* post(`/v1/connections/${pending.connectionId}/activate`, {
          state,
          listings: [{ locationId, listingId: "g-1" }]
        }, token)

        const client = platformClient(yield* TestHub.baseUrl, token)
        const connectionId = pending.connectionId as string
        const result = yield* Effect.promise(async () => {
          const feed = await client.events()
          const more = feed.next === null ? undefined : await client.events(feed.next)
          const location = await client.location(connectionId, locationId)
          const unchanged = await client.location(connectionId, locationId, location?.etag ?? undefined)
          const endpoint = await client.createEndpoint("http://127.0.0.1:9/hooks")
          const listed = await client.endpoints()
          const deleted = await client.deleteEndpoint(endpoint.id)
          return {
            feed,
            more,
            connections: await client.connections(),
            location,
            unchanged,
            resources: await client.resources(connectionId, locationId),
            prices: await client.prices(connectionId, locationId),
            snapshot: await client.snapshot(connectionId, locationId),
            endpoint,
            listed,
            deleted,
            afterDelete: await client.endpoints()
          }
        })
        expect(result.feed.events.map((e) => e.type)).toEqual(["connection.activated", "location.created"])
        expect(result.feed.events[1]!.data).toMatchObject({ locationId, listingId: "g-1", fullResync: true })
        expect(result.more?.events ?? []).toEqual([])
        expect(result.connections).toEqual([
          { connectionId, status: "active", locations: [{ locationId, listingId: "g-1" }] }
        ])
        expect(result.location).toMatchObject({ version: 1, status: "active", etag: expect.stringMatching(/^"/) })
        expect(result.unchanged).toBeUndefined()
        expect(result.resources.length).toBeGreaterThan(0)
        expect(result.prices.length).toBeGreaterThan(0)
        for (const price of result.prices) expect(price.amount).toMatch(/^\d+(\.\d+)?$/)
        expect(result.snapshot).toMatchObject({
          version: 1,
          resources: result.resources.length,
          prices: result.prices.length
        })
        expect(result.endpoint).toMatchObject({
          secret: expect.stringMatching(/^whsec_/),
          eventTypes: ["pricing.updated", "resources.updated"]
        })
        expect(result.listed.map((e) => e.id)).toContain(result.endpoint.id)
        expect(result.deleted).toBe(204)
        expect(result.afterDelete.map((e) => e.id)).not.toContain(result.endpoint.id)

        // The type check last: it holds this process (and the hub in it) for seconds, and a request right
        // after it could be sent on a kept-alive connection the hub closes at that moment.
        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-generated-client-"))
        try {
          const { all, byFile } = typeCheck(dir, types)
          expect(byFile("platform-api.ts")).toEqual([])
          expect(byFile("platform-client.ts")).toEqual([])
          for (const [file, { error }] of Object.entries(mistakes)) {
            expect(byFile(file).map((d) => d.code), file).toContain(error)
          }
          // Nothing else: no diagnostic outside these files (the library resolved, the options are valid).
          expect(all.filter((d) => d.file === undefined).map((d) => d.messageText)).toEqual([])
        } finally {
          Fs.rmSync(dir, { recursive: true, force: true })
        }
      }))
  })
})
