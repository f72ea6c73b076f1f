/**
 * Secrets the hub hands out and checks: random tokens, scrypt hashes for long-lived secrets (API keys,
 * client secrets, the admin token) and constant-time comparison. Short-lived high-entropy tokens (access
 * tokens, authorization states) are stored as SHA-256 digests instead (`sha256Hex` of
 * `@spacesync/adapter-kit/Digest`): a slow hash buys nothing for them.
 *
 * @since 0.1.0
 */
import { sha256 } from "@spacesync/adapter-kit/Digest"
import { Effect } from "effect"
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"

/**
 * A random URL-safe secret of `bytes` random bytes (base64url).
 *
 * @since 0.1.0
 */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString("base64url")

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

/**
 * A random lower-case alphanumeric string of `length` characters (5 bits each), for ids inside secrets.
 *
 * @since 0.1.0
 */
export const randomId = (length = 24): string => {
  let out = ""
  for (const byte of randomBytes(length)) out += alphabet[byte & 31]
  return out
}

const scryptParams = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }

const derive = (secret: string, salt: Buffer) =>
  Effect.async<Buffer>((resume) => {
    scrypt(secret, salt, 32, scryptParams, (error, key) => {
      if (error) resume(Effect.die(error))
      else resume(Effect.succeed(key))
    })
  })

/**
 * An scrypt hash of `secret` with a random salt: `scrypt$N$r$p$salt$hash` (base64url).
 *
 * @since 0.1.0
 */
export const hashSecret = (secret: string): Effect.Effect<string> =>
  Effect.suspend(() => {
    const salt = randomBytes(16)
    const { N, p, r } = scryptParams
    return Effect.map(
      derive(secret, salt),
      (key) => `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`
    )
  })

/**
 * Whether `secret` matches an scrypt hash made by `hashSecret` (compared in constant time). A hash in
 * another format never matches.
 *
 * @since 0.1.0
 */
export const verifySecret = (secret: string, stored: string): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    const [scheme, , , , saltText, hashText] = stored.split("$")
    if (scheme !== "scrypt" || saltText === undefined || hashText === undefined) return Effect.succeed(false)
    const expected = Buffer.from(hashText, "base64url")
    return Effect.map(
      derive(secret, Buffer.from(saltText, "base64url")),
      (actual) => actual.length === expected.length && timingSafeEqual(actual, expected)
    )
  })

/**
 * String equality in constant time (for the length of the inputs' digests).
 *
 * @since 0.1.0
 */
export const safeEqual = (a: string, b: string): boolean =>
  timingSafeEqual(sha256(a), sha256(b)) && a.length === b.length
