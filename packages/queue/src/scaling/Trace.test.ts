import { describe, expect, it } from "@effect/vitest"
import { InvalidInput } from "@miyabi/types"
import { Effect, Either } from "effect"
import { mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { loadTrace, parseTrace } from "./Trace.js"

const left = <A>(result: Either.Either<A, InvalidInput>): InvalidInput => {
  if (Either.isRight(result)) throw new Error("expected a parse error")
  return result.left
}

describe("Trace", () => {
  it("parses CSV with a header, comments, ISO times and optional columns, relative to the first arrival", () => {
    const text = [
      "at,serviceSeconds,priority",
      "# a comment",
      "2026-11-27T10:00:30Z,600,high",
      "2026-11-27T10:00:00Z",
      "",
      "2026-11-27T10:15:00.500Z,,standard"
    ].join("\n")
    expect(parseTrace(text, "trace.csv")).toEqual(
      Either.right([{ at: 0 }, { at: 30, serviceSeconds: 600, priority: "high" }, { at: 900.5, priority: "standard" }])
    )
  })

  it("parses JSON lines with numeric or ISO times", () => {
    const text = ['{"at": 10, "serviceSeconds": 900}', '{"at": 70, "priority": "high"}'].join("\n")
    expect(parseTrace(text, "trace.jsonl")).toEqual(Either.right([{ at: 0, serviceSeconds: 900 }, { at: 60, priority: "high" }]))
  })

  it("names the file, line and field of a bad CSV line", () => {
    const error = left(parseTrace("at\n0\n12,fast\n", "trace.csv"))
    expect(error).toBeInstanceOf(InvalidInput)
    expect(error.message).toBe('trace.csv, line 3, field serviceSeconds: "fast" is not a positive number of seconds')
    expect(left(parseTrace("yesterday\n", "t.csv")).message).toBe('t.csv, line 1, field at: "yesterday" is neither an ISO-8601 time nor seconds')
    expect(left(parseTrace("1,2,urgent\n", "t.csv")).path).toBe("priority")
  })

  it("names the file, line and field of a bad JSON line", () => {
    expect(left(parseTrace('{"at": 1}\n{"at": 2\n', "t.jsonl")).message).toBe("t.jsonl, line 2: not valid JSON")
    const error = left(parseTrace('{"at": 1}\n\n{"at": 2, "priority": "urgent"}\n', "t.jsonl"))
    expect(error.line).toBe(3)
    expect(error.path).toBe("priority")
    expect(left(parseTrace("# nothing\n", "empty.csv")).reason).toBe("the trace has no arrivals")
  })

  it.effect("loads a trace file, and reports a missing one by name", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-trace-")))
      const path = join(dir, "trace.csv")
      yield* Effect.promise(() => writeFile(path, "0\n9\n18\n"))
      const arrivals = yield* loadTrace(path)
      expect(arrivals.map((a) => a.at)).toEqual([0, 9, 18])
      const missing = yield* Effect.flip(loadTrace(join(dir, "nope.csv")))
      expect(missing.source).toBe(join(dir, "nope.csv"))
      expect(missing.reason).toMatch(/cannot read the trace/)
    })
  )
})
