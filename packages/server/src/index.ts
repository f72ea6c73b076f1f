/**
 * @since 0.1.0
 */

/**
 * The hub's HTTP API definition.
 *
 * @since 0.1.0
 */
export * as Api from "./Api.js"

/**
 * The `spacesync` command line.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"

/**
 * The HTTP server layers.
 *
 * @since 0.1.0
 */
export * as Http from "./Http.js"

/**
 * Configuration from the environment.
 *
 * @since 0.1.0
 */
export * as HubConfig from "./HubConfig.js"
