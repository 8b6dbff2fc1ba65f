/**
 * `miyabi deploy`'s progress: the deployer's events as one line each on
 * stderr, on a terminal only, never in a pipe nor with --json.
 */
import { it } from "@effect/vitest"
import type { Deployment } from "@miyabi/aws-agent"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, vi } from "vitest"
import { Output } from "../../Output.js"
import { deployProgressLine, reportDeployProgress } from "./DeployHandler.js"

let stderr: Array<string> = []
const tty = Object.getOwnPropertyDescriptor(process.stderr, "isTTY")
beforeEach(() => {
  stderr = []
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (stderr.push(String(chunk)), true))
})
afterEach(() => {
  vi.restoreAllMocks()
  if (tty === undefined) delete (process.stderr as { isTTY?: boolean }).isTTY
  else Object.defineProperty(process.stderr, "isTTY", tty)
})
const setTty = (value: boolean) => Object.defineProperty(process.stderr, "isTTY", { value, configurable: true, writable: true })

const events: ReadonlyArray<Deployment.DeployProgressEvent> = [
  { _tag: "Reading", total: 12 },
  { _tag: "Change", step: "waiting", index: 3, total: 12, changeId: "change-3", action: "SetLambdaMemory", resource: "fn-x" },
  { _tag: "Change", step: "rolling-back", index: 1, total: 2, changeId: "change-1", action: "ModifyVolume", resource: "vol-1" }
]

const report = (json: boolean) => Effect.flatMap(Output, (output) => Effect.forEach(events, reportDeployProgress(output))).pipe(Effect.provide(Output.layer({ json })))

describe("deploy progress", () => {
  it("says which change of how many, its action and resource, and the step", () => {
    expect(events.map(deployProgressLine)).toEqual([
      "deploy: reading the resources of 12 changes (preconditions)",
      "deploy 3/12 SetLambdaMemory fn-x: waiting until the live resource shows it",
      "deploy 1/2 ModifyVolume vol-1: rolling back"
    ])
  })

  it.effect.each([
    ["on a terminal: each line on stderr", true, false, events.map((e) => `\r\x1b[2K${deployProgressLine(e)}`)],
    ["in a pipe: nothing", false, false, []],
    ["with --json on a terminal: nothing", true, true, []]
  ] as const)("%s", ([, terminal, json, expected]) =>
    Effect.gen(function* () {
      setTty(terminal)
      yield* report(json)
      expect(stderr).toEqual(expected)
    })
  )
})
