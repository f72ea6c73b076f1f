import { describe, expect, it } from "@effect/vitest"
import * as HubUrls from "@spacesync/core/HubUrls"
import { ConfigProvider, Effect } from "effect"
import * as HubConfig from "../src/HubConfig.js"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("HubConfig", () => {
  it.effect("derives the public URL as core's HubUrls does: SPACESYNC_PUBLIC_URL, else http://HOST:PORT", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [Record<string, string>, string]> = [
        [{}, "http://127.0.0.1:8787"],
        [{ HOST: "0.0.0.0", PORT: "9000" }, "http://0.0.0.0:9000"],
        [{ HOST: "::1" }, "http://[::1]:8787"],
        [{ SPACESYNC_PUBLIC_URL: "https://hub.example/base//", PORT: "9000" }, "https://hub.example/base"]
      ]
      for (const [env, expected] of cases) {
        const config = yield* HubConfig.config.pipe(withEnv(env))
        expect([env, config.publicUrl]).toEqual([env, expected])
        expect(yield* HubUrls.PublicUrlConfig.pipe(withEnv(env))).toBe(expected)
      }
      expect(yield* HubConfig.config.pipe(withEnv({ HOST: "::1", PORT: "9000" }))).toEqual({
        host: "::1",
        port: 9000,
        publicUrl: "http://[::1]:9000"
      })
    }))
})
