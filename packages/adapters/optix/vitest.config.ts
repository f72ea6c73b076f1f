import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../../vitest.shared.js"

// The adapter's tests run on the embedded database. The test server is pointed where nothing listens,
// so a test that reached for a PostgreSQL server would fail instead of passing by luck.
export default mergeConfig(
  shared,
  defineProject({ test: { env: { SPACESYNC_TEST_DATABASE_URL: "postgres://postgres@127.0.0.1:9/unreachable" } } })
)
