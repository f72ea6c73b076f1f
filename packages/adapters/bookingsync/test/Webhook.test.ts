import { describe, expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { Effect, Option, Redacted } from "effect"
import { createHmac } from "node:crypto"
import * as BookingSyncWebhooks from "../src/BookingSyncWebhooks.js"

// The vector BookingSync publishes in `bookingsync_application`
// (spec/controllers/webhooks/bookingsync_controller_spec.rb): both signatures of the body "foo" are valid.
const publishedSecret = "36ed189dd28fd9576d7745c74fac7d4c1bfa03da37d6e5d7a667b67f6e8d16ed"
const publishedBody = "foo"
const oldSignature = "9141f44bfaa6a41812e4e9655ffd02d3c927ac5e" // over Base64.encode64: "Zm9v\n"
const newSignature = "2ef33a9deaefe9a6ad0226c8c9db272ca126f10b" // over Base64.strict_encode64: "Zm9v"
const mismatch = "e42951a4561cf14ffc97def80429542daba31ea6"

// A longer body, where Ruby's 60-column wrapping matters (the documentation's client_created example).
const longBody =
  "{\"account_id\":1059638630,\"event\":\"client_created\",\"resource\":{\"links\":{\"clients.account\":\"https://www.bookingsync.com/api/v3/accounts/{clients.account}\"},\"clients\":[{\"links\":{\"account\":1059638630},\"id\":995923932,\"fullname\":\"Robt Braun\"}]}}"
const longEncode64 = "eyJhY2NvdW50X2lkIjoxMDU5NjM4NjMwLCJldmVudCI6ImNsaWVudF9jcmVh\n" +
  "dGVkIiwicmVzb3VyY2UiOnsibGlua3MiOnsiY2xpZW50cy5hY2NvdW50Ijoi\n" +
  "aHR0cHM6Ly93d3cuYm9va2luZ3N5bmMuY29tL2FwaS92My9hY2NvdW50cy97\n" +
  "Y2xpZW50cy5hY2NvdW50fSJ9LCJjbGllbnRzIjpbeyJsaW5rcyI6eyJhY2Nv\n" +
  "dW50IjoxMDU5NjM4NjMwfSwiaWQiOjk5NTkyMzkzMiwiZnVsbG5hbWUiOiJS\n" +
  "b2J0IEJyYXVuIn1dfX0=\n"
const longWrappedSignature = "d7ed15d6a891a1b6bb439c3c6c90536e8a8f97b0"
const longStrictSignature = "fe8554d6ac855c77510d7a7e1ad8ab6bf9747022"
// Python's encodebytes wraps at 76 columns: a signature over that is not BookingSync's.
const long76ColumnSignature = "85f365335f349bafea3d1afaa400f834141167c8"

const bytes = (text: string) => new TextEncoder().encode(text)

const credentials = (accountId: string) => ({
  clientId: "client",
  clientSecret: Redacted.make(publishedSecret),
  accountId
})

const request = (body: string, signature: string | undefined): Adapter.WebhookRequest => ({
  method: "POST",
  url: "/upstream/adapters/bookingsync/webhooks",
  headers: signature === undefined ? {} : { "x-content-signature": signature },
  body: bytes(body)
})

const signed = (body: unknown, secret = publishedSecret) => {
  const text = JSON.stringify(body)
  return request(text, BookingSyncWebhooks.sign(secret, bytes(text)))
}

const verify = (req: Adapter.WebhookRequest, accountId = "1059638630") =>
  BookingSyncWebhooks.verify(req, credentials(accountId))

describe("BookingSync webhook signatures", () => {
  it("reproduces the published vector: encode64 and strict base64 signatures", () => {
    expect(BookingSyncWebhooks.encode64(bytes(publishedBody))).toBe("Zm9v\n")
    expect(BookingSyncWebhooks.sign(publishedSecret, bytes(publishedBody))).toBe(oldSignature)
    expect(BookingSyncWebhooks.sign(publishedSecret, bytes(publishedBody), { strict: true })).toBe(newSignature)
    expect(BookingSyncWebhooks.isValidSignature(publishedSecret, bytes(publishedBody), oldSignature)).toBe(true)
    expect(BookingSyncWebhooks.isValidSignature(publishedSecret, bytes(publishedBody), newSignature)).toBe(true)
    expect(BookingSyncWebhooks.isValidSignature(publishedSecret, bytes(publishedBody), mismatch)).toBe(false)
  })

  it("wraps base64 at 60 columns with a final newline, as Ruby's Base64.encode64 does", () => {
    expect(BookingSyncWebhooks.encode64(bytes(longBody))).toBe(longEncode64)
    expect(BookingSyncWebhooks.sign(publishedSecret, bytes(longBody))).toBe(longWrappedSignature)
    expect(createHmac("sha1", publishedSecret).update(longEncode64).digest("hex")).toBe(longWrappedSignature)
    expect(BookingSyncWebhooks.isValidSignature(publishedSecret, bytes(longBody), longWrappedSignature)).toBe(true)
    expect(BookingSyncWebhooks.isValidSignature(publishedSecret, bytes(longBody), longStrictSignature)).toBe(true)
    expect(BookingSyncWebhooks.isValidSignature(publishedSecret, bytes(longBody), long76ColumnSignature)).toBe(false)
  })

  it.effect("accepts a signed webhook of the account and names nothing for a client event", () =>
    Effect.gen(function*() {
      const targets = yield* verify(request(longBody, longWrappedSignature))
      expect(targets).toEqual(Adapter.WebhookTargets.Nothing())
      expect(yield* verify(request(longBody, longStrictSignature.toUpperCase()))).toEqual(
        Adapter.WebhookTargets.Nothing()
      )
    }))

  it.effect("rejects a missing or wrong signature, a tampered body, and another account's webhook", () =>
    Effect.gen(function*() {
      const reasons = yield* Effect.forEach([
        verify(request(longBody, undefined)),
        verify(request(longBody, long76ColumnSignature)),
        verify(request(longBody.replace("Robt", "Rob"), longWrappedSignature)),
        verify(signed({ account_id: 1059638630, event: "rental_updated" }, "another-secret")),
        verify(request(longBody, longWrappedSignature), "42")
      ], (effect) => Effect.map(Effect.flip(effect), (error) => error.reason))
      expect(reasons).toEqual(["Unauthorized", "Unauthorized", "Unauthorized", "Unauthorized", "Unauthorized"])
    }))
})

describe("BookingSync webhook targets", () => {
  const account = 1059638630
  it.effect("maps rental, amenity and photo events to their rental", () =>
    Effect.gen(function*() {
      expect(
        yield* verify(signed({
          account_id: account,
          event: "rental_updated",
          resource: { links: {}, rentals: [{ links: { account }, id: 5116, name: "Villa" }] }
        }))
      ).toEqual(Adapter.WebhookTargets.Locations({ externalIds: ["5116"] }))
      expect(
        yield* verify(signed({
          account_id: account,
          event: "photo_created",
          resource: { photos: [{ links: { rental: 12 }, id: 3 }] }
        }))
      ).toEqual(Adapter.WebhookTargets.Locations({ externalIds: ["12"] }))
      expect(
        yield* verify(signed({
          account_id: String(account),
          event: "rentals_amenity_destroyed",
          resource: { rentals_amenity: { links: { rental: 7, amenity: 1 }, id: 9 } }
        }))
      ).toEqual(Adapter.WebhookTargets.Locations({ externalIds: ["7"] }))
    }))

  it.effect("re-reads everything for fees and account updates, nothing for bookings and availability", () =>
    Effect.gen(function*() {
      const of = (event: string) => verify(signed({ account_id: account, event, resource: {} }))
      expect(yield* of("fee_updated")).toEqual(Adapter.WebhookTargets.All())
      expect(yield* of("account_updated")).toEqual(Adapter.WebhookTargets.All())
      expect(yield* of("rental_updated")).toEqual(Adapter.WebhookTargets.All())
      for (const event of ["availability_updated", "booking_created", "payment_updated", "review_created"]) {
        expect(yield* of(event)).toEqual(Adapter.WebhookTargets.Nothing())
      }
      const destroyed = yield* of("account_destroyed")
      expect(destroyed._tag).toBe("Pause")
      expect(destroyed._tag === "Pause" && destroyed.reason).toContain("account_destroyed")
    }))

  it("reads the account key of a raw body", () => {
    expect(BookingSyncWebhooks.accountKey(bytes(longBody))).toEqual(Option.some("1059638630"))
    expect(BookingSyncWebhooks.accountKey(bytes("not json"))).toEqual(Option.none())
    expect(BookingSyncWebhooks.credentialsKey(credentials("1059638630"))).toBe("1059638630")
  })
})
