/**
 * The registry of adapters a hub (or an embedding app) supports, by id.
 *
 * @since 0.1.0
 */
import type { Adapter } from "@spacesync/adapter-kit/Adapter"
import { Context, Effect, Layer, Schema } from "effect"

/**
 * No adapter with that id is registered.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownAdapter extends Schema.TaggedError<UnknownAdapter>()("UnknownAdapter", {
  adapter: Schema.String,
  message: Schema.String
}) {}

/**
 * @since 0.1.0
 * @category tags
 */
export class Adapters extends Context.Tag("@spacesync/core/Adapters")<Adapters, {
  readonly all: ReadonlyArray<Adapter<any, any>>
  readonly get: (id: string) => Effect.Effect<Adapter<any, any>, UnknownAdapter>
}>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (adapters: ReadonlyArray<Adapter<any, any>>): Adapters["Type"] => {
  const byId = new Map(adapters.map((adapter) => [adapter.id, adapter]))
  if (byId.size !== adapters.length) throw new Error("Two adapters share one id")
  return Adapters.of({
    all: adapters,
    get: (id) => {
      const adapter = byId.get(id)
      return adapter === undefined
        ? Effect.fail(
          new UnknownAdapter({
            adapter: id,
            message: `Unknown adapter "${id}"; known: ${[...byId.keys()].sort().join(", ") || "none"}`
          })
        )
        : Effect.succeed(adapter)
    }
  })
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (adapters: ReadonlyArray<Adapter<any, any>>): Layer.Layer<Adapters> =>
  Layer.sync(Adapters, () => make(adapters))
