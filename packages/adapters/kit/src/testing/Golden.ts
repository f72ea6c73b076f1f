/**
 * Golden files for adapters: the normalized snapshots of a simulator's seeded account, reviewed by hand
 * once and compared exactly from then on. After a deliberate change of the mapping, regenerate with
 * `SPACESYNC_UPDATE_GOLDEN=1` and review the diff.
 *
 * @since 0.1.0
 */
import { expect } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as fs from "node:fs"
import * as Adapter from "../Adapter.js"
import type * as AdapterError from "../AdapterError.js"

/**
 * The elements of a full read as plain data: each location's snapshot source, or its failure (reason and
 * path).
 *
 * @since 0.1.0
 */
export const readAll = <C>(
  adapter: Adapter.Adapter<C>,
  credentials: C
): Effect.Effect<ReadonlyArray<unknown>, AdapterError.AdapterError, Adapter.Context> =>
  Effect.map(
    Stream.runCollect(adapter.snapshots.read(credentials, Adapter.ReadRequest.All())),
    (items) =>
      Chunk.toReadonlyArray(items).map((item) => item._tag === "Unparsed" ? item.parse() : item).flatMap((
        item
      ): Array<unknown> =>
        item._tag === "Snapshot"
          ? [{ snapshot: item.source }]
          : item._tag === "Failed"
          ? [{ failed: { externalId: item.externalId, reason: item.error.reason, path: item.error.path ?? null } }]
          : []
      )
  )

/**
 * Expects `value`, as indented JSON, to equal the file at `path` (written first when
 * `SPACESYNC_UPDATE_GOLDEN=1`).
 *
 * @since 0.1.0
 */
export const expectFile = (path: string, value: unknown): void => {
  const text = `${JSON.stringify(value, null, 2)}\n`
  if (process.env.SPACESYNC_UPDATE_GOLDEN === "1") fs.writeFileSync(path, text)
  expect(text).toBe(fs.readFileSync(path, "utf8"))
}
