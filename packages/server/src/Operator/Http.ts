import { HttpApiBuilder } from "@effect/platform"
import { SqlClient, SqlSchema } from "@effect/sql"
import { AccountId, LocationId } from "@spacesync/adapter-kit/Ids"
import { Accounts, Connections, Scheduler } from "@spacesync/core"
import { DateTime, Effect, Option, Schema } from "effect"
import { Api } from "../Api.js"
import { CurrentOperator } from "../Auth.js"
import { BadGateway, BadRequest, Conflict, NotFound, notFound } from "../Errors.js"
import { HubConfig } from "../HubConfig.js"

const LocationRow = Schema.Struct({
  location_id: LocationId,
  external_id: Schema.String,
  name: Schema.String,
  version: Schema.Number,
  deleted: Schema.Boolean,
  sync_error: Schema.Boolean
})

export const HttpOperatorLive = HttpApiBuilder.group(Api, "operator", (handlers) =>
  Effect.gen(function*() {
    const accounts = yield* Accounts.Accounts
    const scheduler = yield* Scheduler.Scheduler
    const connections = yield* Connections.Connections
    const config = yield* HubConfig
    const sql = yield* SqlClient.SqlClient
    const locationsOf = SqlSchema.findAll({
      Request: AccountId,
      Result: LocationRow,
      execute: (accountId) =>
        sql`select location_id, external_id, (snapshot::json -> 'location' ->> 'name') as name, version,
            deleted_at is not null as deleted, sync_error is not null as sync_error
          from spacesync.locations where account_id = ${accountId} order by external_id`
    })

    const webhookUrl = (accountId: AccountId) => `${config.publicUrl}/upstream/${accountId}/webhooks`
    const view = (account: Accounts.Account) => ({
      accountId: account.accountId,
      name: account.name,
      adapter: account.adapter,
      pollIntervalSeconds: account.pollIntervalSeconds,
      status: account.status,
      pausedReason: account.pausedReason,
      webhookUrl: webhookUrl(account.accountId),
      lastSync: Option.getOrNull(account.lastSync),
      progress: Option.match(account.progress, {
        onNone: () => null,
        onSome: (p) => ({
          ...p,
          startedAt: DateTime.unsafeMake(p.startedAt),
          updatedAt: DateTime.unsafeMake(p.updatedAt)
        })
      }),
      createdAt: account.createdAt
    })
    // The operator's own account, or 404 (never 403: ids of other tenants do not leak).
    const ownAccount = (accountId: AccountId) =>
      Effect.gen(function*() {
        const { operatorId } = yield* CurrentOperator
        const account = yield* accounts.get(accountId, operatorId)
        return yield* Option.match(account, {
          onNone: () => Effect.fail(notFound(`Account ${accountId}`)),
          onSome: Effect.succeed
        })
      })

    return handlers
      .handle("createAccount", ({ payload }) =>
        Effect.gen(function*() {
          const { operatorId } = yield* CurrentOperator
          const account = yield* accounts.create({
            operatorId,
            name: payload.name,
            adapter: payload.adapter,
            credentials: payload.credentials,
            pollIntervalSeconds: payload.pollIntervalSeconds
          }).pipe(
            Effect.catchTags({
              InvalidCredentials: (e) => Effect.fail(new BadRequest({ detail: e.message, errors: e.errors })),
              UnknownAdapter: (e) =>
                Effect.fail(new BadRequest({ detail: e.message, errors: [{ path: "adapter", message: e.message }] }))
            })
          )
          return { accountId: account.accountId, webhookUrl: webhookUrl(account.accountId) }
        }))
      .handle("listAccounts", () =>
        Effect.gen(function*() {
          const { operatorId } = yield* CurrentOperator
          return { data: (yield* accounts.list(operatorId)).map(view) }
        }))
      .handle("getAccount", ({ path }) => Effect.map(ownAccount(path.accountId), view))
      .handle("syncAccount", ({ path }) =>
        Effect.gen(function*() {
          yield* ownAccount(path.accountId)
          const report = yield* scheduler.syncNow(path.accountId).pipe(
            Effect.catchTags({
              SyncBusy: (e) => Effect.fail(new Conflict({ detail: e.message })),
              SyncError: (e) =>
                e.reason === "AccountNotFound"
                  ? Effect.fail(notFound(`Account ${path.accountId}`))
                  : e.reason === "AccountPaused"
                  ? Effect.fail(new Conflict({ detail: e.message }))
                  : Effect.fail(new BadGateway({ detail: e.message, reason: e.adapterError?.reason ?? e.reason }))
            })
          )
          return {
            locations: report.counts.listed,
            events: report.events.length,
            outcome: report.outcome,
            counts: report.counts,
            errors: report.errors.map((e) => ({ ...e, path: e.path === null ? null : [...e.path] }))
          }
        }))
      .handle("listLocations", ({ path }) =>
        Effect.gen(function*() {
          yield* ownAccount(path.accountId)
          const rows = yield* locationsOf(path.accountId).pipe(Effect.orDie)
          return {
            data: rows.map((r) => ({
              locationId: r.location_id,
              externalId: r.external_id,
              name: r.name,
              version: r.version,
              deleted: r.deleted,
              syncError: r.sync_error
            }))
          }
        }))
      .handle("createConnection", ({ payload }) =>
        Effect.gen(function*() {
          const { operatorId } = yield* CurrentOperator
          const { authorizeUrl, connection } = yield* connections.create(operatorId, payload).pipe(
            Effect.catchTags({
              PlatformNotFound: (e) => Effect.fail(new NotFound({ detail: e.message })),
              NoLocations: (e) => Effect.fail(new BadRequest({ detail: e.message })),
              // Locations of other operators are "not found", like ones that do not exist.
              UnknownLocations: (e) => Effect.fail(new NotFound({ detail: e.message })),
              LocationAlreadyConnected: (e) => Effect.fail(new Conflict({ detail: e.message }))
            })
          )
          return { connectionId: connection.connectionId, status: "pending" as const, authorizeUrl }
        }))
      .handle("listConnections", () =>
        Effect.gen(function*() {
          const { operatorId } = yield* CurrentOperator
          return { data: yield* connections.listForOperator(operatorId) }
        }))
      .handle("revokeConnection", ({ path }) =>
        Effect.gen(function*() {
          const { operatorId } = yield* CurrentOperator
          return yield* connections.revoke({ operatorId }, path.connectionId).pipe(
            Effect.catchTag("ConnectionNotFound", (e) => Effect.fail(new NotFound({ detail: e.message })))
          )
        }))
  }))
