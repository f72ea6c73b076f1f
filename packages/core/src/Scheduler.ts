/**
 * When accounts sync. Each account polls at its `pollIntervalSeconds` with ±10 % jitter; "sync now"
 * requests (upstream webhooks, the operator API) are coalesced into the next run.
 *
 * Exclusivity: an account is synced under a row lease (`lease_owner`, `lease_expires_at`) taken with
 * `FOR UPDATE SKIP LOCKED`, renewed while the run lasts and taken over by another process once it expires
 * (its holder died). So runs of one account never overlap, in one process or across several hub
 * processes on one database.
 *
 * Coalescing: a request sets `sync_requested_at` (and accumulates the named locations, or "all"). Claiming
 * an account moves the pending request into the run and clears it, so a request that arrives during a
 * run is not lost: it triggers exactly one more run.
 *
 * @since 0.1.0
 */
import type { AccountId } from "@spacesync/adapter-kit/Ids"
import {
  Config,
  type ConfigError,
  Context,
  Duration,
  Effect,
  FiberSet,
  Layer,
  Option,
  Queue,
  Schedule,
  Schema,
  Stream
} from "effect"
import { randomBytes } from "node:crypto"
import { type AccountNotFound, Accounts } from "./Accounts.js"
import { SyncEngine, SyncError, type SyncOptions, type SyncReport } from "./SyncEngine.js"

/**
 * The account is being synced by another run and did not become free in time.
 *
 * @since 0.1.0
 * @category errors
 */
export class SyncBusy extends Schema.TaggedError<SyncBusy>()("SyncBusy", {
  accountId: Schema.String,
  message: Schema.String
}) {}

/** @since 0.1.0 */
export interface SchedulerOptions {
  /** How often the polling loop (`layerLoop`) looks for due accounts (`SPACESYNC_SCHEDULER_TICK`). */
  readonly tick: Duration.DurationInput
  /** How long a lease lasts without renewal. */
  readonly leaseDuration: Duration.DurationInput
  /** Accounts synced at once by this process. */
  readonly concurrency: number
  /** How long `syncNow` waits for a running sync of the same account. */
  readonly busyTimeout: Duration.DurationInput
}

/** @since 0.1.0 */
export const defaultOptions: SchedulerOptions = {
  tick: "1 second",
  leaseDuration: "60 seconds",
  concurrency: 4,
  busyTimeout: "60 seconds"
}

/** @since 0.1.0 */
export const SchedulerConfig: Config.Config<SchedulerOptions> = Config.all({
  tick: Config.duration("SPACESYNC_SCHEDULER_TICK").pipe(Config.withDefault(Duration.decode(defaultOptions.tick))),
  leaseDuration: Config.duration("SPACESYNC_SYNC_LEASE").pipe(
    Config.withDefault(Duration.decode(defaultOptions.leaseDuration))
  ),
  concurrency: Config.integer("SPACESYNC_SYNC_ACCOUNTS_CONCURRENCY").pipe(
    Config.withDefault(defaultOptions.concurrency)
  ),
  busyTimeout: Config.succeed(defaultOptions.busyTimeout)
})

/**
 * @since 0.1.0
 * @category tags
 */
