import { mergeConfig } from "vitest/config"
import { sharedConfig } from "../../vitest.shared"

// The conformance suites each load several AWS SDK clients; sharing the module
// graph between test files (no module-level state exists in this package)
// cuts collection time, which dominates the suite on a 2-core machine.
export default mergeConfig(sharedConfig, { test: { isolate: false } })
