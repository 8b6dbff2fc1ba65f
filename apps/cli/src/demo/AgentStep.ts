/**
 * The demo's agent-cycle step: an in-process sandbox with a tiny seeded
 * estate, θ1 discovery of it (World0: resources, cost, security score,
 * utilization, coverage), θ3 optimization and θ2 planning (the savings and
 * the score the plan targets), θ4 deployment of the plan's top changes with
 * approval, and a second discovery (World1) printed against World0 (cost,
 * score, utilization). The SDK clients reach the sandbox through the AWS_*
 * environment variables, set for the step and restored after it.
 */
import { Deployment, Discovery, Optimize, Planning, PricingCatalog, WorldDiff } from "@miyabi/aws-agent"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { CycleId, InvalidInput } from "@miyabi/types"
import { Duration, Effect, Fiber, Layer, Schedule } from "effect"
import { withCommandLogs } from "../commands/discover/CommandLogs.js"
import { headline, usd } from "../commands/discover/WorldSummary.js"
import { renderChanges } from "../commands/cycle/CycleHandlers.js"
import { Output } from "../Output.js"
import { renderFields } from "../render/Table.js"
import type { DemoStep, StepReport } from "./DemoStep.js"

/** The services the sandbox serves. */
const SERVICES = ["ec2", "s3", "rds", "lambda", "ecs"] as const

const runtime = AwsRuntime.layer({ region: "us-east-1", sessionUser: "demo", sessionPurpose: "agent", retryBaseDelay: Duration.millis(5), retryMaxDelay: Duration.millis(50) })

/** Changes the demo applies: the plan's first few, kept small so the step stays within seconds. */
export const DEMO_DEPLOY_TOP = 5

const failed = (error: { readonly message: string }) => new InvalidInput({ source: "demo agent step", reason: error.message })

export const agentStep: DemoStep = {
  name: "agent",
  title: "The agent cycle on a sandbox estate: discover, optimize, plan, deploy (World0 -> World1)",
  run: () =>
    Effect.gen(function* () {
      const output = yield* Output
      const started = Date.now()
      const estate = sandboxEstate({ seed: 7, size: "tiny" })
      const sandbox = yield* Sandbox.start({ estate, dynamodb: false }).pipe(Effect.mapError(failed))
      yield* useSandboxEnv(sandbox)
      // Built after the environment points at the sandbox, so the SDK clients pick it up.
      const aws = Discovery.adaptersLayer.pipe(Layer.provideMerge(runtime))
      const discover = Discovery.run({
        regions: estate.data.regions,
        services: SERVICES,
        utilization: { end: new Date(estate.data.asOf) }
      }).pipe(withCommandLogs(true), Effect.provide(aws), Effect.mapError(failed))
      const t0 = Date.now()
      const { world, utilizationStats } = yield* discover
      const t1 = Date.now()
      const p = Planning.plan(world, PricingCatalog.shipped, { cycleId: CycleId.make("demo-1"), utilizationStats })
      const o = p.optimization
      const deployed = Optimize.topChanges(o.plan, DEMO_DEPLOY_TOP)
      // Sandbox time runs 50x faster while deploying: an instance stop or start (5 s in the sandbox) settles in about 100 ms.
      const fastClock = yield* Effect.fork(Effect.repeat(Effect.sync(() => sandbox.clock.advance(1_000)), Schedule.spaced("20 millis")))
      const record = yield* Deployment.deploy(deployed, { approve: true, validation: { spacing: Duration.millis(20), timeout: Duration.seconds(10) } }).pipe(
        withCommandLogs(true),
        Effect.provide(Layer.merge(Deployment.LiveResources.layer, Deployment.DeploymentStore.layerMemory).pipe(Layer.provide(runtime))),
        Effect.mapError(failed)
      )
      yield* Fiber.interrupt(fastClock)
      const t2 = Date.now()
      const after = yield* discover
      const t3 = Date.now()
      const world1 = after.world
      const d = WorldDiff.diff(world, world1)
      const world0 = headline(world)
      const applied = record.executions.filter((e) => e.status === "applied").length
      const top = { ...o, plan: deployed }
      const report: StepReport = {
        summary: {
          sandbox: { endpoint: sandbox.endpoint, seed: 7, size: "tiny" },
          world0,
          optimization: {
            changes: o.plan.changes.length,
            advice: o.advice.length,
            expectedMonthlySavingsUsd: (o.plan.expectedMonthlySavings / 1e6).toFixed(2)
          },
          plan: {
            costTargetUsd: (p.cost.target / 1e6).toFixed(2),
            securityScoreTarget: p.security.target,
            iacFiles: p.plan.iac.length
          },
          deployment: { id: record.id, status: record.status, changes: deployed.changes.length, applied, changesLogged: sandbox.log.changes().length },
          world1: headline(world1),
          delta: {
            monthlyCostUsd: (d.monthlyCostDelta / 1e6).toFixed(2),
            securityScore: d.securityScoreDelta,
            averageUtilization: d.averageUtilizationDelta,
            changedResources: d.changed.length,
            removedResources: d.removed.length
          },
          timingsMs: { sandbox: t0 - started, discover0: t1 - t0, planAndDeploy: t2 - t1, discover1: t3 - t2 },
          elapsedMs: Date.now() - started
        },
        text: [
          renderFields([
            ["World0", `${world0.resources} resources in ${world.accounts.length} accounts x ${world.regions.length} regions (${world.coverage.length} units, ${world0.coverageProblems} coverage problems)`],
            ["findings", world.findings.length],
            ["optimize", `${o.plan.changes.length} changes, ${usd(o.plan.expectedMonthlySavings)}/month expected savings; ${o.advice.length} advice`],
            ["plan", `cost ${usd(p.cost.current)} -> ${usd(p.cost.target)}, score ${p.security.current.toFixed(1)} -> ${p.security.target.toFixed(1)}, ${p.plan.iac.length} IaC files`],
            ["deploy", `top ${deployed.changes.length} changes approved: ${applied} applied, status ${record.status}`]
          ]),
          "",
          renderChanges(top, { colour: output.colour }),
          "",
          renderFields([
            ["World0 -> World1", `${world.resources.length} -> ${world1.resources.length} resources (${d.changed.length} changed, ${d.removed.length} removed)`],
            ["monthly cost", `${usd(world.monthlyCost)} -> ${usd(world1.monthlyCost)} (${usd(d.monthlyCostDelta)})`],
            ["security score", `${world.securityScore} -> ${world1.securityScore}`],
            ["avg utilization", `${world.averageUtilization} % -> ${world1.averageUtilization} % CPU`]
          ]),
          "",
          "more: miyabi discover --out world.json; miyabi optimize --world world.json --out plan.json; miyabi deploy --plan plan.json [--approve]"
        ].join("\n")
      }
      return report
    })
}
