/**
 * OAuth2 access tokens for platforms: opaque random tokens (`at_…`), stored as SHA-256 digests with the
 * platform, the granted scopes and an expiry (15 minutes by default, `SPACESYNC_ACCESS_TOKEN_TTL`).
 * Opaque tokens are revocable at once (deleting a platform deletes its tokens), which JWTs are not.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql"
import type { PlatformId } from "@spacesync/adapter-kit/Ids"
import { Config, Context, Duration, Effect, Layer, Option } from "effect"
import { randomToken, sha256 } from "./internal/secrets.js"

/** What an access token grants. @since 0.1.0 */
export interface Grant {
  readonly platformId: PlatformId
  readonly scopes: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class AccessTokens extends Context.Tag("@spacesync/server/AccessTokens")<AccessTokens, {
  readonly ttl: Duration.Duration
  readonly issue: (grant: Grant) => Effect.Effect<{ readonly token: string; readonly expiresIn: number }>
  readonly verify: (token: string) => Effect.Effect<Option.Option<Grant>>
}>() {}

/** @since 0.1.0 */
export const layer = Layer.effect(
  AccessTokens,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const ttl = yield* Config.duration("SPACESYNC_ACCESS_TOKEN_TTL").pipe(
      Config.withDefault(Duration.minutes(15)),
      Config.validate({
        message: "must be at most 1 hour",
        validation: (d) => Duration.lessThanOrEqualTo(d, Duration.hours(1))
      })
    )
    const seconds = Math.floor(Duration.toSeconds(ttl))
    const issue = (grant: Grant) =>
      Effect.gen(function*() {
        const token = `at_${randomToken(32)}`
        yield* sql`insert into spacesync.access_tokens (token_hash, platform_id, scopes, expires_at)
          values (${sha256(token)}, ${grant.platformId}, ${[...grant.scopes]}::text[],
                  now() + ${`${seconds} seconds`}::interval)`
        // Expired tokens are swept now and then as new ones are issued.
        if (Math.random() < 0.05) yield* sql`delete from spacesync.access_tokens where expires_at < now()`
        return { token, expiresIn: seconds }
      }).pipe(Effect.orDie)
    const verify = (token: string) =>
      sql<{ platform_id: PlatformId; scopes: Array<string> }>`
        select platform_id, scopes from spacesync.access_tokens
        where token_hash = ${sha256(token)} and expires_at > now()`.pipe(
        Effect.map((rows) =>
          Option.fromNullable(rows[0]).pipe(Option.map((r) => ({ platformId: r.platform_id, scopes: r.scopes })))
        ),
        Effect.orDie
      )
    return AccessTokens.of({ ttl, issue, verify })
  })
)
