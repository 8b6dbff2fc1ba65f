import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { jsonLineLogger } from "./WorkerLogger.js"

describe("WorkerLogger", () => {
  it.effect("writes one JSON object per entry with the annotations as top-level fields", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const capture = Logger.map(jsonLineLogger, (line) => void lines.push(line))
      yield* Effect.logWarning("attempt failed", 3).pipe(
        Effect.annotateLogs({ taskId: "T1", kind: "echo", attempt: 2, workerId: "w-1" }),
        Effect.provide(Logger.replace(Logger.defaultLogger, capture))
      )
      expect(lines).toHaveLength(1)
      const entry = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>
      expect(entry).toMatchObject({ level: "WARN", message: "attempt failed 3", taskId: "T1", kind: "echo", attempt: 2, workerId: "w-1" })
      expect(typeof entry["timestamp"]).toBe("string")
    }))
})
