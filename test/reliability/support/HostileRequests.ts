/**
 * The hostile-input harness: every operation of the hub's OpenAPI document read from the document
 * itself (method, path template, security, parameters, request body), fast-check arbitraries that corrupt
 * requests to it in the ways outside clients do, a raw HTTP client that sends exactly those bytes (no URL
 * normalisation, any header and body), and a snapshot of every table to show that nothing changed.
 */
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import fc from "fast-check"
import * as Http from "node:http"

// ---------------------------------------------------------------------------------------------------------
// The operations, from the OpenAPI document
// ---------------------------------------------------------------------------------------------------------

/** A JSON Schema as the document carries it (after `$ref`s are resolved). */
export type JsonSchema = Record<string, any>

export interface Parameter {
  readonly name: string
  readonly in: "path" | "query" | "header"
  readonly required: boolean
  readonly schema: JsonSchema
}

/** Who may call an operation: the document's security scheme names, or nobody in particular. */
export type Security = "adminToken" | "operatorKey" | "accessToken" | "clientBasic" | "none"

export interface Operation {
  readonly operationId: string
  readonly method: string
  /** The path template, `/v1/connections/{connectionId}`. */
  readonly path: string
  readonly security: Security
  readonly parameters: ReadonlyArray<Parameter>
  readonly body:
    | { readonly contentType: string; readonly schema: JsonSchema; readonly example: unknown }
    | undefined
}

/** Resolves `$ref`s (local ones) everywhere in `value`. */
const resolve = (doc: Record<string, any>, value: any, seen: ReadonlySet<string> = new Set()): any => {
  if (Array.isArray(value)) return value.map((v) => resolve(doc, v, seen))
  if (value === null || typeof value !== "object") return value
  if (typeof value.$ref === "string" && value.$ref.startsWith("#/")) {
    if (seen.has(value.$ref)) return {}
    const target = value.$ref.slice(2).split("/").reduce((o: any, k: string) => o?.[k], doc)
    return resolve(doc, target, new Set([...seen, value.$ref]))
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(doc, v, seen)]))
}

/** Every operation of the document. */
export const operations = (doc: Record<string, any>): ReadonlyArray<Operation> =>
  Object.entries<Record<string, any>>(doc.paths).flatMap(([path, item]) =>
    Object.entries<any>(item).filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method)).map(
      ([method, raw]): Operation => {
        const op = resolve(doc, raw)
        const schemes = (op.security ?? doc.security ?? []).flatMap((s: Record<string, unknown>) => Object.keys(s))
        const security: Security = schemes.length === 0 ? "none" : schemes[0]
        const content = op.requestBody?.content as Record<string, any> | undefined
        const contentType = content === undefined ? undefined : Object.keys(content)[0]!
        return {
          operationId: op.operationId,
          method: method.toUpperCase(),
          path,
          security,
          parameters: (op.parameters ?? []).map((p: any) => ({
            name: p.name,
            in: p.in,
            required: p.required === true,
            schema: p.schema ?? {}
          })),
          body: contentType === undefined ? undefined : {
            contentType,
            schema: content![contentType].schema ?? {},
            example: content![contentType].example ?? op.requestBody?.example
          }
        }
      }
    )
  )

// ---------------------------------------------------------------------------------------------------------
// Requests on the wire
// ---------------------------------------------------------------------------------------------------------

export interface WireRequest {
  readonly method: string
  /** The request target exactly as sent (path and query, already encoded as the case wants). */
  readonly target: string
  readonly headers: Record<string, string>
  readonly body?: string | Buffer | undefined
  /** Send the body chunked, without a `content-length`. */
  readonly chunked?: boolean
}

export interface WireResponse {
  readonly status: number
  readonly headers: Http.IncomingHttpHeaders
  readonly text: string
  readonly json: any
}

