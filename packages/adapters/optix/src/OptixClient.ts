/**
 * A small typed GraphQL layer over Optix (`POST {baseUrl}/graphql`, `Authorization: Bearer <token>`). It
 * knows nothing of the canonical model (see `OptixNormalize`).
 *
 * - `query(document, variables, schema)` posts `{query, variables}` as JSON and decodes `{data, errors}`:
 *   `data` with `schema` (`InvalidData` naming the path), `errors` as a typed `AdapterError`
 *   (`classifyErrors`): authentication errors → `Unauthorized`, throttling → `RateLimited` (waited out),
 *   a query Optix refuses (validation) → `Upstream` 400 naming Optix's message, anything else → `Upstream`.
 * - HTTP statuses go through `UpstreamHttp`: 401/403 → `Unauthorized` (the message tells the operator to
 *   update the token), 429 with `Retry-After` waited out, 5xx retried.
 * - `list` pages a listing with `limit`/`page` until `total` records have come (a page may hold fewer than
 *   `limit`: Optix documents no maximum).
 *
 * @since 0.1.0
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { AdapterError, HttpUrl, Pagination, UpstreamHttp } from "@spacesync/adapter-kit"
import { Chunk, Effect, Schema, Stream } from "effect"
import * as OptixQueries from "./OptixQueries.js"
import * as OptixSchemas from "./OptixSchemas.js"

/** An account's credentials: one Optix organization token. @since 0.1.0 */
export const Credentials = Schema.Struct({
  baseUrl: Schema.optional(HttpUrl.HttpUrl),
  accessToken: Schema.Redacted(Schema.NonEmptyString),
  clientId: Schema.optional(Schema.NonEmptyString),
  webhookSecret: Schema.optional(Schema.Redacted(Schema.NonEmptyString))
})
/** @since 0.1.0 */
export type Credentials = typeof Credentials.Type

/** The real API origin. @since 0.1.0 */
export const defaultBaseUrl = "https://api.optixapp.com"

/** The GraphQL endpoint of the credentials. @since 0.1.0 */
export const endpointOf = (credentials: Credentials): string =>
  `${(credentials.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")}/graphql`

/**
 * The message of every `Unauthorized` about the token: Optix replaces organization tokens from time to
 * time (announcing it with the `organization_token_updated` webhook), and the hub cannot swap it in.
 *
 * @since 0.1.0
 */
export const tokenRejected =
  "Optix rejected the access token (or it is not an organization token). Optix replaces organization tokens from time to time and announces it with the organization_token_updated webhook: update this account's accessToken with the organization's current token"

const codeOf = (error: OptixSchemas.GraphQLError): string => {
  const code = error.extensions?.code ?? error.extensions?.category
  return typeof code === "string" ? code.toUpperCase() : ""
}

const isAuth = (error: OptixSchemas.GraphQLError) =>
  ["UNAUTHENTICATED", "UNAUTHORIZED", "FORBIDDEN", "AUTHENTICATION", "AUTHORIZATION"].includes(codeOf(error)) ||
  /\b(unauthori[sz]ed|unauthenticated|not authenticated|invalid (access )?token|token (has )?expired|expired token|access denied)\b/i
    .test(error.message)

const isThrottle = (error: OptixSchemas.GraphQLError) =>
  ["TOO_MANY_REQUESTS", "RATE_LIMITED", "THROTTLED"].includes(codeOf(error)) ||
  /\b(rate limit|too many requests|throttl)/i.test(error.message)

