import { describe, expect, it } from "@effect/vitest"
import { TestDatabase } from "@spacesync/core/testing"
import { ConfigProvider, Effect, Either, LogLevel } from "effect"
import * as Logging from "../src/Logging.js"
import { runCli, spawnHub } from "./support/HubProcess.js"

const capture = (options: Omit<Logging.Options, "write">) => {
  const lines: Array<string> = []
  return { lines, layer: Logging.layerWith({ ...options, write: (line) => lines.push(line) }) }
}

describe("Logging", () => {
  it.effect("json: one parseable JSON object per entry, with level, message and annotations", () =>
    Effect.gen(function*() {
      const { layer, lines } = capture({ format: "json", level: LogLevel.Info })
      yield* Effect.logInfo("synced").pipe(
        Effect.annotateLogs({ accountId: "acc_1", locations: 3 }),
        Effect.provide(layer)
      )
      expect(lines).toHaveLength(1)
      expect(JSON.parse(lines[0]!)).toMatchObject({
        logLevel: "INFO",
        message: "synced",
        annotations: { accountId: "acc_1", locations: 3 }
      })
    }))

  it.effect("pretty: one short line per entry; a request reads `METHOD url status duration`", () =>
    Effect.gen(function*() {
      const { layer, lines } = capture({ format: "pretty", level: LogLevel.Info })
      yield* Effect.logWarning("cursor rejected").pipe(
        Effect.annotateLogs({ accountId: "acc 1" }),
        Effect.provide(layer)
      )
      yield* Effect.logInfo("Sent HTTP response").pipe(
        Effect.annotateLogs({ "http.method": "GET", "http.url": "/v1/events?limit=5", "http.status": 200 }),
        Effect.withLogSpan("http.span.1"),
        Effect.provide(layer)
      )
      expect(lines).toHaveLength(2)
      expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}cursor rejected accountId="acc 1"$/)
      expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET \/v1\/events\?limit=5 200 \d+ms$/)
      expect(lines.join("")).not.toContain("\x1b[")
    }))

  it.effect("the level drops less severe entries", () =>
    Effect.gen(function*() {
      const { layer, lines } = capture({ format: "json", level: LogLevel.Warning })
      yield* Effect.all([Effect.logDebug("d"), Effect.logInfo("i"), Effect.logWarning("w"), Effect.logError("e")]).pipe(
        Effect.provide(layer)
      )
      expect(lines.map((l) => JSON.parse(l).message)).toEqual(["w", "e"])
    }))

  it.effect("SPACESYNC_LOG_LEVEL takes the usual names; anything else is a configuration error naming them", () =>
    Effect.gen(function*() {
      const level = (value: string) =>
        Effect.either(Effect.withConfigProvider(
          Logging.LevelConfig,
          ConfigProvider.fromMap(new Map([["SPACESYNC_LOG_LEVEL", value]]))
        ))
      expect(yield* level("warning")).toEqual(Either.right(LogLevel.Warning))
      expect(yield* level("DEBUG")).toEqual(Either.right(LogLevel.Debug))
      const bad = yield* level("loud")
      expect(Either.isLeft(bad) && String(bad.left)).toContain("Expected one of all, trace, debug")
    }))
})

describe("spacesync start's logs", () => {
  it.scopedLive(
    "JSON lines when its output is not a terminal; short lines with SPACESYNC_LOG_FORMAT=pretty",
    () =>
      Effect.gen(function*() {
        const { url } = yield* TestDatabase.createDatabase
        const env = { DATABASE_URL: url, SPACESYNC_SECRET_KEY: "k".repeat(40) }
        yield* Effect.scoped(Effect.gen(function*() {
          const hub = yield* spawnHub(env)
          yield* Effect.promise(() => fetch(`${hub.url}/healthz`))
          yield* Effect.sleep("200 millis")
        const lines = hub.output().split("\n").filter((l) => l.startsWith("{"))
          const entries = lines.map((l) => JSON.parse(l) as { message: unknown; annotations: Record<string, unknown> })
          expect(entries.some((e) => String(e.message).includes("Starting spacesync"))).toBe(true)
          expect(entries.some((e) => e.annotations["http.url"] === "/healthz" && e.annotations["http.status"] === 200))
            .toBe(true)
        }))
        yield* Effect.scoped(Effect.gen(function*() {
          const hub = yield* spawnHub({ ...env, SPACESYNC_LOG_FORMAT: "pretty", SPACESYNC_LOG_LEVEL: "info" })
          yield* Effect.promise(() => fetch(`${hub.url}/healthz`))
          yield* Effect.sleep("200 millis")
          const output = hub.output()
          expect(output).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}Starting spacesync: api, scheduler, workers$/m)
          expect(output).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET \/healthz 200 \d+ms requestId=[\w-]+$/m)
          expect(output).not.toMatch(/^\{/m)
        }))
        const refused = yield* runCli({ ...env, SPACESYNC_LOG_LEVEL: "loud" }, ["migrate"])
        expect(refused.code).not.toBe(0)
        expect(refused.output).toContain("SPACESYNC_LOG_LEVEL")
      }),
    120_000
  )
})
