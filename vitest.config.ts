import { defineConfig } from "vitest/config"

// One root command runs every package's tests: each package (and the cross-package suites in test/)
// is a Vitest project of its own. Test files run in parallel; each one gets its own database.
export default defineConfig({
  test: {
    // Most test files wait on I/O (PostgreSQL, child processes, webhooks arriving), so four files at a time
    // keep two cores busy: on 2 cores the whole run takes about 7.5 minutes instead of 12 with one worker
    // per core less than the machine has (Vitest's default).
    maxWorkers: 4,
    projects: [
      "packages/core",
      "packages/server",
      "packages/adapters/*",
      "test",
      "examples/custom-adapter",
      "examples/embed-core",
      "examples/pricing-page",
      "examples/listing-platform"
    ]
  }
})
