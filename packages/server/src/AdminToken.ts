/**
 * The hub admin's bearer token: `SPACESYNC_ADMIN_TOKEN` when set; otherwise generated on the first start,
 * printed once, and stored only as an scrypt hash in `spacesync.hub_settings`.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql"
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import { hashSecret, randomToken, safeEqual, sha256, verifySecret } from "./internal/secrets.js"

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
      return AdminToken.of({ verify: (token) => Effect.succeed(safeEqual(token, expected)), generated: Option.none() })
    }
    // Generate once; concurrent first starts agree through the primary key.
    const existing = yield* sql<{ value: string }>`select value from spacesync.hub_settings where key = ${settingKey}`
    let generated: Option.Option<Redacted.Redacted<string>> = Option.none()
    let stored = existing[0]?.value
    if (stored === undefined) {
      const token = `sk_admin_${randomToken(24)}`
      const hash = yield* hashSecret(token)
      const inserted = yield* sql<{ value: string }>`insert into spacesync.hub_settings ${
        sql.insert({ key: settingKey, value: hash })
      } on conflict (key) do nothing returning value`
      if (inserted.length > 0) {
        generated = Option.some(Redacted.make(token))
        stored = hash
      } else {
        stored = (yield* sql<{ value: string }>`select value from spacesync.hub_settings where key = ${settingKey}`)[0]!
          .value
      }
    }
    const hash = stored
    // scrypt is slow by design: remember tokens already verified (by their SHA-256) for this process.
    const verified = new Set<string>()
    return AdminToken.of({
      verify: (token) => {
        const digest = sha256(token)
        if (verified.has(digest)) return Effect.succeed(true)
        return verifySecret(token, hash).pipe(Effect.tap((ok) => ok && verified.add(digest)))
      },
      generated
    })
  }).pipe(Effect.orDie)
)
