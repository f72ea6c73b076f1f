import { FetchHttpClient } from "@effect/platform"
import { expect, it } from "@effect/vitest"
import { Adapter } from "@spacesync/adapter-kit"
import { Chunk, Effect, Schema, Stream } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { CobotAdapter } from "../src/index.js"
import { CobotSimulator } from "../src/testing/index.js"

// The normalized snapshots of the seeded space, reviewed by hand once and compared exactly from
// then on. After a deliberate change of the mapping, regenerate with SPACESYNC_UPDATE_GOLDEN=1 and review
// the diff.
const golden = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden", "co-up.json")

it.scoped("the seeded space normalizes to the reviewed golden snapshots", () =>
  Effect.gen(function*() {
    const simulator = yield* CobotSimulator.make()
    const adapter = yield* CobotAdapter.make
    const credentials = Schema.decodeUnknownSync(adapter.credentials)(simulator.goodCredentials)
    const items = Chunk.toReadonlyArray(
      yield* Stream.runCollect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All()))
    )
    const actual = items.flatMap((item): Array<unknown> =>
      item._tag === "Snapshot"
        ? [{ snapshot: item.source }]
        : item._tag === "Failed"
        ? [{ failed: { externalId: item.externalId, reason: item.error.reason, path: item.error.path ?? null } }]
        : []
    )
    const text = `${JSON.stringify(actual, null, 2)}\n`
    if (process.env.SPACESYNC_UPDATE_GOLDEN === "1") fs.writeFileSync(golden, text)
    expect(text).toBe(fs.readFileSync(golden, "utf8"))
  }).pipe(Effect.provide(FetchHttpClient.layer)))
