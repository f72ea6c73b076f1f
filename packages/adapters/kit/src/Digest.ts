/**
 * SHA-256, the one digest spacesync uses for ids, content hashes, fingerprints and stored token digests.
 * Uses Node's one-shot `crypto.hash` where it exists (Node ≥ 20.12), which is faster for short inputs
 * than a `Hash` object.
 *
 * @since 0.1.0
 */
import * as Crypto from "node:crypto"

/**
 * The SHA-256 of `data` (a string is hashed as UTF-8), in lower-case hex.
 *
 * @since 0.1.0
 */
export const sha256Hex: (data: string | Uint8Array) => string = typeof Crypto.hash === "function"
  ? (data) => Crypto.hash("sha256", data, "hex")
  : (data) => Crypto.createHash("sha256").update(data).digest("hex")

/**
 * The SHA-256 of `data` (a string is hashed as UTF-8), as raw bytes.
 *
 * @since 0.1.0
 */
export const sha256: (data: string | Uint8Array) => Buffer = typeof Crypto.hash === "function"
  ? (data) => Crypto.hash("sha256", data, "buffer")
  : (data) => Crypto.createHash("sha256").update(data).digest()
