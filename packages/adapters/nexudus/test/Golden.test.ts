import { FetchHttpClient } from "@effect/platform"
import { it } from "@effect/vitest"
import { Golden } from "@spacesync/adapter-kit/testing"
import { Effect, Schema } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { NexudusAdapter } from "../src/index.js"
import { NexudusSimulator } from "../src/testing/index.js"

// The normalized snapshots of the seeded account (five businesses), reviewed by hand once and compared
// exactly from then on. After a deliberate change of the mapping, regenerate with SPACESYNC_UPDATE_GOLDEN=1
// and review the diff.
const golden = (name: string) => path.join(path.dirname(fileURLToPath(import.meta.url)), "golden", name)

it.scoped("the seeded account normalizes to the reviewed golden snapshots", () =>
  Effect.gen(function*() {
    const simulator = yield* NexudusSimulator.make()
    const adapter = yield* NexudusAdapter.make
    const credentials = Schema.decodeUnknownSync(adapter.credentials)(simulator.goodCredentials)
    Golden.expectFile(golden("fauxcowork.json"), yield* Golden.readAll(adapter, credentials))
  }).pipe(Effect.provide(FetchHttpClient.layer)))
