/**
 * OAuth2 access tokens for platforms: opaque random tokens (`at_…`), stored as SHA-256 digests with the
 * platform, the granted scopes and an expiry (15 minutes by default, `SPACESYNC_ACCESS_TOKEN_TTL`).
 * Opaque tokens are revocable at once (deleting a platform deletes its tokens), which JWTs are not.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import { PlatformId } from "@spacesync/adapter-kit/Ids"
import { Secrets } from "@spacesync/core"
import { Config, Context, Duration, Effect, Layer, Option, Schema } from "effect"

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

const GrantRow = Schema.Struct({ platform_id: PlatformId, scopes: Schema.Array(Schema.String) })

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
    const insert = SqlSchema.void({
      Request: Schema.Struct({
        token_hash: Schema.String,
        platform_id: PlatformId,
        scopes: Schema.Array(Schema.String)
      }),
      execute: (row) =>
        sql`insert into spacesync.access_tokens (token_hash, platform_id, scopes, expires_at)
          values (${row.token_hash}, ${row.platform_id}, ${row.scopes}::text[],
                  now() + make_interval(secs => ${seconds}))`
    })
    const sweep = SqlSchema.void({
      Request: Schema.Void,
      execute: () => sql`delete from spacesync.access_tokens where expires_at < now()`
    })
    const find = SqlSchema.findOne({
      Request: Schema.String,
      Result: GrantRow,
      execute: (tokenHash) =>
        sql`select platform_id, scopes from spacesync.access_tokens
          where token_hash = ${tokenHash} and expires_at > now()`
    })
    const issue = (grant: Grant) =>
      Effect.gen(function*() {
        const token = `at_${Secrets.randomToken(32)}`
        yield* insert({ token_hash: sha256Hex(token), platform_id: grant.platformId, scopes: grant.scopes })
        // Expired tokens are swept now and then as new ones are issued.
        if (Math.random() < 0.05) yield* sweep(undefined)
        return { token, expiresIn: seconds }
      }).pipe(Effect.orDie)
    const verify = (token: string) =>
      find(sha256Hex(token)).pipe(
        Effect.map(Option.map((row) => ({ platformId: row.platform_id, scopes: row.scopes }))),
        Effect.orDie
      )
    return AccessTokens.of({ ttl, issue, verify })
  })
)