const isValidation = (error: OptixSchemas.GraphQLError) =>
  ["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_USER_INPUT", "VALIDATION"].includes(codeOf(error)) ||
  /^(Cannot query field|Unknown argument|Unknown type|Syntax Error|Variable "\$|Field "|Argument ")/.test(error.message)

const throttledPrefix = "Optix throttled the query"

/**
 * The `AdapterError` of a response's GraphQL `errors` (HTTP `status`): `Unauthorized` when one is about
 * authentication, `RateLimited` when one is throttling, `Upstream` 400 when Optix refused the query itself
 * (a contract error: the adapter asked for something Optix does not have), else `Upstream` with `status`.
 * Messages are Optix's, never the token.
 *
 * @since 0.1.0
 */
export const classifyErrors = (
  errors: ReadonlyArray<OptixSchemas.GraphQLError>,
  status = 200
): AdapterError.AdapterError => {
  const messages = errors.map((error) => error.message).join("; ").slice(0, 500)
  if (errors.some(isAuth)) {
    return new AdapterError.AdapterError({ reason: "Unauthorized", message: `${tokenRejected} (Optix: ${messages})` })
  }
  if (errors.some(isThrottle)) return AdapterError.rateLimited(`${throttledPrefix}: ${messages}`)
  if (errors.some(isValidation)) {
    return AdapterError.upstream(
      400,
      `Optix refused the adapter's query (it does not match Optix's schema): ${messages}`
    )
  }
  return AdapterError.upstream(status, `Optix answered with errors: ${messages}`)
}

/**
 * The raw client of one account's credentials.
 *
 * @since 0.1.0
 * @category models
 */
export interface OptixClient {
  readonly credentials: Credentials
  /** Sends `document` with `variables`; decodes `data` with `schema`. */
  readonly query: <A, I>(
    document: string,
    variables: Readonly<Record<string, unknown>>,
    schema: Schema.Schema<A, I>,
    options?: { readonly prefix?: ReadonlyArray<string | number> }
  ) => Effect.Effect<A, AdapterError.AdapterError>
  /** Every record of the paged listing `field` of `document` (variables `limit` and `page` are added). */
  readonly list: (
    document: string,
    field: string,
    variables?: Readonly<Record<string, unknown>>
  ) => Effect.Effect<ReadonlyArray<unknown>, AdapterError.AdapterError>
  /** The token's organization; `Unauthorized` when the token has none (not an organization token, expired). */
  readonly organization: Effect.Effect<OptixSchemas.Organization, AdapterError.AdapterError>
}

const withTokenMessage = (error: AdapterError.AdapterError): AdapterError.AdapterError =>
  error.reason === "Unauthorized" && !error.message.startsWith(tokenRejected)
    ? new AdapterError.AdapterError({
      reason: "Unauthorized",
      message: `${tokenRejected} (${error.message})`,
      ...(error.status !== undefined ? { status: error.status } : {})
    })
    : error

/**
 * Makes the client of `credentials` from the `HttpClient` of the context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (credentials: Credentials): Effect.Effect<OptixClient, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const base = yield* HttpClient.HttpClient
    const endpoint = endpointOf(credentials)
    const http = UpstreamHttp.fromClient(base, {
      baseUrl: new URL(endpoint).origin,
      auth: UpstreamHttp.bearer(credentials.accessToken),
      // GraphQL servers answer a refused query with 400 and `{errors}`: read it.
      acceptStatus: (status) => (status >= 200 && status < 300) || status === 400
    })
    const decodeEnvelope = UpstreamHttp.schemaJson(OptixSchemas.Envelope, { prefix: ["graphql"] })
    // Throttling reported inside a 200 (GraphQL `errors`) is waited out like a 429.
    const waitOut = UpstreamHttp.waitOutSchedule({})

    const query: OptixClient["query"] = (document, variables, schema, options) => {
      const decode = UpstreamHttp.decodeUnknown(schema, { prefix: options?.prefix ?? ["data"] })
      const once = Effect.gen(function*() {
        const request = yield* HttpClientRequest.post(endpoint).pipe(
          HttpClientRequest.bodyJson({ query: document, variables })
        ).pipe(Effect.orDie)
        const response = yield* http.execute(request)
        const envelope = yield* decodeEnvelope(response).pipe(
          // A 400 that is not a GraphQL answer is the upstream's refusal, not a malformed record.
          Effect.catchIf(
            (error) => error.reason === "InvalidData" && response.status !== 200,
            () =>
              response.text.pipe(
                Effect.orElseSucceed(() => ""),
                Effect.flatMap((body) =>
                  AdapterError.upstream(
                    response.status,
                    `${UpstreamHttp.describeRequest(response.request)} answered ${response.status}: ${
                      body.slice(0, 200)
                    }`
                  )
                )
              )
          )
        )
        if (envelope.errors != null && envelope.errors.length > 0) {
          return yield* Effect.fail(classifyErrors(envelope.errors, response.status))
        }
        if (response.status >= 300) {
          return yield* AdapterError.upstream(response.status, `Optix answered ${response.status} without errors`)
        }
        if (envelope.data === undefined || envelope.data === null) {
          return yield* AdapterError.invalidData(["data"], "Optix answered without data or errors")
        }
        return yield* decode(envelope.data)
      })
      return once.pipe(
        Effect.retry({ schedule: waitOut, while: (error) => error.message.startsWith(throttledPrefix) }),
        Effect.mapError(withTokenMessage)
      )
    }

    // Optix documents no maximum `limit`, so a page may hold fewer records than asked: page until `total`
    // records have come (or a page comes back empty).
    const list: OptixClient["list"] = (document, field, variables = {}) => {
      const schema = OptixSchemas.pageOf(field)
      return Effect.suspend(() => {
        let received = 0
        return Effect.map(
          Stream.runCollect(Pagination.pageNumber({
            fetch: (page) =>
              Effect.map(
                query(document, { ...variables, limit: OptixQueries.pageSize, page }, schema, {
                  prefix: [field, "page", page]
                }),
                (data) => {
                  const result = (data as Record<string, OptixSchemas.Page>)[field]!
                  received += result.data.length
                  return { items: result.data, hasNext: result.data.length > 0 && received < result.total }
                }
              )
          })),
          Chunk.toReadonlyArray
        )
      })
    }

    const organization = Effect.flatMap(
      query(OptixQueries.organization, {}, OptixSchemas.OrganizationData, { prefix: ["organization"] }),
      (data) =>
        data.organization === null
          ? Effect.fail(AdapterError.unauthorized(`${tokenRejected} (the token names no organization)`))
          : Effect.succeed(data.organization)
    )

    return { credentials, query, list, organization }
  })
