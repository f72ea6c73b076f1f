/**
 * Operators (workspace companies) and their API keys. A key is `sk_op_<operator id part>_<secret>`: the
 * id part finds the operator, the secret is checked against an scrypt hash in constant time.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql"
import type { OperatorId } from "@spacesync/adapter-kit/Ids"
import { Ids } from "@spacesync/core"
import { Context, DateTime, Effect, Layer, Option } from "effect"
import { hashSecret, randomToken, sha256, verifySecret } from "./internal/secrets.js"

/** @since 0.1.0 */
export interface Operator {
  readonly operatorId: OperatorId
  readonly name: string
  readonly createdAt: DateTime.Utc
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Operators extends Context.Tag("@spacesync/server/Operators")<Operators, {
  /** Creates an operator; the API key is returned once and stored hashed. */
  readonly create: (name: string) => Effect.Effect<Operator & { readonly apiKey: string }>
  readonly list: Effect.Effect<ReadonlyArray<Operator>>
  /** Deletes the operator with its accounts and connections. */
  readonly delete: (operatorId: OperatorId) => Effect.Effect<boolean>
  readonly authenticate: (apiKey: string) => Effect.Effect<Option.Option<OperatorId>>
}>() {}

const keyPattern = /^sk_op_([0-9a-z]+)_([A-Za-z0-9_-]{20,})$/

/** @since 0.1.0 */
export const layer = Layer.effect(
  Operators,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // Verified keys by SHA-256, so scrypt runs once per key and process, not per request.
    const verified = new Map<string, { operatorId: OperatorId; until: number }>()

    const create = (name: string) =>
      Effect.gen(function*() {
        const operatorId = Ids.makeOperatorId()
        const apiKey = `sk_op_${operatorId.slice(3)}_${randomToken(24)}`
        const [row] = yield* sql<{ created_at: Date }>`insert into spacesync.operators ${
          sql.insert({ operator_id: operatorId, name, api_key_hash: yield* hashSecret(apiKey) })
        } returning created_at`
        return { operatorId, name, apiKey, createdAt: DateTime.unsafeFromDate(row!.created_at) }
      }).pipe(Effect.orDie)

    const list = sql<{ operator_id: OperatorId; name: string; created_at: Date }>`
      select operator_id, name, created_at from spacesync.operators order by created_at, operator_id`.pipe(
      Effect.map((rows) =>
        rows.map((r) => ({ operatorId: r.operator_id, name: r.name, createdAt: DateTime.unsafeFromDate(r.created_at) }))
      ),
      Effect.orDie
    )

    const remove = (operatorId: OperatorId) =>
      sql`delete from spacesync.operators where operator_id = ${operatorId} returning operator_id`.pipe(
        Effect.tap(() => Effect.sync(() => verified.clear())),
        Effect.map((rows) => rows.length > 0),
        Effect.orDie
      )

    const authenticate = (apiKey: string) =>
      Effect.gen(function*() {
        const digest = sha256(apiKey)
        const cached = verified.get(digest)
        if (cached !== undefined && cached.until > Date.now()) return Option.some(cached.operatorId)
        const match = keyPattern.exec(apiKey)
        if (match === null) return Option.none()
        const operatorId = `op_${match[1]}` as OperatorId
        const [row] = yield* sql<{ api_key_hash: string | null }>`
          select api_key_hash from spacesync.operators where operator_id = ${operatorId}`
        if (row?.api_key_hash == null || !(yield* verifySecret(apiKey, row.api_key_hash))) return Option.none()
        verified.set(digest, { operatorId, until: Date.now() + 60_000 })
        return Option.some(operatorId)
      }).pipe(Effect.orDie)

    return Operators.of({ create, list, delete: remove, authenticate })
  })
)
