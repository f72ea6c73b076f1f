/**
 * The `spacesync` command line: `start` (API, scheduler and delivery workers; `--roles` to run only some),
 * `migrate`, `sync --account` (one account now, with progress in the logs), and `admin create-platform` / `admin create-operator` to bootstrap without curl.
 *
 * @since 0.1.0
 */
import { Command, Options } from "@effect/cli"
import { AccountId } from "@spacesync/adapter-kit/Ids"
import { Database, Migrations, Operators, Platforms } from "@spacesync/core"
import * as DeliveryWorker from "@spacesync/core/DeliveryWorker"
import * as Scheduler from "@spacesync/core/Scheduler"
import { Console, Effect, Layer, Logger, LogLevel, Option, Redacted, Schema } from "effect"
import * as AdminToken from "./AdminToken.js"
import { SecretBoxLive } from "./Bootstrap.js"
import { bundledAdapters } from "./BundledAdapters.js"
import { HttpLive, ServicesLive } from "./Http.js"
import * as Hub from "./Hub.js"
import * as HubConfig from "./HubConfig.js"
import { migrationSets } from "./Migrations.js"

const rolesOption = Options.text("roles").pipe(
  Options.withDefault("api,scheduler,workers"),
  Options.withDescription("Comma-separated roles to run in this process: api, scheduler, workers")
)

const parseRoles = (text: string) =>
  Effect.gen(function*() {
    const requested = text.split(",").map((r) => r.trim()).filter((r) => r.length > 0)
    const unknown = requested.filter((r) => !(Hub.roles as ReadonlyArray<string>).includes(r))
    if (unknown.length > 0 || requested.length === 0) {
      return yield* Effect.fail(new Error(`--roles takes a list of ${Hub.roles.join(", ")}; got "${text}"`))
    }
    return new Set(requested as Array<Hub.Role>)
  })

/** Tells the person who started the hub the admin token, on the one start that generated it. */
const announceAdminToken = Layer.effectDiscard(Effect.gen(function*() {
  const token = yield* AdminToken.AdminToken
  if (Option.isSome(token.generated)) {
    yield* Console.log(
      [
        "",
        "spacesync: generated the hub admin token (shown once, stored hashed):",
        "",
        `  ${Redacted.value(token.generated.value)}`,
        "",
        "Use it as `Authorization: Bearer <token>` on /admin routes, or set SPACESYNC_ADMIN_TOKEN to choose your own.",
        "Without curl: `spacesync admin create-platform --name … --authorization-url …`, `spacesync admin create-operator --name …`.",
        ""
      ].join("\n")
    )
  }
}))

/** The database and secrets every role needs. */
const Foundation = Layer.mergeAll(SecretBoxLive, HubConfig.layer).pipe(
  Layer.provideMerge(Database.layerMigrated(migrationSets))
)

const start = Command.make("start", { roles: rolesOption }, ({ roles }) =>
  Effect.gen(function*() {
    const selected = yield* parseRoles(roles)
    const api = selected.has("api") ? Layer.mergeAll(HttpLive, announceAdminToken) : Layer.empty
    const scheduler = selected.has("scheduler") ? Scheduler.layerLoopConfig : Layer.empty
    const workers = selected.has("workers") ? Layer.discard(DeliveryWorker.layerConfig) : Layer.empty
    yield* Effect.logInfo(`Starting spacesync: ${[...selected].join(", ")}`)
    return yield* Layer.launch(
      Layer.mergeAll(api, scheduler, workers).pipe(
        Layer.provide(ServicesLive),
        Layer.provide(Hub.coreServices(bundledAdapters)),
        Layer.provide(Foundation)
      )
    )
  })).pipe(
    Command.withDescription("Run the hub (API, scheduler and delivery workers; --roles to run only some)")
  )

const migrate = Command.make("migrate", {}, () =>
  Effect.gen(function*() {
    const applied = yield* Migrations.run(migrationSets)
    yield* Effect.logInfo(applied.length === 0 ? "Database is up to date" : `Applied ${applied.length} migration(s)`)
  }).pipe(Effect.provide(Database.layer))).pipe(Command.withDescription("Apply pending database migrations and exit"))

const quiet = Logger.minimumLogLevel(LogLevel.Warning)

const sync = Command.make("sync", {
  account: Options.text("account").pipe(Options.withDescription("The account to sync (acc_…)"))
}, ({ account }) =>
  Effect.gen(function*() {
    const accountId = yield* Schema.decodeUnknown(AccountId)(account).pipe(
      Effect.mapError(() => new Error(`--account takes an account id (acc_…), got "${account}"`))
    )
    const scheduler = yield* Scheduler.Scheduler
    yield* Effect.logInfo(`Syncing ${accountId}`)
    const report = yield* scheduler.syncNow(accountId).pipe(
      Effect.mapError((error) => new Error(error.message))
    )
    yield* Console.log(JSON.stringify(
      {
        accountId: report.accountId,
        outcome: report.outcome,
        mode: report.mode,
        durationMillis: report.durationMillis,
        counts: report.counts,
        events: report.events.length,
        errors: report.errors
      },
      null,
      2
    ))
  }).pipe(
    Effect.provide(Hub.coreServices(bundledAdapters)),
    Effect.provide(Foundation)
  )).pipe(
    Command.withDescription(
      "Sync one account now (a full read), logging its progress, and print the report; waits for a run of it already in progress"
    )
  )

const createPlatform = Command.make("create-platform", {
  name: Options.text("name").pipe(Options.withDescription("The platform's name")),
  authorizationUrl: Options.text("authorization-url").pipe(
    Options.withDescription("Where operators are sent to prove they manage a listing on the platform")
  )
}, ({ authorizationUrl, name }) =>
  Effect.gen(function*() {
    const url = yield* Effect.try({
      try: () => new URL(authorizationUrl),
      catch: () => new Error(`--authorization-url must be an absolute URL, got "${authorizationUrl}"`)
    })
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return yield* Effect.fail(new Error("--authorization-url must be http(s)"))
    }
    const platforms = yield* Platforms.Platforms
    const { clientSecret, platform } = yield* platforms.create({ name, authorizationUrl: url.toString() })
    yield* Console.log(JSON.stringify(
      { platformId: platform.platformId, clientId: platform.clientId, clientSecret },
      null,
      2
    ))
  }).pipe(Effect.provide(Platforms.layer), Effect.provide(Foundation), Effect.provide(quiet))).pipe(
    Command.withDescription("Register a platform and print its client credentials (the secret is shown once)")
  )

const createOperator = Command.make("create-operator", {
  name: Options.text("name").pipe(Options.withDescription("The operator's name"))
}, ({ name }) =>
  Effect.gen(function*() {
    const operators = yield* Operators.Operators
    const { apiKey, operator } = yield* operators.create(name)
    yield* Console.log(JSON.stringify({ operatorId: operator.operatorId, apiKey }, null, 2))
  }).pipe(Effect.provide(Operators.layer), Effect.provide(Foundation), Effect.provide(quiet))).pipe(
    Command.withDescription("Register an operator and print its API key (shown once)")
  )

const admin = Command.make("admin").pipe(
  Command.withSubcommands([createPlatform, createOperator]),
  Command.withDescription("Hub administration without curl")
)

/** @since 0.1.0 */
export const command = Command.make("spacesync").pipe(
  Command.withSubcommands([start, migrate, sync, admin]),
  Command.withDescription("spacesync hub")
)

/** @since 0.1.0 */
export const run = Command.run(command, { name: "spacesync", version: "0.1.0" })
