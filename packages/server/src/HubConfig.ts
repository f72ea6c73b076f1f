/**
 * The hub's configuration, read once from the environment (see CONTRACT.md "Configuration").
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, Option } from "effect"

/**
 * @since 0.1.0
 * @category tags
 */
export class HubConfig extends Context.Tag("@spacesync/server/HubConfig")<HubConfig, {
  readonly host: string
  readonly port: number
  /** Base of every `apiUrl` and link, without a trailing slash. */
  readonly publicUrl: string
}>() {}

/** @since 0.1.0 */
export const config = Effect.gen(function*() {
  const host = yield* Config.string("HOST").pipe(Config.withDefault("127.0.0.1"))
  const port = yield* Config.port("PORT").pipe(Config.withDefault(8787))
  const publicUrl = yield* Config.option(Config.url("SPACESYNC_PUBLIC_URL"))
  return HubConfig.of({
    host,
    port,
    publicUrl: Option.match(publicUrl, {
      onNone: () => `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      onSome: (url) => url.toString().replace(/\/+$/, "")
    })
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(HubConfig, config)
