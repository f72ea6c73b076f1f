/**
 * Password hashes: scrypt with a random salt, stored as `scrypt$N$r$p$salt$hash` (base64), compared in
 * constant time.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto"

const N = 16384
const r = 8
const p = 1
const keyLength = 32

const scrypt = (password: string, salt: Buffer, n: number, rr: number, pp: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(
      password.normalize("NFKC"),
      salt,
      keyLength,
      { N: n, r: rr, p: pp, maxmem: 64 * 1024 * 1024 },
      (e, key) => e ? reject(e) : resolve(key)
    )
  )

export const hash = async (password: string): Promise<string> => {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, N, r, p)
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`
}

/** A hash of nothing, checked when the email is unknown so that answering takes as long either way. */
const decoy = `scrypt$${N}$${r}$${p}$${randomBytes(16).toString("base64")}$${randomBytes(keyLength).toString("base64")}`

export const verify = async (password: string, stored: string | undefined): Promise<boolean> => {
  const parts = (stored ?? decoy).split("$")
  if (parts.length !== 6 || parts[0] !== "scrypt") return false
  const [n, rr, pp] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  const expected = Buffer.from(parts[5]!, "base64")
  const key = await scrypt(password, Buffer.from(parts[4]!, "base64"), n, rr, pp)
  return stored !== undefined && key.length === expected.length && timingSafeEqual(key, expected)
}
