import { FetchHttpClient } from "@effect/platform"
import { it } from "@effect/vitest"
import { Golden } from "@spacesync/adapter-kit/testing"
import { Effect, Schema } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { DeskBaseAdapter } from "../src/index.js"
import { DeskBaseSimulator } from "../src/testing/index.js"

// The normalized snapshots of the seeded account, reviewed by hand once and compared exactly from then
// on. After a deliberate change of the mapping, regenerate with SPACESYNC_UPDATE_GOLDEN=1 and review the diff.
const golden = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden", "seeded-account.json")

it.scoped("the seeded account normalizes to the reviewed golden snapshots", () =>
  Effect.gen(function*() {
    const simulator = yield* DeskBaseSimulator.make()
    const adapter = yield* DeskBaseAdapter.make
    const credentials = Schema.decodeUnknownSync(adapter.credentials)(simulator.goodCredentials)
    Golden.expectFile(golden, yield* Golden.readAll(adapter, credentials))
  }).pipe(Effect.provide(FetchHttpClient.layer)))
