import { defineConfig } from "vitest/config"

// One root command runs every package's tests: each package (and the cross-package suites in test/)
// is a Vitest project of its own. Test files run in parallel; each one gets its own database.
export default defineConfig({
  test: {
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