export class Scheduler extends Context.Tag("@spacesync/core/Scheduler")<Scheduler, {
  /** The id of this process's leases. */
  readonly owner: string
  /** Asks for a sync of the named upstream locations (or all) as soon as possible; coalesced. */
  readonly requestSync: (
    accountId: AccountId,
    locations?: ReadonlyArray<string> | "all"
  ) => Effect.Effect<void, AccountNotFound>
  /**
   * Syncs now (a full read) and returns the report, waiting for (not overlapping) a run already in
   * progress.
   */
  readonly syncNow: (accountId: AccountId) => Effect.Effect<SyncReport, SyncError | SyncBusy>
  /** Claims and runs every due account once (what each tick does). Returns how many runs it started. */
  readonly runDue: Effect.Effect<number>
  /**
   * Waits until `tick` has passed, or sooner when work may be due: a sync was requested (in this process,
   * or in any while `listen` runs) or one of this process's runs ended (a request may have waited for it).
   */
  readonly awaitWork: (tick: Duration.DurationInput) => Effect.Effect<void>
  /** Relays every process's sync requests to `awaitWork` (`LISTEN`), until interrupted. */
  readonly listen: Effect.Effect<void>
}>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Partial<SchedulerOptions> = {}) =>
  Effect.gen(function*() {
    const settings = { ...defaultOptions, ...options }
    const accounts = yield* Accounts
    const engine = yield* SyncEngine
    const owner = `sch_${randomBytes(8).toString("hex")}`
    const lease = Duration.decode(settings.leaseDuration)
    const leaseMillis = Duration.toMillis(lease)
    // Runs belong to this scope: closing it (shutdown) interrupts them, and interrupted runs release
    // their leases (each location is written in its own transaction, so an interrupted run is safe).
    const runs = yield* FiberSet.make<unknown, never>()
    let inFlight = 0
    const wakeups = yield* Queue.sliding<void>(1)
    const wake = Queue.offer(wakeups, undefined)

    const claimDueWithRequests = (limit: number) => accounts.claimDue(owner, lease, limit)
    const claimOne = (accountId: AccountId) => accounts.claim(accountId, owner, lease)
    const renew = (accountId: AccountId) => accounts.renewLease(accountId, owner, lease)
    const release = (accountId: AccountId) => accounts.releaseLease(accountId, owner)

    /**
     * Keeps the lease of a run taken at `claimedAt` (this process's clock, read before the claim was
     * sent): renews it every fifth of its duration, retrying a renewal that failed (the database
     * restarting). It fails, which stops the run, once the lease is another's, or when no renewal has been
     * confirmed for four fifths of its duration: the lease may then expire and another process take the
     * account over, so the run must stop writing before that (fencing by lease time).
     */
    const keepLease = (accountId: AccountId, claimedAt: number) =>
      Effect.gen(function*() {
        let confirmedAt = claimedAt
        const stopAt = () => confirmedAt + leaseMillis * 0.8
        let next = claimedAt + leaseMillis / 5
        for (;;) {
          yield* Effect.sleep(Duration.millis(Math.max(0, Math.min(next, stopAt()) - Date.now())))
          if (Date.now() >= stopAt()) {
            return yield* Effect.fail("unconfirmed" as const)
          }
          const askedAt = Date.now()
          const held = yield* renew(accountId).pipe(
            Effect.timeoutOption(Duration.millis(Math.max(1, stopAt() - askedAt))),
            Effect.catchAllCause(() => Effect.succeedNone),
            Effect.map(Option.getOrUndefined)
          )
          if (held === false) return yield* Effect.fail("taken" as const)
          if (held === true) confirmedAt = askedAt
          next = held === true ? askedAt + leaseMillis / 5 : Date.now() + Math.min(250, leaseMillis / 10)
        }
      })

    /**
     * Runs a sync under the lease this process took at `claimedAt`, keeping the lease meanwhile, and
     * releases it. A run whose lease is lost (or can no longer be confirmed) is interrupted and fails with
     * `SyncBusy`, so two processes never sync one account at once.
     */
    const runLeased = (accountId: AccountId, options: SyncOptions, claimedAt: number) =>
      Effect.gen(function*() {
        // The run's interval, logged as it starts and ends (however it ends), with the lease it holds: what
        // shows, across processes, that runs of one account never overlapped.
        const run = { accountId, leaseOwner: owner, pid: process.pid }
        yield* Effect.logInfo("Sync run started").pipe(Effect.annotateLogs(run))
        const lost = keepLease(accountId, claimedAt).pipe(
          Effect.catchAll((why) =>
            Effect.logWarning(
              why === "taken"
                ? "Lost the sync lease to another process; stopping the run"
                : "Could not renew the sync lease before it could expire; stopping the run"
            ).pipe(
              Effect.annotateLogs(run),
              Effect.zipRight(
                Effect.fail(
                  new SyncBusy({ accountId, message: `The sync of ${accountId} lost its lease; try again later` })
                )
              )
            )
          )
        )
        // The race waits for the interrupted sync to stop before it ends.
        return yield* engine.sync(accountId, options).pipe(
          Effect.raceFirst(lost),
          Effect.onExit((exit) =>
            Effect.logInfo("Sync run ended").pipe(
              Effect.annotateLogs({ ...run, outcome: exit._tag === "Success" ? exit.value.outcome : "error" })
            )
          )
        )
      }).pipe(Effect.ensuring(Effect.zipRight(release(accountId), wake)))

    const runDue = Effect.gen(function*() {
      const slots = settings.concurrency - inFlight
      if (slots <= 0) return 0
      const claimedAt = Date.now()
      const claims = yield* claimDueWithRequests(slots)
      for (const claim of claims) {
        inFlight++
        yield* runLeased(
          claim.accountId,
          claim.locations === null ? {} : { locations: claim.locations },
          claimedAt
        ).pipe(
          Effect.catchAll((error) =>
            Effect.logWarning("Sync failed").pipe(
              Effect.annotateLogs({ accountId: claim.accountId, error: error.message })
            )
          ),
          Effect.ensuring(Effect.sync(() => inFlight--)),
          FiberSet.run(runs)
        )
      }
      return claims.length
    })

    const requestSync = (accountId: AccountId, locations: ReadonlyArray<string> | "all" = "all") =>
      accounts.requestSync(accountId, locations)

    const syncNow = (accountId: AccountId) =>
      Effect.gen(function*() {
        // An unknown account fails at once (it would otherwise look busy until the timeout).
        if (Option.isNone(yield* accounts.get(accountId))) {
          return yield* new SyncError({
            reason: "AccountNotFound",
            accountId,
            message: `No account ${accountId}`
          })
        }
        let claimedAt = Date.now()
        const acquired = yield* Effect.suspend(() => {
          claimedAt = Date.now()
          return claimOne(accountId)
        }).pipe(
          Effect.filterOrFail((claimed) => claimed),
          Effect.retry(Schedule.spaced("250 millis").pipe(Schedule.upTo(settings.busyTimeout))),
          Effect.option
        )
        if (Option.isNone(acquired)) {
          return yield* new SyncBusy({ accountId, message: `Account ${accountId} is being synced; try again later` })
        }
        return yield* runLeased(accountId, { full: true }, claimedAt)
      })

    const awaitWork = (tick: Duration.DurationInput) => Effect.raceFirst(Effect.sleep(tick), Queue.take(wakeups))

    const listen = Stream.runForEach(accounts.syncRequests, () => wake)

    return Scheduler.of({ owner, requestSync, syncNow, runDue, awaitWork, listen })
  })

