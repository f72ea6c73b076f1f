/**
 * The chaos test's PostgreSQL server: a private one (`initdb` in a temporary folder, run as `postgres`
 * when the test runs as root), so that the test may stop it fast or immediately and start it again; three
 * hub processes' pools need more than the default 100 connections.
 */
import * as PrivatePostgres from "../../../packages/server/test/support/PrivatePostgres.js"

export type { PrivatePostgres as PgCluster, StopMode } from "../../../packages/server/test/support/PrivatePostgres.js"
export const urlOf = PrivatePostgres.urlOf

/** Creates and starts a server on `port` (or a free one); stops and removes it when the scope closes. */
export const make = (port?: number) =>
  PrivatePostgres.makeWith(port === undefined ? { maxConnections: 200 } : { port, maxConnections: 200 })
