/**
 * Pointing this process's AWS SDK clients at a sandbox for the length of a
 * scope. The SDK reads its endpoint and credentials from process.env, so a
 * test that starts a sandbox sets them here and gets the old values back on
 * release.
 */
import { Effect } from "effect"

/** Sets (or, with `undefined`, unsets) environment variables for the scope and restores them after. */
export const withProcessEnv = (vars: Readonly<Record<string, string | undefined>>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]))
      assign(vars)
      return saved
    }),
    (saved) => Effect.sync(() => assign(saved))
  )

const assign = (vars: Readonly<Record<string, string | undefined>>): void => {
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
}

/**
 * The sandbox's endpoint, keys and region for the scope, with the variables
 * that would take precedence over them (a per-service endpoint, a session
 * token, a profile) unset. `overrides` wins over both.
 */
export const useSandboxEnv = (
  sandbox: { readonly env: Readonly<Record<string, string>> },
  overrides: Readonly<Record<string, string | undefined>> = {}
) => {
  const shadowing = Object.keys(process.env).filter((key) => key.startsWith("AWS_ENDPOINT_URL_"))
  return withProcessEnv({
    ...Object.fromEntries(shadowing.map((key) => [key, undefined])),
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    ...sandbox.env,
    ...overrides
  })
}
