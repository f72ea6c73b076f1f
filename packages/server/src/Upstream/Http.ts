import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Accounts, Adapters, Scheduler } from "@spacesync/core"
import { Effect, Option, Stream } from "effect"
import { Api } from "../Api.js"
import { notFound, PayloadTooLarge, Unauthorized } from "../Errors.js"

/** Upstream webhook bodies are read up to this size. */
export const maxBodyBytes = 1024 * 1024

export const HttpUpstreamLive = HttpApiBuilder.group(Api, "upstream", (handlers) =>
  Effect.gen(function*() {
    const accounts = yield* Accounts.Accounts
    const adapters = yield* Adapters.Adapters
    const scheduler = yield* Scheduler.Scheduler

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
            if (size > maxBodyBytes) return Effect.succeed(false)
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

    return handlers.handle("webhook", ({ path }) =>
      Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        const body = yield* readBody(request)
        const found = yield* accounts.credentials(path.accountId).pipe(Effect.option)
        if (Option.isNone(found)) return yield* notFound(`Account ${path.accountId}`)
        const { account, credentials } = found.value
        const adapter = yield* adapters.get(account.adapter).pipe(Effect.orDie)
        if (adapter.webhooks === undefined) {
          return yield* new Unauthorized({ detail: `The ${adapter.name} adapter does not accept webhooks` })
        }
        const targets = yield* adapter.webhooks.verify(
          { method: request.method, url: request.url, headers: request.headers, body },
          credentials
        ).pipe(
          Effect.mapError((e) => new Unauthorized({ detail: `Webhook verification failed: ${e.message}` }))
        )
        if (targets._tag === "Nothing") return { accepted: true, locations: [] }
        const locations = targets._tag === "All" ? "all" as const : targets.externalIds
        yield* scheduler.requestSync(path.accountId, locations).pipe(
          Effect.catchTag("AccountNotFound", () => notFound(`Account ${path.accountId}`))
        )
        return { accepted: true, locations }
      }))
  }))
