/**
 * Runs the demo's steps in order and prints what happened: one JSON document
 * with `--json`, else a titled section per step.
 */
import type { QueueError, TaskQueue } from "@miyabi/queue"
import type { InvalidInput } from "@miyabi/types"
import { Effect } from "effect"
import { Output } from "../Output.js"
import type { DemoStep } from "./DemoStep.js"
import { costStep } from "./CostStep.js"
import { queueStep } from "./QueueStep.js"
import { scaleStep } from "./ScaleStep.js"
import { accountsStep } from "./AccountsStep.js"
import { agentStep } from "./AgentStep.js"

/** The demo's story, in order. A new capability appends its step here. */
export const demoSteps: ReadonlyArray<DemoStep> = [queueStep, accountsStep, scaleStep, costStep, agentStep]

export const runDemo = (
  steps: ReadonlyArray<DemoStep>,
  context: { readonly store: string; readonly temporary: boolean }
): Effect.Effect<void, InvalidInput | QueueError, TaskQueue | Output> =>
  Effect.gen(function* () {
    const output = yield* Output
    if (!output.json) yield* output.print(`miyabi demo on ${context.temporary ? "a fresh temporary store" : "store"} ${context.store}\n`)
    const reports: Record<string, unknown> = {}
    for (const [index, step] of steps.entries()) {
      yield* output.progress(`[${index + 1}/${steps.length}] ${step.title}...`)
      const report = yield* Effect.scoped(step.run({ store: context.store }))
      yield* output.progress("")
      reports[step.name] = report.summary
      if (!output.json) yield* output.print(`== ${index + 1}. ${step.title}\n${report.text}\n`)
    }
    if (output.json) yield* output.printJson({ store: context.store, temporary: context.temporary, steps: reports })
  })
