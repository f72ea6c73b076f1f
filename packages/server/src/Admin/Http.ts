import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { Api } from "../Api.js"
import { notFound } from "../Errors.js"
import { Operators } from "../Operators.js"
import { Platforms } from "../Platforms.js"

export const HttpAdminLive = HttpApiBuilder.group(Api, "admin", (handlers) =>
  Effect.gen(function*() {
    const platforms = yield* Platforms
    const operators = yield* Operators
    return handlers
      .handle("createPlatform", ({ payload }) =>
        platforms.create(payload).pipe(
          Effect.map((p) => ({ platformId: p.platformId, clientId: p.clientId, clientSecret: p.clientSecret }))
        ))
      .handle("listPlatforms", () =>
        platforms.list.pipe(Effect.map((data) => ({ data: data.map((p) => ({ ...p, createdAt: p.createdAt })) }))))
      .handle("deletePlatform", ({ path }) =>
        platforms.delete(path.platformId).pipe(
          Effect.flatMap((deleted) =>
            deleted ? Effect.void : Effect.fail(notFound(`Platform ${path.platformId}`))
          )
        ))
      .handle("createOperator", ({ payload }) =>
        operators.create(payload.name).pipe(Effect.map((o) => ({ operatorId: o.operatorId, apiKey: o.apiKey }))))
      .handle("listOperators", () =>
        operators.list.pipe(Effect.map((data) => ({ data }))))
      .handle("deleteOperator", ({ path }) =>
        operators.delete(path.operatorId).pipe(
          Effect.flatMap((deleted) =>
            deleted ? Effect.void : Effect.fail(notFound(`Operator ${path.operatorId}`))
          )
        ))
  }))
