import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { OperatorId, PlatformId } from "@spacesync/adapter-kit/Ids"
import { Schema } from "effect"
import { AdminAuth } from "../Auth.js"
import { NotFound } from "../Errors.js"
import * as Examples from "../Examples.js"
import { operation } from "../OpenApiDocument.js"
import { Body, HttpUrl, List, NonEmpty, OperatorView, PlatformView } from "../Schemas.js"

const platform = {
  platformId: Examples.ids.platformId,
  name: "Deskfinder",
  authorizationUrl: "https://deskfinder.example/spacesync/connect",
  clientId: "cli_7m3k9q2x4w8r6t1v5z0b2n4p",
  createdAt: "2026-11-18T12:00:00.000Z"
}
const operator = { operatorId: Examples.ids.operatorId, name: "Harbour Works", createdAt: "2026-11-18T12:05:00.000Z" }

export class AdminApi extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.post("createPlatform", "/admin/platforms")
      .setPayload(Body({ name: NonEmpty, authorizationUrl: HttpUrl }))
      .addSuccess(
        Schema.Struct({ platformId: PlatformId, clientId: Schema.String, clientSecret: Schema.String }),
        { status: 201 }
      )
      .annotateContext(operation({
        summary: "Register a platform",
        description:
          "Registers a listing platform and issues its OAuth2 client credentials. The client secret is shown once and stored hashed. `authorizationUrl` is where operators are sent to prove they manage a listing on that platform.",
        request: { name: platform.name, authorizationUrl: platform.authorizationUrl },
        responses: {
          201: {
            description: "The platform, with its client credentials",
            example: {
              platformId: platform.platformId,
              clientId: platform.clientId,
              clientSecret: "cs_q2Jx8l4N0vKz1mR7sT3uW9yB5cE6gH0iJ2kL4mN8pQs"
            }
          }
        }
      }))
  )
  .add(
    HttpApiEndpoint.get("listPlatforms", "/admin/platforms").addSuccess(List(PlatformView)).annotateContext(
      operation({
        summary: "List platforms",
        description: "Every registered platform, without its secret.",
        responses: { 200: { description: "The platforms", example: { data: [platform] } } }
      })
    )
  )
  .add(
    HttpApiEndpoint.del("deletePlatform", "/admin/platforms/:platformId")
      .setPath(Schema.Struct({ platformId: PlatformId }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
      .annotateContext(operation({
        summary: "Delete a platform",
        description: "Deletes the platform; its credentials and access tokens stop working.",
        parameters: { platformId: "The platform's id" },
        responses: { 204: { description: "Deleted" } }
      }))
  )
  .add(
    HttpApiEndpoint.post("createOperator", "/admin/operators")
      .setPayload(Body({ name: NonEmpty }))
      .addSuccess(Schema.Struct({ operatorId: OperatorId, apiKey: Schema.String }), { status: 201 })
      .annotateContext(operation({
        summary: "Register an operator",
        description:
          "Registers an operator (a workspace company) and issues its API key, shown once and stored hashed.",
        request: { name: operator.name },
        responses: {
          201: {
            description: "The operator, with its API key",
            example: {
              operatorId: operator.operatorId,
              apiKey: "sk_op_4n8p2r6t0v3x7z1b5d9f3h7k1m_Xb3kP9qR2sT7uV1wY5zA8cD4"
            }
          }
        }
      }))
  )
  .add(
    HttpApiEndpoint.get("listOperators", "/admin/operators").addSuccess(List(OperatorView)).annotateContext(
      operation({
        summary: "List operators",
        description: "Every registered operator, without its key.",
        responses: { 200: { description: "The operators", example: { data: [operator] } } }
      })
    )
  )
  .add(
    HttpApiEndpoint.del("deleteOperator", "/admin/operators/:operatorId")
      .setPath(Schema.Struct({ operatorId: OperatorId }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
      .annotateContext(operation({
        summary: "Delete an operator",
        description: "Deletes the operator; its API key stops working.",
        parameters: { operatorId: "The operator's id" },
        responses: { 204: { description: "Deleted" } }
      }))
  )
  .middleware(AdminAuth)
  .annotate(OpenApi.Title, "Hub admin")
  .annotate(
    OpenApi.Description,
    "Registers the platforms and operators of this hub. Authenticated with `Authorization: Bearer <SPACESYNC_ADMIN_TOKEN>`."
  )
{}
