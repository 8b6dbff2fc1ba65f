/**
 * External phase executors: a cycle phase delegated to another program that
 * speaks JSON-RPC 2.0 over stdin/stdout (SPEC's `execute_phase` contract), so
 * existing agents in other languages keep working.
 *
 * One child process per call, spawned inside a scope and killed on release
 * (success, failure, timeout or interruption alike).
 */
import { spawn, type ChildProcess } from "node:child_process"
import { Duration, Effect, Either, Schema } from "effect"
import { decodeResponseLine, encodeRequest, ErrorCodes, splitLines } from "./JsonRpc.js"

export class PhaseExecutorError extends Schema.TaggedError<PhaseExecutorError>("PhaseExecutorError")("PhaseExecutorError", {
  reason: Schema.Literal(
    /** -32000: the executor met an AWS error. */
    "AwsError",
    /** -32001: the executor's credentials were refused. */
    "AuthError",
    /** -32002: the executor was throttled. */
    "RateLimited",
    /** -32003 from the executor, or no response within the timeout (the child is killed). */
    "Timeout",
    /** Any other JSON-RPC error code. */
    "RpcError",
    /** A line on stdout that is not a JSON-RPC 2.0 response, or a clean exit without one. */
    "MalformedResponse",
    /** The child exited non-zero (or on a signal) before answering. */
    "Crashed",
    /** The program could not be started. */
    "SpawnFailed"
  ),
  phase: Schema.String,
  command: Schema.String,
  detail: Schema.String,
  code: Schema.optional(Schema.Int),
  data: Schema.optional(Schema.Unknown),
  /** The tail of what the child wrote on stderr. */
  stderr: Schema.String
}) {
  override get message(): string {
    const code = this.code === undefined ? "" : ` (${this.code})`
    const stderr = this.stderr.trim() === "" ? "" : `; stderr: ${this.stderr.trim()}`
    return `phase ${this.phase} via ${this.command}: ${this.reason}${code}: ${this.detail}${stderr}`
  }
}

/** SPEC's `config` parameter. */
export interface PhaseConfig {
  readonly aws_region: string
  readonly profile?: string
  readonly dry_run: boolean
}

/** SPEC's `execute_phase` params. */
export interface ExecutePhaseParams {
  readonly phase: string
  readonly config: PhaseConfig
  readonly context: { readonly world_state: unknown; readonly previous_output: unknown }
}

export interface ExternalExecutor {
  readonly command: string
  readonly args?: ReadonlyArray<string>
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string>>
  /** How long to wait for the response; default 300 seconds (SPEC). */
  readonly timeout?: Duration.DurationInput
}

export const defaultTimeout: Duration.Duration = Duration.seconds(300)
/** Bytes of stderr kept for error messages (the tail). */
const stderrLimit = 8 * 1024

const reasonForCode = (code: number): PhaseExecutorError["reason"] => {
  switch (code) {
    case ErrorCodes.AwsError:
      return "AwsError"
    case ErrorCodes.AuthError:
      return "AuthError"
    case ErrorCodes.RateLimited:
      return "RateLimited"
    case ErrorCodes.Timeout:
      return "Timeout"
    default:
      return "RpcError"
  }
}

const killIfRunning = (child: ChildProcess): void => {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
}

interface Outcome {
  readonly result: Either.Either<unknown, Omit<ConstructorParameters<typeof PhaseExecutorError>[0], "phase" | "command" | "stderr">>
}

/**
 * Runs one phase in a fresh child process: sends one `execute_phase` request
 * and waits for the response with the same id.
 */
export const execute = (executor: ExternalExecutor, params: ExecutePhaseParams): Effect.Effect<unknown, PhaseExecutorError> => {
  const timeout = Duration.decode(executor.timeout ?? defaultTimeout)
  const requestId = 1
  let stderr = ""
  const fail = (fields: Omit<ConstructorParameters<typeof PhaseExecutorError>[0], "phase" | "command" | "stderr">) =>
    new PhaseExecutorError({ ...fields, phase: params.phase, command: executor.command, stderr })

  const spawnChild = Effect.try({
    try: () =>
      spawn(executor.command, [...(executor.args ?? [])], {
        stdio: ["pipe", "pipe", "pipe"],
        ...(executor.cwd === undefined ? {} : { cwd: executor.cwd }),
        ...(executor.env === undefined ? {} : { env: { ...process.env, ...executor.env } })
      }),
    catch: (cause) => fail({ reason: "SpawnFailed", detail: cause instanceof Error ? cause.message : String(cause) })
  })

  const exchange = (child: ChildProcess) =>
    Effect.async<Outcome>((resume) => {
      let buffer = ""
      let done = false
      const finish = (outcome: Outcome) => {
        if (done) return
        done = true
        resume(Effect.succeed(outcome))
      }
      const onStdout = (chunk: Buffer) => {
        const { lines, rest } = splitLines(buffer + chunk.toString("utf8"))
        buffer = rest
        for (const line of lines) {
          const decoded = decodeResponseLine(line)
          if (Either.isLeft(decoded)) {
            finish({ result: Either.left({ reason: "MalformedResponse", detail: `${decoded.left}: ${line.slice(0, 200)}` }) })
            return
          }
          const response = decoded.right
          if (response.id !== requestId && !("error" in response && response.id === null)) continue
          if ("error" in response) {
            const { code, data, message } = response.error
            finish({
              result: Either.left({ reason: reasonForCode(code), detail: message, code, ...(data === undefined ? {} : { data }) })
            })
          } else {
            finish({ result: Either.right(response.result) })
          }
          return
        }
      }
      const onStderr = (chunk: Buffer) => {
        stderr = (stderr + chunk.toString("utf8")).slice(-stderrLimit)
      }
      const onError = (error: Error) => finish({ result: Either.left({ reason: "SpawnFailed", detail: error.message }) })
      const onClose = (code: number | null, signal: NodeJS.Signals | null) =>
        finish({
          result: Either.left(
            code === 0
              ? { reason: "MalformedResponse", detail: "the executor exited without a response" }
              : { reason: "Crashed", detail: signal === null ? `exit code ${code}` : `killed by ${signal}` }
          )
        })
      child.stdout?.on("data", onStdout)
      child.stderr?.on("data", onStderr)
      child.on("error", onError)
      child.on("close", onClose)
      child.stdin?.on("error", () => undefined)
      child.stdin?.write(encodeRequest(requestId, "execute_phase", params))
      child.stdin?.end()
      return Effect.sync(() => {
        child.stdout?.off("data", onStdout)
        child.stderr?.off("data", onStderr)
        child.off("error", onError)
        child.off("close", onClose)
      })
    })

  return Effect.scoped(
    Effect.gen(function*() {
      const child = yield* Effect.acquireRelease(spawnChild, (child) => Effect.sync(() => killIfRunning(child)))
      const outcome = yield* exchange(child).pipe(
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () => fail({ reason: "Timeout", detail: `no response within ${Duration.format(timeout)}` })
        })
      )
      return yield* Either.match(outcome.result, {
        onLeft: (fields) => Effect.fail(fail(fields)),
        onRight: (result) => Effect.succeed(result)
      })
    })
  ).pipe(Effect.withSpan("PhaseExecutor.execute", { attributes: { phase: params.phase, command: executor.command } }))
}
