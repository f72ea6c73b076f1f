import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import * as SecretBox from "../src/SecretBox.js"

const box = SecretBox.make(Redacted.make("k".repeat(32)))

describe("SecretBox", () => {
  it.effect("round-trips per purpose and context, with a fresh IV every time", () =>
    Effect.gen(function*() {
      const sealed = box.encrypt("credentials", "{\"password\":\"hunter2\"}", "acc_1")
      expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/)
      expect(sealed).not.toContain("hunter2")
      expect(box.encrypt("credentials", "same", "acc_1")).not.toBe(box.encrypt("credentials", "same", "acc_1"))
      expect(yield* box.decrypt("credentials", sealed, "acc_1")).toBe("{\"password\":\"hunter2\"}")
    }))

  it.effect("refuses another purpose, another row, another key and tampering", () =>
    Effect.gen(function*() {
      const sealed = box.encrypt("credentials", "secret", "acc_1")
      const fail = (effect: Effect.Effect<string, SecretBox.DecryptError>) =>
        Effect.map(Effect.flip(effect), (e) => e._tag)
      expect(yield* fail(box.decrypt("webhook-secrets", sealed, "acc_1"))).toBe("DecryptError")
      expect(yield* fail(box.decrypt("credentials", sealed, "acc_2"))).toBe("DecryptError")
      const other = SecretBox.make(Redacted.make("o".repeat(32)))
      expect(yield* fail(other.decrypt("credentials", sealed, "acc_1"))).toBe("DecryptError")
      const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA")
      expect(yield* fail(box.decrypt("credentials", tampered, "acc_1"))).toBe("DecryptError")
      expect(yield* fail(box.decrypt("credentials", "garbage", "acc_1"))).toBe("DecryptError")
    }))

  it.effect("requires SPACESYNC_SECRET_KEY of at least 32 characters", () =>
    Effect.gen(function*() {
      const withKey = (key: string) =>
        Effect.flip(Effect.provide(
          SecretBox.SecretBox,
          SecretBox.layerConfig.pipe(
            Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["SPACESYNC_SECRET_KEY", key]]))))
          )
        ))
      const error = yield* withKey("short")
      expect(String(error)).toContain("at least 32 characters")
    }))
})
