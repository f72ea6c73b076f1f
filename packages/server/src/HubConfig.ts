/**
 * The hub's configuration, read once from the environment (the "Configuration" table of README.md): the
 * listen address and the public URL, derived by `HubUrls.PublicUrlConfig`.
 *
 * @since 0.1.0
 */
import * as HubUrls from "@spacesync/core/HubUrls"
import { Config, Context, Effect, Layer } from "effect"

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

/** `HOST`, `PORT` and `SPACESYNC_PUBLIC_URL` (default `http://HOST:PORT`). @since 0.1.0 */
export const config = Effect.map(
  Config.all({ host: HubUrls.HostConfig, port: HubUrls.PortConfig, publicUrl: HubUrls.PublicUrlConfig }),
  (settings) => HubConfig.of(settings)
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = Layer.effect(HubConfig, config)
