import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Migration } from "../../Migrations.js"

/**
 * Claims read each platform's due deliveries on their own (oldest first), so that one platform's backlog
 * never hides another platform's deliveries behind it: the queue is indexed by (platform_id, due_at)
 * instead of due_at alone (the reaper, which also finds parked deliveries, reads the whole queue anyway).
 */
const migration: Migration = {
  id: 6,
  name: "delivery_fairness",
  up: Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`create index webhook_deliveries_platform_due on spacesync.webhook_deliveries (platform_id, due_at)`
    yield* sql`drop index spacesync.webhook_deliveries_due`
  })
}

export default migration
