import { HttpApiBuilder } from "@effect/platform"
import { Operators, Platforms } from "@spacesync/core"
import { Effect } from "effect"
import { Api } from "../Api.js"
import { NotFound } from "../Errors.js"

export const HttpAdminLive = HttpApiBuilder.group(Api, "admin", (handlers) =>
  Effect.gen(function*() {
    const platforms = yield* Platforms.Platforms
    const operators = yield* Operators.Operators
    const notFound = (e: Platforms.PlatformNotFound | Operators.OperatorNotFound) => new NotFound({ detail: e.message })
    return handlers
      .handle("createPlatform", ({ payload }) =>
        platforms.create(payload).pipe(
          Effect.map(({ clientSecret, platform }) => ({
            platformId: platform.platformId,
            clientId: platform.clientId,
            clientSecret
          })),
          // The payload's schema only lets absolute http(s) URLs through.
          Effect.catchTag("InvalidAuthorizationUrl", Effect.die)
        ))
      .handle("listPlatforms", () => platforms.list.pipe(Effect.map((data) => ({ data }))))
      .handle("deletePlatform", ({ path }) =>
        platforms.delete(path.platformId).pipe(Effect.catchTag("PlatformNotFound", (e) =>
          Effect.fail(notFound(e)))))
      .handle("createOperator", ({ payload }) =>
        operators.create(payload.name).pipe(
          Effect.map(({ apiKey, operator }) => ({ operatorId: operator.operatorId, apiKey }))
        ))
      .handle("listOperators", () =>
        operators.list.pipe(Effect.map((data) => ({ data }))))
      .handle("deleteOperator", ({ path }) =>
        operators.delete(path.operatorId).pipe(Effect.catchTag("OperatorNotFound", (e) =>
          Effect.fail(notFound(e)))))
  }))
