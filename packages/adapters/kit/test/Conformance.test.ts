import { AdapterConformance } from "../src/testing/index.js"
import * as ExampleSystem from "./support/ExampleSystem.js"

// The whole suite, incremental reads and signed webhooks included, against a small imaginary system.
AdapterConformance.suite({ adapter: ExampleSystem.adapter, simulator: ExampleSystem.simulator })
