/**
 * One part of `miyabi demo`'s story. Each capability of the platform adds a
 * step (the queue today; sandbox discovery, cost report and account vending
 * later), and the demo runs them in order on one store.
 */
import type { QueueError, TaskQueue } from "@miyabi/queue"
import type { InvalidInput } from "@miyabi/types"
import type { Effect, Scope } from "effect"
import type { Output } from "../Output.js"

/** What a step found: a JSON-able summary for `--json` and a text block for people. */
export interface StepReport {
  readonly summary: Readonly<Record<string, unknown>>
  readonly text: string
}

/** What every step may know about the run. */
export interface DemoContext {
  /** The store the demo runs on (a path or URL a user can pass to --store). */
  readonly store: string
}

export interface DemoStep {
  /** Key of the step in the JSON document, e.g. "queue". */
  readonly name: string
  /** Heading of the step in the text output. */
  readonly title: string
  readonly run: (context: DemoContext) => Effect.Effect<StepReport, InvalidInput | QueueError, TaskQueue | Output | Scope.Scope>
}
