import { FetchHttpClient, HttpClient } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import { expect, it } from "@effect/vitest"
import { FixtureReplay } from "@spacesync/adapter-kit/testing"
import { Accounts, SnapshotStore, SyncEngine } from "@spacesync/core"
import { TestDatabase, TestEngine } from "@spacesync/core/testing"
import { Cause, Effect, Exit, Layer, Option, Scope } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { FeedAdapter } from "../src/index.js"
import { FeedSimulator } from "../src/testing/index.js"

/** A fresh engine on an embedded database whose adapters use `http`; syncs one account of `credentials`. */
const syncWith = (http: Layer.Layer<HttpClient.HttpClient>, credentials: unknown) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(
      TestEngine.layer([FeedAdapter.make], { database: TestDatabase.layerEmbedded() }).pipe(Layer.provideMerge(http))
    )
    return yield* Effect.gen(function*() {
      const account = yield* Effect.flatMap(
        Accounts.Accounts,
        (accounts) => accounts.create({ name: "replay", adapter: "feed", credentials })
      ).pipe(Effect.orDie)
      const report = yield* Effect.flatMap(SyncEngine.SyncEngine, (engine) => engine.sync(account.accountId))
      const store = yield* SnapshotStore.SnapshotStore
      // What was stored, without the hub ids (they differ between accounts).
      const stored: Array<string> = []
      for (const summary of yield* store.summaries(account.accountId)) {
        const { snapshot } = Option.getOrThrow(yield* store.get(summary.locationId))
        const byExternalId = (a: { externalId: string }, b: { externalId: string }) =>
          a.externalId.localeCompare(b.externalId)
        const plain = {
          ...snapshot,
          resources: [...snapshot.resources].sort(byExternalId),
          prices: [...snapshot.prices].sort(byExternalId)
        }
        stored.push(JSON.stringify(plain, (key, value) =>
          key === "id" || key === "locationId" || key === "resourceIds" ? undefined : value))
      }
      return { report, stored: stored.sort() }
    }).pipe(Effect.provide(context))
  })

it.live(
  "a sync recorded against the simulator replays without it, with the secrets scrubbed",
  () =>
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "spacesync-replay-"))),
        (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
      )
      const file = path.join(dir, "full-read.json")
      const simulatorScope = yield* Scope.make()
      const simulator = yield* Scope.extend(FeedSimulator.make({ token: "replay-secret-token" }), simulatorScope)

      const recorder = yield* FixtureReplay.recorder({ secrets: simulator.secrets })
      const recording = Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, recorder.client)).pipe(
        Layer.provide(FetchHttpClient.layer)
      )
      const recorded = yield* syncWith(recording, simulator.goodCredentials)
      expect(recorded.report.counts.created).toBe(5)
      yield* FixtureReplay.save(file, recorder.recording())
      const text = yield* Effect.promise(() => fs.readFile(file, "utf8"))
      expect(text).not.toContain("replay-secret-token")
      expect(text).toContain(`"authorization": "${FixtureReplay.scrubbed}"`)
      expect(text).toContain("{origin}/feed.json")

      // The simulator is gone: the replay alone answers, and the same snapshots are stored.
      yield* Scope.close(simulatorScope, Exit.void)
      const loaded = yield* FixtureReplay.load(file)
      const replayed = yield* syncWith(FixtureReplay.layer(loaded), simulator.goodCredentials)
      expect(replayed.report.outcome).toBe("succeeded")
      expect(replayed.stored).toEqual(recorded.stored)

      // A request the recording does not have is a defect naming it, not a guess.
      const missing = yield* Effect.exit(
        syncWith(FixtureReplay.layer({ exchanges: [] }), simulator.goodCredentials)
      )
      expect(Exit.isFailure(missing) && Cause.pretty(missing.cause)).toContain(
        "no recorded exchange left for GET {origin}/feed.json"
      )
    }).pipe(Effect.scoped, Effect.provide(NodeFileSystem.layer)),
  60_000
)