/** Sends `request` as it is to 127.0.0.1:`port` (node:http, a fresh connection each time). */
export const send = (port: number, request: WireRequest) =>
  Effect.async<WireResponse, Error>((resume) => {
    const headers: Record<string, string> = { ...request.headers }
    const body = request.body === undefined
      ? undefined
      : typeof request.body === "string"
      ? Buffer.from(request.body, "utf8")
      : request.body
    if (body !== undefined) {
      // Node sends GET and DELETE bodies without framing unless told: say how.
      if (request.chunked === true) headers["transfer-encoding"] = "chunked"
      else headers["content-length"] = String(body.length)
    }
    const req = Http.request({
      host: "127.0.0.1",
      port,
      method: request.method,
      path: request.target,
      headers,
      agent: false
    }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8")
        let json: any = undefined
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resume(Effect.succeed({ status: res.statusCode ?? 0, headers: res.headers, text, json }))
      })
      res.on("error", (e) => resume(Effect.fail(e)))
    })
    req.on("error", (e) => resume(Effect.fail(e)))
    // An answer that never comes is a failure of its own, not a hung test.
    req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")))
    if (body !== undefined) {
      if (request.chunked === true) {
        for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024))
      } else {
        req.write(body)
      }
    }
    req.end()
  })

// ---------------------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------------------

/** A number (or anything) to be written into JSON text verbatim. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Strings no request field may carry: each has a NUL character or a lone surrogate. */
export const invalidText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("\u0000", "a\u0000b", "\uD800", "x\uDFFFy", "\uDBFF", "\u202E\u0000\uD83D", "ok\uDC00"),
  fc.string({ unit: "binary", minLength: 0, maxLength: 20 }).map((s) => `${s}\u0000`),
  fc.string({ unit: "binary", minLength: 0, maxLength: 20 }).map((s) => `\uD801${s.replace(/^[\uDC00-\uDFFF]/, "")}`)
)

/** Legal text that has hurt servers: traversal, markup, SQL, template syntax, byte-order marks. */
export const nastyText: fc.Arbitrary<string> = fc.constantFrom(
  "\uFEFF",
  "%00",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "'; drop table spacesync.operators; --",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "\u202E"
)

/** Either. */
export const junkString: fc.Arbitrary<string> = fc.oneof(invalidText, nastyText)

/** Longer than any string field the hub takes (see `Schemas.maxStringLength`). */
export const longString: fc.Arbitrary<string> = fc.tuple(
  fc.integer({ min: 16_385, max: 120_000 }),
  fc.constantFrom("a", "é", "😀", "res_", "%", "\\")
).map(([n, c]) => c.repeat(Math.ceil(n / c.length)))

/** Nested deeper than any request needs (as JSON text: too deep for a recursive writer). */
export const deepValue: fc.Arbitrary<unknown> = fc.tuple(
  fc.integer({ min: 40, max: 20_000 }),
  fc.boolean()
).map(([depth, arrays]) =>
  new RawJson(
    arrays ? `${"[".repeat(depth)}"x"${"]".repeat(depth)}` : `${"{\"a\":".repeat(depth)}"x"${"}".repeat(depth)}`
  )
)

/** Numbers at and past every edge, as JSON text (some are not representable as a double). */
export const hostileNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "-1",
    "0",
    "-0",
    "0.5",
    "1.5",
    "-30.25",
    "1e308",
    "1e309",
    "-1e309",
    "1e-400",
    "9007199254740993",
    "123456789012345678901234567890",
    "-9223372036854775809",
    "2147483648",
    "86401"
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String)
)

/** Any JSON value, of any shape. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 })

/**
 * A value that the given schema does not accept, of another type (or past its bounds, or outside its
 * enum). `undefined` when the schema accepts anything.
 */
