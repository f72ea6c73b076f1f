import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { AccountId, ConnectionId, LocationId, PlatformId } from "@spacesync/adapter-kit/Ids"
import { Accounts } from "@spacesync/core"
import { Schema } from "effect"
import { OperatorAuth } from "../Auth.js"
import { BadGateway, BadRequest, Conflict, NotFound } from "../Errors.js"
import { AccountView, Body, ConnectionView, List, NonEmpty, SyncCounts } from "../Schemas.js"

const accountPath = Schema.Struct({ accountId: AccountId })

export const LocationSummary = Schema.Struct({
  locationId: LocationId,
  externalId: Schema.String,
  name: Schema.String,
  version: Schema.Number,
  deleted: Schema.Boolean,
  syncError: Schema.Boolean
})

export class OperatorApi extends HttpApiGroup.make("operator")
  .add(
    HttpApiEndpoint.post("createAccount", "/operator/accounts")
      .setPayload(Body({
        name: NonEmpty,
        adapter: Schema.String,
        credentials: Schema.Unknown,
        pollIntervalSeconds: Schema.optional(Schema.Int.pipe(Schema.between(30, 86_400)))
      }))
      .addSuccess(Schema.Struct({ accountId: AccountId, webhookUrl: Schema.String }), { status: 201 })
      .addError(BadRequest)
      .annotate(
        OpenApi.Description,
        "Adds an upstream account. `credentials` is validated against the adapter's schema (400 with `errors`) and stored encrypted."
      )
  )
  .add(HttpApiEndpoint.get("listAccounts", "/operator/accounts").addSuccess(List(AccountView)))
  .add(
    HttpApiEndpoint.get("getAccount", "/operator/accounts/:accountId").setPath(accountPath).addSuccess(AccountView)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("syncAccount", "/operator/accounts/:accountId/sync")
      .setPath(accountPath)
      .addSuccess(Schema.Struct({
        locations: Schema.Number,
        events: Schema.Number,
        outcome: Accounts.SyncOutcome,
        counts: SyncCounts,
        errors: Schema.Array(Schema.Struct({
          externalId: Schema.NullOr(Schema.String),
          reason: Schema.String,
          message: Schema.String,
          path: Schema.NullOr(Schema.Array(Schema.Union(Schema.String, Schema.Number)))
        }))
      }))
      .addError(NotFound)
      .addError(Conflict)
      .addError(BadGateway)
      .annotate(OpenApi.Description, "Runs a full sync now and answers when it is done.")
  )
  .add(
    HttpApiEndpoint.get("listLocations", "/operator/accounts/:accountId/locations")
      .setPath(accountPath)
      .addSuccess(List(LocationSummary))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("createConnection", "/operator/connections")
      .setPayload(Body({ platformId: PlatformId, locationIds: Schema.NonEmptyArray(LocationId) }))
      .addSuccess(
        Schema.Struct({ connectionId: ConnectionId, status: Schema.Literal("pending"), authorizeUrl: Schema.String }),
        { status: 201 }
      )
      .addError(NotFound)
      .addError(Conflict)
      .addError(BadRequest)
      .annotate(
        OpenApi.Description,
        "Creates a pending connection. Send the operator to `authorizeUrl`: the platform's authorizationUrl with `connection_id` and a single-use `state` valid for one hour."
      )
  )
  .add(HttpApiEndpoint.get("listConnections", "/operator/connections").addSuccess(List(ConnectionView)))
  .add(
    HttpApiEndpoint.del("revokeConnection", "/operator/connections/:connectionId")
      .setPath(Schema.Struct({ connectionId: ConnectionId }))
      .addSuccess(ConnectionView)
      .addError(NotFound)
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Operator")
  .annotate(OpenApi.Description, "Authenticated with an operator API key: `Authorization: Bearer sk_op_…`.")
{}
