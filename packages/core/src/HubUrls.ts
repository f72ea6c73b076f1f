/**
 * The hub's public base URL: the base of every `apiUrl` in webhooks and of every link the hub hands out.
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, Option } from "effect"

/**
 * @since 0.1.0
 * @category tags
 */
export class HubUrls extends Context.Tag("@spacesync/core/HubUrls")<HubUrls, {
  /** Without a trailing slash, e.g. `https://hub.example`. */
  readonly publicUrl: string
}>() {}

const trimmed = (url: string) => url.replace(/\/+$/, "")

/**
 * `HOST`: the address the hub listens on (default `127.0.0.1`).
 *
 * @since 0.1.0
 */
export const HostConfig: Config.Config<string> = Config.string("HOST").pipe(
  Config.withDefault("127.0.0.1"),
  Config.withDescription("Address the hub listens on")
)

/**
 * `PORT`: the port the hub listens on (default 8787).
 *
 * @since 0.1.0
 */
export const PortConfig: Config.Config<number> = Config.port("PORT").pipe(
  Config.withDefault(8787),
  Config.withDescription("Port the hub listens on")
)

/**
 * `SPACESYNC_PUBLIC_URL`, or `http://HOST:PORT` (default `http://127.0.0.1:8787`). The one derivation of
 * the public URL: the server's configuration reads it from here too.
 *
 * @since 0.1.0
 */
export const PublicUrlConfig: Config.Config<string> = Config.all({
  host: HostConfig,
  port: PortConfig,
  publicUrl: Config.option(Config.url("SPACESYNC_PUBLIC_URL")).pipe(
    Config.withDescription("Base of every apiUrl and link (default http://HOST:PORT)")
  )
}).pipe(Config.map(({ host, port, publicUrl }) =>
  Option.match(publicUrl, {
    onNone: () => `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    onSome: (url) => trimmed(url.toString())
  })
))

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (publicUrl: string): Layer.Layer<HubUrls> =>
  Layer.succeed(HubUrls, HubUrls.of({ publicUrl: trimmed(publicUrl) }))

/**
 * The base URL from the environment (`SPACESYNC_PUBLIC_URL`, `HOST`, `PORT`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<HubUrls, import("effect").ConfigError.ConfigError> = Layer.effect(
  HubUrls,
  Effect.map(PublicUrlConfig, (publicUrl) => HubUrls.of({ publicUrl }))
)
