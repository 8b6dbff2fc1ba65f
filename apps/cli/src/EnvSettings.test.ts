import { ConfigError } from "effect"
import { describe, expect, it } from "vitest"
import { envSettingsError } from "./EnvSettings.js"

describe("envSettingsError", () => {
  it("names the first bad variable of combined errors, its nested path joined as the environment spells it", () => {
    const error = ConfigError.And(
      ConfigError.MissingData(["MIYABI", "ECS_CLUSTER"], "Expected MIYABI_ECS_CLUSTER to exist in the process context"),
      ConfigError.InvalidData(["AWS_REGION"], "not a region")
    )
    expect(envSettingsError(error).message).toBe("env MIYABI_ECS_CLUSTER: Expected MIYABI_ECS_CLUSTER to exist in the process context")
  })

  it("falls back to what was being read when the error names no variable", () => {
    expect(envSettingsError(ConfigError.InvalidData([], "no credentials"), "--store").message).toBe("--store: no credentials")
  })
})
