import { defineConfig } from "vitest/config"
import { sharedConfig } from "../../vitest.shared"

// The headless-Chromium check of the HTML report only; needs a `chromium` binary.
// (mergeConfig would append to the shared include list, so the test block is replaced.)
export default defineConfig({ ...sharedConfig, test: { ...sharedConfig.test, include: ["browser/**/*.test.ts"] } })
