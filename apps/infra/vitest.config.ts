import { mergeConfig } from "vitest/config"
import { sharedConfig } from "../../vitest.shared"

// The test files share no state (each synthesizes its own App into its own
// directory), so they share one module graph: aws-cdk-lib and the workspace
// sources load once instead of once per file, most of this suite's time.
export default mergeConfig(sharedConfig, { test: { isolate: false } })
