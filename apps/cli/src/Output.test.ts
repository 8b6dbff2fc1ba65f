import { it } from "@effect/vitest"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, vi } from "vitest"
import { Output } from "./Output.js"

let stdout: Array<string> = []
let stderr: Array<string> = []
const tty = Object.getOwnPropertyDescriptor(process.stderr, "isTTY")

beforeEach(() => {
  stdout = []
  stderr = []
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (stdout.push(String(chunk)), true))
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (stderr.push(String(chunk)), true))
})
afterEach(() => {
  vi.restoreAllMocks()
  if (tty === undefined) delete (process.stderr as { isTTY?: boolean }).isTTY
  else Object.defineProperty(process.stderr, "isTTY", tty)
})

const setTty = (value: boolean) => Object.defineProperty(process.stderr, "isTTY", { value, configurable: true, writable: true })

const run = (json: boolean) =>
  Effect.gen(function* () {
    const output = yield* Output
    yield* output.progress("step 1/2...")
    yield* json ? output.printJson({ done: true }) : output.print("done")
  }).pipe(Effect.provide(Output.layer({ json })))

describe("Output", () => {
  it.effect.each([
    ["on a terminal: progress on stderr, the result on stdout", true, false, ["\r\x1b[2Kstep 1/2..."], "done\n"],
    ["in a pipe or a CI log: no progress", false, false, [], "done\n"],
    ["with --json, even on a terminal: one JSON document and no progress", true, true, [], '{\n  "done": true\n}\n']
  ] as const)("%s", ([, terminal, json, progress, result]) =>
    Effect.gen(function* () {
      setTty(terminal)
      yield* run(json)
      expect(stderr).toEqual(progress)
      expect(stdout.join("")).toBe(result)
    })
  )
})
