import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Migration } from "../../Migrations.js"

/**
 * Accounts with their schedule and lease, the event log, per-location sync errors, and the tenancy
 * that fan-out needs: operators, platforms, connections and the locations each connection covers.
 */
const migration: Migration = {
  id: 2,
  name: "sync_and_tenancy",
  up: Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`create table spacesync.operators (
      operator_id text primary key,
      name text not null,
      api_key_hash text,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`
    yield* sql`create table spacesync.platforms (
      platform_id text primary key,
      name text not null,
      authorization_url text not null,
      client_id text unique,
      client_secret_hash text,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`
    yield* sql`create table spacesync.accounts (
      account_id text primary key,
      operator_id text references spacesync.operators (operator_id) on delete cascade,
      name text not null,
      adapter text not null,
      credentials text not null,
      poll_interval_seconds integer not null default 300 check (poll_interval_seconds > 0),
      status text not null default 'active' check (status in ('active', 'paused')),
      paused_reason text,
      paused_at timestamptz,
      next_sync_at timestamptz not null default now(),
      sync_requested_at timestamptz,
      requested_locations text[],
      lease_owner text,
      lease_expires_at timestamptz,
      last_sync_started_at timestamptz,
      last_sync_finished_at timestamptz,
      last_sync_outcome text check (last_sync_outcome in ('succeeded', 'partial', 'failed', 'refused')),
      last_sync_duration_ms integer,
      last_sync_counts jsonb,
      last_sync_error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`
    yield* sql`create index accounts_due on spacesync.accounts (next_sync_at) where status = 'active'`
    yield* sql`create index accounts_operator on spacesync.accounts (operator_id)`
    yield* sql`alter table spacesync.locations add column sync_error jsonb, add column sync_error_at timestamptz`
    yield* sql`create sequence spacesync.event_seq as bigint`
    yield* sql`create table spacesync.events (
      seq bigint primary key default nextval('spacesync.event_seq'),
      event_id text not null unique,
      type text not null,
      account_id text,
      location_id text,
      connection_id text,
      version integer,
      changes jsonb not null,
      full_resync boolean not null default false,
      created_at timestamptz not null default now()
    )`
    yield* sql`create index events_location on spacesync.events (location_id, seq)`
    yield* sql`create index events_connection on spacesync.events (connection_id, seq) where connection_id is not null`
    yield* sql`create table spacesync.connections (
      connection_id text primary key,
      platform_id text not null references spacesync.platforms (platform_id) on delete cascade,
      operator_id text not null references spacesync.operators (operator_id) on delete cascade,
      status text not null check (status in ('pending', 'active', 'revoked')),
      state_hash text,
      state_expires_at timestamptz,
      created_at timestamptz not null default now(),
      activated_at timestamptz,
      revoked_at timestamptz
    )`
    yield* sql`create index connections_platform on spacesync.connections (platform_id)`
    yield* sql`create index connections_operator on spacesync.connections (operator_id)`
    yield* sql`create table spacesync.connection_locations (
      connection_id text not null references spacesync.connections (connection_id) on delete cascade,
      location_id text not null,
      listing_id text,
      resource_map jsonb not null default '{}',
      primary key (connection_id, location_id)
    )`
    yield* sql`create index connection_locations_location on spacesync.connection_locations (location_id)`
  })
}

export default migration
