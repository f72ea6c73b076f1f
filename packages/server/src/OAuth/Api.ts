import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { operation } from "../OpenApiDocument.js"

export const TokenRequest = Schema.Struct({
  grant_type: Schema.optional(Schema.String.annotations({ description: "Must be `client_credentials`" })),
  client_id: Schema.optional(Schema.String.annotations({ description: "With `client_secret_post`: the client id" })),
  client_secret: Schema.optional(
    Schema.String.annotations({ description: "With `client_secret_post`: the client secret" })
  ),
  scope: Schema.optional(
    Schema.String.annotations({
      description: "Space-separated subset of `locations:read webhooks:manage connections:manage`; default all"
    })
  )
}).pipe(HttpApiSchema.withEncoding({ kind: "UrlParams" }))

export const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  token_type: Schema.Literal("Bearer"),
  expires_in: Schema.Int.pipe(Schema.between(1, 3600)),
  scope: Schema.String
})

/** RFC 6749 §5.2 error response. */
export class OAuthError extends Schema.Class<OAuthError>("OAuthError")({
  error: Schema.Literal(
    "invalid_request",
    "invalid_client",
    "unsupported_grant_type",
    "invalid_scope",
    "temporarily_unavailable"
  ),
  error_description: Schema.optional(Schema.String)
}) {}

export class OAuthApi extends HttpApiGroup.make("oauth")
  .add(
    HttpApiEndpoint.post("token", "/oauth/token")
      .setPayload(TokenRequest)
      .addSuccess(TokenResponse)
      .addError(OAuthError, { status: 400 })
      .annotateContext(operation({
        summary: "Get an access token",
        description:
          "OAuth2 client credentials grant (RFC 6749 §4.4). Authenticate the client with HTTP Basic (`client_secret_basic`) or with the `client_id` and `client_secret` form fields (`client_secret_post`), not both. Optional `scope`: a space-separated subset of `locations:read webhooks:manage connections:manage` (default: all). Errors follow RFC 6749 §5.2: 400 `invalid_request`, `unsupported_grant_type` or `invalid_scope`; 401 `invalid_client`; 429 `temporarily_unavailable` with `Retry-After` when rate-limited per client or per address.",
        security: [{ clientBasic: [] }, {}],
        request: { grant_type: "client_credentials", scope: "locations:read webhooks:manage" },
        responses: {
          200: {
            description: "An access token; send it as `Authorization: Bearer <access_token>`",
            example: {
              access_token: "at_Vh4Jr9Kc2Lx7Mn1Pq5Rs8Tu3Wv6Yz0Ab",
              token_type: "Bearer",
              expires_in: 3600,
              scope: "locations:read webhooks:manage"
            }
          },
          400: {
            description: "`invalid_request`, `unsupported_grant_type` or `invalid_scope`",
            schema: { $ref: "#/components/schemas/OAuthError" },
            example: { error: "unsupported_grant_type", error_description: "Only client_credentials is supported" }
          },
          401: {
            description: "`invalid_client`: unknown client or wrong secret",
            like: 400,
            headers: {
              "WWW-Authenticate": { description: "`Basic realm=\"spacesync\"`", schema: { type: "string" } }
            },
            example: { error: "invalid_client", error_description: "Client authentication failed" }
          },
          429: {
            description: "`temporarily_unavailable`: too many token requests from this client or address",
            like: 400,
            headers: {
              "Retry-After": { description: "Seconds to wait before the next request", schema: { type: "integer" } }
            },
            example: { error: "temporarily_unavailable", error_description: "Too many token requests for this client" }
          }
        }
      }))
  )
  .annotate(OpenApi.Title, "OAuth2")
  .annotate(
    OpenApi.Description,
    "Access tokens for platforms (OAuth2 client credentials). The client id and secret come from the hub admin (`POST /admin/platforms`)."
  )
{}
