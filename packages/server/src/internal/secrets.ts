import { Effect } from "effect"
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto"

/** @internal A random URL-safe secret of `bytes` bytes. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString("base64url")

/** @internal A random lower-case alphanumeric id part (for key ids inside secrets). */
export const randomId = (length = 24): string => {
  const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
  const bytes = randomBytes(length)
  let out = ""
  for (const byte of bytes) out += alphabet[byte & 31]
  return out
}

/** @internal SHA-256 hex, for high-entropy tokens (access tokens, states) where a slow hash buys nothing. */
export const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex")

const scryptParams = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }

const derive = (secret: string, salt: Buffer) =>
  Effect.async<Buffer>((resume) => {
    scrypt(secret, salt, 32, scryptParams, (error, key) => {
      if (error) resume(Effect.die(error))
      else resume(Effect.succeed(key))
    })
  })

/** @internal An scrypt hash: `scrypt$N$r$p$salt$hash` (base64url). */
export const hashSecret = (secret: string) =>
  Effect.gen(function*() {
    const salt = randomBytes(16)
    const key = yield* derive(secret, salt)
    return `scrypt$${scryptParams.N}$${scryptParams.r}$${scryptParams.p}$${salt.toString("base64url")}$${
      key.toString("base64url")
    }`
  })

/** @internal Verifies a secret against an scrypt hash, in constant time. */
export const verifySecret = (secret: string, stored: string) =>
  Effect.gen(function*() {
    const [scheme, , , , saltText, hashText] = stored.split("$")
    if (scheme !== "scrypt" || saltText === undefined || hashText === undefined) return false
    const expected = Buffer.from(hashText, "base64url")
    const actual = yield* derive(secret, Buffer.from(saltText, "base64url"))
    return actual.length === expected.length && timingSafeEqual(actual, expected)
  })

/** @internal Constant-time string equality. */
export const safeEqual = (a: string, b: string): boolean => {
  const ha = createHash("sha256").update(a).digest()
  const hb = createHash("sha256").update(b).digest()
  return timingSafeEqual(ha, hb) && a.length === b.length
}
