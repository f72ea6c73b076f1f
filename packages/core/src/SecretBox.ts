/**
 * Encryption at rest for upstream credentials and webhook secrets: AES-256-GCM with keys derived (HKDF-
 * SHA-256) from `SPACESYNC_SECRET_KEY`, one key per purpose. A ciphertext can be bound to its row
 * (`context`, e.g. the account id) so that it cannot be copied to another row and still decrypt.
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, Redacted, Schema } from "effect"
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto"

/** What a key is for; each purpose has its own derived key. @since 0.1.0 */
export type Purpose = "credentials" | "webhook-secrets" | (string & {})

/**
 * A ciphertext did not decrypt: wrong key, wrong row, or tampered.
 *
 * @since 0.1.0
 */
export class DecryptError extends Schema.TaggedError<DecryptError>()("DecryptError", {
  message: Schema.String
}) {}

/**
 * @since 0.1.0
 * @category tags
 */
export class SecretBox extends Context.Tag("@spacesync/core/SecretBox")<SecretBox, {
  readonly encrypt: (purpose: Purpose, plaintext: string, context?: string) => string
  readonly decrypt: (purpose: Purpose, ciphertext: string, context?: string) => Effect.Effect<string, DecryptError>
}>() {}

const version = "v1"

/**
 * A box over `secretKey` (at least 32 characters).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (secretKey: Redacted.Redacted<string>): SecretBox["Type"] => {
  const keys = new Map<string, Buffer>()
  const keyFor = (purpose: string) => {
    let key = keys.get(purpose)
    if (key === undefined) {
      key = Buffer.from(hkdfSync("sha256", Redacted.value(secretKey), "spacesync", `spacesync/${purpose}`, 32))
      keys.set(purpose, key)
    }
    return key
  }
  const aad = (purpose: string, context: string | undefined) => Buffer.from(`${purpose}\u0000${context ?? ""}`)
  return SecretBox.of({
    encrypt: (purpose, plaintext, context) => {
      const iv = randomBytes(12)
      const cipher = createCipheriv("aes-256-gcm", keyFor(purpose), iv)
      cipher.setAAD(aad(purpose, context))
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()])
      return `${version}.${iv.toString("base64url")}.${body.toString("base64url")}`
    },
    decrypt: (purpose, ciphertext, context) =>
      Effect.try({
        try: () => {
          const [v, ivText, bodyText] = ciphertext.split(".")
          if (v !== version || ivText === undefined || bodyText === undefined) throw new Error("format")
          const iv = Buffer.from(ivText, "base64url")
          const body = Buffer.from(bodyText, "base64url")
          if (iv.length !== 12 || body.length < 16) throw new Error("format")
          const decipher = createDecipheriv("aes-256-gcm", keyFor(purpose), iv)
          decipher.setAAD(aad(purpose, context))
          decipher.setAuthTag(body.subarray(body.length - 16))
          return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8")
        },
        catch: () =>
          new DecryptError({ message: `Cannot decrypt a ${purpose} secret: wrong key, wrong row or tampered` })
      })
  })
}

/** `SPACESYNC_SECRET_KEY`: any string of at least 32 characters. @since 0.1.0 */
export const SecretKeyConfig = Config.redacted("SPACESYNC_SECRET_KEY").pipe(
  Config.validate({
    message: "SPACESYNC_SECRET_KEY must be at least 32 characters",
    validation: (key) => Redacted.value(key).length >= 32
  }),
  Config.withDescription("Master key from which the keys encrypting secrets at rest are derived")
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (secretKey: Redacted.Redacted<string>): Layer.Layer<SecretBox> =>
  Layer.succeed(SecretBox, make(secretKey))

/**
 * The box over `SPACESYNC_SECRET_KEY`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<SecretBox, import("effect").ConfigError.ConfigError> = Layer.effect(
  SecretBox,
  Effect.map(SecretKeyConfig, make)
)
