import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Migration } from "../../Migrations.js"

/**
 * Signed, durable webhook delivery.
 *
 * - `platform_events`: every event addressed to a platform (one row per connection it reached), with the
 *   exact webhook body as text. The events feed reads it; deliveries point at it for their body.
 * - `webhook_endpoints`: a platform's endpoints, their secrets (encrypted) and health.
 * - `webhook_deliveries`: the queue. Only live deliveries live here (waiting, leased or waiting for a
 *   retry); a finished delivery is deleted from it and moved to `webhook_delivery_log`, so the claim scan
 *   never wades through finished rows. Claims only change unindexed columns (`claim_id`,
 *   `lease_expires_at`, `attempts`), and the table keeps free space per page, so they can be HOT updates.
 * - `webhook_delivery_log`: finished deliveries (succeeded, failed, superseded), with the attempt that
 *   finished them (`final_*`, status and error class in `last_*`): a delivery that succeeds at once costs
 *   one log row and no attempt row.
 * - `webhook_attempts`: every other attempt (those followed by a retry).
 *
 * The delivery tables have no foreign keys to the endpoints (a trigger deletes an endpoint's rows with
 * it), so the hot paths never check or lock endpoint rows.
 */
const migration: Migration = {
  id: 3,
  name: "delivery",
  up: Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`create table spacesync.platform_events (
      platform_id text not null references spacesync.platforms (platform_id) on delete cascade,
      seq bigint not null,
      connection_id text not null,
      event_id text not null,
      type text not null,
      location_id text,
      body text not null,
      primary key (platform_id, seq, connection_id)
    )`
    yield* sql`create table spacesync.webhook_endpoints (
      endpoint_id text primary key,
      platform_id text not null references spacesync.platforms (platform_id) on delete cascade,
      url text not null,
      event_types text[],
      description text,
      secrets jsonb not null,
      status text not null default 'enabled' check (status in ('enabled', 'disabled')),
      disabled_reason text,
      disabled_at timestamptz,
      failing_since timestamptz,
      last_success_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`
    yield* sql`create index webhook_endpoints_platform on spacesync.webhook_endpoints (platform_id, created_at)`
    yield* sql`create table spacesync.webhook_deliveries (
      delivery_id text primary key,
      endpoint_id text not null,
      platform_id text not null,
      seq bigint not null,
      connection_id text not null,
      event_id text not null,
      event_type text not null,
      location_id text,
      event_created_at timestamptz not null,
      created_at timestamptz not null default now(),
      due_at timestamptz not null default now(),
      attempts integer not null default 0,
      schedule_step integer not null default 0,
      trigger text not null default 'scheduled' check (trigger in ('scheduled', 'manual', 'recover')),
      claim_id text,
      lease_expires_at timestamptz,
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error_class text
    ) with (fillfactor = 70)`
    yield* sql`create index webhook_deliveries_due on spacesync.webhook_deliveries (due_at)`
    yield* sql`create index webhook_deliveries_endpoint
      on spacesync.webhook_deliveries (endpoint_id, location_id, event_type)`
    yield* sql`create table spacesync.webhook_delivery_log (
      delivery_id text primary key,
      endpoint_id text not null,
      platform_id text not null,
      seq bigint not null,
      connection_id text not null,
      event_id text not null,
      event_type text not null,
      location_id text,
      event_created_at timestamptz not null,
      created_at timestamptz not null,
      status text not null check (status in ('succeeded', 'failed', 'superseded')),
      attempts integer not null,
      finished_at timestamptz not null default now(),
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error_class text,
      reason text,
      superseded_by text,
      final_attempt integer,
      final_trigger text,
      final_url text,
      final_attempted_at timestamptz,
      final_duration_ms integer,
      final_response_excerpt text,
      final_error_message text
    )`
    yield* sql`create index webhook_delivery_log_endpoint on spacesync.webhook_delivery_log (endpoint_id, created_at)`
    yield* sql`create table spacesync.webhook_attempts (
      attempt_id bigint generated always as identity primary key,
      delivery_id text not null,
      endpoint_id text not null,
      attempt integer not null,
      trigger text not null,
      url text not null,
      attempted_at timestamptz not null,
      duration_ms integer not null,
      status_code integer,
      response_excerpt text,
      error_class text check (error_class in ('timeout', 'dns', 'connection', 'tls', 'http', 'refused_target')),
      error_message text,
      next_attempt_at timestamptz
    )`
    yield* sql`create index webhook_attempts_delivery on spacesync.webhook_attempts (delivery_id, attempt_id)`
    // Deleting an endpoint (or its platform) deletes its deliveries and attempts. A trigger rather than
    // foreign keys: a foreign key would check and share-lock the endpoint row on every queued delivery,
    // finished delivery and attempt, on the hottest paths.
    yield* sql`create function spacesync.webhook_endpoint_deleted() returns trigger language plpgsql as $$
      begin
        delete from spacesync.webhook_deliveries where endpoint_id = old.endpoint_id;
        delete from spacesync.webhook_delivery_log where endpoint_id = old.endpoint_id;
        delete from spacesync.webhook_attempts where endpoint_id = old.endpoint_id;
        return old;
      end
    $$`
    yield* sql`create trigger webhook_endpoint_deleted after delete on spacesync.webhook_endpoints
      for each row execute function spacesync.webhook_endpoint_deleted()`
  })
}

export default migration
