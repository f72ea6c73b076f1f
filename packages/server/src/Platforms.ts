/**
 * Platforms (listing sites, aggregators, brokers) and their OAuth2 client credentials. The client secret
 * is returned once and stored as an scrypt hash.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql"
import type { PlatformId } from "@spacesync/adapter-kit/Ids"
import { Ids } from "@spacesync/core"
import { Context, DateTime, Effect, Layer, Option } from "effect"
import { hashSecret, randomId, randomToken, sha256, verifySecret } from "./internal/secrets.js"

/** @since 0.1.0 */
export interface Platform {
  readonly platformId: PlatformId
  readonly name: string
  readonly authorizationUrl: string
  readonly clientId: string
  readonly createdAt: DateTime.Utc
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Platforms extends Context.Tag("@spacesync/server/Platforms")<Platforms, {
  readonly create: (input: { readonly name: string; readonly authorizationUrl: string }) => Effect.Effect<
    Platform & { readonly clientSecret: string }
  >
  readonly list: Effect.Effect<ReadonlyArray<Platform>>
  readonly get: (platformId: PlatformId) => Effect.Effect<Option.Option<Platform>>
  /** Deletes the platform with its connections, endpoints and tokens. */
  readonly delete: (platformId: PlatformId) => Effect.Effect<boolean>
  /** The platform whose client credentials these are, if they are valid. */
  readonly authenticate: (clientId: string, clientSecret: string) => Effect.Effect<Option.Option<PlatformId>>
}>() {}

type Row = { platform_id: PlatformId; name: string; authorization_url: string; client_id: string; created_at: Date }

const toPlatform = (r: Row): Platform => ({
  platformId: r.platform_id,
  name: r.name,
  authorizationUrl: r.authorization_url,
  clientId: r.client_id,
  createdAt: DateTime.unsafeFromDate(r.created_at)
})

/** @since 0.1.0 */
export const layer = Layer.effect(
  Platforms,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const verified = new Map<string, { platformId: PlatformId; until: number }>()

    const create = (input: { readonly name: string; readonly authorizationUrl: string }) =>
      Effect.gen(function*() {
        const platformId = Ids.makePlatformId()
        const clientId = `cli_${randomId(24)}`
        const clientSecret = `cs_${randomToken(32)}`
        const [row] = yield* sql<Row>`insert into spacesync.platforms ${
          sql.insert({
            platform_id: platformId,
            name: input.name,
            authorization_url: input.authorizationUrl,
            client_id: clientId,
            client_secret_hash: yield* hashSecret(clientSecret)
          })
        } returning platform_id, name, authorization_url, client_id, created_at`
        return { ...toPlatform(row!), clientSecret }
      }).pipe(Effect.orDie)

    const columns = sql`platform_id, name, authorization_url, client_id, created_at`
    const list = sql<Row>`select ${columns} from spacesync.platforms order by created_at, platform_id`.pipe(
      Effect.map((rows) => rows.map(toPlatform)),
      Effect.orDie
    )
    const get = (platformId: PlatformId) =>
      sql<Row>`select ${columns} from spacesync.platforms where platform_id = ${platformId}`.pipe(
        Effect.map((rows) => Option.fromNullable(rows[0]).pipe(Option.map(toPlatform))),
        Effect.orDie
      )
    const remove = (platformId: PlatformId) =>
      sql`delete from spacesync.platforms where platform_id = ${platformId} returning platform_id`.pipe(
        Effect.tap(() => Effect.sync(() => verified.clear())),
        Effect.map((rows) => rows.length > 0),
        Effect.orDie
      )
    const authenticate = (clientId: string, clientSecret: string) =>
      Effect.gen(function*() {
        const digest = sha256(`${clientId}\u0000${clientSecret}`)
        const cached = verified.get(digest)
        if (cached !== undefined && cached.until > Date.now()) return Option.some(cached.platformId)
        const [row] = yield* sql<{ platform_id: PlatformId; client_secret_hash: string | null }>`
          select platform_id, client_secret_hash from spacesync.platforms where client_id = ${clientId}`
        if (row?.client_secret_hash == null || !(yield* verifySecret(clientSecret, row.client_secret_hash))) {
          return Option.none()
        }
        verified.set(digest, { platformId: row.platform_id, until: Date.now() + 60_000 })
        return Option.some(row.platform_id)
      }).pipe(Effect.orDie)
    return Platforms.of({ create, list, get, delete: remove, authenticate })
  })
)
