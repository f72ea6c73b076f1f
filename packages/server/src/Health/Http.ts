import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Migrations } from "@spacesync/core"
import { Effect } from "effect"
import { Api } from "../Api.js"
import { migrationSets } from "../Migrations.js"
import { NotReady } from "./Api.js"

export const HttpHealthLive = HttpApiBuilder.group(Api, "health", (handlers) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return handlers
      .handle("healthz", () => Effect.succeed({ status: "ok" as const }))
      .handle("readyz", () =>
        Migrations.pending(migrationSets).pipe(
          Effect.timeout("5 seconds"),
          Effect.catchAll((error) =>
            Effect.fail(
              new NotReady({
                reason: "DatabaseUnreachable",
                detail: error._tag === "MigrationError" ? error.message : "The database did not answer"
              })
            )
          ),
          Effect.flatMap((pending) =>
            pending.length === 0
              ? Effect.succeed({ status: "ready" as const })
              : Effect.fail(
                new NotReady({
                  reason: "MigrationsPending",
                  detail: `Pending migrations: ${pending.map((m) => `${m.set}/${m.id}`).join(", ")}`
                })
              )
          ),
          Effect.provideService(SqlClient.SqlClient, sql)
        ))
  }))