export const wrongValue = (schema: JsonSchema): fc.Arbitrary<unknown> | undefined => {
  const types = schemaTypes(schema)
  if (types === undefined) return undefined
  const candidates: Array<fc.Arbitrary<unknown>> = []
  if (!types.has("string")) candidates.push(fc.string({ maxLength: 10 }))
  if (!types.has("number") && !types.has("integer")) {
    candidates.push(hostileNumberText.map((t) => new RawJson(t)))
  }
  if (!types.has("boolean")) candidates.push(fc.boolean())
  if (!types.has("null")) candidates.push(fc.constant(null))
  if (!types.has("array")) candidates.push(fc.array(anyJson, { maxLength: 3 }))
  if (!types.has("object")) candidates.push(fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 3 }))
  if (types.has("integer") && types.size === 1) {
    candidates.push(
      fc.constantFrom("1.5", "-1", "1e309", "123456789012345678901234567890", "0.0001").map((t) => new RawJson(t))
    )
  }
  if (types.has("string") && Array.isArray(schema.enum)) {
    candidates.push(fc.string({ maxLength: 12 }).filter((s) => !schema.enum.includes(s)))
  }
  return candidates.length === 0 ? undefined : fc.oneof(...candidates)
}

/** The JSON types a schema allows, or `undefined` when it allows any. */
const schemaTypes = (schema: JsonSchema): Set<string> | undefined => {
  if (schema === undefined || schema === null) return undefined
  const alternatives = schema.anyOf ?? schema.oneOf
  if (Array.isArray(alternatives)) {
    const all = new Set<string>()
    for (const alt of alternatives) {
      const t = schemaTypes(alt)
      if (t === undefined) return undefined
      t.forEach((x) => all.add(x))
    }
    return all
  }
  if (Array.isArray(schema.enum) && schema.type === undefined) {
    return new Set(schema.enum.map((v: unknown) => (v === null ? "null" : typeof v)))
  }
  if (schema.type === undefined) return schema.properties !== undefined ? new Set(["object"]) : undefined
  const t = Array.isArray(schema.type) ? schema.type : [schema.type]
  const set = new Set<string>(t)
  if (set.has("integer")) set.add("number")
  return set
}

/** JSON text of `value`, with `RawJson` leaves written verbatim. */
export const toJsonText = (value: unknown): string => {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}

// ---------------------------------------------------------------------------------------------------------
// Body corruptions: each one makes a body the route must refuse
// ---------------------------------------------------------------------------------------------------------

export type BodyCase =
  | { readonly kind: "notJson"; readonly text: string }
  | { readonly kind: "wrongTopLevel"; readonly value: unknown }
  | { readonly kind: "extraField"; readonly key: string; readonly value: unknown }
  | { readonly kind: "missingField"; readonly key: string }
  | { readonly kind: "wrongType"; readonly path: ReadonlyArray<string | number>; readonly value: unknown }
  | { readonly kind: "junkString"; readonly path: ReadonlyArray<string | number>; readonly value: string }
  | { readonly kind: "junkKey"; readonly path: ReadonlyArray<string | number>; readonly key: string }
  | { readonly kind: "longString"; readonly path: ReadonlyArray<string | number>; readonly value: string }
  | { readonly kind: "deep"; readonly path: ReadonlyArray<string | number>; readonly value: unknown }

/** Every leaf (and container) path of `value`, with the schema found there. */
const pathsOf = (
  value: unknown,
  schema: JsonSchema | undefined,
  prefix: Array<string | number> = []
): Array<{ path: Array<string | number>; value: unknown; schema: JsonSchema | undefined }> => {
  const here = [{ path: prefix, value, schema }]
  if (Array.isArray(value)) {
    const items = schema?.items
    return [...here, ...value.flatMap((v, i) => pathsOf(v, items, [...prefix, i]))]
  }
  if (value !== null && typeof value === "object") {
    return [
      ...here,
      ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, schema?.properties?.[k], [...prefix, k]))
    ]
  }
  return here
}

const setAt = (value: unknown, path: ReadonlyArray<string | number>, leaf: unknown): unknown => {
  if (path.length === 0) return leaf
  const [head, ...rest] = path
  if (Array.isArray(value)) {
    const copy = [...value]
    copy[head as number] = setAt(copy[head as number], rest, leaf)
    return copy
  }
  const record = (value ?? {}) as Record<string, unknown>
  return { ...record, [head as string]: setAt(record[head as string], rest, leaf) }
}

