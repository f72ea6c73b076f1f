/**
 * The hub's HTTP API, defined once: the server, the typed client and the OpenAPI document all come from
 * this definition.
 *
 * @since 0.1.0
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { AdminApi } from "./Admin/Api.js"
import { problemOpenApi } from "./Errors.js"
import { HealthApi } from "./Health/Api.js"
import { OAuthApi } from "./OAuth/Api.js"
import { OperatorApi } from "./Operator/Api.js"
import { PlatformApi } from "./Platform/Api.js"
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
    "Sync hub for flexible-workspace data: operators' management systems to listing platforms. Every error response is `application/problem+json` (RFC 9457); unknown or foreign ids answer 404."
  )
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(OpenApi.Transform, problemOpenApi)
{}
