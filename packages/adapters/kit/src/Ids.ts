/**
 * Branded identifiers. Hub ids of upstream entities (`loc_`, `res_`, `prc_`) are derived, not minted:
 * the same (account, kind, externalId) always yields the same id, so a re-sync never invents new ids
 * and naming an entity never needs a database lookup.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Crypto from "node:crypto"
import { sha256Hex } from "./Digest.js"

/**
 * A branded id schema for ids of the form `<prefix>_<lower-case base32>`.
 *
 * @since 0.1.0
 */
export const prefixed = <const P extends string, const B extends string>(prefix: P, brand: B) =>
  Schema.String.pipe(
    Schema.pattern(new RegExp(`^${prefix}_[0-9a-z]{1,64}$`), {
      message: () => `Expected an id of the form ${prefix}_…`
    }),
    Schema.brand(brand),
    Schema.annotations({ identifier: brand, description: `A ${brand} (${prefix}_…)` })
  )

/** The hub id of a location (`loc_…`). @since 0.1.0 */
export const LocationId = prefixed("loc", "LocationId")
/** @since 0.1.0 */
export type LocationId = typeof LocationId.Type

/** The hub id of a bookable resource (`res_…`). @since 0.1.0 */
export const ResourceId = prefixed("res", "ResourceId")
/** @since 0.1.0 */
export type ResourceId = typeof ResourceId.Type

/** The hub id of a price (`prc_…`). @since 0.1.0 */
export const PriceId = prefixed("prc", "PriceId")
/** @since 0.1.0 */
export type PriceId = typeof PriceId.Type

/** A platform's authorization to receive one operator's locations (`con_…`). @since 0.1.0 */
export const ConnectionId = prefixed("con", "ConnectionId")
/** @since 0.1.0 */
export type ConnectionId = typeof ConnectionId.Type

/** A listing platform (`plt_…`). @since 0.1.0 */
export const PlatformId = prefixed("plt", "PlatformId")
/** @since 0.1.0 */
export type PlatformId = typeof PlatformId.Type

/** A workspace operator (`op_…`). @since 0.1.0 */
export const OperatorId = prefixed("op", "OperatorId")
/** @since 0.1.0 */
export type OperatorId = typeof OperatorId.Type

/** One upstream account of an operator (`acc_…`). @since 0.1.0 */
export const AccountId = prefixed("acc", "AccountId")
/** @since 0.1.0 */
export type AccountId = typeof AccountId.Type

/** A change event (`evt_…`), the `webhook-id` of every delivery of it. @since 0.1.0 */
export const EventId = prefixed("evt", "EventId")
/** @since 0.1.0 */
export type EventId = typeof EventId.Type

/** The kinds of upstream entity that get derived hub ids. @since 0.1.0 */
export type EntityKind = "location" | "resource" | "price"

const entityPrefix = { location: "loc", resource: "res", price: "prc" } as const

// Crockford-style lower-case base32 keeps ids URL-safe and case-insensitive.
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
const base32 = (bytes: Uint8Array, length: number): string => {
  let out = ""
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5 && out.length < length) {
      out += alphabet[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
    buffer &= (1 << bits) - 1
    if (out.length >= length) break
  }
  return out
}

// The same bits as `base32` of the bytes, read from their lower-case hex form.
const base32FromHex = (hex: string, length: number): string => {
  let out = ""
  let buffer = 0
  let bits = 0
  for (let i = 0; i < hex.length && out.length < length; i++) {
    const code = hex.charCodeAt(i)
    buffer = (buffer << 4) | (code <= 57 ? code - 48 : code - 87)
    bits += 4
    if (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
    buffer &= (1 << bits) - 1
  }
  return out
}

// The hex SHA-256 of the UTF-8 bytes of `text`: one-shot `crypto.hash` (Node ≥ 20.12) is 2–3× faster for
// short inputs than a `Hash` object, and hex output is faster than a `Buffer`.

// 26 base32 characters = 130 bits of the digest: collisions are not a practical concern.
const derivedLength = 26

/**
 * The hub id of an upstream entity: a SHA-256 of (account, kind, externalId), keyed by the account id
 * (itself random), so equal external ids in two accounts never collide and the same entity always gets
 * the same id.
 *
 * @since 0.1.0
 */
export const entityId: {
  (accountId: AccountId, kind: "location", externalId: string): LocationId
  (accountId: AccountId, kind: "resource", externalId: string): ResourceId
  (accountId: AccountId, kind: "price", externalId: string): PriceId
} = ((accountId: AccountId, kind: EntityKind, externalId: string): string => {
  const digest = sha256Hex(`${accountId}\u0000${kind}\u0000${externalId}`)
  return `${entityPrefix[kind]}_${base32FromHex(digest, derivedLength)}`
}) as any

/**
 * A new random id with the given prefix (for things the hub creates itself: accounts, events, …).
 *
 * @since 0.1.0
 */
export const random = <const P extends string>(prefix: P): `${P}_${string}` =>
  `${prefix}_${base32(Crypto.randomBytes(20), 26)}`

/** @since 0.1.0 */
export const makeAccountId = (): AccountId => random("acc") as AccountId
/** @since 0.1.0 */
export const makeEventId = (): EventId => random("evt") as EventId
/** @since 0.1.0 */
export const makeConnectionId = (): ConnectionId => random("con") as ConnectionId
/** @since 0.1.0 */
export const makePlatformId = (): PlatformId => random("plt") as PlatformId
/** @since 0.1.0 */
export const makeOperatorId = (): OperatorId => random("op") as OperatorId
