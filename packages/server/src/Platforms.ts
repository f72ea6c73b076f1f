/**
 * Platforms and their OAuth2 client credentials: core's `Platforms` service, under the path the token
 * route imports it from.
 *
 * @since 0.1.0
 */
export {
  /** @since 0.1.0 */
  layer,
  /** @since 0.1.0 */
  Platforms
} from "@spacesync/core/Platforms"
