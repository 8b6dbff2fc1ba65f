/**
 * `miyabi deploy`'s progress: the deployer's events as one line each on
 * stderr, on a terminal only, never in a pipe nor with --json.
 */
import { describe, expect, it } from "@effect/vitest"
import type { Deployment } from "@miyabi/aws-agent"
import { Effect } from "effect"
import { onTerminal, progressCases } from "../../Output.testkit.js"
import { deployProgressLine, reportDeployProgress } from "./DeployHandler.js"

const events: ReadonlyArray<Deployment.DeployProgressEvent> = [
  { _tag: "Reading", total: 12 },
  { _tag: "Change", step: "waiting", index: 3, total: 12, changeId: "change-3", action: "SetLambdaMemory", resource: "fn-x" },
  { _tag: "Change", step: "rolling-back", index: 1, total: 2, changeId: "change-1", action: "ModifyVolume", resource: "vol-1" }
]
const lines = [
  "deploy: reading the resources of 12 changes (preconditions)",
  "deploy 3/12 SetLambdaMemory fn-x: waiting until the live resource shows it",
  "deploy 1/2 ModifyVolume vol-1: rolling back"
]

describe("deploy progress", () => {
  it.effect("one line per step, on stderr on a terminal only: nothing in a pipe or with --json", () =>
    Effect.gen(function* () {
      expect(events.map(deployProgressLine)).toEqual(lines)
      expect(yield* progressCases((output) => Effect.forEach(events, reportDeployProgress(output), { discard: true }))).toEqual({ terminal: onTerminal(lines), pipe: [], json: [] })
    }))
})
