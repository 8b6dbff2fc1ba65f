/**
 * A bad setting in the environment (an `AWS_*` or `MIYABI_*` variable, read
 * through Effect's Config) as one `InvalidInput` naming the variable:
 * "env MIYABI_AWS_MAX_ATTEMPTS: must be a positive integer", not the
 * ConfigError's "(Invalid data at MIYABI_AWS_MAX_ATTEMPTS: "...")".
 */
import { InvalidInput } from "@miyabi/types"
import { ConfigError } from "effect"

/** The first missing or invalid variable of a (possibly combined) ConfigError. */
const firstLeaf = (error: ConfigError.ConfigError): ConfigError.ConfigError => {
  switch (error._op) {
    case "And":
    case "Or":
      return firstLeaf(error.left)
    default:
      return error
  }
}

export const envSettingsError = (error: ConfigError.ConfigError, what = "AWS settings"): InvalidInput => {
  const leaf = firstLeaf(error)
  if (leaf._op === "InvalidData" || leaf._op === "MissingData") {
    return leaf.path.length === 0
      ? new InvalidInput({ source: what, reason: leaf.message })
      : new InvalidInput({ source: `env ${leaf.path.join("_")}`, reason: leaf.message })
  }
  return new InvalidInput({ source: what, reason: String(error) })
}
