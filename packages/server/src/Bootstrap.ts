/**
 * First-start bootstrap of the secrets a hub needs. `SPACESYNC_SECRET_KEY` when set; in embedded mode
 * (no `DATABASE_URL`) a key generated on the first start into `SPACESYNC_DATA_DIR/secret.key` (mode 0600)
 * and reused afterwards; with `DATABASE_URL` the key is required, because a key generated on one machine
 * would leave every other process of the hub unable to decrypt.
 *
 * @since 0.1.0
 */
import { Database, SecretBox, Secrets } from "@spacesync/core"
import { Config, ConfigError, Effect, Layer, Option, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"

/** Where the secret key came from, to tell the person starting the hub. @since 0.1.0 */
export type KeySource = "environment" | "generated" | "data-dir"

/**
 * The secret key, from the environment or the embedded data directory.
 *
 * @since 0.1.0
 */
export const secretKey = Effect.gen(function*() {
  // An empty value counts as unset, as shells and .env files often leave it.
  const raw = yield* Config.option(Config.string("SPACESYNC_SECRET_KEY")).pipe(
    Effect.map(Option.filter((key) => key.trim() !== ""))
  )
  if (Option.isSome(raw)) {
    const configured = yield* SecretBox.SecretKeyConfig
    return { key: configured, source: "environment" as KeySource }
  }
  const database = yield* Database.DatabaseConfig
  if (Option.isSome(database.url)) {
    return yield* Effect.fail(ConfigError.MissingData(
      ["SPACESYNC_SECRET_KEY"],
      "SPACESYNC_SECRET_KEY (at least 32 characters) is required when DATABASE_URL is set"
    ))
  }
  const file = Path.resolve(database.dataDir, "secret.key")
  if (Fs.existsSync(file)) {
    const key = Fs.readFileSync(file, "utf8").trim()
    if (key.length < 32) {
      return yield* Effect.fail(
        ConfigError.InvalidData(["SPACESYNC_SECRET_KEY"], `${file} holds a key shorter than 32 characters`)
      )
    }
    return { key: Redacted.make(key), source: "data-dir" as KeySource }
  }
  const key = Secrets.randomToken(48)
  Fs.mkdirSync(Path.dirname(file), { recursive: true })
  Fs.writeFileSync(file, key + "\n", { mode: 0o600, flag: "wx" })
  return { key: Redacted.make(key), source: "generated" as KeySource }
})

/**
 * The `SecretBox` over the bootstrapped key.
 *
 * @since 0.1.0
 */
export const SecretBoxLive: Layer.Layer<SecretBox.SecretBox, ConfigError.ConfigError> = Layer.effect(
  SecretBox.SecretBox,
  Effect.map(secretKey, ({ key, source }) => {
    if (source === "generated") {
      console.log(
        "spacesync: generated a secret key for the embedded database in SPACESYNC_DATA_DIR/secret.key; keep it with the data."
      )
    }
    return SecretBox.make(key)
  })
)
