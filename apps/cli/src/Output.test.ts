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
  it.effect("shows progress on a terminal, on stderr only", () =>
    Effect.gen(function* () {
      setTty(true)
      yield* run(false)
      expect(stderr).toEqual(["\r\x1b[2Kstep 1/2..."])
      expect(stdout).toEqual(["done\n"])
    })
  )

  it.effect("shows no progress when stderr is not a terminal (a pipe, a CI log)", () =>
    Effect.gen(function* () {
      setTty(false)
      yield* run(false)
      expect(stderr).toEqual([])
      expect(stdout).toEqual(["done\n"])
    })
  )

  it.effect("with --json prints one JSON document and no progress, even on a terminal", () =>
    Effect.gen(function* () {
      setTty(true)
      yield* run(true)
      expect(stderr).toEqual([])
      expect(JSON.parse(stdout.join(""))).toEqual({ done: true })
    })
  )
})
