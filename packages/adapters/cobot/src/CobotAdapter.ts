/**
 * The `cobot` adapter: one Cobot space (API 2 and API 1), read with the account's bearer token.
 *
 * An account is one space, so one location. A read resolves the subdomain's space (API 2
 * `GET /user?include=adminOf`), then reads it: API 2 `GET /spaces/{id}`, `GET /space_profiles/{id}`, `GET /spaces/{id}/resources`
 * (200 a page) and API 1 `GET /plans`: five requests for a space of up to 200 resources. Cobot documents
 * no change filter for these, so there is no read of changes.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError } from "@spacesync/adapter-kit"
import { Effect, Option, Stream } from "effect"
import * as CobotClient from "./CobotClient.js"
import * as CobotNormalize from "./CobotNormalize.js"
import * as CobotWebhooks from "./CobotWebhooks.js"

/** The credentials of a `cobot` account. @since 0.1.0 */
export const Credentials = CobotClient.Credentials
/** @since 0.1.0 */
export type Credentials = CobotClient.Credentials

/** One read of the space `id`, undecoded where it may fail per location. @since 0.1.0 */
export const readBundle = (
  client: CobotClient.CobotClient,
  id: string
): Effect.Effect<CobotNormalize.Bundle, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const space = yield* client.space(id)
    if (space.data.attributes.subdomain !== client.credentials.subdomain) {
      // Not the account's space: never read further.
      return yield* new AdapterError.AdapterError({
        reason: "Upstream",
        status: 404,
        message: `Cobot space ${JSON.stringify(id)} is not the space of ${client.credentials.subdomain}`,
        externalId: id
      })
    }
    const [profile, resources, plans] = yield* Effect.all(
      [client.spaceProfile(id), client.resources(id), client.plans],
      { concurrency: 3 }
    )
    return { space, profile, resources, plans }
  })

/**
 * The adapter. It holds no state.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Adapter.Adapter<Credentials>> = Effect.sync(() =>
  Adapter.make<Credentials>({
    id: "cobot",
    name: "Cobot",
    credentials: Credentials,
    rateLimit: { limit: 60, interval: "1 minute" },
    check: (credentials) =>
      Effect.flatMap(CobotClient.make(credentials), (client) =>
        Effect.flatMap(client.spaceId, (id) =>
          Option.isSome(id)
            ? Effect.void
            : AdapterError.unauthorized(`the token administers no Cobot space ${credentials.subdomain}`))),
    snapshots: {
      read: Adapter.listThenFetch<Credentials>({
        list: (credentials) =>
          // The account's one location, or none when the space is gone (a complete, empty listing).
          Stream.flatMap(
            Stream.fromEffect(Effect.flatMap(CobotClient.make(credentials), (client) => client.spaceId)),
            (id) => Stream.fromIterable(Option.toArray(Option.map(id, (externalId) => ({ externalId }))))
          ),
        fetch: (credentials, ref) =>
          Effect.flatMap(
            CobotClient.make(credentials),
            (client) => Effect.flatMap(readBundle(client, ref.externalId), CobotNormalize.snapshot)
          ),
        concurrency: 1
      })
    },
    webhooks: { verify: (request, credentials) => CobotWebhooks.verify(request, credentials) }
  })
)
