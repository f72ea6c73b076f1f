/**
 * A feed server on 127.0.0.1 for tests: serves a canonical feed behind a bearer token, with a strong
 * `ETag` and 304 on `If-None-Match`; can change a price, remove a location, throttle with 429 +
 * `Retry-After`, or serve any body (malformed feeds). It implements the conformance kit's `Simulator`.
 *
 * @since 0.1.0
 */
import { Digest } from "@spacesync/adapter-kit"
import type { AdapterConformance } from "@spacesync/adapter-kit/testing"
import * as Fixtures from "@spacesync/adapter-kit/testing/Fixtures"
import * as LoopbackServer from "@spacesync/adapter-kit/testing/LoopbackServer"
import { Effect, type Scope } from "effect"

/** @since 0.1.0 */
export interface Options {
  /** How many locations the feed starts with. Default 5. */
  readonly locations?: number | undefined
  /** `Retry-After` seconds of throttling responses. Default 1. */
  readonly retryAfterSeconds?: number | undefined
  /** The token the server accepts. Default "feed-token". */
  readonly token?: string | undefined
}

/**
 * A running feed simulator.
 *
 * @since 0.1.0
 */
export interface FeedSimulator extends AdapterConformance.Simulator {
  readonly server: LoopbackServer.LoopbackServer
  /** The feed URL. */
  readonly url: string
  /** The current document (a canonical feed, or whatever `serve` set). */
  readonly document: () => unknown
  /** Serves `body` from now on: a string is sent as is (malformed JSON), anything else as JSON. */
  readonly serve: (body: unknown) => Effect.Effect<void>
  /** Answers every request with `status` from now on (`undefined`: back to normal). */
  readonly failWith: (status: number | undefined) => Effect.Effect<void>
}

/**
 * Starts a simulator; it stops with the scope.
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<FeedSimulator, never, Scope.Scope> =>
  Effect.gen(function*() {
    const token = options.token ?? "feed-token"
    const retryAfter = String(options.retryAfterSeconds ?? 1)
    let document: unknown = {
      locations: Array.from({ length: options.locations ?? 5 }, (_, i) => Fixtures.locationSource(`loc-${i + 1}`))
    }
    let throttleBudget = 0
    let throttled = 0
    let failStatus: number | undefined
    let breakNextDocument = false
    let cents = 0

    const server = yield* LoopbackServer.make((request) => {
      if (request.path !== "/feed.json") return { status: 404, body: { error: "not found" } }
      if (request.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { error: "unauthorized" } }
      if (throttleBudget > 0) {
        throttleBudget--
        throttled++
        return { status: 429, headers: { "retry-after": retryAfter }, body: { error: "slow down" } }
      }
      if (failStatus !== undefined) return { status: failStatus, body: { error: "failing on purpose" } }
      const body = typeof document === "string" ? document : JSON.stringify(document)
      if (breakNextDocument) {
        // The document breaks off in its middle, as a dropped download would.
        breakNextDocument = false
        return { headers: { "content-type": "application/json" }, body: body.slice(0, Math.floor(body.length / 2)) }
      }
      const etag = `"${Digest.sha256Hex(body)}"`
      if (request.headers["if-none-match"] === etag) return { status: 304, headers: { etag } }
      return { headers: { etag, "content-type": "application/json" }, body }
    })

    const feed = () => document as { locations: Array<any> }

    return {
      server,
      url: `${server.url}/feed.json`,
      goodCredentials: { url: `${server.url}/feed.json`, headers: { authorization: `Bearer ${token}` } },
      badCredentials: { url: `${server.url}/feed.json`, headers: { authorization: "Bearer wrong-token" } },
      secrets: [token, "wrong-token"],
      requests: Effect.sync(() => server.requests.length),
      retryAfterMillis: Number(retryAfter) * 1000,
      externalIds: Effect.sync(() => feed().locations.map((entry) => entry.location.externalId as string)),
      changeOnePrice: Effect.sync(() => {
        const entry = feed().locations[0]
        const price = entry.prices[0]
        cents++
        const [units, fraction = "00"] = String(price.amount.amount).split(".")
        price.amount = { ...price.amount, amount: `${Number(units) + cents}.${fraction}` }
        return { locationExternalId: entry.location.externalId, priceExternalId: price.externalId }
      }),
      removeOneLocation: Effect.sync(() => {
        const entry = feed().locations.pop()
        return { externalId: entry.location.externalId }
      }),
      corruptOneLocation: Effect.sync(() => {
        const entry = feed().locations[1]
        entry.prices[0].amount = { ...entry.prices[0].amount, amount: 12.5 }
        return { externalId: entry.location.externalId }
      }),
      failNextListingMidway: Effect.sync(() => void (breakNextDocument = true)),
      throttleNext: (n) => Effect.sync(() => void (throttleBudget += n)),
      throttled: Effect.sync(() => throttled),
      document: () => document,
      serve: (body) => Effect.sync(() => void (document = body)),
      failWith: (status) => Effect.sync(() => void (failStatus = status))
    } satisfies FeedSimulator
  })
