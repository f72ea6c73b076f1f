/**
 * The HTTP client an adapter talks to its upstream with. `make` turns the `HttpClient` of the context (the
 * hub's outbound-guarded one in production, a plain one in tests) into a client that:
 *
 * - resolves relative URLs against the adapter's `baseUrl` and refuses absolute URLs of another origin
 *   (credentials never leave for a host the account was not configured with);
 * - authenticates every request (bearer, basic, an OAuth token source, or any request transform);
 * - bounds every exchange by a timeout, body included, and buffers the body (capped) so that a transport
 *   error half-way through a body is retried like any other;
 * - maps statuses to `AdapterError`: 401/403 → `Unauthorized`, 429 and the adapter's declared throttling
 *   statuses (Nexudus answers 409) → `RateLimited` with `Retry-After`, anything else that is not 2xx or
 *   304 → `Upstream` with its status; transport errors and timeouts → `Unavailable`;
 * - retries 5xx, 408, timeouts and transport errors with exponential backoff and jitter (bounded), and
 *   waits out `RateLimited` as long as the upstream asks within a bounded total wait.
 *
 * `schemaJson` decodes a JSON body with a Schema into `InvalidData` errors that name the path.
 *
 * @since 0.1.0
 */
import { Headers, HttpClient, HttpClientError, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import {
  Clock,
  Data,
  Duration,
  Effect,
  Option,
  ParseResult,
  Predicate,
  Redacted,
  Schedule,
  ScheduleDecision,
  ScheduleInterval,
  Schema,
  Stream
} from "effect"
import * as AdapterError from "./AdapterError.js"

/**
 * How requests are authenticated. `apply` adds credentials to a request (it may fetch them, e.g. an
 * OAuth token, through the `HttpClient` it is given); `onUnauthorized`, when present, is called with the
 * rejected request after a 401 and the request is then sent once more (an OAuth token that expired
 * early).
 *
 * @since 0.1.0
 * @category auth
 */
export interface Auth {
  readonly apply: (
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<HttpClientRequest.HttpClientRequest, AdapterError.AdapterError, HttpClient.HttpClient>
  readonly onUnauthorized?: ((request: HttpClientRequest.HttpClientRequest) => Effect.Effect<void>) | undefined
  /** Header names whose values must never reach a log or a trace (besides `authorization` and cookies). */
  readonly redactHeaders?: ReadonlyArray<string> | undefined
}

/**
 * `Authorization: Bearer <token>`.
 *
 * @since 0.1.0
 * @category auth
 */
export const bearer = (token: string | Redacted.Redacted<string>): Auth => ({
  apply: (request) => Effect.succeed(HttpClientRequest.bearerToken(request, token))
})

/**
 * HTTP Basic authentication.
 *
 * @since 0.1.0
 * @category auth
 */
export const basic = (username: string, password: string | Redacted.Redacted<string>): Auth => ({
  apply: (request) => Effect.succeed(HttpClientRequest.basicAuth(request, username, password))
})

/**
 * Static headers that carry a secret (an API key header, a marketplace token). Values are kept
 * `Redacted` until the request is sent.
 *
 * @since 0.1.0
 * @category auth
 */
export const headers = (values: Readonly<Record<string, string | Redacted.Redacted<string>>>): Auth => ({
  redactHeaders: Object.keys(values),
  apply: (request) =>
    Effect.succeed(HttpClientRequest.setHeaders(
      request,
      Object.fromEntries(
        Object.entries(values).map((
          [name, value]
        ) => [name, Redacted.isRedacted(value) ? Redacted.value(value) : value])
      )
    ))
})

/**
 * Any request transform, e.g. a signature over the request.
 *
 * @since 0.1.0
 * @category auth
 */
export const transform = (
  apply: Auth["apply"],
  options: { readonly onUnauthorized?: Auth["onUnauthorized"]; readonly redactHeaders?: ReadonlyArray<string> } = {}
): Auth => ({ apply, ...options })

/**
 * Something that hands out access tokens and can be told that one was rejected (see the `source` of an
 * `OAuthTokens.makeCache` cache). `get` runs with the `HttpClient` the upstream client was made from.
 *
 * @since 0.1.0
 * @category auth
 */
export interface TokenSource {
  readonly get: Effect.Effect<
    { readonly accessToken: Redacted.Redacted<string> },
    AdapterError.AdapterError,
    HttpClient.HttpClient
  >
  readonly invalidate: (accessToken: string) => Effect.Effect<void>
}

/**
 * Bearer tokens from a token source; a 401 invalidates the token that was used and the request is sent
 * once more with a fresh one.
 *
 * @since 0.1.0
 * @category auth
 */
export const oauth = (source: TokenSource): Auth => ({
  apply: (request) =>
    Effect.map(source.get, (token) => HttpClientRequest.bearerToken(request, Redacted.value(token.accessToken))),
  onUnauthorized: (request) => {
    const header = request.headers["authorization"] ?? ""
    const match = /^Bearer\s+(.+)$/i.exec(header)
    return match === null ? Effect.void : source.invalidate(match[1]!)
  }
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Relative request URLs are resolved against it; absolute URLs must share its origin. */
  readonly baseUrl?: string | undefined
  readonly auth?: Auth | undefined
  /** Headers sent with every request (`Accept: application/json` is the default). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Statuses besides 429 with which the upstream says "slow down" (Nexudus: 409). */
  readonly throttleStatuses?: ReadonlyArray<number> | undefined
  /** Statuses handed back to the caller as responses instead of errors. Default: 2xx and 304. */
  readonly acceptStatus?: ((status: number) => boolean) | undefined
  /** Bound on one exchange, body included. Default 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Retries of 5xx, 408, timeouts and transport errors. Default 3 retries from 250 ms, doubling, jittered. */
  readonly retry?: { readonly times?: number | undefined; readonly base?: Duration.DurationInput | undefined } | false
  /**
   * Waiting out `RateLimited`: the upstream's `Retry-After` (or `defaultDelay`, doubling, when it sends
   * none) as long as the total wait stays within `maxTotal`. Default: 60 seconds in total, 1 second.
   */
  readonly rateLimit?:
    | { readonly maxTotal?: Duration.DurationInput | undefined; readonly defaultDelay?: Duration.DurationInput }
    | false
  /** Bodies larger than this fail `Upstream`. Default 32 MiB. */
  readonly maxBodyBytes?: number | undefined
}

/**
 * A configured upstream client: every failure is an `AdapterError`.
 *
 * @since 0.1.0
 * @category models
 */
export type Client = HttpClient.HttpClient.With<AdapterError.AdapterError>

/** @since 0.1.0 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/** @since 0.1.0 */
export const defaultMaxBodyBytes = 32 * 1024 * 1024

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const month = `(${months.join("|")})`
const time = "(\\d{2}):(\\d{2}):(\\d{2})"
// RFC 9110 §5.6.7: the preferred IMF-fixdate and the two obsolete forms every recipient must accept.
const imfFixdate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${month} (\\d{4}) ${time} GMT$`)
const rfc850Date = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${month}-(\\d{2}) ${time} GMT$`
)
const asctimeDate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${month} ( \\d|\\d{2}) ${time} (\\d{4})$`)

const utc = (year: number, monthName: string, ...fields: [string, string, string, string]): number | undefined => {
  const m = months.indexOf(monthName)
  const [day, hour, minute, second] = fields.map(Number) as [number, number, number, number]
  if (hour > 23 || minute > 59 || second > 60) return undefined
  const date = new Date(0)
  date.setUTCFullYear(year, m, day)
  // A leap second (:60) counts as the last second of its minute.
  date.setUTCHours(hour, minute, Math.min(second, 59))
  return date.getUTCMonth() === m && date.getUTCDate() === day ? date.getTime() : undefined
}

/** An HTTP-date (RFC 9110 §5.6.7) in epoch milliseconds, or `undefined` when `text` is not one. */
const parseHttpDate = (text: string, nowMillis: number): number | undefined => {
  let match = imfFixdate.exec(text)
  if (match !== null) return utc(Number(match[3]), match[2]!, match[1]!, match[4]!, match[5]!, match[6]!)
  match = rfc850Date.exec(text)
  if (match !== null) {
    // A two-digit year more than 50 years ahead is the most recent past year with those digits.
    const nowYear = new Date(nowMillis).getUTCFullYear()
    let year = Math.floor(nowYear / 100) * 100 + Number(match[3])
    if (year > nowYear + 50) year -= 100
    return utc(year, match[2]!, match[1]!, match[4]!, match[5]!, match[6]!)
  }
  match = asctimeDate.exec(text)
  if (match !== null) return utc(Number(match[6]), match[1]!, match[2]!.trim(), match[3]!, match[4]!, match[5]!)
  return undefined
}

/**
 * Parses a `Retry-After` value (RFC 9110 §10.2.3) into milliseconds from `nowMillis`: delay-seconds or an
 * HTTP-date in any of its three forms (IMF-fixdate, RFC 850, asctime; always GMT). Surrounding whitespace
 * is ignored, and a decimal number of seconds (`0.5`) is tolerated. `undefined` when absent or not one of
 * those (a negative number, a date that does not exist or is not GMT, anything else); a date in the past
 * is 0. The one parser of the hub: adapters' upstream clients and the delivery workers both use it.
 *
 * @since 0.1.0
 */
export const parseRetryAfter = (value: string | undefined, nowMillis: number): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) {
    const millis = Math.round(Number(text) * 1000)
    return Number.isFinite(millis) ? millis : undefined
  }
  const date = parseHttpDate(text, nowMillis)
  return date === undefined ? undefined : Math.max(0, date - nowMillis)
}

/**
 * Where a request went, for messages: method, origin and path, never the query (it may hold secrets).
 *
 * @since 0.1.0
 */
export const describeRequest = (request: HttpClientRequest.HttpClientRequest): string => {
  try {
    const url = new URL(request.url)
    return `${request.method} ${url.origin}${url.pathname}`
  } catch {
    return `${request.method} ${request.url.split("?")[0]}`
  }
}

/** A failure worth another attempt (`transient`), or a 401 worth a fresh credential (`reauth`). */
class Retryable extends Data.TaggedError("Retryable")<{
  readonly kind: "transient" | "reauth"
  readonly error: AdapterError.AdapterError
  readonly request?: HttpClientRequest.HttpClientRequest | undefined
}> {}

const isAbsolute = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url)

const noBodyStatus = (status: number) => status === 204 || status === 205 || status === 304 || status < 200

// The first buffer of a body of unknown length.
const initialBodyBytes = 64 * 1024

const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  what: string
): Effect.Effect<Uint8Array | null, AdapterError.AdapterError | Retryable> => {
  if (noBodyStatus(response.status) || response.request.method === "HEAD") return Effect.succeed(null)
  const tooLarge = AdapterError.upstream(response.status, `${what}: response body larger than ${maxBytes} bytes`)
  const declared = Number(response.headers["content-length"])
  if (Number.isFinite(declared) && declared > maxBytes) return Effect.fail(tooLarge)
  return Effect.suspend(() => {
    // The body is copied into one buffer as it arrives (of the declared length, or grown by doubling), so
    // that each chunk the socket read is garbage at once: keeping the chunks until the end and joining them
    // then left a 122 MB feed's thousands of 64 KB chunks scattered over the C heap, which the allocator
    // did not give back to the system (a hub stayed about 100 MB larger after its first sync).
    let body = Buffer.allocUnsafeSlow(
      Number.isFinite(declared) && declared >= 0 ? Math.max(declared, 1) : initialBodyBytes
    )
    let size = 0
    return response.stream.pipe(
      Stream.runForEach((chunk) => {
        if (size + chunk.length > maxBytes) return Effect.fail(tooLarge)
        if (size + chunk.length > body.length) {
          const grown = Buffer.allocUnsafeSlow(Math.min(maxBytes, Math.max(2 * body.length, size + chunk.length)))
          body.copy(grown, 0, 0, size)
          body = grown
        }
        body.set(chunk, size)
        size += chunk.length
        return Effect.void
      }),
      Effect.map((): Uint8Array => body.subarray(0, size)),
      Effect.catchIf(
        (error): error is HttpClientError.ResponseError =>
          HttpClientError.isHttpClientError(error) && error._tag === "ResponseError",
        (error) =>
          error.reason === "EmptyBody" ? Effect.succeed(new Uint8Array(0)) : Effect.fail(
            new Retryable({
              kind: "transient",
              error: AdapterError.unavailable(`${what}: the connection broke while reading the body`),
              request: response.request
            })
          )
      )
    )
  })
}

// The bytes each settled response was read into, so that `bytes` and `json` take them as they are. A web
// `Response` built on them copies them when it is made (a Uint8Array body) and twice more when it is read:
// for a 122 MB feed that was over a second of a no-change sync.
const bufferedBodies = new WeakMap<HttpClientResponse.HttpClientResponse, Uint8Array>()

const buffered = (response: HttpClientResponse.HttpClientResponse, body: Uint8Array | null) => {
  const hasBody = body !== null && !noBodyStatus(response.status)
  const settled = HttpClientResponse.fromWeb(
    response.request,
    // A stream of the one chunk: the web Response copies nothing until someone reads it that way.
    new Response(
      hasBody
        ? new ReadableStream<Uint8Array>({
          start: (controller) => {
            controller.enqueue(body)
            controller.close()
          }
        })
        : null,
      { status: response.status, headers: new globalThis.Headers(Object.entries(response.headers)) }
    )
  )
  bufferedBodies.set(settled, hasBody ? body : new Uint8Array(0))
  return settled
}

const snippet = (body: Uint8Array | null) => {
  if (body === null || body.length === 0) return ""
  const text = Buffer.from(body.subarray(0, 300)).toString("utf8").replace(/\s+/g, " ").trim()
  return text === "" ? "" : `: ${text.slice(0, 200)}`
}

/**
 * Builds a configured upstream client from the `HttpClient` of the context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Client, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (base) => fromClient(base, options))

/**
 * Like `make`, from a given `HttpClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromClient = (base: HttpClient.HttpClient, options: Options = {}): Client => {
  const timeout = Duration.decode(options.timeout ?? defaultTimeout)
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes
  const throttle = new Set([429, ...(options.throttleStatuses ?? [])])
  const accept = options.acceptStatus ?? ((status: number) => (status >= 200 && status < 300) || status === 304)
  const baseUrl = options.baseUrl === undefined ? undefined : new URL(options.baseUrl)
  const basePrefix = baseUrl === undefined ? "" : baseUrl.href.replace(/\/$/, "")
  const defaultHeaders = { accept: "application/json", ...options.headers }
  const auth = options.auth
  const redacted = (auth?.redactHeaders ?? []).map((name) => name.toLowerCase())

  const prepare = (request: HttpClientRequest.HttpClientRequest) =>
    Effect.gen(function*() {
      let prepared = request
      if (baseUrl !== undefined) {
        if (!isAbsolute(request.url)) {
          const path = request.url.replace(/^\//, "")
          prepared = HttpClientRequest.setUrl(request, path === "" ? basePrefix : `${basePrefix}/${path}`)
        } else if (new URL(request.url).origin !== baseUrl.origin) {
          return yield* Effect.fail(
            AdapterError.upstream(0, `Refusing to send credentials to another origin than ${baseUrl.origin}`)
          )
        }
      }
      for (const [name, value] of Object.entries(defaultHeaders)) {
        if (prepared.headers[name.toLowerCase()] === undefined) {
          prepared = HttpClientRequest.setHeader(prepared, name, value)
        }
      }
      if (auth !== undefined) prepared = yield* Effect.provideService(auth.apply(prepared), HttpClient.HttpClient, base)
      return prepared
    })

  const fromTransportError = (
    error: HttpClientError.HttpClientError | AdapterError.AdapterError
  ): Effect.Effect<never, AdapterError.AdapterError | Retryable> => {
    if (!HttpClientError.isHttpClientError(error)) return Effect.fail(error)
    const what = describeRequest(error.request)
    if (error._tag === "RequestError" && error.reason !== "Transport") {
      return Effect.fail(
        AdapterError.unavailable(`${what}: ${error.reason} error${error.description ? ` (${error.description})` : ""}`)
      )
    }
    return Effect.fail(
      new Retryable({
        kind: "transient",
        error: AdapterError.unavailable(`${what}: cannot reach the upstream${transportDetail(error.cause)}`),
        request: error.request
      })
    )
  }

  const settle = (
    response: HttpClientResponse.HttpClientResponse
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, AdapterError.AdapterError | Retryable> =>
    Effect.gen(function*() {
      const status = response.status
      const what = `${describeRequest(response.request)} answered ${status}`
      const body = yield* readBody(response, maxBodyBytes, what)
      if (accept(status)) return buffered(response, body)
      if (throttle.has(status)) {
        const now = yield* Clock.currentTimeMillis
        const retryAfterMillis = parseRetryAfter(response.headers["retry-after"], now)
        return yield* Effect.fail(AdapterError.rateLimited(`${what}: throttled`, retryAfterMillis))
      }
      if (status === 401 || status === 403) {
        const error = new AdapterError.AdapterError({
          reason: "Unauthorized",
          status,
          message: `${what}: credentials rejected`
        })
        return yield* Effect.fail(
          status === 401 && auth?.onUnauthorized !== undefined
            ? new Retryable({ kind: "reauth", error, request: response.request })
            : error
        )
      }
      const error = AdapterError.upstream(status, `${what}${snippet(body)}`)
      return yield* Effect.fail(
        status >= 500 || status === 408 ? new Retryable({ kind: "transient", error, request: response.request }) : error
      )
    })

  const transientSchedule = options.retry === false
    ? Schedule.stop
    : Schedule.exponential(options.retry?.base ?? Duration.millis(250), 2).pipe(
      Schedule.jittered,
      Schedule.intersect(Schedule.recurs(options.retry?.times ?? 3))
    )

  const rateLimitSchedule = options.rateLimit === false ? undefined : waitOutSchedule(options.rateLimit ?? {})

  const exchange = (
    send: Effect.Effect<
      HttpClientResponse.HttpClientResponse,
      HttpClientError.HttpClientError | AdapterError.AdapterError
    >
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, AdapterError.AdapterError> => {
    const traced = redacted.length === 0
      ? send
      : Effect.locallyWith(send, Headers.currentRedactedNames, (names) => [...names, ...redacted])
    const once = traced.pipe(
      Effect.catchAll(fromTransportError),
      Effect.flatMap(settle),
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () =>
          new Retryable({
            kind: "transient",
            error: AdapterError.unavailable(`No answer within ${Duration.format(timeout)}`)
          })
      })
    )
    const retried = Effect.retry(once, {
      schedule: transientSchedule,
      while: (error) => error instanceof Retryable && error.kind === "transient"
    })
    const unwrap = (error: AdapterError.AdapterError | Retryable) => error instanceof Retryable ? error.error : error
    const isReauth = (error: AdapterError.AdapterError | Retryable) =>
      error instanceof Retryable && error.kind === "reauth" && error.request !== undefined
    const unwrapped = Effect.catchAll(retried, (error) =>
      isReauth(error)
        ? Effect.zipRight(
          auth!.onUnauthorized!((error as Retryable).request!),
          Effect.mapError(retried, unwrap)
        )
        : Effect.fail(unwrap(error)))
    return rateLimitSchedule === undefined ? unwrapped : Effect.retry(unwrapped, rateLimitSchedule)
  }

  return base.pipe(
    HttpClient.mapRequestEffect(prepare),
    HttpClient.transformResponse(exchange)
  )
}

const transportDetail = (cause: unknown): string => {
  const code = Predicate.hasProperty(cause, "cause") && Predicate.hasProperty(cause.cause, "code")
    ? cause.cause.code
    : Predicate.hasProperty(cause, "code")
    ? cause.code
    : undefined
  return typeof code === "string" ? ` (${code})` : ""
}

/**
 * The schedule that waits out `RateLimited` errors: the upstream's `retryAfterMillis`, or `defaultDelay`
 * doubling per attempt when it named none, as long as the sum of waits stays within `maxTotal`. Its
 * output is the total waited so far. A wait
 * that would exceed the budget is not started: the error is returned at once (its `retryAfterMillis`
 * tells the caller when to come back).
 *
 * @since 0.1.0
 * @category retries
 */
export const waitOutSchedule = (options: {
  readonly maxTotal?: Duration.DurationInput | undefined
  readonly defaultDelay?: Duration.DurationInput | undefined
}): Schedule.Schedule<number, unknown> => {
  const maxTotal = Duration.toMillis(options.maxTotal ?? Duration.seconds(60))
  const defaultDelay = Duration.toMillis(options.defaultDelay ?? Duration.seconds(1))
  const isRateLimited = (input: unknown): input is AdapterError.AdapterError =>
    input instanceof AdapterError.AdapterError && input.reason === "RateLimited"
  return Schedule.makeWithState(
    { attempt: 0, total: 0 },
    (now, input: unknown, state) =>
      Effect.sync(() => {
        if (!isRateLimited(input)) return [state, state.total, ScheduleDecision.done] as const
        const delay = input.retryAfterMillis ?? defaultDelay * 2 ** state.attempt
        if (state.total + delay > maxTotal) return [state, state.total, ScheduleDecision.done] as const
        const next = { attempt: state.attempt + 1, total: state.total + delay }
        return [next, next.total, ScheduleDecision.continueWith(ScheduleInterval.after(now + delay))] as const
      })
  )
}

/**
 * Turns a decode failure into `InvalidData` naming the path of its first issue (`prefix` first), e.g.
 * `["locations", 3, "prices", 0, "amount", "amount"]`; the message names the path and how many other
 * issues there are.
 *
 * @since 0.1.0
 * @category decoding
 */
export const fromParseError = (
  error: ParseResult.ParseError,
  options: { readonly prefix?: ReadonlyArray<string | number>; readonly externalId?: string | undefined } = {}
): AdapterError.AdapterError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const path = [
    ...(options.prefix ?? []),
    ...(first?.path ?? []).map((key) => (typeof key === "symbol" ? String(key) : key))
  ] as Array<string | number>
  const others = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? "s" : ""})` : ""
  const where = path.length === 0 ? "document" : path.join(".")
  return AdapterError.invalidData(path, `${where}: ${first?.message ?? error.message}${others}`, options.externalId)
}

/**
 * Decodes unknown data with `schema`; a failure is `InvalidData` naming the path (see `fromParseError`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeUnknown = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  options: { readonly prefix?: ReadonlyArray<string | number>; readonly externalId?: string | undefined } = {}
) => {
  const decode = Schema.decodeUnknown(schema, { errors: "all" })
  return (input: unknown): Effect.Effect<A, AdapterError.AdapterError, R> =>
    Effect.mapError(decode(input), (error) => fromParseError(error, options))
}

/**
 * The body of a response parsed as JSON; a body that is not JSON is `InvalidData` at the document root.
 *
 * @since 0.1.0
 * @category decoding
 */
export const json = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<unknown, AdapterError.AdapterError> =>
  Effect.flatMap(bytes(response), (body) => parseJson(utf8.decode(body), describeRequest(response.request)))

const utf8 = new TextDecoder()

/**
 * The body of a response as bytes: those the client read it into, without a copy, for a response of a
 * `Client`; any other response's body is read.
 *
 * @since 0.1.0
 * @category decoding
 */
export const bytes = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<Uint8Array, AdapterError.AdapterError> => {
  const body = bufferedBodies.get(response)
  if (body !== undefined) return Effect.succeed(body)
  return response.arrayBuffer.pipe(
    Effect.map((buffer) => new Uint8Array(buffer)),
    Effect.mapError(() => AdapterError.unavailable(`${describeRequest(response.request)}: body unreadable`))
  )
}

/**
 * Parses JSON text; a syntax error is `InvalidData` at the document root, naming `what`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseJson = (text: string, what = "document"): Effect.Effect<unknown, AdapterError.AdapterError> =>
  Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (error) =>
      AdapterError.invalidData([], `${what}: not JSON (${error instanceof Error ? error.message : String(error)})`)
  })

/**
 * Decodes a JSON response body with `schema`: `InvalidData` naming the path on any mismatch.
 *
 * @since 0.1.0
 * @category decoding
 */
export const schemaJson = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  options: { readonly prefix?: ReadonlyArray<string | number>; readonly externalId?: string | undefined } = {}
) => {
  const decode = decodeUnknown(schema, options)
  return (response: HttpClientResponse.HttpClientResponse): Effect.Effect<A, AdapterError.AdapterError, R> =>
    Effect.flatMap(json(response), decode)
}

/**
 * Sends a request and decodes its JSON body.
 *
 * @since 0.1.0
 * @category decoding
 */
export const executeJson = <A, I, R>(
  client: Client,
  request: HttpClientRequest.HttpClientRequest,
  schema: Schema.Schema<A, I, R>
): Effect.Effect<A, AdapterError.AdapterError, R> => Effect.flatMap(client.execute(request), schemaJson(schema))

/**
 * A response header, when present.
 *
 * @since 0.1.0
 */
export const header = (response: HttpClientResponse.HttpClientResponse, name: string): Option.Option<string> =>
  Option.fromNullable(response.headers[name.toLowerCase()])
