import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"

export const TokenRequest = Schema.Struct({
  grant_type: Schema.optional(Schema.String),
  client_id: Schema.optional(Schema.String),
  client_secret: Schema.optional(Schema.String),
  scope: Schema.optional(Schema.String)
}).pipe(HttpApiSchema.withEncoding({ kind: "UrlParams" }))

export const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  token_type: Schema.Literal("Bearer"),
  expires_in: Schema.Number,
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
      .annotate(
        OpenApi.Description,
        "OAuth2 client credentials grant (RFC 6749 §4.4). Client authentication by HTTP Basic (client_secret_basic) or form fields (client_secret_post). Optional `scope`: a space-separated subset of `locations:read webhooks:manage connections:manage` (default: all). Errors follow RFC 6749 §5.2: 400 `invalid_request`/`unsupported_grant_type`/`invalid_scope`, 401 `invalid_client`, 429 with `Retry-After` when rate-limited per client or address."
      )
  )
  .annotate(OpenApi.Title, "OAuth2")
{}
