/**
 * The hub admin's bearer token: `SPACESYNC_ADMIN_TOKEN` when set; otherwise generated on the first start,
 * printed once, and stored only as an scrypt hash in `spacesync.hub_settings`.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import { Secrets } from "@spacesync/core"
import { Config, Context, Effect, Layer, Option, Redacted, Schema } from "effect"

/**
 * @since 0.1.0
 * @category tags
 */
export class AdminToken extends Context.Tag("@spacesync/server/AdminToken")<AdminToken, {
  readonly verify: (token: string) => Effect.Effect<boolean>
  /** Set only on the start that generated the token: show it to the person starting the hub, once. */
  readonly generated: Option.Option<Redacted.Redacted<string>>
}>() {}

const settingKey = "admin_token_hash"

const SettingRow = Schema.Struct({ value: Schema.String })

/** @since 0.1.0 */
export const layer = Layer.effect(
  AdminToken,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const configured = yield* Config.option(Config.redacted("SPACESYNC_ADMIN_TOKEN")).pipe(
      Effect.map(Option.filter((t) => Redacted.value(t).length > 0))
    )
    if (Option.isSome(configured)) {
      const expected = Redacted.value(configured.value)
      return AdminToken.of({
        verify: (token) => Effect.succeed(Secrets.safeEqual(token, expected)),
        generated: Option.none()
      })
    }
    const select = (key: string) => sql`select value from spacesync.hub_settings where key = ${key}`
    const find = SqlSchema.findOne({ Request: Schema.String, Result: SettingRow, execute: select })
    const get = SqlSchema.single({ Request: Schema.String, Result: SettingRow, execute: select })
    const insertIfAbsent = SqlSchema.findOne({
      Request: Schema.Struct({ key: Schema.String, value: Schema.String }),
      Result: SettingRow,
      execute: (row) =>
        sql`insert into spacesync.hub_settings ${sql.insert(row)} on conflict (key) do nothing returning value`
    })
    // Generate once; concurrent first starts agree through the primary key.
    let generated: Option.Option<Redacted.Redacted<string>> = Option.none()
    let stored = Option.getOrUndefined(yield* find(settingKey))?.value
    if (stored === undefined) {
      const token = `sk_admin_${Secrets.randomToken(24)}`
      const hash = yield* Secrets.hashSecret(token)
      if (Option.isSome(yield* insertIfAbsent({ key: settingKey, value: hash }))) {
        generated = Option.some(Redacted.make(token))
        stored = hash
      } else {
        stored = (yield* get(settingKey)).value
      }
    }
    const hash = stored
    // scrypt is slow by design: remember tokens already verified (by their SHA-256) for this process.
    const verified = new Set<string>()
    return AdminToken.of({
      verify: (token) => {
        const digest = sha256Hex(token)
        if (verified.has(digest)) return Effect.succeed(true)
        return Secrets.verifySecret(token, hash).pipe(Effect.tap((ok) => ok && verified.add(digest)))
      },
      generated
    })
  }).pipe(Effect.orDie)
)
