/**
 * What `miyabi deploy` does; loaded on first use (see CycleCommand.ts).
 * θ4 over an execution plan file: a dry run by default (what would change),
 * with --approve the changes applied and the deployment record printed.
 */
import type * as Command from "@effect/cli/Command"
import { Deployment, Optimize } from "@miyabi/aws-agent"
import { type ChangeExecution, ExecutionPlan, type DeploymentRecord, DeploymentRecord as DeploymentRecordSchema } from "@miyabi/types"
import { Effect, Layer, Option, Schema } from "effect"
import { withOutput } from "../../CommandContext.js"
import { resolveGlobals } from "../../Global.js"
import { Output, type OutputShape } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import { withCommandLogs } from "../discover/CommandLogs.js"
import { awsRuntime } from "../discover/DiscoverHandlers.js"
import { usd } from "../discover/WorldSummary.js"
import { decodeJsonFile } from "../world/WorldFiles.js"
import type { deployOptions } from "./CycleCommand.js"
import { deploymentStoreLayer } from "./CycleStoreLayer.js"
import { DeployFailed } from "./DeployFailed.js"

type DeployFlags = Command.Command.ParseConfig<typeof deployOptions>

/** The resource's state as the deployer read it before the change, or "not read" (a skipped change it had no reader for, or whose resource was gone). */
export const beforeState = (e: ChangeExecution): string => e.before?.state ?? "not read"

/** A deployment record for people: one row per change with its status and the state it was read in. */
export const renderRecord = (record: DeploymentRecord, plan: ExecutionPlan, options: { readonly colour?: boolean } = {}): string => {
  const byId = new Map(plan.changes.map((c) => [c.id as string, c]))
  const counts = new Map<string, number>()
  for (const e of record.executions) counts.set(e.status, (counts.get(e.status) ?? 0) + 1)
  return [
    renderFields([
      ["deployment", record.id],
      ["mode", record.mode === "dry-run" ? "dry run (nothing changed; --approve to apply)" : `apply, approved by ${record.approvedBy ?? "?"}`],
      ["status", record.status],
      ["changes", [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(", ") || "none"]
    ]),
    "",
    record.executions.length === 0
      ? "no changes"
      : renderTable(
          ["status", "rule", "resource", "before", "savings/month", "change", "reason"],
          record.executions.map((e) => {
            const c = byId.get(e.changeId)
            return [e.status, c?.rule, e.resource.id, beforeState(e), c === undefined ? undefined : usd(c.expectedMonthlySavings), c?.summary ?? e.action._tag, e.reason]
          }),
          options.colour === true ? { colour: true } : {}
        )
  ].join("\n")
}

const STEP_TEXT: Readonly<Record<Deployment.DeployStep, string>> = {
  applying: "applying",
  waiting: "waiting until the live resource shows it",
  applied: "applied",
  failed: "failed",
  "rolling-back": "rolling back",
  "rolled-back": "rolled back",
  "rollback-failed": "rollback failed"
}

/** One progress line per deployer step, e.g. `deploy 3/12 SetLambdaMemory fn-x: waiting until the live resource shows it`. */
export const deployProgressLine = (e: Deployment.DeployProgressEvent): string =>
  e._tag === "Reading" ? `deploy: reading the resources of ${e.total} changes (preconditions)` : `deploy ${e.index}/${e.total} ${e.action} ${e.resource}: ${STEP_TEXT[e.step]}`

/** The deployer's progress on the output's progress line (a terminal only, never with --json). */
export const reportDeployProgress = (output: OutputShape): Deployment.OnDeployProgress => (e) => output.progress(deployProgressLine(e))

export const deploy = (flags: DeployFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const plan = Optimize.topChanges(yield* decodeJsonFile(ExecutionPlan, flags.plan), Option.getOrUndefined(flags.top))
      const record = yield* Deployment.deploy(plan, {
        approve: flags.approve,
        ...(Option.isSome(flags.maxChanges) ? { maxChanges: flags.maxChanges.value } : {}),
        onProgress: reportDeployProgress(output)
      }).pipe(
        withCommandLogs(output.json),
        Effect.mapError((error) => new DeployFailed({ reason: error.reason === "BlastRadiusExceeded" || error.reason === "ApprovalMismatch" || error.reason === "StalePlan" ? "Refused" : "Failed", detail: error.message })),
        Effect.provide(Layer.merge(Deployment.LiveResources.layer.pipe(Layer.provide(awsRuntime)), deploymentStoreLayer((yield* resolveGlobals(flags)).store, flags.records))),
        Effect.ensuring(output.progress(""))
      )
      if (output.json) return yield* output.printJson(Schema.encodeSync(DeploymentRecordSchema)(record))
      yield* output.print(renderRecord(record, plan, { colour: output.colour }))
      if (record.status === "failed" || record.status === "rolled-back") return yield* new DeployFailed({ reason: "Failed", detail: `deployment ${record.id} ${record.status} (the record above says which change and why)` })
    })
  )
