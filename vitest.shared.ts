import type { ViteUserConfig } from "vitest/config"

/** Settings every package's vitest.config.ts starts from. */
export const shared: ViteUserConfig = {
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    sequence: { concurrent: false }
  }
}
