/**
 * The registry of adapters a hub (or an embedding app) supports, by id. It holds built adapters: each
 * was built (see `Adapter.Build`) when the registry's layer was, with whatever it required, so what it
 * holds needs nothing but the `HttpClient` each call runs with.
 *
 * @since 0.1.0
 */
import { Adapter } from "@spacesync/adapter-kit"
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
  readonly all: ReadonlyArray<Adapter.Adapter>
  readonly get: (id: string) => Effect.Effect<Adapter.Adapter, UnknownAdapter>
}>() {}

/**
 * A registry of built adapters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (adapters: ReadonlyArray<Adapter.Adapter>): Adapters["Type"] => {
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
 * The registry of `adapters`, each built (in order) when the layer is: an adapter, or the Effect that
 * builds one, whose requirements become the layer's.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <const Builds extends ReadonlyArray<Adapter.Build<any>>>(
  adapters: Builds
): Layer.Layer<Adapters, never, Adapter.BuildContext<Builds[number]>> =>
  Layer.effect(
    Adapters,
    Effect.map(Effect.forEach(adapters, (build) => Adapter.build(build)), make)
  ) as Layer.Layer<Adapters, never, Adapter.BuildContext<Builds[number]>>
