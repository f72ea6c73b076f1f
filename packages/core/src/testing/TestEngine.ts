/**
 * Everything the sync engine needs, on a fresh test database: snapshot store, event log (no fan-out
 * unless given), accounts with a fixed test secret key, the adapters, the engine and the scheduler
 * service (without its loop). It needs only an `HttpClient` for the adapters.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import type { SqlClient } from "@effect/sql"
import type * as Adapter from "@spacesync/adapter-kit/Adapter"
import { Layer, Redacted } from "effect"
import * as Accounts from "../Accounts.js"
import * as Adapters from "../Adapters.js"
import * as EventLog from "../EventLog.js"
import * as Scheduler from "../Scheduler.js"
import * as SecretBox from "../SecretBox.js"
import * as SnapshotStore from "../SnapshotStore.js"
import * as SyncEngine from "../SyncEngine.js"
import * as TestDatabase from "./TestDatabase.js"

/** The secret key test layers use. @since 0.1.0 */
export const testSecretKey = Redacted.make("spacesync-test-secret-key-0123456789abcdef")

/** @since 0.1.0 */
export type Services =
  | SyncEngine.SyncEngine
  | Scheduler.Scheduler
  | Accounts.Accounts
  | Adapters.Adapters
  | SnapshotStore.SnapshotStore
  | EventLog.EventLog
  | SecretBox.SecretBox
  | SqlClient.SqlClient

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  adapters: ReadonlyArray<Adapter.Build>,
  options: {
    readonly engine?: Partial<SyncEngine.SyncEngineOptions>
    readonly scheduler?: Partial<Scheduler.SchedulerOptions>
    readonly fanout?: Layer.Layer<EventLog.Fanout, never, SqlClient.SqlClient>
    readonly database?: Layer.Layer<SqlClient.SqlClient>
  } = {}
): Layer.Layer<Services, never, HttpClient.HttpClient> => {
  const base = Layer.mergeAll(SnapshotStore.layer, EventLog.layer).pipe(
    Layer.provideMerge(options.fanout ?? EventLog.FanoutNone),
    Layer.provideMerge(Accounts.layer),
    Layer.provideMerge(Layer.mergeAll(Adapters.layer(adapters), SecretBox.layer(testSecretKey))),
    Layer.provideMerge(options.database ?? TestDatabase.layer())
  )
  return Scheduler.layer(options.scheduler).pipe(
    Layer.provideMerge(SyncEngine.layer(options.engine)),
    Layer.provideMerge(base)
  )
}
