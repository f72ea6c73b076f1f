import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { OperatorId, PlatformId } from "@spacesync/adapter-kit/Ids"
import { Schema } from "effect"
import { AdminAuth } from "../Auth.js"
import { NotFound } from "../Errors.js"
import { Body, HttpUrl, List, NonEmpty, OperatorView, PlatformView } from "../Schemas.js"

export class AdminApi extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.post("createPlatform", "/admin/platforms")
      .setPayload(Body({ name: NonEmpty, authorizationUrl: HttpUrl }))
      .addSuccess(
        Schema.Struct({ platformId: PlatformId, clientId: Schema.String, clientSecret: Schema.String }),
        { status: 201 }
      )
      .annotate(OpenApi.Description, "Registers a platform. The client secret is shown once and stored hashed.")
  )
  .add(HttpApiEndpoint.get("listPlatforms", "/admin/platforms").addSuccess(List(PlatformView)))
  .add(
    HttpApiEndpoint.del("deletePlatform", "/admin/platforms/:platformId")
      .setPath(Schema.Struct({ platformId: PlatformId }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("createOperator", "/admin/operators")
      .setPayload(Body({ name: NonEmpty }))
      .addSuccess(Schema.Struct({ operatorId: OperatorId, apiKey: Schema.String }), { status: 201 })
      .annotate(OpenApi.Description, "Registers an operator. The API key is shown once and stored hashed.")
  )
  .add(HttpApiEndpoint.get("listOperators", "/admin/operators").addSuccess(List(OperatorView)))
  .add(
    HttpApiEndpoint.del("deleteOperator", "/admin/operators/:operatorId")
      .setPath(Schema.Struct({ operatorId: OperatorId }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
  )
  .middleware(AdminAuth)
  .annotate(OpenApi.Title, "Hub admin")
  .annotate(OpenApi.Description, "Authenticated with `Authorization: Bearer <SPACESYNC_ADMIN_TOKEN>`.")
{}
