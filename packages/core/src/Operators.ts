/**
 * Operators (workspace companies) and their API keys. A key is `sk_op_<operator id part>_<secret>`: the
 * id part finds the operator, the secret is checked against an scrypt hash in constant time. The key is
 * returned once, when the operator is created. Owns the table `operators`.
 *
 * @since 0.1.0
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { sha256Hex } from "@spacesync/adapter-kit/Digest"
import * as Ids from "@spacesync/adapter-kit/Ids"
import { Clock, Context, Effect, Layer, Option, Schema } from "effect"
import { orDie } from "./internal/sql.js"
import * as Secrets from "./Secrets.js"

/**
 * An operator: a workspace company that owns upstream accounts and authorizes platforms.
 *
 * @since 0.1.0
 */
export class Operator extends Schema.Class<Operator>("Operator")({
  operatorId: Ids.OperatorId,
  name: Schema.String,
  createdAt: Schema.DateTimeUtc
}) {}

/**
 * No operator with this id.
 *
 * @since 0.1.0
 * @category errors
 */
export class OperatorNotFound extends Schema.TaggedError<OperatorNotFound>()("OperatorNotFound", {
  operatorId: Schema.String,
  message: Schema.String
}) {}

/**
 * @since 0.1.0
 * @category tags
 */
export class Operators extends Context.Tag("@spacesync/core/Operators")<Operators, {
  /** Creates an operator; its API key is returned here only, and stored as an scrypt hash. */
  readonly create: (name: string) => Effect.Effect<{ readonly operator: Operator; readonly apiKey: string }>
  /** Every operator, oldest first. */
  readonly list: Effect.Effect<ReadonlyArray<Operator>>
  readonly get: (operatorId: Ids.OperatorId) => Effect.Effect<Operator, OperatorNotFound>
  /** Deletes the operator with its accounts and connections. */
  readonly delete: (operatorId: Ids.OperatorId) => Effect.Effect<void, OperatorNotFound>
  /** The operator this API key belongs to, if it is valid. */
  readonly authenticate: (apiKey: string) => Effect.Effect<Option.Option<Ids.OperatorId>>
}>() {}

const OperatorRow = Schema.Struct({
  operator_id: Ids.OperatorId,
  name: Schema.String,
  created_at: Schema.DateTimeUtcFromDate
})

const toOperator = (row: typeof OperatorRow.Type) =>
  new Operator({ operatorId: row.operator_id, name: row.name, createdAt: row.created_at })

const keyPattern = /^sk_op_([0-9a-z]{1,64})_([A-Za-z0-9_-]{20,})$/

// Keys verified by this process (by their SHA-256), so that scrypt runs once per key and minute.
const verifiedFor = 60_000

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const verified = new Map<string, { readonly operatorId: Ids.OperatorId; readonly until: number }>()

  const insert = orDie(SqlSchema.single({
    Request: Schema.Struct({ operator_id: Ids.OperatorId, name: Schema.String, api_key_hash: Schema.String }),
    Result: OperatorRow,
    execute: (row) => sql`insert into spacesync.operators ${sql.insert(row)} returning operator_id, name, created_at`
  }))
  const findAll = orDie(SqlSchema.findAll({
    Request: Schema.Void,
    Result: OperatorRow,
    execute: () => sql`select operator_id, name, created_at from spacesync.operators order by created_at, operator_id`
  }))
  const findOne = orDie(SqlSchema.findOne({
    Request: Ids.OperatorId,
    Result: OperatorRow,
    execute: (id) => sql`select operator_id, name, created_at from spacesync.operators where operator_id = ${id}`
  }))
  const deleteOne = orDie(SqlSchema.findOne({
    Request: Ids.OperatorId,
    Result: Schema.Struct({ operator_id: Ids.OperatorId }),
    execute: (id) => sql`delete from spacesync.operators where operator_id = ${id} returning operator_id`
  }))
  const findKeyHash = orDie(SqlSchema.findOne({
    Request: Ids.OperatorId,
    Result: Schema.Struct({ api_key_hash: Schema.NullOr(Schema.String) }),
    execute: (id) => sql`select api_key_hash from spacesync.operators where operator_id = ${id}`
  }))

  const notFound = (operatorId: string) =>
    new OperatorNotFound({ operatorId, message: `Operator ${operatorId} not found` })

  const create = Effect.fn("Operators.create")(function*(name: string) {
    const operatorId = Ids.makeOperatorId()
    const apiKey = `sk_op_${operatorId.slice("op_".length)}_${Secrets.randomToken(24)}`
    const row = yield* insert({ operator_id: operatorId, name, api_key_hash: yield* Secrets.hashSecret(apiKey) })
    return { operator: toOperator(row), apiKey }
  })

  const get = Effect.fn("Operators.get")(function*(operatorId: Ids.OperatorId) {
    const row = yield* findOne(operatorId)
    if (Option.isNone(row)) return yield* notFound(operatorId)
    return toOperator(row.value)
  })

  const remove = Effect.fn("Operators.delete")(function*(operatorId: Ids.OperatorId) {
    if (Option.isNone(yield* deleteOne(operatorId))) return yield* notFound(operatorId)
    verified.clear()
  })

  const authenticate = Effect.fn("Operators.authenticate")(function*(apiKey: string) {
    const now = yield* Clock.currentTimeMillis
    const digest = sha256Hex(apiKey)
    const cached = verified.get(digest)
    if (cached !== undefined && cached.until > now) return Option.some(cached.operatorId)
    const match = keyPattern.exec(apiKey)
    if (match === null) return Option.none()
    const operatorId = `op_${match[1]}` as Ids.OperatorId
    const row = yield* findKeyHash(operatorId)
    const hash = Option.getOrUndefined(row)?.api_key_hash
    if (hash == null || !(yield* Secrets.verifySecret(apiKey, hash))) return Option.none()
    verified.set(digest, { operatorId, until: now + verifiedFor })
    return Option.some(operatorId)
  })

  return Operators.of({
    create,
    list: Effect.map(findAll(undefined), (rows) => rows.map(toOperator)),
    get,
    delete: remove,
    authenticate
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Operators, never, SqlClient.SqlClient> = Layer.effect(Operators, make)
