/**
 * The `optix` adapter: one Optix organization, read through the GraphQL API with its organization token.
 *
 * A read asks for the token's organization (currency, time zone, default tax rates), then lists the
 * organization's locations (deleted and hidden ones included), resources (with their types and prices),
 * plan templates and passes, 100 a page, and groups them by location: five requests for an organization
 * of up to 100 of each, whatever its number of locations. Optix documents no change filter for these, so
 * there is no read of changes. A targeted read asks only for the named locations and their resources.
 *
 * Optix allows 60 requests a minute per token (`rateLimit`); core paces the account's requests, and
 * throttling answers (429, or a throttling GraphQL error) are waited out.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, WebhookReplay } from "@spacesync/adapter-kit"
import { Clock, Effect, Stream } from "effect"
import * as OptixClient from "./OptixClient.js"
import * as OptixNormalize from "./OptixNormalize.js"
import * as OptixQueries from "./OptixQueries.js"
import * as OptixWebhooks from "./OptixWebhooks.js"

/** The credentials of an `optix` account. @since 0.1.0 */
export const Credentials = OptixClient.Credentials
/** @since 0.1.0 */
export type Credentials = OptixClient.Credentials

/** Optix's documented limit: 60 requests a minute per token. @since 0.1.0 */
export const rateLimit = { limit: 60, interval: "1 minute" } as const

/**
 * One read of the organization, undecoded (`locationIds`: only those locations and their resources).
 *
 * @since 0.1.0
 */
export const readBundle = (
  client: OptixClient.OptixClient,
  locationIds?: ReadonlyArray<string>
): Effect.Effect<OptixNormalize.Bundle, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const organization = yield* client.organization
    // Without a filter the variable is not sent at all, so the argument is absent (not an explicit null).
    const filter = locationIds === undefined ? {} : { locationIds: [...locationIds] }
    const locations = yield* client.list(OptixQueries.locations, "locations", filter)
    if (locations.length === 0) return { organization, locations, resources: [], planTemplates: [], passes: [] }
    const resources = yield* client.list(OptixQueries.resources, "resources", filter)
    const planTemplates = yield* client.list(OptixQueries.planTemplates, "planTemplates")
    const passes = yield* client.list(OptixQueries.passes, "products")
    return { organization, locations, resources, planTemplates, passes }
  })

/**
 * Makes the adapter: its webhook replay memory is made here, so every hub (and test) that builds it has
 * its own.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Adapter.Adapter<Credentials>> = Effect.gen(function*() {
  const read = (credentials: Credentials, request: Adapter.ReadRequest) =>
    Stream.unwrap(Effect.gen(function*() {
      const client = yield* OptixClient.make(credentials)
      if (request._tag === "All") {
        return Stream.fromIterable(yield* OptixNormalize.results(yield* readBundle(client)))
      }
      if (request.externalIds.length === 0) return Stream.empty
      const results = yield* OptixNormalize.results(yield* readBundle(client, request.externalIds))
      const wanted = new Set(request.externalIds)
      const picked = results.filter((item) => wanted.has(Adapter.externalIdOf(item) ?? ""))
      const found = new Set(picked.map((item) => Adapter.externalIdOf(item)))
      const missing = request.externalIds.filter((id) => !found.has(id)).map((externalId) =>
        Adapter.ReadItem.Failed({
          externalId,
          error: new AdapterError.AdapterError({
            reason: "Upstream",
            status: 404,
            message: `The Optix organization has no location ${JSON.stringify(externalId)}`,
            externalId
          })
        })
      )
      return Stream.fromIterable([...picked, ...missing])
    }))

  // A signature accepted once is refused if it comes again while its timestamp could still verify. The
  // body is not signed, so the key includes the event and organization the delivery names.
  const replays = yield* WebhookReplay.make({ windowSeconds: 2 * OptixWebhooks.toleranceSeconds })

  return Adapter.make<Credentials>({
    id: "optix",
    name: "Optix",
    credentials: Credentials,
    rateLimit,
    check: (credentials) =>
      Effect.asVoid(Effect.flatMap(OptixClient.make(credentials), (client) => client.organization)),
    snapshots: { read },
    webhooks: {
      verify: (request, credentials) =>
        Effect.gen(function*() {
          const targets = yield* OptixWebhooks.verify(request, credentials)
          if (!OptixWebhooks.signed(credentials)) return targets
          const form = OptixWebhooks.parseForm(request.body)!
          const now = yield* Clock.currentTimeMillis
          const key = [form.client_id, form.request_signature.toLowerCase(), form.organization_id, form.event].join(
            "\u0000"
          )
          if (!replays.firstSeen(key, now)) {
            return yield* AdapterError.unauthorized("Optix webhook replayed (this delivery was already accepted)")
          }
          return targets
        }),
      // An Optix application's deliveries all go to the URL of its settings file: the hub verifies them with
      // every account of the same `client_id` (the credentials name no organization id).
      accountKey: {
        fromRequest: OptixWebhooks.clientIdOf,
        fromCredentials: (credentials) => credentials.clientId ?? ""
      }
    }
  })
})
