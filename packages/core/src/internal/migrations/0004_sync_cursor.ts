import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Migration } from "../../Migrations.js"

/**
 * Incremental reads: each account keeps the cursor of its last read (a `Checkpoint` the adapter gave),
 * and when its last full read finished, so that a full read still runs on schedule. Both start empty:
 * an existing account's next sync is a full read that sets them.
 */
const migration: Migration = {
  id: 4,
  name: "sync_cursor",
  up: Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`alter table spacesync.accounts add column sync_cursor text,
      add column last_full_sync_at timestamptz`
  })
}

export default migration
