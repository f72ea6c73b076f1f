import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Migration } from "../../Migrations.js"

/**
 * Faster syncs of large accounts:
 * - `locations.source_fingerprint`: the fingerprint of the adapter source the current snapshot was derived
 *   from (see `SyncEngine`), so that a sync recognizes an unchanged source without deriving its ids and
 *   hashes again, also right after a restart. Null when unknown (a row written before, or by `save`
 *   without one): the engine then derives and hashes as before.
 * - Snapshot text compressed with lz4 instead of pglz where the server has it: several times cheaper for
 *   the server to write, which is most of its work on an account's first sync. Rows already stored keep
 *   their compression until they are written again.
 */
const migration: Migration = {
  id: 7,
  name: "sync_fingerprints",
  up: Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`alter table spacesync.locations add column source_fingerprint text`
    const [lz4] = yield* sql<{ readonly available: boolean }>`
      select coalesce('lz4' = any(enumvals), false) as available
      from pg_settings where name = 'default_toast_compression'`
    if (lz4?.available === true) {
      yield* sql`alter table spacesync.locations alter column snapshot set compression lz4`
      yield* sql`alter table spacesync.location_versions alter column snapshot set compression lz4`
    }
  })
}

export default migration
