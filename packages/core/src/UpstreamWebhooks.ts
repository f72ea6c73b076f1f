/**
 * Webhooks from the management systems: verified by the account's adapter with its system's scheme,
 * then turned into coalesced sync requests for the locations they name. The body is only a hint: the
 * re-sync reads the upstream.
 *
 * Two ways in: for one account (`forAccount`, the account's own URL), and for every account of an
 * adapter at once (`forAdapter`), for systems that send all accounts' webhooks to one URL per application
 * (BookingSync). There the adapter reads the upstream account a request names, the request is verified
 * with the credentials of every account of that adapter that names the same upstream account, and each
 * account for which it verifies is re-synced. No account verifies: `Unverified`, and nothing changes;
 * the answer is the same whether or not such accounts exist. A verified webhook saying the upstream
 * account is gone (`Pause`) pauses the hub account with its reason.
 *
 * @since 0.1.0
 */
import type { Adapter } from "@spacesync/adapter-kit"
import type { AccountId } from "@spacesync/adapter-kit/Ids"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { AccountNotFound, Accounts } from "./Accounts.js"
import { Adapters } from "./Adapters.js"

/**
 * The webhook was not accepted: the adapter takes none (`NotAccepted`), or it did not verify
 * (`Unverified`).
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookRejected extends Schema.TaggedError<WebhookRejected>()("WebhookRejected", {
  reason: Schema.Literal("NotAccepted", "Unverified"),
  message: Schema.String
}) {}

/** What an accepted webhook asked for. @since 0.1.0 */
export type Requested = ReadonlyArray<string> | "all"

/**
 * @since 0.1.0
 * @category tags
 */
export class UpstreamWebhooks extends Context.Tag("@spacesync/core/UpstreamWebhooks")<UpstreamWebhooks, {
  /** Verifies a webhook for one account and requests the re-sync it names. */
  readonly forAccount: (
    accountId: AccountId,
    request: Adapter.WebhookRequest
  ) => Effect.Effect<Requested, WebhookRejected | AccountNotFound>
  /** Verifies an application-level webhook against every account of `adapterId` it may be for. */
  readonly forAdapter: (adapterId: string, request: Adapter.WebhookRequest) => Effect.Effect<void, WebhookRejected>
}>() {}

const toRequested = (targets: Adapter.WebhookTargets): Requested | undefined =>
  targets._tag === "All" ? "all" : targets._tag === "Locations" ? targets.externalIds : undefined

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const accounts = yield* Accounts
  const adapters = yield* Adapters

  // What a verified webhook does to its account: pause it, or request a re-sync of what it names.
  const apply = (accountId: AccountId, targets: Adapter.WebhookTargets) => {
    if (targets._tag === "Pause") return accounts.pause(accountId, targets.reason)
    const requested = toRequested(targets)
    return requested === undefined || (requested !== "all" && requested.length === 0)
      ? Effect.void
      : accounts.requestSync(accountId, requested)
  }

  const forAccount = (accountId: AccountId, webhook: Adapter.WebhookRequest) =>
    Effect.gen(function*() {
      const { account, credentials } = yield* accounts.credentials(accountId).pipe(
        Effect.catchTag("UnknownAdapter", () => Effect.fail(new AccountNotFound({ accountId })))
      )
      const adapter = yield* adapters.get(account.adapter).pipe(Effect.orDie)
      if (adapter.webhooks === undefined) {
        return yield* new WebhookRejected({
          reason: "NotAccepted",
          message: `The ${adapter.name} adapter does not accept webhooks`
        })
      }
      const targets = yield* adapter.webhooks.verify(webhook, credentials).pipe(
        Effect.mapError((e) =>
          new WebhookRejected({ reason: "Unverified", message: `Webhook verification failed: ${e.message}` })
        )
      )
      yield* apply(accountId, targets)
      return toRequested(targets) ?? []
    }).pipe(Effect.withSpan("UpstreamWebhooks.forAccount", { attributes: { accountId } }))

  const unverified = new WebhookRejected({ reason: "Unverified", message: "Webhook verification failed" })

  const forAdapter = (adapterId: string, webhook: Adapter.WebhookRequest) =>
    Effect.gen(function*() {
      const adapter = yield* adapters.get(adapterId).pipe(
        Effect.mapError(() =>
          new WebhookRejected({ reason: "NotAccepted", message: `No adapter ${JSON.stringify(adapterId)}` })
        )
      )
      const keys = adapter.webhooks?.accountKey
      if (adapter.webhooks === undefined || keys === undefined) {
        return yield* new WebhookRejected({
          reason: "NotAccepted",
          message: `The ${adapter.name} adapter does not take webhooks for all of its accounts on one URL`
        })
      }
      const key = keys.fromRequest(webhook)
      if (Option.isNone(key)) return yield* unverified
      let verified = 0
      for (const account of yield* accounts.listByAdapter(adapterId)) {
        const found = yield* accounts.credentials(account.accountId).pipe(Effect.option)
        if (Option.isNone(found) || keys.fromCredentials(found.value.credentials) !== key.value) continue
        const targets = yield* adapter.webhooks.verify(webhook, found.value.credentials).pipe(Effect.option)
        if (Option.isNone(targets)) continue
        verified++
        yield* apply(account.accountId, targets.value).pipe(Effect.ignore)
      }
      if (verified === 0) return yield* unverified
    }).pipe(Effect.withSpan("UpstreamWebhooks.forAdapter", { attributes: { adapterId } }))

  return UpstreamWebhooks.of({ forAccount, forAdapter })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<UpstreamWebhooks, never, Accounts | Adapters> = Layer.effect(UpstreamWebhooks, make)
