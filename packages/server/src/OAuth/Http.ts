import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Config, Effect, Option } from "effect"
import { AccessTokens } from "../AccessTokens.js"
import { Api } from "../Api.js"
import { scopes } from "../Auth.js"
import { Platforms } from "../Platforms.js"
import { RateLimits } from "../RateLimits.js"
import { stringProblem } from "../Schemas.js"

const oauthError = (status: number, error: string, description: string, headers: Record<string, string> = {}) =>
  HttpServerResponse.unsafeJson(
    { error, error_description: description },
    { status, headers: { "cache-control": "no-store", pragma: "no-cache", ...headers } }
  )

/** client_secret_basic: `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). */
const basicCredentials = (header: string | undefined) => {
  if (header === undefined || !/^basic /i.test(header)) return undefined
  try {
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8")
    const colon = decoded.indexOf(":")
    if (colon < 0) return undefined
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "))
    }
  } catch {
    return undefined
  }
}

export const HttpOAuthLive = HttpApiBuilder.group(Api, "oauth", (handlers) =>
  Effect.gen(function*() {
    const platforms = yield* Platforms
    const tokens = yield* AccessTokens
    const limits = yield* RateLimits
    const perClient = yield* Config.integer("SPACESYNC_TOKEN_RATE_PER_CLIENT").pipe(Config.withDefault(30))
    const perAddress = yield* Config.integer("SPACESYNC_TOKEN_RATE_PER_ADDRESS").pipe(Config.withDefault(60))

    return handlers.handle("token", ({ payload }) =>
      Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        const address = Option.getOrElse(request.remoteAddress, () => "unknown")
        const limited = yield* limits.hit(`address:${address}`, perAddress, 60_000)
        if (Option.isSome(limited)) {
          return oauthError(429, "temporarily_unavailable", "Too many token requests from this address", {
            "retry-after": String(limited.value)
          })
        }
        // Text no client id, secret or scope can hold (NUL characters, lone surrogates, over 16 KB).
        for (const [name, value] of Object.entries(payload)) {
          const problem = value === undefined ? undefined : stringProblem(value)
          if (problem !== undefined) return oauthError(400, "invalid_request", `${name}: ${problem}`)
        }
        const basic = basicCredentials(request.headers["authorization"])
        if (basic !== undefined && (payload.client_id !== undefined || payload.client_secret !== undefined)) {
          return oauthError(400, "invalid_request", "Use one client authentication method, not both")
        }
        const clientId = basic?.clientId ?? payload.client_id
        const clientSecret = basic?.clientSecret ?? payload.client_secret
        if (clientId !== undefined) {
          const clientLimited = yield* limits.hit(`client:${clientId}`, perClient, 60_000)
          if (Option.isSome(clientLimited)) {
            return oauthError(429, "temporarily_unavailable", "Too many token requests for this client", {
              "retry-after": String(clientLimited.value)
            })
          }
        }
        if (payload.grant_type === undefined) return oauthError(400, "invalid_request", "grant_type is required")
        if (payload.grant_type !== "client_credentials") {
          return oauthError(400, "unsupported_grant_type", "Only client_credentials is supported")
        }
        if (clientId === undefined || clientSecret === undefined) {
          return oauthError(401, "invalid_client", "Client authentication failed", {
            "www-authenticate": "Basic realm=\"spacesync\""
          })
        }
        const platformId = yield* platforms.authenticate(clientId, clientSecret)
        if (Option.isNone(platformId)) {
          return oauthError(401, "invalid_client", "Client authentication failed", {
            "www-authenticate": "Basic realm=\"spacesync\""
          })
        }
        const requested = payload.scope === undefined || payload.scope.trim() === ""
          ? [...scopes]
          : [...new Set(payload.scope.trim().split(/\s+/))]
        const unknown = requested.filter((s) => !(scopes as ReadonlyArray<string>).includes(s))
        if (unknown.length > 0) return oauthError(400, "invalid_scope", `Unknown scope: ${unknown.join(" ")}`)
        const { expiresIn, token } = yield* tokens.issue({ platformId: platformId.value, scopes: requested })
        return HttpServerResponse.unsafeJson(
          { access_token: token, token_type: "Bearer", expires_in: expiresIn, scope: requested.join(" ") },
          { headers: { "cache-control": "no-store", pragma: "no-cache" } }
        )
      }))
  }))
