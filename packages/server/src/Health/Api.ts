import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { operation } from "../OpenApiDocument.js"

/** The database cannot be reached or is not fully migrated. */
export class NotReady extends Schema.TaggedError<NotReady>()("NotReady", {
  reason: Schema.Literal("DatabaseUnreachable", "MigrationsPending"),
  detail: Schema.String
}, HttpApiSchema.annotations({ status: 503 })) {}

export class HealthApi extends HttpApiGroup.make("health")
  .add(
    HttpApiEndpoint.get("healthz", "/healthz")
      .addSuccess(Schema.Struct({ status: Schema.Literal("ok") }))
      .annotateContext(operation({
        summary: "Liveness",
        description: "Answers 200 while the process is up (for a liveness probe); it checks nothing else.",
        responses: { 200: { description: "The process is up", example: { status: "ok" } } }
      }))
  )
  .add(
    HttpApiEndpoint.get("readyz", "/readyz")
      .addSuccess(Schema.Struct({ status: Schema.Literal("ready") }))
      .addError(NotReady)
      .annotateContext(operation({
        summary: "Readiness",
        description:
          "Answers 200 when the database is reachable and fully migrated (for a readiness probe), 503 otherwise.",
        responses: { 200: { description: "Ready to serve", example: { status: "ready" } } }
      }))
  )
  .annotate(OpenApi.Title, "Health")
  .annotate(
    OpenApi.Description,
    "Probes for orchestrators, without authentication. `/metrics` (Prometheus text) is served alongside."
  )
{}
