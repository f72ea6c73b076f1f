import { describe, expect, it } from "@effect/vitest"
import { TestDatabase } from "@spacesync/core/testing"
import { Cause, ConfigProvider, Effect, Either, LogLevel } from "effect"
import * as Logging from "../src/Logging.js"
import { runCli } from "./support/HubProcess.js"

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

  it.effect("json: a failure's cause is written whole, with URL passwords, tokens and secrets masked", () =>
    Effect.gen(function*() {
      const { layer, lines } = capture({ format: "json", level: LogLevel.Info })
      const error = new Error("connect to postgres://hub:pa55word@db:5432/hub failed", {
        cause: new Error("sent Bearer at_Vh4Jr9Kc2Lx7Mn1Pq5Rs8Tu3 and whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
      })
      yield* Effect.logError("Unexpected failure", Cause.die(error)).pipe(Effect.provide(layer))
      expect(lines).toHaveLength(1)
      const entry = JSON.parse(lines[0]!)
      expect(entry.logLevel).toBe("ERROR")
      expect(entry.cause).toContain("connect to postgres://hub:***@db:5432/hub failed")
      expect(entry.cause).toContain("sent Bearer *** and whsec_***")
      expect(lines[0]).not.toMatch(/pa55word|Vh4Jr9Kc|MfKQ9r8G/)
      expect(Logging.redactSecrets("sk_op_4n8p2r6t0v3x7z1b5d9f3h7k1m_Xb3kP9qR2s cs_q2Jx8l4N0vKz1mR7sT3u")).toBe(
        "sk_*** cs_***"
      )
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

describe("the CLI's logs", () => {
  it.scopedLive(
    "JSON lines when its output is not a terminal; short lines with SPACESYNC_LOG_FORMAT=pretty",
    () =>
      Effect.gen(function*() {
        const { url } = yield* TestDatabase.createDatabase
        const env = { DATABASE_URL: url, SPACESYNC_SECRET_KEY: "k".repeat(40) }
        const json = yield* runCli(env, ["migrate"])
        expect(json.code, json.output).toBe(0)
        const entries = json.output.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l))
        expect(entries).toContainEqual(
          expect.objectContaining({ logLevel: "INFO", message: "Applied migration core/1 snapshot_store" })
        )
        expect(json.output.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("{"))).toEqual([])

        const pretty = yield* runCli({ ...env, SPACESYNC_LOG_FORMAT: "pretty", SPACESYNC_LOG_LEVEL: "info" }, [
          "migrate"
        ])
        expect(pretty.code, pretty.output).toBe(0)
        expect(pretty.output).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}Database is up to date$/m)
        expect(pretty.output).not.toMatch(/^\{/m)

        const quiet = yield* runCli({ ...env, SPACESYNC_LOG_LEVEL: "warning" }, ["migrate"])
        expect(quiet.output).not.toContain("Database is up to date")

        const refused = yield* runCli({ ...env, SPACESYNC_LOG_LEVEL: "loud" }, ["migrate"])
        expect(refused.code).not.toBe(0)
        expect(refused.output).toContain("SPACESYNC_LOG_LEVEL")
      }),
    120_000
  )
})
