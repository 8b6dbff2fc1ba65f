/**
 * The demo's agent-cycle step: an in-process sandbox with a tiny seeded
 * estate and one full, approved cycle θ1..θ6 on it (discover World0, plan
 * and optimize, deploy the plan's top changes, watch them through CloudWatch,
 * discover World1, learn), kept in the demo's store so `miyabi cycle history`
 * and `miyabi learn` show it afterwards. Prints World0 -> World1 (cost,
 * score, utilization) and writes the cycle's reports. The sandbox's clock
 * runs fast while the cycle waits (validation, the watch window), so the
 * step takes seconds. The SDK clients reach the sandbox through the AWS_*
 * environment variables, set for the step and restored after it.
 */
import { dirname, join } from "node:path"
import { Cycle, Deployment, PricingCatalog } from "@miyabi/aws-agent"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { CycleId, InvalidInput } from "@miyabi/types"
import { Duration, Effect, Layer, Option, Schedule } from "effect"
import { reportFiles, renderCycle } from "../commands/cycle/AgentCycleHandler.js"
import { cycleStoreLayer } from "../commands/cycle/CycleStoreLayer.js"
import { withCommandLogs } from "../commands/discover/CommandLogs.js"
import { usd } from "../commands/discover/WorldSummary.js"
import { renderChanges } from "../commands/cycle/CycleHandlers.js"
import { writeTextFile } from "../commands/world/WorldFiles.js"
import { Output } from "../Output.js"
import type { DemoStep, StepReport } from "./DemoStep.js"

/** The services the sandbox serves. */
const SERVICES = ["ec2", "s3", "rds", "lambda", "ecs"]

const runtime = AwsRuntime.layer({ region: "us-east-1", sessionUser: "demo", sessionPurpose: "agent", retryBaseDelay: Duration.millis(5), retryMaxDelay: Duration.millis(50) })

/** Changes the demo applies: the plan's first few, kept small so the step stays within seconds. */
export const DEMO_DEPLOY_TOP = 5

const failed = (error: { readonly message: string }) => new InvalidInput({ source: "demo agent step", reason: error.message })

export const agentStep: DemoStep = {
  name: "agent",
  title: "The agent cycle θ1..θ6 on a sandbox estate: discover, plan, deploy, monitor, learn (World0 -> World1)",
  run: (context) =>
    Effect.gen(function* () {
      const output = yield* Output
      const started = Date.now()
      const estate = sandboxEstate({ seed: 7, size: "tiny" })
      const sandbox = yield* Sandbox.start({ estate, dynamodb: false }).pipe(Effect.mapError(failed))
      yield* useSandboxEnv(sandbox)
      // Sandbox time runs 50x faster: an instance stop or start (5 s in the sandbox) settles in about 100 ms.
      yield* Effect.forkScoped(Effect.repeat(Effect.sync(() => sandbox.clock.advance(1_000)), Schedule.spaced("20 millis")))
      const env: Cycle.AgentPhases.AgentCycleEnv = {
        catalog: PricingCatalog.shipped,
        validation: { spacing: Duration.millis(20), timeout: Duration.seconds(10) },
        monitor: {
          now: () => sandbox.clock.now(),
          // The watch window passes on the sandbox's clock.
          waitUntil: (end) => Effect.sync(() => sandbox.clock.advance(Math.max(0, end.getTime() - sandbox.clock.now().getTime())))
        },
        onPhase: (phase) =>
          Effect.zipRight(
            output.progress(`agent cycle: ${phase}...`),
            Effect.sync(() => phaseStarts.push({ phase, at: Date.now() }))
          )
      }
      const phaseStarts: Array<{ readonly phase: string; readonly at: number }> = []
      const cycleId = CycleId.make(`demo-${new Date(started).toISOString().replace(/[-:.]/g, "")}`)
      const layers = Layer.mergeAll(Cycle.AgentCycleTask.awsLayer, Deployment.DeploymentStore.layerMemory).pipe(Layer.provideMerge(runtime))
      const report = yield* Effect.gen(function* () {
        yield* Cycle.AgentCycle.start(
          { cycleId, scope: { regions: [...estate.data.regions], services: SERVICES, utilizationEnd: new Date(estate.data.asOf) }, approvedBy: "demo", top: DEMO_DEPLOY_TOP, watch: Duration.minutes(30) },
          env
        )
        return yield* Cycle.AgentCycle.report(cycleId)
      }).pipe(withCommandLogs(true), Effect.provide(Layer.merge(layers, cycleStoreLayer(Option.some(context.store)))), Effect.mapError(failed))
      yield* output.progress("")
      // Reports beside a SQLite store; with an aws: store, in the working directory.
      const dir = join(context.store.startsWith("aws:") ? "miyabi-cycles" : join(dirname(context.store), "cycles"), cycleId)
      const files = reportFiles(report)
      yield* Effect.forEach(files, (f) => writeTextFile(join(dir, f.path), f.content), { discard: true })
      const w0 = report.world0.world
      const w1 = report.world1.world
      const applied = report.deployment.executions.filter((e) => e.status === "applied").length
      const result: StepReport = {
        summary: {
          sandbox: { endpoint: sandbox.endpoint, seed: 7, size: "tiny" },
          cycleId,
          world0: { resources: w0.resources.length, monthlyCostUsd: (w0.monthlyCost / 1e6).toFixed(2), securityScore: w0.securityScore, averageUtilization: w0.averageUtilization, coverageProblems: w0.coverage.filter((c) => c.status !== "ok").length },
          plan: { changes: report.plan.changesProposed, advice: report.plan.adviceCount, costTargetUsd: (report.plan.cost.target / 1e6).toFixed(2), securityScoreTarget: report.plan.security.target, iacFiles: report.plan.iac.length },
          deployment: { id: report.deployment.id, status: report.deployment.status, changes: report.plan.plan.changes.length, applied, changesLogged: sandbox.log.changes().length },
          monitor: { verdict: report.monitor.observation?.verdict ?? null, alarms: report.monitor.observation?.alarms.length ?? 0, rolledBack: report.monitor.observation?.rolledBack.length ?? 0 },
          world1: { resources: w1.resources.length, monthlyCostUsd: (w1.monthlyCost / 1e6).toFixed(2), securityScore: w1.securityScore, averageUtilization: w1.averageUtilization },
          delta: { monthlyCostUsd: (report.learn.delta.costDelta / 1e6).toFixed(2), securityScore: report.learn.delta.scoreDelta, averageUtilization: report.learn.delta.utilizationDelta },
          learning: { outcomes: report.learn.record.outcomes.length, realizedMonthlySavingsUsd: (report.learn.record.realizedMonthlySavings / 1e6).toFixed(2), rules: report.learn.record.rules.length },
          worldInfinity: report.learn.infinity.reached,
          reports: files.map((f) => join(dir, f.path)),
          phaseMs: Object.fromEntries(phaseStarts.map((p, i) => [p.phase, (phaseStarts[i + 1]?.at ?? Date.now()) - p.at])),
          elapsedMs: Date.now() - started
        },
        text: [
          renderCycle(report),
          "",
          renderChanges({ plan: report.plan.plan }, { colour: output.colour }),
          "",
          `World0 -> World1: ${usd(w0.monthlyCost)} -> ${usd(w1.monthlyCost)}/month, score ${w0.securityScore} -> ${w1.securityScore}, utilization ${w0.averageUtilization} % -> ${w1.averageUtilization} %`,
          `reports: ${dir} (cycle.md, plan.md, IaC); more: miyabi cycle history --store ${context.store}; miyabi learn --store ${context.store}`
        ].join("\n")
      }
      return result
    })
}
