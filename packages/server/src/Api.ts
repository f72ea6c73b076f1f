/**
 * The hub's HTTP API, defined once: the server, the typed client and the OpenAPI document all come from
 * this definition.
 *
 * @since 0.1.0
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { AdminApi } from "./Admin/Api.js"
import { HealthApi } from "./Health/Api.js"
import { OAuthApi } from "./OAuth/Api.js"
import { document } from "./OpenApiDocument.js"
import { OperatorApi } from "./Operator/Api.js"
import { PlatformApi } from "./Platform/Api.js"
import { links } from "./PlatformDocs.js"
import { UpstreamApi } from "./Upstream/Api.js"
import { WebhooksApi } from "./Webhooks/Api.js"

/**
 * @since 0.1.0
 */
export class Api extends HttpApi.make("spacesync")
  .add(HealthApi)
  .add(AdminApi)
  .add(OperatorApi)
  .add(OAuthApi)
  .add(PlatformApi)
  .add(WebhooksApi)
  .add(UpstreamApi)
  .annotate(OpenApi.Title, "spacesync hub")
  .annotate(
    OpenApi.Description,
    [
      "Sync hub for flexible-workspace data: operators' management systems to listing platforms.",
      "",
      "- **Hub admin** routes (`/admin`) take the admin token, **operator** routes (`/operator`) an operator API key, **platform** routes (`/v1`) an OAuth2 access token from `/oauth/token` with the scope each route names.",
      "- Every error response is `application/problem+json` (RFC 9457): `{type, title, status, detail}`, plus `errors: [{path, message}]` for validation failures. The token endpoint's errors follow RFC 6749 instead.",
      "- Unknown or foreign ids answer 404, never 403, so that no tenant learns another's ids exist.",
      "- Money is never a float: `{amount: decimal string at the currency's minor unit, currency: ISO 4217}`.",
      "- Platforms learn of changes from signed webhooks (see `webhooks`) or the events feed, then read the data routes, which answer with an `ETag` and honour `If-None-Match`.",
      "",
      "**Guides for platform developers** (served by this hub):",
      "",
      links
    ].join("\n")
  )
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(OpenApi.License, { name: "MIT", url: "https://opensource.org/license/mit" })
  .annotate(OpenApi.Transform, document)
{}