/**
 * The scheduler service without its background loop (for processes that only serve requests).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Partial<SchedulerOptions> = {}
): Layer.Layer<Scheduler, never, Accounts | SyncEngine> => Layer.scoped(Scheduler, make(options))

/**
 * The scheduler service with settings from the environment.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<Scheduler, ConfigError.ConfigError, Accounts | SyncEngine> = Layer
  .unwrapEffect(Effect.map(SchedulerConfig, layer))

/**
 * The polling loop: every tick, and as soon as a sync is requested or a run ends, claim and run due
 * accounts. Interrupted cleanly with its scope.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLoop = (options: Partial<SchedulerOptions> = {}): Layer.Layer<never, never, Scheduler> =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const scheduler = yield* Scheduler
    const tick = options.tick ?? defaultOptions.tick
    yield* Effect.forkScoped(scheduler.listen)
    yield* scheduler.runDue.pipe(
      Effect.catchAllCause((cause) => Effect.logError("Scheduler tick failed", cause)),
      Effect.zipRight(scheduler.awaitWork(tick)),
      Effect.forever,
      Effect.forkScoped
    )
  }))

/**
 * The polling loop with its tick from the environment (`SPACESYNC_SCHEDULER_TICK`, default 1 second).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLoopConfig: Layer.Layer<never, ConfigError.ConfigError, Scheduler> = Layer.unwrapEffect(
  Effect.map(SchedulerConfig, ({ tick }) => layerLoop({ tick }))
)
