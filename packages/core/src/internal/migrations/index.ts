import type { Migration } from "../../Migrations.js"
import m0001 from "./0001_snapshot_store.js"
import m0002 from "./0002_sync_and_tenancy.js"
import m0003 from "./0003_delivery.js"
import m0004 from "./0004_sync_cursor.js"
import m0005 from "./0005_sync_progress.js"
import m0006 from "./0006_delivery_fairness.js"
import m0007 from "./0007_sync_fingerprints.js"

/** @internal Core's migrations, in order. Append only: never edit one that has shipped. */
export const coreMigrations: ReadonlyArray<Migration> = [m0001, m0002, m0003, m0004, m0005, m0006, m0007]