const addKeyAt = (value: unknown, path: ReadonlyArray<string | number>, key: string): unknown => {
  if (path.length === 0) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value
    return { ...(value as object), [key]: "x" }
  }
  const [head, ...rest] = path
  if (Array.isArray(value)) {
    const copy = [...value]
    copy[head as number] = addKeyAt(copy[head as number], rest, key)
    return copy
  }
  const record = value as Record<string, unknown>
  return { ...record, [head as string]: addKeyAt(record[head as string], rest, key) }
}

/** The ways to corrupt a JSON body whose valid example is `example` and schema `schema`. */
export const bodyCase = (schema: JsonSchema, example: unknown): fc.Arbitrary<BodyCase> => {
  const paths = pathsOf(example, schema).filter((p) => p.path.length > 0)
  const strings = paths.filter((p) => typeof p.value === "string")
  const objects = pathsOf(example, schema).filter((p) =>
    p.value !== null && typeof p.value === "object" && !Array.isArray(p.value)
  )
  const required: Array<string> = schema.required ?? []
  const typed = paths.flatMap((p) => {
    const wrong = p.schema === undefined ? undefined : wrongValue(p.schema)
    return wrong === undefined ? [] : [{ path: p.path, wrong }]
  })
  const cases: Array<fc.Arbitrary<BodyCase>> = [
    fc.constantFrom(
      "",
      "{",
      "{\"a\":",
      "[1,2",
      "nul",
      "{'single': 'quotes'}",
      "{\"a\":1,}",
      "\u0000",
      "{\"a\":\"\\uD800\\u0000\"",
      "\uFEFF{}",
      "NaN",
      "{\"a\":01}",
      "[] []"
    ).map((text): BodyCase => ({ kind: "notJson", text })),
    fc.oneof(
      fc.array(anyJson, { maxLength: 3 }),
      fc.string({ maxLength: 10 }),
      fc.constant(null),
      fc.boolean(),
      hostileNumberText.map((t) => new RawJson(t))
    ).map((value): BodyCase => ({ kind: "wrongTopLevel", value })),
    fc.tuple(
      fc.oneof(
        fc.constantFrom("__proto__", "constructor", "prototype", "_tag", "extra", "", "\u0000", "\uD800"),
        fc.string({ minLength: 1, maxLength: 8 })
      ),
      anyJson
    ).filter(([key]) => !(key in (schema.properties ?? {})))
      .map(([key, value]): BodyCase => ({ kind: "extraField", key, value })),
    fc.oneof(deepValue).chain((value) =>
      fc.constantFrom(...paths.map((p) => p.path), []).map((path): BodyCase => ({ kind: "deep", path, value }))
    )
  ]
  if (required.length > 0) {
    cases.push(fc.constantFrom(...required).map((key): BodyCase => ({ kind: "missingField", key })))
  }
  if (typed.length > 0) {
    cases.push(
      fc.constantFrom(...typed).chain(({ path, wrong }) =>
        wrong.map((value): BodyCase => ({ kind: "wrongType", path, value }))
      )
    )
  }
  if (strings.length > 0) {
    const at = fc.constantFrom(...strings.map((s) => s.path))
    cases.push(
      fc.tuple(at, invalidText).map(([path, value]): BodyCase => ({ kind: "junkString", path, value })),
      fc.tuple(at, longString).map(([path, value]): BodyCase => ({ kind: "longString", path, value }))
    )
  }
  if (objects.length > 0) {
    cases.push(
      fc.tuple(fc.constantFrom(...objects.map((o) => o.path)), invalidText).map(([path, key]): BodyCase => ({
        kind: "junkKey",
        path,
        key
      }))
    )
  }
  return fc.oneof(...cases)
}

/** The body text of a corruption of `example`. */
export const bodyText = (example: unknown, c: BodyCase): string => {
  switch (c.kind) {
    case "notJson":
      return c.text
    case "wrongTopLevel":
      return toJsonText(c.value)
    case "extraField":
      return toJsonText(addKeyAt(example, [], c.key)).replace(/"x"}$/, `${toJsonText(c.value)}}`)
    case "missingField": {
      const { [c.key]: _, ...rest } = example as Record<string, unknown>
      return toJsonText(rest)
    }
    case "wrongType":
    case "junkString":
    case "longString":
    case "deep":
      return toJsonText(setAt(example, c.path, c.value))
    case "junkKey":
      return toJsonText(addKeyAt(example, c.path, c.key))
  }
}

