import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Migration } from "../../Migrations.js"

/**
 * The snapshot store: the current snapshot of every location with its hashes and version, and the
 * history of every version. Snapshots are stored as canonical JSON text, exactly as hashed.
 */
const migration: Migration = {
  id: 1,
  name: "snapshot_store",
  up: Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`create table spacesync.locations (
      location_id text primary key,
      account_id text not null,
      external_id text not null,
      version integer not null check (version > 0),
      hash text not null,
      location_hash text not null,
      resources_hash text not null,
      prices_hash text not null,
      entity_hashes jsonb not null,
      snapshot text not null,
      deleted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (account_id, external_id)
    )`
    yield* sql`create table spacesync.location_versions (
      location_id text not null references spacesync.locations (location_id) on delete cascade,
      version integer not null check (version > 0),
      hash text not null,
      snapshot text not null,
      deleted boolean not null default false,
      recorded_at timestamptz not null default now(),
      primary key (location_id, version)
    )`
  })
}

export default migration
