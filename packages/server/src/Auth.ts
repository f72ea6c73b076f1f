/**
 * The three authorization tiers: the hub admin (a bearer token), operators (API keys `sk_op_…`) and
 * platforms (OAuth2 access tokens with scopes). Each is an `HttpApiMiddleware` that groups declare;
 * operator and platform middlewares provide the caller to the handlers, which scope every query by it.
 *
 * @since 0.1.0
 */
import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import type { OperatorId, PlatformId } from "@spacesync/adapter-kit/Ids"
import { Operators } from "@spacesync/core"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { AccessTokens } from "./AccessTokens.js"
import { AdminToken } from "./AdminToken.js"
import { Forbidden, Unauthorized } from "./Errors.js"

/** The platform scopes. @since 0.1.0 */
export const scopes = ["locations:read", "webhooks:manage", "connections:manage"] as const
/** @since 0.1.0 */
export type Scope = (typeof scopes)[number]

/** The operator making the request. @since 0.1.0 */
export class CurrentOperator extends Context.Tag("@spacesync/server/CurrentOperator")<CurrentOperator, {
  readonly operatorId: OperatorId
}>() {}

/** The platform making the request, with its token's scopes. @since 0.1.0 */
export class CurrentPlatform extends Context.Tag("@spacesync/server/CurrentPlatform")<CurrentPlatform, {
  readonly platformId: PlatformId
  readonly scopes: ReadonlySet<string>
}>() {}

/** @since 0.1.0 */
export class AdminAuth extends HttpApiMiddleware.Tag<AdminAuth>()("@spacesync/server/AdminAuth", {
  failure: Unauthorized,
  security: { adminToken: HttpApiSecurity.bearer }
}) {}

/** @since 0.1.0 */
export class OperatorAuth extends HttpApiMiddleware.Tag<OperatorAuth>()("@spacesync/server/OperatorAuth", {
  failure: Unauthorized,
  provides: CurrentOperator,
  security: { operatorKey: HttpApiSecurity.bearer }
}) {}

/** @since 0.1.0 */
export class PlatformAuth extends HttpApiMiddleware.Tag<PlatformAuth>()("@spacesync/server/PlatformAuth", {
  failure: Unauthorized,
  provides: CurrentPlatform,
  security: { accessToken: HttpApiSecurity.bearer }
}) {}

/**
 * Fails with 403 unless the platform's token carries `scope`.
 *
 * @since 0.1.0
 */
export const requireScope = (scope: Scope) =>
  Effect.flatMap(CurrentPlatform, (platform) =>
    platform.scopes.has(scope)
      ? Effect.succeed(platform)
      : Effect.fail(new Forbidden({ detail: `This route needs the scope "${scope}"` })))

/** @since 0.1.0 */
export const AdminAuthLive = Layer.effect(
  AdminAuth,
  Effect.gen(function*() {
    const admin = yield* AdminToken
    return AdminAuth.of({
      adminToken: (token) =>
        admin.verify(Redacted.value(token)).pipe(
          Effect.flatMap((ok) => ok ? Effect.void : Effect.fail(new Unauthorized({ detail: "Invalid admin token" })))
        )
    })
  })
)

/** @since 0.1.0 */
export const OperatorAuthLive = Layer.effect(
  OperatorAuth,
  Effect.gen(function*() {
    const operators = yield* Operators.Operators
    return OperatorAuth.of({
      operatorKey: (token) =>
        operators.authenticate(Redacted.value(token)).pipe(
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(new Unauthorized({ detail: "Invalid operator API key" })),
            onSome: (operatorId) => Effect.succeed({ operatorId })
          }))
        )
    })
  })
)

/** @since 0.1.0 */
export const PlatformAuthLive = Layer.effect(
  PlatformAuth,
  Effect.gen(function*() {
    const tokens = yield* AccessTokens
    return PlatformAuth.of({
      accessToken: (token) =>
        tokens.verify(Redacted.value(token)).pipe(
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(new Unauthorized({ detail: "Invalid or expired access token" })),
            onSome: (grant) => Effect.succeed({ platformId: grant.platformId, scopes: new Set(grant.scopes) })
          }))
        )
    })
  })
)
