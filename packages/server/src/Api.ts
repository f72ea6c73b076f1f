/**
 * The hub's HTTP API, defined once: the server, the typed client and the OpenAPI document all come from
 * this definition.
 *
 * @since 0.1.0
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { HealthApi } from "./Health/Api.js"

/**
 * @since 0.1.0
 */
export class Api extends HttpApi.make("spacesync")
  .add(HealthApi)
  .annotate(OpenApi.Title, "spacesync hub")
  .annotate(
    OpenApi.Description,
    "Sync hub for flexible-workspace data: operators' management systems to listing platforms."
  )
{}
