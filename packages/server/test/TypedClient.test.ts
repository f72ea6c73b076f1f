import { describe, expect, it } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import type { Ids } from "@spacesync/core"
import { MemoryUpstream } from "@spacesync/core/testing"
import { Effect } from "effect"
import * as TestHub from "./support/TestHub.js"

const upstream = MemoryUpstream.makeUpstream("typed-token")
upstream.locations.set("T1", Fixtures.locationSource("T1") as any)

describe("typed HttpApiClient", () => {
  it.layer(TestHub.layer([MemoryUpstream.adapter(upstream)]), { timeout: 60_000 })((it) => {
    it.effect("drives the API through the client derived from its definition, errors included", () =>
      Effect.gen(function*() {
        const admin = yield* TestHub.client(TestHub.adminToken)
        const platform = yield* admin.admin.createPlatform({
          payload: { name: "Typed", authorizationUrl: "https://typed.example/connect" }
        })
        expect(platform.platformId).toMatch(/^plt_/)
        const platforms = yield* admin.admin.listPlatforms()
        expect(platforms.data.map((p) => p.platformId)).toContain(platform.platformId)
        const operator = yield* admin.admin.createOperator({ payload: { name: "Typed op" } })

        const op = yield* TestHub.client(operator.apiKey)
        const account = yield* op.operator.createAccount({
          payload: { name: "Mem", adapter: "memory", credentials: { token: "typed-token" } }
        })
        const sync = yield* op.operator.syncAccount({ path: { accountId: account.accountId } })
        expect(sync).toMatchObject({ locations: 1, events: 3, outcome: "succeeded" })
        const locations = yield* op.operator.listLocations({ path: { accountId: account.accountId } })
        expect(locations.data[0]).toMatchObject({ externalId: "T1", version: 1 })

        // Errors come back as the API's error classes (the problem+json bodies keep their tags).
        const notFound = yield* Effect.flip(
          admin.admin.deletePlatform({ path: { platformId: "plt_nope" as Ids.PlatformId } })
        )
        expect(notFound._tag).toBe("NotFound")
        const invalid = yield* Effect.flip(
          op.operator.createAccount({ payload: { name: "Bad", adapter: "memory", credentials: { token: 1 } } })
        )
        expect(invalid).toMatchObject({ _tag: "BadRequest", errors: [{ path: "credentials.token" }] })
        const anonymous = yield* TestHub.client()
        const unauthorized = yield* Effect.flip(anonymous.admin.listOperators())
        expect(unauthorized._tag).toBe("Unauthorized")
        // The same schemas guard the client: an id of the wrong shape is refused before any request.
        const refused = yield* Effect.flip(
          op.operator.getAccount({ path: { accountId: "not-an-id" as Ids.AccountId } })
        )
        expect(refused._tag).toBe("ParseError")
        // Another operator's account is a NotFound, like an unknown one.
        const other = yield* admin.admin.createOperator({ payload: { name: "Other" } })
        const otherClient = yield* TestHub.client(other.apiKey)
        const foreign = yield* Effect.flip(otherClient.operator.getAccount({ path: { accountId: account.accountId } }))
        expect(foreign._tag).toBe("NotFound")
      }))
  })
})
