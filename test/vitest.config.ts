import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../vitest.shared.js"

// Cross-package end-to-end and reliability suites. Benchmarks (test/bench) are run on demand, not here.
export default mergeConfig(
  shared,
  defineProject({ test: { include: ["e2e/**/*.test.ts", "reliability/**/*.test.ts"] } })
)
