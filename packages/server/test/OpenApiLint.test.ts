/**
 * The OpenAPI document reads as if written by hand: `redocly lint` with the recommended rules (and this
 * package's redocly.yaml) finds nothing, and the checks redocly does not make hold too: a summary and a
 * description for every operation, an example for every body (webhooks included), error responses where
 * they occur, scopes on every platform route, wire types instead of the schema library's decoding types.
 */
import { OpenApi } from "@effect/platform"
import * as Webhook from "@spacesync/core/Webhook"
import { Schema } from "effect"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { Api } from "../src/Api.js"

const spec = OpenApi.fromApi(Api) as unknown as Record<string, any>
const packageDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-openapi-lint-"))
afterAll(() => Fs.rmSync(dir, { recursive: true, force: true }))

const methods = ["get", "put", "post", "delete", "patch"]
const operations = (paths: Record<string, any>) =>
  Object.entries(paths).flatMap(([path, item]) =>
    Object.entries<any>(item).filter(([method]) => methods.includes(method)).map(([method, op]) => ({
      name: `${method.toUpperCase()} ${path}`,
      op
    }))
  )
const all = [...operations(spec.paths), ...operations(spec.webhooks ?? {})]

/** Every `{schema, example?}` media type of an operation's request and responses. */
const bodies = (op: any) => [
  ...Object.entries<any>(op.requestBody?.content ?? {}).map(([type, media]) => ({ where: `request ${type}`, media })),
  ...Object.entries<any>(op.responses ?? {}).flatMap(([status, response]) =>
    Object.entries<any>(response.content ?? {}).map(([type, media]) => ({ where: `${status} ${type}`, media }))
  )
]

