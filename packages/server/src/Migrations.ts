/**
 * The migration sets the hub applies at start and checks in `/readyz`: core's, then the server's own
 * (access tokens and hub settings), recorded in the same `spacesync.migrations` table.
 *
 * @since 0.1.0
 */
import { SqlClient } from "@effect/sql"
import { Migrations } from "@spacesync/core"
import { Effect } from "effect"

/** @since 0.1.0 */
export const server: Migrations.MigrationSet = {
  name: "server",
  migrations: [{
    id: 1,
    name: "access_tokens_and_settings",
    up: Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`create table spacesync.access_tokens (
        token_hash text primary key,
        platform_id text not null references spacesync.platforms (platform_id) on delete cascade,
        scopes text[] not null,
        expires_at timestamptz not null,
        created_at timestamptz not null default now()
      )`
      yield* sql`create index access_tokens_expiry on spacesync.access_tokens (expires_at)`
      yield* sql`create table spacesync.hub_settings (
        key text primary key,
        value text not null,
        updated_at timestamptz not null default now()
      )`
    })
  }]
}

/** @since 0.1.0 */
export const migrationSets: ReadonlyArray<Migrations.MigrationSet> = [Migrations.core, server]