// ---------------------------------------------------------------------------------------------------------
// Path ids and query values
// ---------------------------------------------------------------------------------------------------------

/** Path segments no id can be, as sent on the wire (already encoded, or deliberately not). */
export const junkPathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "..",
    "%2e%2e",
    "..%2f..%2fadmin",
    "%2e%2e%2f%2e%2e%2fadmin%2fplatforms",
    "..%5c..%5c",
    "%00",
    "loc_%00",
    "con_abc%00def",
    "%ZZ",
    "%",
    "%C0%AF",
    "%ED%A0%80",
    "%F0%9F%98",
    "%FF%FE",
    "res_%0d%0aset-cookie:x",
    "acc_ABC",
    "con_",
    "ep_x;drop",
    "%20",
    "@",
    "con_abc%2Fdef",
    "'%20or%201=1--",
    "%E2%80%AE",
    "dlv_%F0%9F%98%80"
  ),
  fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.integer({ min: 300, max: 8_000 }).map((n) => "a".repeat(n)),
  fc.tuple(
    fc.constantFrom("loc_", "con_", "acc_", "ep_", "dlv_", "plt_", "op_", "res_"),
    fc.integer({ min: 65, max: 3_000 })
  )
    .map(([p, n]) => p + "z".repeat(n))
)

/** Values of an integer query parameter between 1 and `max` that are not one, with whether one is valid. */
export const hostileInteger: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "-1",
    "0",
    "-0",
    "1.5",
    "0.9999999999999999",
    "1e2",
    "0x10",
    " 5",
    "5 ",
    "+5",
    "Infinity",
    "NaN",
    "",
    "1e309",
    "99999999999999999999999",
    "9007199254740993",
    "%00",
    "5%00",
    "%ED%A0%80",
    "１０",
    "10abc"
  ),
  fc.integer({ min: -1_000_000, max: 0 }).map(String),
  fc.integer({ min: 501, max: 2 ** 31 }).map(String),
  fc.double({ noNaN: true }).map(String)
)

/** Instants at the edges of what clients, JavaScript and PostgreSQL can represent, and not instants. */
export const hostileInstant: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "-200000-01-01T00:00:00Z",
    "-004714-01-01T00:00:00Z",
    "+275760-09-13T00:00:00Z",
    "+275760-09-13T00:00:00.001Z",
    "+295000-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "2026-13-45T00:00:00Z",
    "2026-02-30",
    "yesterday",
    "",
    "1e309",
    "\u0000",
    "2026-11-22T10:15:00+99:99"
  ),
  fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }).map((ms) => new Date(ms).toISOString())
)

// ---------------------------------------------------------------------------------------------------------
// The database
// ---------------------------------------------------------------------------------------------------------

/** Every row of every table of the `spacesync` schema, as JSON text, sorted. */
export const snapshot = (sql: SqlClient.SqlClient) =>
  Effect.gen(function*() {
    const tables = yield* sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'spacesync' and table_type = 'BASE TABLE' order by table_name`
    const result: Record<string, Array<Record<string, unknown>>> = {}
    for (const { table_name } of tables) {
      const rows = yield* sql<{ row: Record<string, unknown> }>`
        select to_jsonb(t) as row from ${sql("spacesync")}.${sql(table_name)} t order by to_jsonb(t)::text`
      result[table_name] = rows.map((r) => r.row)
    }
    return result
  }).pipe(Effect.orDie)

/** `snapshot` without the named columns (`table.column`), which may change legitimately. */
export const withoutColumns = (
  snap: Record<string, Array<Record<string, unknown>>>,
  volatile: ReadonlyArray<string>
) =>
  Object.fromEntries(
    Object.entries(snap).map(([table, rows]) => [
      table,
      rows.map((row) => Object.fromEntries(Object.entries(row).filter(([c]) => !volatile.includes(`${table}.${c}`))))
        .map((row) => JSON.stringify(row)).sort()
    ])
  )
