import { describe, expect, it } from "@effect/vitest"
import { fileURLToPath } from "node:url"
import { Effect, Either, Schedule } from "effect"
import { execute, type ExecutePhaseParams, type ExternalExecutor } from "./PhaseExecutor.js"

const fixture = fileURLToPath(new URL("./testing/executor.mjs", import.meta.url))
const executor = (mode: string, extra: Partial<ExternalExecutor> = {}): ExternalExecutor => ({
  command: process.execPath,
  args: [fixture, mode],
  timeout: "10 seconds",
  ...extra
})
const params: ExecutePhaseParams = {
  phase: "optimize",
  config: { aws_region: "eu-west-1", profile: "sandbox", dry_run: true },
  context: { world_state: { resources: [{ id: "i-1" }, { id: "i-2" }] }, previous_output: { plan: "p-1" } }
}

describe("PhaseExecutor.execute", () => {
  it.effect("sends execute_phase with SPEC's params and returns the result", () =>
    Effect.gen(function*() {
      const result = yield* execute(executor("ok"), params)
      expect(result).toEqual({
        phase: "optimize",
        region: "eu-west-1",
        dryRun: true,
        profile: "sandbox",
        worldResources: 2,
        previous: { plan: "p-1" }
      })
    }))

  it.effect("ignores responses for other ids", () =>
    Effect.gen(function*() {
      const result = yield* execute(executor("wrong-id"), params)
      expect(result).toMatchObject({ phase: "optimize", worldResources: 2 })
    }))

  it.effect.each([
    ["aws", "AwsError", -32000],
    ["auth", "AuthError", -32001],
    ["rate", "RateLimited", -32002],
    ["timeout", "Timeout", -32003],
    ["unknown-code", "RpcError", -32099]
  ] as const)("maps error %s to %s", ([mode, reason, code]) =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(execute(executor(mode), params))
      expect(error._tag).toBe("PhaseExecutorError")
      expect(error.reason).toBe(reason)
      expect(error.code).toBe(code)
      expect(error.phase).toBe("optimize")
      expect(error.detail).toBe(`${mode} failure in optimize`)
      expect(error.data).toEqual({ mode })
    }))

  it.effect.each([["malformed"], ["not-rpc"], ["silent-exit"]] as const)("a %s answer is a MalformedResponse", ([mode]) =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(execute(executor(mode), params))
      expect(error.reason).toBe("MalformedResponse")
    }))

  it.effect("a crash is Crashed with the exit code and the captured stderr", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(execute(executor("crash"), params))
      expect(error.reason).toBe("Crashed")
      expect(error.detail).toBe("exit code 3")
      expect(error.stderr).toContain("boom while reading the world")
      expect(error.message).toContain("boom while reading the world")
    }))

  it.effect("a response without result or error is a MalformedResponse", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(execute(executor("no-result"), params))
      expect(error.reason).toBe("MalformedResponse")
      expect(error.detail).toContain("neither result nor error")
    }))

  it.effect("a program that cannot start is SpawnFailed", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(execute({ command: "/nonexistent/miyabi-executor" }, params))
      expect(error.reason).toBe("SpawnFailed")
    }))

  // The timeout leaves a loaded machine time to start node and the executor (it prints its pid first).
  it.live("no answer within the timeout is Timeout and the child is killed", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(execute(executor("hang", { timeout: "2 seconds" }), params))
      expect(error.reason).toBe("Timeout")
      expect(error.code).toBeUndefined()
      const pid = Number(/pid=(\d+)/.exec(error.stderr)?.[1])
      expect(Number.isInteger(pid)).toBe(true)
      // The kill is sent on release; wait (bounded) for the process to be gone.
      const gone = yield* Effect.try(() => process.kill(pid, 0)).pipe(
        Effect.flip,
        Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.intersect(Schedule.recurs(100)))),
        Effect.either
      )
      expect(Either.isRight(gone)).toBe(true)
    }))
})
