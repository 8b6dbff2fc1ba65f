/**
 * What `miyabi sandbox up [--seed N --size S --port P]` runs: a generated
 * estate served in the foreground, and the environment a shell needs to use
 * it. The CLI prints `exports`, then waits (e.g. `Effect.never`) inside the
 * same scope; closing the scope (Ctrl-C) stops the sandbox.
 */
import type { Effect, Scope } from "effect"
import { Effect as E } from "effect"
import type { EstateSize } from "./estate/index.js"
import { type SandboxError, type SandboxHandle, start } from "./Sandbox.js"

export interface UpOptions {
  readonly seed?: number
  readonly size?: EstateSize
  /** Default 4566 would clash with LocalStack; 0 picks a free port. */
  readonly port?: number
  readonly host?: string
  /** The estate's "now" (epoch ms); default the start of today (UTC) so a demo's "last 30 days" has data. */
  readonly asOf?: number
}

export interface UpResult {
  readonly sandbox: SandboxHandle
  /** AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION. */
  readonly env: Readonly<Record<string, string>>
  /** `export NAME=value` lines for a POSIX shell. */
  readonly exports: ReadonlyArray<string>
}

const quote = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`)

/** Starts a generated-estate sandbox in the current scope and returns what to print. */
export const up = (options: UpOptions = {}): Effect.Effect<UpResult, SandboxError, Scope.Scope> =>
  E.map(
    start({
      seed: options.seed ?? 1,
      size: options.size ?? "small",
      asOf: options.asOf ?? Math.floor(Date.now() / 86_400_000) * 86_400_000,
      // The estate's tables, each in its own account's and region's DynamoDB, so `miyabi discover` finds them.
      dynamodb: { estateTables: true },
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.host === undefined ? {} : { host: options.host })
    }),
    (sandbox) => ({
      sandbox,
      env: sandbox.env,
      exports: Object.entries(sandbox.env).map(([k, v]) => `export ${k}=${quote(v)}`)
    })
  )
