import { describe, expect, it } from "@effect/vitest"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import { TestDatabase } from "@spacesync/core/testing"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { runCli, spawnHub } from "./support/HubProcess.js"

const locations = 600

describe("spacesync sync", () => {
  it.scopedLive(
    "syncs one account now, with its progress in the logs and in the account's status",
    () =>
      Effect.gen(function*() {
        const { url } = yield* TestDatabase.createDatabase
        const root = Fs.mkdtempSync(Path.join(Os.tmpdir(), "spacesync-sync-"))
        const feed = Path.join(root, "feed.json")
        Fs.writeFileSync(
          feed,
          JSON.stringify({ locations: Array.from({ length: locations }, (_, i) => Fixtures.locationSource(`L${i}`)) })
        )
        const env = {
          DATABASE_URL: url,
          SPACESYNC_SECRET_KEY: "k".repeat(40),
          SPACESYNC_ADMIN_TOKEN: "sk_admin_cli_sync_0123456789",
          SPACESYNC_FEED_ROOT: root,
          SPACESYNC_SYNC_PROGRESS_INTERVAL: "50 millis",
          SPACESYNC_LOG_FORMAT: "json"
        }
        const hub = yield* spawnHub({ ...env, SPACESYNC_ADMIN_TOKEN: env.SPACESYNC_ADMIN_TOKEN }, [
          "start",
          "--roles",
          "api"
        ])
        const call = (path: string, init: { token: string; body?: unknown }) =>
          Effect.promise(async () => {
            const res = await fetch(`${hub.url}${path}`, {
              method: init.body === undefined ? "GET" : "POST",
              headers: { authorization: `Bearer ${init.token}`, "content-type": "application/json" },
              ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
            })
            return { status: res.status, json: await res.json() as any }
          })
        const operator =
          (yield* call("/admin/operators", { token: env.SPACESYNC_ADMIN_TOKEN, body: { name: "Op" } })).json
        const account = (yield* call("/operator/accounts", {
          token: operator.apiKey,
          body: {
            name: "Big feed",
            adapter: "feed",
            credentials: { url: `file://${feed}` },
            pollIntervalSeconds: 86400
          }
        })).json

        // While the CLI syncs, the account's status shows how far it has got.
        const seen: Array<{ read: number; total: number | null }> = []
        const watch = Effect.gen(function*() {
          for (;;) {
            const progress = (yield* call(`/operator/accounts/${account.accountId}`, { token: operator.apiKey })).json
              .progress
            if (progress !== null) seen.push(progress)
            yield* Effect.sleep("20 millis")
          }
        })
        const run = yield* runCli(env, ["sync", "--account", account.accountId]).pipe(Effect.raceFirst(watch))
        expect(run.code, run.output).toBe(0)
        const report = JSON.parse(run.output.slice(run.output.indexOf("{\n")))
        expect(report).toMatchObject({
          accountId: account.accountId,
          outcome: "succeeded",
          mode: "full",
          counts: { listed: locations, created: locations }
        })
        const progressLines = run.output.split("\n").filter((l) => l.includes("Sync progress"))
        expect(progressLines.length, run.output.slice(0, 2000)).toBeGreaterThan(0)
        // Reports start before the upstream said how many (read 0 of an unknown total) and name the total once
        // it did.
        const reports = progressLines.map((l) => JSON.parse(l).annotations)
        expect(reports.every((a) => a.accountId === account.accountId && a.mode === "full")).toBe(true)
        expect(reports.map((a) => a.total)).toContain(locations)
        expect(seen.length).toBeGreaterThan(0)
        expect(seen.every((p) => p.read >= 0 && p.read <= locations && (p.total === null || p.total === locations)))
          .toBe(true)
        // Once it is over the status shows the run, and no progress.
        const after = (yield* call(`/operator/accounts/${account.accountId}`, { token: operator.apiKey })).json
        expect(after.progress).toBeNull()
        expect(after.lastSync).toMatchObject({ outcome: "succeeded", counts: { created: locations } })

        Fs.rmSync(root, { recursive: true, force: true })
      }),
    180_000
  )
})
