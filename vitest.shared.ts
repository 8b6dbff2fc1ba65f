// Shared vitest settings: workspace packages resolve to their TypeScript
// sources through the "@miyabi/source" export condition, so tests never need
// a previous build of the packages they import.
import { defineConfig } from "vitest/config"

export const sharedConfig = defineConfig({
  resolve: {
    conditions: ["@miyabi/source"]
  },
  ssr: {
    resolve: {
      conditions: ["@miyabi/source"],
      externalConditions: ["@miyabi/source"]
    }
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // Tests never reach an address off this machine: a credential chain that
      // finds no keys must not fall through to the EC2 instance metadata service.
      AWS_EC2_METADATA_DISABLED: "true"
    }
  }
})
