import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { AccountId, ConnectionId, LocationId, PlatformId } from "@spacesync/adapter-kit/Ids"
import { Accounts } from "@spacesync/core"
import { Schema } from "effect"
import { OperatorAuth } from "../Auth.js"
import { BadGateway, BadRequest, Conflict, NotFound } from "../Errors.js"
import * as Examples from "../Examples.js"
import { operation } from "../OpenApiDocument.js"
import { AccountView, Body, ConnectionView, Count, List, NonEmpty, SyncCounts } from "../Schemas.js"

const accountPath = Schema.Struct({ accountId: AccountId })
const { accountId, connectionId, locationId, platformId } = Examples.ids

export const LocationSummary = Schema.Struct({
  locationId: LocationId,
  externalId: Schema.String,
  name: Schema.String,
  version: Count,
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
      .annotateContext(operation({
        summary: "Add an upstream account",
        description:
          "Adds an account of a management system. `adapter` is an adapter id (`feed`, `nexudus`, `officernd`, `cobot`, `bookingsync`, `optix`, …); `credentials` is validated against that adapter's schema (400 with `errors` naming each field) and stored encrypted. The upstream is first reached at the next sync. Point the system's webhooks at `webhookUrl`.",
        request: {
          name: Examples.account.name,
          adapter: "nexudus",
          credentials: { username: "api@harbourworks.example", password: "correct horse battery staple" },
          pollIntervalSeconds: 900
        },
        responses: {
          201: {
            description: "The account, and where its system should send webhooks",
            example: { accountId, webhookUrl: Examples.account.webhookUrl }
          },
          400: { description: "Unknown adapter, or credentials that do not match its schema (`errors` names them)" }
        }
      }))
  )
  .add(
    HttpApiEndpoint.get("listAccounts", "/operator/accounts").addSuccess(List(AccountView)).annotateContext(
      operation({
        summary: "List accounts",
        description:
          "The operator's upstream accounts with the outcome of their last sync (credentials are never returned).",
        responses: { 200: { description: "The accounts", example: { data: [Examples.account] } } }
      })
    )
  )
  .add(
    HttpApiEndpoint.get("getAccount", "/operator/accounts/:accountId").setPath(accountPath).addSuccess(AccountView)
      .addError(NotFound)
      .annotateContext(operation({
        summary: "Get an account",
        description: "One upstream account of the operator, with the outcome of its last sync.",
        parameters: { accountId: "The account's id" },
        responses: { 200: { description: "The account", example: Examples.account } }
      }))
  )
  .add(
    HttpApiEndpoint.post("syncAccount", "/operator/accounts/:accountId/sync")
      .setPath(accountPath)
      .addSuccess(Schema.Struct({
        locations: Count,
        events: Count,
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
      .annotateContext(operation({
        summary: "Sync an account now",
        description:
          "Runs a full sync of the account now and answers when it is done: how many locations it read, how many events it emitted, and the records it could not read (the others still sync).",
        parameters: { accountId: "The account's id" },
        responses: {
          200: {
            description: "The sync's outcome",
            example: {
              locations: 3,
              events: 2,
              outcome: "partial",
              counts: { listed: 3, created: 0, updated: 1, deleted: 0, unchanged: 1, failed: 1 },
              errors: [{
                externalId: "1043",
                reason: "InvalidData",
                message: "Expected a decimal string, actual 175.5",
                path: ["plans", 2, "price"]
              }]
            }
          },
          409: { description: "A sync of this account is already running, or the account is paused" },
          502: { description: "The management system refused the credentials or failed" }
        }
      }))
  )
  .add(
    HttpApiEndpoint.get("listLocations", "/operator/accounts/:accountId/locations")
      .setPath(accountPath)
      .addSuccess(List(LocationSummary))
      .addError(NotFound)
      .annotateContext(operation({
        summary: "List an account's locations",
        description:
          "The locations the account's syncs found, with their hub ids (to connect them to platforms) and current version.",
        parameters: { accountId: "The account's id" },
        responses: {
          200: {
            description: "The locations",
            example: {
              data: [{
                locationId,
                externalId: Examples.location.externalId,
                name: Examples.location.name,
                version: 12,
                deleted: false,
                syncError: false
              }]
            }
          }
        }
      }))
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
      .annotateContext(operation({
        summary: "Connect locations to a platform",
        description:
          "Creates a pending connection of some of the operator's locations to a platform. Send the operator to `authorizeUrl`: the platform's authorization URL with `connection_id` and a single-use `state` valid for one hour. The platform activates the connection once it checked that the operator manages the listings.",
        request: { platformId, locationIds: [locationId] },
        responses: {
          201: {
            description: "The pending connection",
            example: {
              connectionId,
              status: "pending",
              authorizeUrl:
                `https://deskfinder.example/spacesync/connect?connection_id=${connectionId}&state=st_Qm4Xv8Bz2Nc6Lk0Jh5Gf3Ds7`
            }
          },
          404: { description: "Unknown platform, or a location that is not the operator's" },
          409: { description: "A location is already connected to this platform" }
        }
      }))
  )
  .add(
    HttpApiEndpoint.get("listConnections", "/operator/connections").addSuccess(List(ConnectionView))
      .annotateContext(operation({
        summary: "List connections",
        description: "The operator's connections to platforms, pending, active and revoked.",
        responses: { 200: { description: "The connections", example: { data: [Examples.operatorConnection] } } }
      }))
  )
  .add(
    HttpApiEndpoint.del("revokeConnection", "/operator/connections/:connectionId")
      .setPath(Schema.Struct({ connectionId: ConnectionId }))
      .addSuccess(ConnectionView)
      .addError(NotFound)
      .annotateContext(operation({
        summary: "Revoke a connection",
        description:
          "Revokes the connection: the platform receives `connection.revoked` and its data routes answer 404 from then on. Revoking a revoked connection changes nothing.",
        parameters: { connectionId: "The connection's id" },
        responses: {
          200: {
            description: "The revoked connection",
            example: { ...Examples.operatorConnection, status: "revoked", revokedAt: "2026-11-23T08:00:00.000Z" }
          }
        }
      }))
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Operator")
  .annotate(
    OpenApi.Description,
    "A workspace company's upstream accounts, their locations, and its connections to platforms. Authenticated with an operator API key: `Authorization: Bearer sk_op_…`; an operator sees only its own records."
  )
{}
