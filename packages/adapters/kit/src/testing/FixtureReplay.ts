/**
 * Recorded upstream exchanges, for tests that should not need a stateful simulator: record the requests
 * an adapter makes (against a simulator, or once against a sandbox of the real system) with secrets
 * scrubbed, save them next to the test, and replay them later as the adapter's `HttpClient`.
 *
 * ```ts
 * // once: record
 * const recorder = yield* FixtureReplay.recorder({ secrets: ["s3cret-token"] })
 * yield* runTheAdapter.pipe(Effect.provideService(HttpClient.HttpClient, recorder.client(client)))
 * yield* FixtureReplay.save("test/fixtures/full-read.json", recorder.recording())
 * // in the test: replay
 * const recording = yield* FixtureReplay.load("test/fixtures/full-read.json")
 * yield* runTheAdapter.pipe(Effect.provide(FixtureReplay.layer(recording)))
 * ```
 *
 * Scrubbing: the values of credential headers (`authorization`, cookies, API keys) and every occurrence
 * of a named secret (as is, URL-encoded and base64-encoded) in URLs, headers and bodies are replaced by
 * `[scrubbed]`; the origin the requests went to becomes `{origin}`, so a replay answers whatever base URL
 * the adapter is given. A replay answers each request with the first unused exchange of the same method,
 * path, query and (when recorded) body; a request with no such exchange is a defect naming it, so a test
 * fails loudly instead of passing on a guess.
 *
 * @since 0.1.0
 */
import { FileSystem, HttpClient, HttpClientResponse } from "@effect/platform"
import type { HttpBody } from "@effect/platform"
import { Effect, Layer, Schema } from "effect"

/**
 * One recorded request and its response.
 *
 * @since 0.1.0
 * @category models
 */
export const Exchange = Schema.Struct({
  request: Schema.Struct({
    method: Schema.String,
    /** `{origin}/path?query`. */
    url: Schema.String,
    headers: Schema.Record({ key: Schema.String, value: Schema.String }),
    body: Schema.optional(Schema.String)
  }),
  response: Schema.Struct({
    status: Schema.Number,
    headers: Schema.Record({ key: Schema.String, value: Schema.String }),
    body: Schema.String
  })
})
/** @since 0.1.0 */
export type Exchange = typeof Exchange.Type

/**
 * A recording: exchanges in the order they happened.
 *
 * @since 0.1.0
 * @category models
 */
export const Recording = Schema.Struct({ exchanges: Schema.Array(Exchange) })
/** @since 0.1.0 */
export type Recording = typeof Recording.Type

/** What replaces a secret. @since 0.1.0 */
export const scrubbed = "[scrubbed]"

const credentialHeaders = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "x-auth-token"
])

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * A function that replaces every form of the given secrets in a text.
 *
 * @since 0.1.0
 */
export const scrubber = (secrets: ReadonlyArray<string>): (text: string) => string => {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret === "") continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
    forms.add(Buffer.from(secret).toString("base64"))
  }
  if (forms.size === 0) return (text) => text
  // Longest first, so a secret that contains another is replaced whole.
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escape).join("|"), "g")
  return (text) => text.replace(pattern, scrubbed)
}

const bodyText = (body: HttpBody.HttpBody): string | undefined => {
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : "[unrecorded body]"
    default:
      return "[unrecorded body]"
  }
}

const pathOf = (url: URL) => `{origin}${url.pathname}${url.search}`

/**
 * A recorder: `client(base)` records every exchange that goes through `base`; `recording()` gives what
 * was recorded so far, scrubbed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const recorder = (options: { readonly secrets: ReadonlyArray<string> }) =>
  Effect.sync(() => {
    const scrub = scrubber(options.secrets)
    const exchanges: Array<Exchange> = []
    const headers = (from: Readonly<Record<string, string>>) =>
      Object.fromEntries(
        Object.entries(from).map(([name, value]) => [
          name.toLowerCase(),
          credentialHeaders.has(name.toLowerCase()) ? scrubbed : scrub(value)
        ])
      )
    const client = (base: HttpClient.HttpClient): HttpClient.HttpClient =>
      HttpClient.transform(base, (effect, request) =>
        Effect.gen(function*() {
          const response = yield* effect
          const text = yield* response.text
          const body = bodyText(request.body)
          exchanges.push({
            request: {
              method: request.method,
              url: scrub(pathOf(new URL(response.request.url))),
              headers: headers(request.headers),
              ...(body === undefined ? {} : { body: scrub(body) })
            },
            response: { status: response.status, headers: headers(response.headers), body: scrub(text) }
          })
          return HttpClientResponse.fromWeb(request, toWebResponse(response.status, response.headers, text))
        }))
    return { client, recording: (): Recording => ({ exchanges: [...exchanges] }) }
  })

const toWebResponse = (status: number, headers: Readonly<Record<string, string>>, body: string) =>
  new Response(status === 204 || status === 304 || body === "" ? null : body, {
    status,
    headers: Object.entries(headers).filter(([name]) => name !== "content-length" && name !== "content-encoding")
  })

/**
 * An `HttpClient` that answers from `recording` (see the module doc for how requests are matched).
 *
 * @since 0.1.0
 * @category constructors
 */
export const client = (recording: Recording): HttpClient.HttpClient => {
  const used = new Set<number>()
  return HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const path = pathOf(url)
      const body = bodyText(request.body)
      const index = recording.exchanges.findIndex((exchange, i) =>
        !used.has(i) && exchange.request.method === request.method && exchange.request.url === path &&
        (exchange.request.body === undefined || exchange.request.body === scrubbed ||
          exchange.request.body === body || exchange.request.body.includes(scrubbed))
      )
      if (index === -1) {
        return Effect.die(
          new Error(`FixtureReplay: no recorded exchange left for ${request.method} ${path}`)
        )
      }
      used.add(index)
      const { response } = recording.exchanges[index]!
      return Effect.succeed(
        HttpClientResponse.fromWeb(request, toWebResponse(response.status, response.headers, response.body))
      )
    })
  )
}

/**
 * The replaying client as the `HttpClient` of a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (recording: Recording): Layer.Layer<HttpClient.HttpClient> =>
  Layer.sync(HttpClient.HttpClient, () => client(recording))

/**
 * Writes a recording as JSON (one exchange a line block, stable for review in a diff).
 *
 * @since 0.1.0
 */
export const save = (path: string, recording: Recording) =>
  Effect.flatMap(
    FileSystem.FileSystem,
    (fs) => fs.writeFileString(path, `${JSON.stringify(Schema.encodeSync(Recording)(recording), null, 2)}\n`)
  )

/**
 * Reads a recording written by `save`.
 *
 * @since 0.1.0
 */
export const load = (path: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(path)).pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.parseJson(Recording)))
  )
