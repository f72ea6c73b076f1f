import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { UpstreamWebhooks } from "@spacesync/core"
import { Effect, Stream } from "effect"
import { Api } from "../Api.js"
import { type NotFound, notFound, PayloadTooLarge, Unauthorized } from "../Errors.js"

/** Upstream webhook bodies are read up to this size. */
export const maxBodyBytes = 1024 * 1024

export const HttpUpstreamLive = HttpApiBuilder.group(Api, "upstream", (handlers) =>
  Effect.gen(function*() {
    const webhooks = yield* UpstreamWebhooks.UpstreamWebhooks

    const readBody = (request: HttpServerRequest.HttpServerRequest) =>
      Effect.gen(function*() {
        const declared = Number(request.headers["content-length"] ?? "0")
        if (declared > maxBodyBytes) return yield* tooLarge
        const chunks: Array<Uint8Array> = []
        let size = 0
        yield* request.stream.pipe(
          Stream.mapError(() => new Unauthorized({ detail: "Could not read the request body" })),
          Stream.runForEachWhile((chunk) => {
            size += chunk.length
            // Past the limit the rest is read and dropped (up to 4 MB more), so the 413 reaches the client
            // instead of being lost to the reset of a connection closed with unread data.
            if (size > maxBodyBytes) return Effect.succeed(size <= 5 * maxBodyBytes)
            chunks.push(chunk)
            return Effect.succeed(true)
          })
        )
        if (size > maxBodyBytes) return yield* tooLarge
        return Buffer.concat(chunks)
      })
    const tooLarge = Effect.fail(
      new PayloadTooLarge({ detail: `Upstream webhook bodies are limited to ${maxBodyBytes} bytes` })
    )

    // The webhook as the adapter sees it: method, URL, lower-case headers and the raw body.
    const received = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const body = yield* readBody(request)
      return { method: request.method, url: request.url, headers: request.headers, body }
    })

    return handlers
      .handle("webhook", ({ path }) =>
        Effect.gen(function*() {
          const requested = yield* webhooks.forAccount(path.accountId, yield* received).pipe(
            Effect.catchTags({
              AccountNotFound: () => notFound(`Account ${path.accountId}`),
              WebhookRejected: (e) => Effect.fail(new Unauthorized({ detail: e.message }))
            })
          )
          return { accepted: true, locations: requested }
        }))
      .handle("adapterWebhook", ({ path }) =>
        Effect.gen(function*() {
          yield* webhooks.forAdapter(path.adapterId, yield* received).pipe(
            Effect.catchTag("WebhookRejected", (e): Effect.Effect<never, NotFound | Unauthorized> =>
              e.reason === "NotAccepted"
                ? Effect.fail(notFound(`Application webhooks for adapter ${path.adapterId}`))
                : Effect.fail(new Unauthorized({ detail: e.message })))
          )
          return { accepted: true }
        }))
  }))
