/**
 * Faithfulness of the Optix simulator: it answers as Optix's GraphQL API does (schema, auth, paging,
 * filters, limits, webhooks), so that the adapter's tests against it mean something.
 *
 * @since 0.1.0
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { buildSchema, parse, validate } from "graphql"
import { OptixSchema, OptixSimulator, SeedData } from "../src/testing/index.js"

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: {
    readonly data?: { readonly [key: string]: any } | null
    readonly errors?: ReadonlyArray<
      { readonly message: string; readonly locations?: unknown; readonly extensions?: { readonly code?: string } }
    >
  }
}

const post = (
  simulator: OptixSimulator.OptixSimulator,
  query: string,
  options: {
    readonly variables?: { readonly [key: string]: unknown }
    readonly token?: string | null
    readonly via?: "header" | "query" | "body" | "form"
  } = {}
): Effect.Effect<Answer> =>
  Effect.promise(async () => {
    const token = options.token === undefined ? simulator.accessToken : options.token
    const via = options.via ?? "header"
    const url = new URL(simulator.endpoint)
    const headers: Record<string, string> = { "content-type": "application/json" }
    let body: string = JSON.stringify({
      query,
      variables: options.variables,
      ...(via === "body" && token !== null ? { access_token: token } : {})
    })
    if (token !== null && via === "header") headers.authorization = `Bearer ${token}`
    if (token !== null && via === "query") url.searchParams.set("access_token", token)
    if (via === "form") {
      headers["content-type"] = "application/x-www-form-urlencoded"
      const form = new URLSearchParams({ query })
      if (options.variables !== undefined) form.set("variables", JSON.stringify(options.variables))
      if (token !== null) form.set("access_token", token)
      body = form.toString()
    }
    const response = await fetch(url, { method: "POST", headers, body })
    return { status: response.status, headers: response.headers, body: (await response.json()) as Answer["body"] }
  })

const locationIdsQuery = `query($limit: Int, $page: Int, $deleted: Boolean, $hidden: Boolean) {
  locations(limit: $limit, page: $page, include_deleted: $deleted, include_hidden: $hidden) {
    total
    data { location_id is_deleted is_hidden is_visible }
  }
}`

const ids = (answer: Answer, field: string, key: string): Array<string> =>
  (answer.body.data?.[field].data as Array<Record<string, string>>).map((r) => r[key]!)

describe("OptixSimulator", () => {
  it("serves a verbatim subset of the published schema that graphql-js accepts", () => {
    const schema = buildSchema(OptixSchema.sdl)
    const query = schema.getQueryType()!.getFields()
    expect(Object.keys(query).sort()).toEqual([
      "location",
      "locations",
      "organization",
      "planTemplate",
      "planTemplates",
      "product",
      "products",
      "resource",
      "resourceType",
      "resourceTypes",
      "resources"
    ])
    expect(String(query.products!.args.find((a) => a.name === "type")!.defaultValue)).toBe("REGULAR")
    const prices = validate(schema, parse("{ resources { total data { prices { unit { type } price price_max } } } }"))
    expect(prices).toEqual([])
  })

  it.scoped("an unknown field is a GraphQL validation error: 400 with errors[{message, locations}], no data", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const answer = yield* post(simulator, "{ locations { total data { location_id price_per_hour } } }")
      expect(answer.status).toBe(400)
      expect(answer.body.data).toBeUndefined()
      expect(answer.body.errors).toEqual([
        { message: "Cannot query field \"price_per_hour\" on type \"Location\".", locations: [{ line: 1, column: 40 }] }
      ])
      const enumError = yield* post(simulator, "{ products(type: [DROPIN]) { total } }")
      expect(enumError.status).toBe(400)
      expect(enumError.body.errors![0]!.message).toContain("Value \"DROPIN\" does not exist in \"ProductType\" enum.")
      const syntax = yield* post(simulator, "{ locations { total ")
      expect(syntax.status).toBe(400)
      expect(syntax.body.errors![0]!.message).toMatch(/^Syntax Error/)
    }))

  it.scoped("takes the token as a Bearer header, an access_token query parameter or body parameter", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const query = "{ organization { organization_id currency exclusive_tax_rate inclusive_tax_rate } }"
      for (const via of ["header", "query", "body", "form"] as const) {
        const answer = yield* post(simulator, query, { via })
        expect(answer.status).toBe(200)
        expect(answer.body).toEqual({
          data: {
            organization: {
              organization_id: SeedData.organizationId,
              currency: "CAD",
              exclusive_tax_rate: 5,
              inclusive_tax_rate: 0
            }
          }
        })
      }
      expect(simulator.calls.map((c) => c.token)).toEqual(Array(4).fill(simulator.accessToken))
    }))

  it.scoped("without a valid token (none, unknown, revoked) the request runs anonymous", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const query = "{ organization { organization_id } locations { total } }"
      yield* simulator.revoke()
      for (const token of [null, "not-a-token-o", simulator.accessToken, simulator.revokedToken]) {
        const answer = yield* post(simulator, query, { token })
        expect(answer.status).toBe(200)
        expect(answer.body.data).toBeNull()
        expect(answer.body.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
          ["Unauthorized", "UNAUTHENTICATED"]
        ])
        const org = yield* post(simulator, "{ organization { organization_id } }", { token })
        expect(org.body).toEqual({ data: { organization: null } })
      }
    }))

  it.scoped("with unauthorized: \"401\" a request without a valid token answers 401", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make({ unauthorized: "401" })
      const answer = yield* post(simulator, "{ organization { organization_id } }", { token: simulator.revokedToken })
      expect(answer.status).toBe(401)
      expect(answer.body.errors?.[0]?.message).toBe("Unauthorized")
    }))

  it.scoped("serves POST /graphql only: other paths 404, other methods 405, all in the errors envelope", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const get = yield* Effect.promise(() =>
        fetch(`${simulator.endpoint}?query=${encodeURIComponent("{ organization { name } }")}`, {
          headers: { authorization: `Bearer ${simulator.accessToken}` }
        })
      )
      expect(get.status).toBe(405)
      expect(get.headers.get("allow")).toBe("POST")
      expect(((yield* Effect.promise(() => get.json())) as Answer["body"]).errors).toHaveLength(1)
      const elsewhere = yield* Effect.promise(() =>
        fetch(`${simulator.url}/api/graphql`, { method: "POST", body: "{}" })
      )
      expect(elsewhere.status).toBe(404)
      const empty = yield* post(simulator, "")
      expect(empty.status).toBe(400)
      expect(empty.body.errors?.[0]?.message).toBe("Must provide query string.")
    }))

  it.scoped("products lists REGULAR products unless asked for PASS, never deleted ones", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const query = "query($type: [ProductType!]) { products(type: $type) { total data { product_id type } } }"
      const regular = yield* post(simulator, "{ products { total data { product_id type } } }")
      expect(ids(regular, "products", "product_id")).toEqual([SeedData.productIds.locker, SeedData.productIds.coffee])
      const passes = yield* post(simulator, query, { variables: { type: ["PASS"] } })
      expect(ids(passes, "products", "product_id")).toEqual([
        SeedData.productIds.dayPass,
        SeedData.productIds.tenVisitPass,
        SeedData.productIds.eastWeekPass
      ])
      const both = yield* post(simulator, query, { variables: { type: ["PASS", "REGULAR"] } })
      expect(both.body.data?.products.total).toBe(5)
    }))

  it.scoped("pages are {total, data}; limit is clamped to the maximum; pages past the end are empty", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make({ maxLimit: 3 })
      const first = yield* post(simulator, locationIdsQuery, { variables: { limit: 100, deleted: true, hidden: true } })
      expect(first.body.data?.locations.total).toBe(6)
      expect(ids(first, "locations", "location_id")).toEqual(["2101", "2102", "2103"])
      const second = yield* post(simulator, locationIdsQuery, {
        variables: { limit: 100, page: 2, deleted: true, hidden: true }
      })
      expect(ids(second, "locations", "location_id")).toEqual(["2104", "2105", "2106"])
      const third = yield* post(simulator, locationIdsQuery, {
        variables: { limit: 100, page: 3, deleted: true, hidden: true }
      })
      expect(third.body.data?.locations).toEqual({ total: 6, data: [] })

      const defaults = yield* OptixSimulator.make()
      const plans = yield* post(defaults, "{ planTemplates(limit: 1000) { total data { plan_template_id } } }")
      expect(plans.body.data?.planTemplates.total).toBe(10)
      expect(plans.body.data?.planTemplates.data).toHaveLength(10)
    }))

  it.scoped("locations exclude deleted and hidden ones unless include_deleted / include_hidden", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const list = (variables: { readonly [key: string]: unknown }) =>
        Effect.map(post(simulator, locationIdsQuery, { variables }), (a) => ids(a, "locations", "location_id"))
      expect(yield* list({})).toEqual([...SeedData.visibleLocationIds])
      expect(yield* list({ deleted: true })).toEqual([...SeedData.visibleLocationIds, SeedData.locationIds.deleted])
      expect(yield* list({ hidden: true })).toEqual([...SeedData.visibleLocationIds, SeedData.locationIds.hidden])
      yield* simulator.deleteLocation(SeedData.locationIds.toronto)
      expect(yield* list({})).not.toContain(SeedData.locationIds.toronto)
      const one = yield* post(simulator, `{ location(location_id: "${SeedData.locationIds.toronto}") { is_deleted } }`)
      expect(one.body.data?.location).toEqual({ is_deleted: true })
    }))

  it.scoped("resources carry prices[{unit{type}, price, price_max}] as JSON numbers", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const answer = yield* post(
        simulator,
        `{ resources(resource_id: ["${SeedData.resourceIds.vancouverGlassRoom}"]) {
          total data { location { location_id timezone } type { name } prices { unit { type } price price_max } }
        } }`
      )
      expect(answer.body.data?.resources.data).toEqual([{
        location: { location_id: SeedData.locationIds.vancouver, timezone: "America/Vancouver" },
        type: { name: "Meeting room" },
        prices: [
          { unit: { type: "CURRENCY" }, price: 25, price_max: 150 },
          { unit: { type: "HOURS" }, price: 1, price_max: null },
          { unit: { type: "CUSTOM" }, price: 2, price_max: null }
        ]
      }])
      yield* simulator.setResourcePrice(SeedData.resourceIds.vancouverGlassRoom, "CURRENCY", 27.5)
      const changed = yield* post(
        simulator,
        `{ resource(resource_id: "${SeedData.resourceIds.vancouverGlassRoom}") { prices { price } } }`
      )
      expect(changed.body.data?.resource.prices[0].price).toBe(27.5)
    }))

  it.scoped("plan templates cover every price_frequency but UNKNOWN (which make({unknownFrequency}) adds)", () =>
    Effect.gen(function*() {
      const query = "{ planTemplates { data { price_frequency } } }"
      const simulator = yield* OptixSimulator.make()
      const answer = yield* post(simulator, query)
      const frequencies = (answer.body.data?.planTemplates.data as Array<{ price_frequency: string }>).map((p) =>
        p.price_frequency
      )
      expect(frequencies).toEqual([...SeedData.planFrequencies])
      const withUnknown = yield* OptixSimulator.make({ seed: SeedData.make({ unknownFrequency: true }) })
      const more = yield* post(withUnknown, query)
      expect(more.body.data?.planTemplates.data).toContainEqual({ price_frequency: "UNKNOWN" })
    }))

  it.scoped("60 requests a minute per token, then 429 with Retry-After; throttleNext answers 429 too", () =>
    Effect.gen(function*() {
      let clock = 1_000_000
      const simulator = yield* OptixSimulator.make({ now: () => clock })
      const query = "{ organization { organization_id } }"
      for (let i = 0; i < 60; i++) {
        const ok = yield* post(simulator, query)
        expect(ok.status).toBe(200)
      }
      const over = yield* post(simulator, query)
      expect(over.status).toBe(429)
      expect(over.headers.get("retry-after")).toBe("60")
      expect(over.body.errors?.[0]?.message).toBe("Too Many Requests")
      clock += 60_000
      expect((yield* post(simulator, query)).status).toBe(200)
      expect(yield* simulator.throttled).toBe(1)

      yield* simulator.throttleNext(2)
      const first = yield* post(simulator, query)
      const second = yield* post(simulator, query)
      expect([first.status, second.status]).toEqual([429, 429])
      expect(first.headers.get("retry-after")).toBe("1")
      expect((yield* post(simulator, query)).status).toBe(200)
      expect(yield* simulator.throttled).toBe(3)
      expect(yield* simulator.requests).toBe(65)
    }))

  it.scoped("an over-complex or too deep query is rejected by a validation rule", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make()
      const nested = `{ locations(limit: 100) { data { resources(limit: 100) { data {
        resource_id name capacity prices { price price_max unit { type } }
      } } } } }`
      const answer = yield* post(simulator, nested)
      expect(answer.status).toBe(400)
      expect(answer.body.errors?.[0]?.message).toMatch(/^Max query complexity should be 10000 but got \d+\.$/)
      const deep = `{ resources { data { location { resources { data { location { resources { data {
        location { resources { data { location { location_id } } } } } } } } } } } } }`
      const tooDeep = yield* post(simulator, deep)
      expect(tooDeep.status).toBe(400)
      expect(tooDeep.body.errors?.map((e) => e.message)).toContain("Max query depth should be 10 but got 13.")
      const flat = yield* post(simulator, "{ resources(limit: 100) { total data { resource_id prices { price } } } }")
      expect(flat.status).toBe(200)
    }))

  it.scoped("a listing set to fail midway fails its second page with a GraphQL error", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make({ maxLimit: 2 })
      yield* simulator.failNextListingMidway
      expect((yield* post(simulator, locationIdsQuery, { variables: { page: 1 } })).status).toBe(200)
      const broken = yield* post(simulator, locationIdsQuery, { variables: { page: 2 } })
      expect(broken.status).toBe(200)
      expect(broken.body.data).toBeNull()
      expect(broken.body.errors?.[0]?.message).toBe("Internal server error")
      expect((yield* post(simulator, locationIdsQuery, { variables: { page: 2 } })).body.data?.locations.total).toBe(4)
    }))

  it("signs webhooks as the published example: sha1(client_id + secret + created_timestamp)", () => {
    expect(OptixSimulator.signature("123", "secret", "123456")).toBe("4739add6e433e2e9510761d994ba127f1b45834d")
  })

  it.scoped("sends webhooks form-encoded, signature over client_id, secret and created_timestamp only", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.make({ clientId: "123", webhookSecret: "secret" })
      const request = yield* simulator.sendWebhook({ event: "member_booking_cancelled", createdTimestamp: 123456 })
      expect(request.method).toBe("POST")
      expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded")
      const form = Object.fromEntries(new URLSearchParams(new TextDecoder().decode(request.body)))
      expect(form).toEqual({
        client_id: "123",
        created_timestamp: "123456",
        organization_id: SeedData.organizationId,
        event: "member_booking_cancelled",
        request_signature: "4739add6e433e2e9510761d994ba127f1b45834d"
      })
      const tampered = yield* simulator.webhooks!.request("tamperedBody")
      const tamperedForm = new URLSearchParams(new TextDecoder().decode(tampered.body))
      expect(
        OptixSimulator.signature(tamperedForm.get("client_id")!, "secret", tamperedForm.get("created_timestamp")!)
      ).not.toBe(tamperedForm.get("request_signature"))
    }))

  it.scoped("conformance: the changed, removed and corrupted locations are distinct and visible", () =>
    Effect.gen(function*() {
      const simulator = yield* OptixSimulator.conformance()
      expect(simulator.pageSize).toBe(2)
      expect(yield* simulator.externalIds).toEqual(["2101", "2102", "2103", "2104", "2105"])
      const changed = yield* simulator.changeOnePrice
      expect(changed).toEqual({ locationExternalId: SeedData.locationIds.halifax, priceExternalId: "plan-5106" })
      const removed = yield* simulator.removeOneLocation
      const corrupted = yield* simulator.corruptOneLocation
      expect(new Set([changed.locationExternalId, removed.externalId, corrupted.externalId]).size).toBe(3)
      expect(yield* simulator.externalIds).not.toContain(removed.externalId)
      const answer = yield* post(
        simulator,
        `{ resources(location_id: ["${corrupted.externalId}"], limit: 1) { data { prices { price } } } }`
      )
      expect(answer.body.data?.resources.data[0].prices[0].price).toBe(40.005)
    }))
})
