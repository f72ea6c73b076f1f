/**
 * Platforms (listing sites, aggregators, brokers) and their OAuth2 client credentials. The client secret
 * is returned once, when the platform is created, and stored as an scrypt hash. Owns the table
 * `platforms`.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import { isHttpUrl } from "@spacesync/adapter-kit/HttpUrl"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Clock, Context, Effect, Layer, Option, Schema } from "effect"
import { orDie } from "./internal/sql.js"
import * as Secrets from "./Secrets.js"

/**
 * A platform. Operators are sent to `authorizationUrl` to authorize it for some of their locations.
 *
 * @since 0.1.0
 */
export class Platform extends Schema.Class<Platform>("Platform")({
  platformId: Ids.PlatformId,
  name: Schema.String,
  authorizationUrl: Schema.String,
  clientId: Schema.String,
  createdAt: Schema.DateTimeUtc
}) {}

/**
 * No platform with this id.
 *
 * @since 0.1.0
 * @category errors
 */
export class PlatformNotFound extends Schema.TaggedError<PlatformNotFound>()("PlatformNotFound", {
  platformId: Schema.String,
  message: Schema.String
}) {}

/**
 * An authorization URL that is not an absolute http(s) URL.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidAuthorizationUrl extends Schema.TaggedError<InvalidAuthorizationUrl>()(
  "InvalidAuthorizationUrl",
  { message: Schema.String }
) {}

/** What creating a platform takes. @since 0.1.0 */
export interface NewPlatform {
  readonly name: string
  /** An absolute http(s) URL. */
  readonly authorizationUrl: string
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Platforms extends Context.Tag("@spacesync/core/Platforms")<Platforms, {
  /** Creates a platform; its client secret is returned here only. */
  readonly create: (
    input: NewPlatform
  ) => Effect.Effect<{ readonly platform: Platform; readonly clientSecret: string }, InvalidAuthorizationUrl>
  /** Every platform, oldest first. */
  readonly list: Effect.Effect<ReadonlyArray<Platform>>
  readonly get: (platformId: Ids.PlatformId) => Effect.Effect<Platform, PlatformNotFound>
  /** Deletes the platform with its connections, webhook endpoints and tokens. */
  readonly delete: (platformId: Ids.PlatformId) => Effect.Effect<void, PlatformNotFound>
  /** The platform whose client credentials these are, if they are valid. */
  readonly authenticate: (clientId: string, clientSecret: string) => Effect.Effect<Option.Option<Ids.PlatformId>>
}>() {}

const PlatformRow = Schema.Struct({
  platform_id: Ids.PlatformId,
  name: Schema.String,
  authorization_url: Schema.String,
  client_id: Schema.String,
  created_at: Schema.DateTimeUtcFromDate
})

const toPlatform = (row: typeof PlatformRow.Type) =>
  new Platform({
    platformId: row.platform_id,
    name: row.name,
    authorizationUrl: row.authorization_url,
    clientId: row.client_id,
    createdAt: row.created_at
  })

// Credentials verified by this process (by their SHA-256), so that scrypt runs once per secret and minute.
const verifiedFor = 60_000

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const verified = new Map<string, { readonly platformId: Ids.PlatformId; readonly until: number }>()
  const columns = sql`platform_id, name, authorization_url, client_id, created_at`

  const insert = orDie(SqlSchema.single({
    Request: Schema.Struct({
      platform_id: Ids.PlatformId,
      name: Schema.String,
      authorization_url: Schema.String,
      client_id: Schema.String,
      client_secret_hash: Schema.String
    }),
    Result: PlatformRow,
    execute: (row) => sql`insert into spacesync.platforms ${sql.insert(row)} returning ${columns}`
  }))
  const findAll = orDie(SqlSchema.findAll({
    Request: Schema.Void,
    Result: PlatformRow,
    execute: () => sql`select ${columns} from spacesync.platforms order by created_at, platform_id`
  }))
  const findOne = orDie(SqlSchema.findOne({
    Request: Ids.PlatformId,
    Result: PlatformRow,
    execute: (id) => sql`select ${columns} from spacesync.platforms where platform_id = ${id}`
  }))
  const deleteOne = orDie(SqlSchema.findOne({
    Request: Ids.PlatformId,
    Result: Schema.Struct({ platform_id: Ids.PlatformId }),
    execute: (id) => sql`delete from spacesync.platforms where platform_id = ${id} returning platform_id`
  }))
  const findSecretHash = orDie(SqlSchema.findOne({
    Request: Schema.String,
    Result: Schema.Struct({ platform_id: Ids.PlatformId, client_secret_hash: Schema.NullOr(Schema.String) }),
    execute: (clientId) =>
      sql`select platform_id, client_secret_hash from spacesync.platforms where client_id = ${clientId}`
  }))

  const notFound = (platformId: string) =>
    new PlatformNotFound({ platformId, message: `Platform ${platformId} not found` })

  const create = Effect.fn("Platforms.create")(function*(input: NewPlatform) {
    if (!isHttpUrl(input.authorizationUrl)) {
      return yield* new InvalidAuthorizationUrl({ message: "The authorization URL must be an absolute http(s) URL" })
    }
    const clientSecret = `cs_${Secrets.randomToken(32)}`
    const row = yield* insert({
      platform_id: Ids.makePlatformId(),
      name: input.name,
      authorization_url: input.authorizationUrl,
      client_id: `cli_${Secrets.randomId(24)}`,
      client_secret_hash: yield* Secrets.hashSecret(clientSecret)
    })
    return { platform: toPlatform(row), clientSecret }
  })

  const get = Effect.fn("Platforms.get")(function*(platformId: Ids.PlatformId) {
    const row = yield* findOne(platformId)
    if (Option.isNone(row)) return yield* notFound(platformId)
    return toPlatform(row.value)
  })

  const remove = Effect.fn("Platforms.delete")(function*(platformId: Ids.PlatformId) {
    if (Option.isNone(yield* deleteOne(platformId))) return yield* notFound(platformId)
    verified.clear()
  })

  const authenticate = Effect.fn("Platforms.authenticate")(function*(clientId: string, clientSecret: string) {
    const now = yield* Clock.currentTimeMillis
    const digest = sha256Hex(`${clientId}\u0000${clientSecret}`)
    const cached = verified.get(digest)
    if (cached !== undefined && cached.until > now) return Option.some(cached.platformId)
    const row = Option.getOrUndefined(yield* findSecretHash(clientId))
    if (row?.client_secret_hash == null || !(yield* Secrets.verifySecret(clientSecret, row.client_secret_hash))) {
      return Option.none()
    }
    verified.set(digest, { platformId: row.platform_id, until: now + verifiedFor })
    return Option.some(row.platform_id)
  })

  return Platforms.of({
    create,
    list: Effect.map(findAll(undefined), (rows) => rows.map(toPlatform)),
    get,
    delete: remove,
    authenticate
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Platforms, never, SqlClient.SqlClient> = Layer.effect(Platforms, make)
