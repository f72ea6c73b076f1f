import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Migration } from "../../Migrations.js"

/**
 * The progress of an account's running sync (locations read, of how many when the upstream says), written
 * every few seconds while a long read runs and cleared when it finishes, so the account's status shows it.
 */
const migration: Migration = {
  id: 5,
  name: "sync_progress",
  up: Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`alter table spacesync.accounts add column sync_progress jsonb`
  })
}

export default migration
