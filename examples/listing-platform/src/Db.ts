/**
 * The platform's own database: the embedded PostgreSQL of @spacesync/core (PGlite) in a data directory by
 * default, or a PostgreSQL server when a URL is given. Everything lives in the `listing_platform` schema,
 * so the platform can share a server (even a database) with anything else.
 */
import { SqlClient } from "@effect/sql"
import * as Database from "@spacesync/core/Database"
import { Effect, Layer, ManagedRuntime, Option, Redacted } from "effect"

export const schema = "listing_platform"

const migration = `
create schema if not exists ${schema};
create table if not exists ${schema}.users (
  id text primary key,
  email text not null unique,
  name text not null,
  company text not null,
  password_hash text not null,
  created_at timestamptz not null default now()
);
create table if not exists ${schema}.listings (
  id text primary key,
  owner_id text not null references ${schema}.users (id),
  title text not null,
  city text not null default '',
  published boolean not null default true,
  location_name text,
  address text,
  prices jsonb not null default '[]',
  resources jsonb not null default '[]',
  version integer,
  synced_at timestamptz,
  updated_at timestamptz not null default now()
);
create table if not exists ${schema}.connections (
  id text primary key,
  user_id text not null references ${schema}.users (id),
  status text not null check (status in ('activating', 'active', 'revoked')),
  created_at timestamptz not null default now(),
  activated_at timestamptz,
  revoked_at timestamptz
);
create table if not exists ${schema}.mappings (
  connection_id text not null references ${schema}.connections (id) on delete cascade,
  location_id text not null,
  listing_id text not null references ${schema}.listings (id),
  created_at timestamptz not null default now(),
  detached_at timestamptz,
  primary key (connection_id, location_id)
);
create unique index if not exists mappings_one_live_per_listing
  on ${schema}.mappings (listing_id) where detached_at is null;
create table if not exists ${schema}.sessions (
  id text primary key,
  user_id text references ${schema}.users (id),
  csrf text not null,
  connect_connection_id text,
  connect_state text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create table if not exists ${schema}.webhook_receipts (
  webhook_id text primary key,
  type text not null,
  connection_id text,
  location_id text,
  headers jsonb not null,
  body text not null,
  received_at timestamptz not null default now(),
  handled_at timestamptz,
  outcome text
);
create table if not exists ${schema}.hub_state (
  key text primary key,
  value jsonb not null
);
create table if not exists ${schema}.etags (
  api_url text primary key,
  etag text not null,
  body jsonb not null
);
`

/** A query on the platform's database: SQL text with `$1…` parameters. */
export type Query = <A = Record<string, unknown>>(text: string, params?: ReadonlyArray<unknown>) => Promise<Array<A>>

export interface Db {
  readonly query: Query
  /** Runs `body` in one transaction; `body` must issue its queries through the `query` it is given. */
  readonly transaction: <A>(body: (query: TxQuery) => Effect.Effect<A, unknown, SqlClient.SqlClient>) => Promise<A>
  readonly close: () => Promise<void>
}

export type TxQuery = <A = Record<string, unknown>>(
  text: string,
  params?: ReadonlyArray<unknown>
) => Effect.Effect<Array<A>, unknown, SqlClient.SqlClient>

const exec: TxQuery = <A>(text: string, params: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql.unsafe(text, params as Array<never>) as unknown as Effect.Effect<ReadonlyArray<A>>
  ).pipe(Effect.map((rows) => [...rows]))

/**
 * Opens (and migrates) the database: `databaseUrl` for a PostgreSQL server, otherwise the embedded one in
 * `dataDir` (`"memory"` for a throw-away database).
 */
export const open = async (options: { readonly databaseUrl?: string | undefined; readonly dataDir: string }) => {
  const url = options.databaseUrl?.trim()
  const layer = Database.layerWith({
    url: url ? Option.some(Redacted.make(url)) : Option.none(),
    dataDir: options.dataDir,
    maxConnections: 5
  })
  const runtime = ManagedRuntime.make(Layer.orDie(layer))
  const run = <A>(effect: Effect.Effect<A, unknown, SqlClient.SqlClient>) => runtime.runPromise(effect)
  try {
    await run(Effect.forEach(
      migration.split(";").map((s) => s.trim()).filter((s) => s.length > 0),
      (statement) => exec(statement),
      { discard: true }
    ))
  } catch (error) {
    await runtime.dispose()
    throw error
  }
  const db: Db = {
    query: (text, params) => run(exec(text, params)),
    transaction: (body) => run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(body(exec)))),
    close: () => runtime.dispose()
  }
  return db
}
