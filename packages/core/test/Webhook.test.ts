import { describe, expect, it } from "@effect/vitest"
import type * as Ids from "@spacesync/adapter-kit/Ids"
import { DateTime, Effect, Either, Schema } from "effect"
import { Webhook as StandardWebhook } from "standardwebhooks"
import type * as EventLog from "../src/EventLog.js"
import * as Webhook from "../src/Webhook.js"

const event: EventLog.StoredEvent = {
  seq: 7,
  eventId: "evt_abc" as Ids.EventId,
  type: "pricing.updated",
  accountId: "acc_1" as Ids.AccountId,
  locationId: "loc_1" as Ids.LocationId,
  connectionId: null,
  version: 12,
  changes: { created: [], updated: ["prc_1"], deleted: [] },
  fullResync: false,
  createdAt: DateTime.unsafeMake("2026-11-22T10:15:00.123Z")
}

const signed = (secrets: ReadonlyArray<string>, body: string, timestamp = Math.floor(Date.now() / 1000)) => ({
  body,
  headers: Webhook.headers({
    id: "evt_abc",
    timestamp,
    body,
    keys: secrets.map((s) => Webhook.secretKey(s)!)
  })
})

describe("Webhook", () => {
  it("builds the documented body, keys in order, for every apiUrl kind", () => {
    const body = Webhook.makeBody("https://hub.example", event, {
      connectionId: "con_9" as Ids.ConnectionId,
      listingId: "p-77"
    })
    expect(body).toBe(
      "{\"type\":\"pricing.updated\",\"timestamp\":\"2026-11-22T10:15:00.123Z\",\"data\":{\"eventId\":\"evt_abc\"," +
        "\"connectionId\":\"con_9\",\"locationId\":\"loc_1\",\"listingId\":\"p-77\",\"version\":12," +
        "\"apiUrl\":\"https://hub.example/v1/connections/con_9/locations/loc_1/prices\"," +
        "\"changes\":{\"created\":[],\"updated\":[\"prc_1\"],\"deleted\":[]},\"fullResync\":false}}"
    )
    expect(Schema.decodeUnknownSync(Webhook.WebhookEvent)(JSON.parse(body)).data.version).toBe(12)
    const url = (type: EventLog.EventType, location: string | null = "loc_1") =>
      Webhook.apiUrl("https://hub.example", type, "con_9", location)
    expect(url("resources.updated")).toBe("https://hub.example/v1/connections/con_9/locations/loc_1/resources")
    expect(url("location.deleted")).toBe("https://hub.example/v1/connections/con_9/locations/loc_1")
    expect(url("connection.revoked")).toBe("https://hub.example/v1/connections/con_9")
    expect(url("connection.activated", null)).toBe("https://hub.example/v1/connections/con_9")
  })

  it("generates whsec_ secrets of 32 random bytes", () => {
    const secret = Webhook.generateSecret()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    expect(Webhook.secretKey(secret)!.length).toBe(32)
    expect(Webhook.generateSecret()).not.toBe(secret)
    expect(Webhook.secretKey("whsec_")).toBeUndefined()
    expect(Webhook.secretKey("whsec_not base64!")).toBeUndefined()
  })

  it("signs so that the standardwebhooks implementation verifies it, with one signature per secret", () => {
    const oldSecret = Webhook.generateSecret()
    const newSecret = Webhook.generateSecret()
    const body = "{\"type\":\"pricing.updated\",\"data\":{\"name\":\"Zürich ☕\"}}"
    const request = signed([newSecret, oldSecret], body)
    expect(request.headers["webhook-signature"]!.split(" ")).toHaveLength(2)
    for (const secret of [newSecret, oldSecret]) {
      expect(new StandardWebhook(secret).verify(body, request.headers)).toEqual(JSON.parse(body))
    }
    expect(() => new StandardWebhook(Webhook.generateSecret()).verify(body, request.headers)).toThrow()
  })

  it("verify accepts what standardwebhooks signs, from a string or the raw bytes", () => {
    const secret = Webhook.generateSecret()
    const body = "{\"hello\":\"wörld\"}"
    const now = new Date()
    const signature = new StandardWebhook(secret).sign("msg_1", now, body)
    const headers = {
      "Webhook-Id": "msg_1",
      "Webhook-Timestamp": String(Math.floor(now.getTime() / 1000)),
      "Webhook-Signature": `v1,bm90IGl0 ${signature}`
    }
    const fromText = Webhook.verify({ payload: body, headers, secrets: secret })
    expect(Either.getOrThrow(fromText)).toEqual({
      id: "msg_1",
      timestamp: Math.floor(now.getTime() / 1000),
      payload: { hello: "wörld" }
    })
    const fromBytes = Webhook.verify({
      payload: Buffer.from(body),
      headers: new Headers(headers),
      secrets: [Webhook.generateSecret(), secret]
    })
    expect(Either.isRight(fromBytes)).toBe(true)
  })

  it.effect("verify fails with a typed reason", () =>
    Effect.gen(function*() {
      const secret = Webhook.generateSecret()
      const body = "{\"a\":1}"
      const now = Date.now()
      const reason = (options: Parameters<typeof Webhook.verify>[0]) =>
        Effect.map(Effect.flip(Webhook.verify(options)), (e) => e.reason)
      const good = signed([secret], body, Math.floor(now / 1000))
      expect(yield* Webhook.verify({ payload: body, headers: good.headers, secrets: secret, now })).toMatchObject({
        id: "evt_abc"
      })
      expect(yield* reason({ payload: body, headers: {}, secrets: secret })).toBe("MissingHeaders")
      expect(yield* reason({ payload: "{\"a\":2}", headers: good.headers, secrets: secret, now })).toBe(
        "InvalidSignature"
      )
      expect(yield* reason({ payload: body, headers: good.headers, secrets: Webhook.generateSecret(), now })).toBe(
        "InvalidSignature"
      )
      expect(yield* reason({ payload: body, headers: good.headers, secrets: "whsec_", now })).toBe("InvalidSecret")
      expect(yield* reason({ payload: body, headers: good.headers, secrets: secret, now: now + 301_000 })).toBe(
        "TimestampTooOld"
      )
      expect(yield* reason({ payload: body, headers: good.headers, secrets: secret, now: now - 301_000 })).toBe(
        "TimestampTooNew"
      )
      // Within the tolerance either way, and a custom tolerance.
      expect(
        Either.isRight(Webhook.verify({ payload: body, headers: good.headers, secrets: secret, now: now + 290_000 }))
      )
        .toBe(true)
      expect(
        yield* reason({
          payload: body,
          headers: good.headers,
          secrets: secret,
          now: now + 61_000,
          tolerance: "1 minute"
        })
      ).toBe("TimestampTooOld")
      expect(
        yield* reason({ payload: body, headers: { ...good.headers, "webhook-timestamp": "12abc" }, secrets: secret })
      ).toBe("InvalidTimestamp")
      const notJson = signed([secret], "not json", Math.floor(now / 1000))
      expect(yield* reason({ payload: "not json", headers: notJson.headers, secrets: secret, now })).toBe(
        "InvalidPayload"
      )
    }))
})
