/**
 * The `officernd` adapter: OfficeRnD Flex API v2, read with the organization's client-credentials token.
 *
 * A read lists the organization's collections in bulk (`locations`, `resource-types`, `resources`,
 * `resource-rates`, `plans`, `tax-rates`, `revenue-accounts`, 50 records a page, the API's maximum) and
 * groups them by location: a small organization costs a token and seven requests whatever its number of
 * locations. OfficeRnD documents no change filter for these collections, so there is no read of changes.
 *
 * @since 0.1.0
 */
import { Adapter, AdapterError, OAuthTokens, WebhookReplay } from "@spacesync/adapter-kit"
import { Chunk, Clock, Effect, Stream } from "effect"
import * as OfficeRnDClient from "./OfficeRnDClient.js"
import * as OfficeRnDNormalize from "./OfficeRnDNormalize.js"
import * as OfficeRnDWebhooks from "./OfficeRnDWebhooks.js"

/** The credentials of an `officernd` account. @since 0.1.0 */
export const Credentials = OfficeRnDClient.Credentials
/** @since 0.1.0 */
export type Credentials = OfficeRnDClient.Credentials

const listAll = (client: OfficeRnDClient.OfficeRnDClient, collection: OfficeRnDClient.Collection) =>
  Effect.map(Stream.runCollect(client.list(collection)), Chunk.toReadonlyArray)

/** One bulk read of the organization, undecoded. @since 0.1.0 */
export const readBundle = (
  client: OfficeRnDClient.OfficeRnDClient
): Effect.Effect<OfficeRnDNormalize.Bundle, AdapterError.AdapterError> =>
  Effect.gen(function*() {
    const [locations, resourceTypes, resources, resourceRates, plans, taxRates, revenueAccounts] = yield* Effect
      .forEach(OfficeRnDClient.collections, (collection) => listAll(client, collection), { concurrency: 3 })
    return {
      currency: client.credentials.currency,
      locations: locations!,
      resourceTypes: resourceTypes!,
      resources: resources!,
      resourceRates: resourceRates!,
      plans: plans!,
      taxRates: taxRates!,
      revenueAccounts: revenueAccounts!
    }
  })

/**
 * Makes the adapter: its token cache is made here, so every hub (and test) that builds it has its own.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Adapter.Adapter<Credentials>> = Effect.gen(function*() {
  const tokens = yield* OAuthTokens.makeCache()
  const client = (credentials: Credentials) => OfficeRnDClient.make(credentials, tokens)

  const read = (credentials: Credentials, request: Adapter.ReadRequest) =>
    Stream.unwrap(Effect.gen(function*() {
      const bundle = yield* readBundle(yield* client(credentials))
      if (request._tag === "All") return Stream.fromIterable(yield* OfficeRnDNormalize.results(bundle))
      const results = yield* OfficeRnDNormalize.results(bundle, new Set(request.externalIds))
      const found = new Set(results.map((result) => Adapter.externalIdOf(result)))
      const missing = request.externalIds.filter((id) => !found.has(id)).map((externalId) =>
        Adapter.ReadItem.Failed({
          externalId,
          error: new AdapterError.AdapterError({
            reason: "Upstream",
            status: 404,
            message: `OfficeRnD organization ${credentials.organization} has no location ${JSON.stringify(externalId)}`,
            externalId
          })
        })
      )
      return Stream.fromIterable([...results, ...missing])
    }))

  // A signature accepted once is refused if it comes again while its timestamp could still verify.
  const replays = yield* WebhookReplay.make({ windowSeconds: 2 * OfficeRnDWebhooks.toleranceSeconds })

  return Adapter.make<Credentials>({
    id: "officernd",
    name: "OfficeRnD",
    credentials: Credentials,
    check: (credentials) =>
      Effect.flatMap(client(credentials), (http) => Stream.runDrain(Stream.take(http.list("locations"), 1))),
    snapshots: { read },
    webhooks: {
      verify: (request, credentials) =>
        Effect.gen(function*() {
          const targets = yield* OfficeRnDWebhooks.verify(request, credentials)
          const now = yield* Clock.currentTimeMillis
          const key = `${credentials.organization}\u0000${request.headers[OfficeRnDWebhooks.signatureHeader]}`
          if (!replays.firstSeen(key, now)) {
            return yield* AdapterError.unauthorized("OfficeRnD webhook replayed (its signature was already accepted)")
          }
          return targets
        })
    }
  })
})