describe("the OpenAPI document", () => {
  it("passes redocly lint with the recommended rules: no error, no warning", async () => {
    const file = Path.join(dir, "openapi.json")
    Fs.writeFileSync(file, JSON.stringify(spec, null, 2))
    const cli = Path.join(
      Path.dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")),
      "bin/cli.js"
    )
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, "lint", file, "--config", Path.join(packageDir, "redocly.yaml"), "--format", "json"],
      {
        cwd: dir,
        // Offline: no telemetry, no update check.
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: "off",
          REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
          REDOCLY_SUPPRESS_NOTIFICATIONS: "true"
        },
        maxBuffer: 16 * 1024 * 1024
      }
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }))
    const report = JSON.parse(stdout.slice(stdout.indexOf("{")))
    const problems = (report.problems as Array<any>).map((p) =>
      `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`
    )
    expect(problems).toEqual([])
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 })
  }, 60_000)

  it("has a license, servers, and a description for the document and every tag", () => {
    expect(spec.info.license).toMatchObject({ name: "MIT" })
    expect(spec.info.description).toEqual(expect.any(String))
    expect(spec.servers.length).toBeGreaterThan(0)
    for (const tag of spec.tags) expect(tag.description, tag.name).toEqual(expect.any(String))
  })

  it("gives every operation a summary and a description, and every body an example", () => {
    const missing: Array<string> = []
    for (const { name, op } of all) {
      if (typeof op.summary !== "string" || op.summary === "") missing.push(`${name}: summary`)
      if (typeof op.description !== "string" || op.description === "") missing.push(`${name}: description`)
      for (const { media, where } of bodies(op)) {
        if (media.example === undefined && media.examples === undefined) missing.push(`${name}: ${where} example`)
      }
    }
    for (const [name, response] of Object.entries<any>(spec.components.responses)) {
      for (const [type, media] of Object.entries<any>(response.content ?? {})) {
        if (media.example === undefined) missing.push(`components.responses.${name}: ${type} example`)
      }
    }
    expect(missing).toEqual([])
  })

  it("references the error responses where they can occur", () => {
    const statuses = (op: any) => Object.keys(op.responses)
    for (const { name, op } of operations(spec.paths)) {
      const security = (op.security as Array<Record<string, Array<string>>>).flatMap(Object.keys)
      // The health probes take no input and no credentials: no 4xx can occur (see redocly.yaml).
      if (!name.endsWith("/healthz") && !name.endsWith("/readyz")) {
        expect(statuses(op).some((s) => s.startsWith("4")), name).toBe(true)
      }
      if (security.some((s) => s !== "clientBasic")) expect(statuses(op), name).toContain("401")
      if (security.includes("accessToken")) expect(statuses(op), name).toContain("403")
      if (op.parameters.length > 0 || op.requestBody !== undefined) expect(statuses(op), name).toContain("400")
      if (op.parameters.some((p: any) => p.in === "path")) expect(statuses(op), name).toContain("404")
      expect(statuses(op), name).toContain("500")
      // Every route but the probes needs the database: 503 with Retry-After while it is unreachable.
      if (!name.endsWith("/healthz") && !name.endsWith("/readyz")) {
        expect(op.responses["503"], name).toEqual({ $ref: "#/components/responses/DatabaseUnavailable" })
      }
    }
    expect(spec.components.responses.DatabaseUnavailable.headers).toHaveProperty("Retry-After")
    expect(Object.keys(spec.components.responses)).toEqual(
      expect.arrayContaining(["BadRequest", "Unauthorized", "Forbidden", "NotFound", "InternalError"])
    )
  })

  it("declares security per route: OAuth2 client credentials with scopes, the operator and admin bearer keys", () => {
    const schemes = spec.components.securitySchemes
    expect(schemes.accessToken).toMatchObject({
      type: "oauth2",
      flows: { clientCredentials: { tokenUrl: "/oauth/token" } }
    })
    expect(Object.keys(schemes.accessToken.flows.clientCredentials.scopes).sort()).toEqual([
      "connections:manage",
      "locations:read",
      "webhooks:manage"
    ])
    expect(schemes.operatorKey).toMatchObject({ type: "http", scheme: "bearer" })
    expect(schemes.adminToken).toMatchObject({ type: "http", scheme: "bearer" })
    const expected = (path: string) =>
      path.startsWith("/admin")
        ? "adminToken"
        : path.startsWith("/operator")
        ? "operatorKey"
        : path.startsWith("/v1")
        ? "accessToken"
        : undefined
    for (const [path, item] of Object.entries<any>(spec.paths)) {
      for (const op of Object.values<any>(item)) {
        const scheme = expected(path)
        if (scheme === undefined) continue
        expect(op.security.length, path).toBeGreaterThan(0)
        for (const requirement of op.security) {
          expect(Object.keys(requirement), path).toEqual([scheme])
          if (scheme === "accessToken") expect(requirement.accessToken.length, path).toBeGreaterThan(0)
        }
      }
    }
    expect(spec.paths["/v1/events"].get.security).toEqual([{ accessToken: ["locations:read"] }])
    expect(spec.paths["/v1/webhook-endpoints"].post.security).toEqual([{ accessToken: ["webhooks:manage"] }])
  })

  it("types parameters and bodies as they are on the wire, with their bounds", () => {
    const limit = spec.paths["/v1/events"].get.parameters.find((p: any) => p.name === "limit")
    expect(limit.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 500 })
    const deliveriesLimit = spec.paths["/v1/webhook-endpoints/{endpointId}/deliveries"].get.parameters.find((
      p: any
    ) => p.name === "limit")
    expect(deliveriesLimit.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 500 })
    expect(spec.components.schemas.DateTimeUtc).toMatchObject({ type: "string", format: "date-time" })
    // No description or title the schema library generates for its decoding types leaks into the document.
    const leaks: Array<string> = []
    JSON.stringify(spec, (key, value) => {
      if (key === "description" && typeof value === "string" && /^an? [a-z]|to be decoded into/.test(value)) {
        leaks.push(value)
      }
      if (key === "title" && typeof value === "string" && /^(int|positive|nonNegative|[a-zA-Z]+\(.*\))$/.test(value)) {
        leaks.push(value)
      }
      return value
    })
    expect(leaks).toEqual([])
    // Nothing defined and never used (the error schemas replaced by problem+json are gone).
    expect(Object.keys(spec.components.schemas)).not.toContain("HttpApiDecodeError")
  })

  it("describes every webhook event type with a real event body", () => {
    const types = Object.keys(spec.webhooks).sort()
    expect(types).toEqual([...Webhook.WebhookEvent.fields.type.literals].sort())
    for (const type of types) {
      const media = spec.webhooks[type].post.requestBody.content["application/json"]
      expect(media.schema).toEqual({ $ref: "#/components/schemas/WebhookEvent" })
      const event = Schema.decodeUnknownSync(Webhook.WebhookEvent)(media.example)
      expect(event.type).toBe(type)
      expect(event.data.apiUrl).toContain(`/v1/connections/${event.data.connectionId}`)
    }
    // The events feed lists the same objects.
    const feed = spec.paths["/v1/events"].get.responses["200"].content["application/json"].example
    for (const event of feed.data) Schema.decodeUnknownSync(Webhook.WebhookEvent)(event)
  })
})
