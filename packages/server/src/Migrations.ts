/**
 * The migration sets the hub applies at start and checks in `/readyz`.
 *
 * @since 0.1.0
 */
import { Migrations } from "@spacesync/core"

/** @since 0.1.0 */
export const migrationSets: ReadonlyArray<Migrations.MigrationSet> = [Migrations.core]
