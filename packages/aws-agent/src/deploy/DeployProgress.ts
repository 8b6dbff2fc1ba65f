/**
 * Progress of a deployment, for the CLI's one-line display: the deployer
 * reading the plan's resources (the preconditions), then each change sent,
 * waited for until the live resource shows it, and recorded applied or
 * failed; after a failure, each applied change rolled back.
 */
import type { ChangeAction } from "@miyabi/types"
import type { Effect } from "effect"

export type DeployStep = "applying" | "waiting" | "applied" | "failed" | "rolling-back" | "rolled-back" | "rollback-failed"

export type DeployProgressEvent =
  /** Reading the live resources of `total` changes before anything runs (preconditions, before-states, inverses). */
  | { readonly _tag: "Reading"; readonly total: number }
  /** One change at one step; `index` counts from 1 within the `total` changes being applied (or rolled back). */
  | {
      readonly _tag: "Change"
      readonly step: DeployStep
      readonly index: number
      readonly total: number
      readonly changeId: string
      readonly action: ChangeAction["_tag"]
      readonly resource: string
    }

export type OnDeployProgress = (event: DeployProgressEvent) => Effect.Effect<void>
