import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

// The conformance kit runs on the embedded database (PGlite): no PostgreSQL server is needed. The test
// server is pointed where nothing listens, so a test that reached for one would fail instead of passing by luck.
export default mergeConfig(
  shared,
  defineProject({ test: { env: { SPACESYNC_TEST_DATABASE_URL: "postgres://postgres@127.0.0.1:9/unreachable" } } })
)
