/**
 * The `deskbase` adapter: the account's sites as locations, each with its rooms (resources) and rates
 * (prices). A full read lists the sites page by page, then fetches each site (two requests in flight);
 * a webhook re-reads the site it names.
 */
import { Adapter } from "@spacesync/adapter-kit"
import { Effect, Stream } from "effect"
import * as DeskBaseClient from "./DeskBaseClient.js"
import * as DeskBaseNormalize from "./DeskBaseNormalize.js"
import * as DeskBaseWebhooks from "./DeskBaseWebhooks.js"

export const Credentials = DeskBaseClient.Credentials
export type Credentials = DeskBaseClient.Credentials

export const make: Effect.Effect<Adapter.Adapter<Credentials>> = Effect.sync(() =>
  Adapter.make<Credentials>({
    id: "deskbase",
    name: "DeskBase",
    credentials: Credentials,
    // DeskBase documents 120 requests a minute per API key; core spaces the account's requests to it.
    rateLimit: { limit: 120, interval: "1 minute" },
    check: (credentials) =>
      Effect.flatMap(DeskBaseClient.make(credentials), (client) =>
        // One page of the listing proves the key works (401/403 fail Unauthorized).
        Stream.runDrain(Stream.take(client.sites, 1))),
    snapshots: {
      read: Adapter.listThenFetch<Credentials>({
        list: (credentials) =>
          Stream.unwrap(Effect.map(DeskBaseClient.make(credentials), (client) =>
            Stream.map(client.sites, (site) => ({ externalId: site.id, name: site.name })))),
        fetch: (credentials, ref) =>
          DeskBaseClient.make(credentials).pipe(
            Effect.flatMap((client) =>
              client.site(ref.externalId)
            ),
            Effect.flatMap(DeskBaseNormalize.snapshot)
          ),
        concurrency: 2
      })
    },
    webhooks: { verify: DeskBaseWebhooks.verify }
  })
)
