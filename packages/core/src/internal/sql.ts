import { Effect, Schema } from "effect"

/**
 * @internal A request schema for a value TypeScript already typed (batches on hot paths, fragments of a
 * statement): encoding it is the identity, so it costs nothing per row.
 */
export const Typed = <A>(): Schema.Schema<A> => Schema.declare((_: unknown): _ is A => true)

/**
 * @internal A repository query whose failures (`SqlError`, rows that do not decode) are defects: they
 * mean a broken database or a bug, never something a caller can handle.
 */
export const orDie = <Args extends ReadonlyArray<any>, A, E, R>(
  query: (...args: Args) => Effect.Effect<A, E, R>
) =>
(...args: Args): Effect.Effect<A, never, R> => Effect.orDie(query(...args))
