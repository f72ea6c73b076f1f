import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

// Each test gets its own database on the local PostgreSQL server (`SPACESYNC_TEST_DATABASE_URL`,
// default postgres://postgres@127.0.0.1:5432/postgres), as the app runs on a real server in production.
export default mergeConfig(shared, defineProject({}))
