import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

// The pricing page's formatting and rendering, and its browser test against a hub in this process.
export default mergeConfig(shared, defineProject({ test: { name: "pricing-page", testTimeout: 90_000 } }))
