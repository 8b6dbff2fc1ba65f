/**
 * θ1..θ6 end to end on the sandbox's seeded estate: a dry-run cycle changes
 * nothing, an approved cycle lowers cost and raises the score by what its
 * applied changes predicted, and the next cycle carries the learning over.
 */
import { describe, expect, it } from "@effect/vitest"
import { fileURLToPath } from "node:url"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, type SandboxEstate, sandboxEstate, useSandboxEnv, withLoadSurge } from "@miyabi/sandbox"
import { CycleId } from "@miyabi/types"
import { Duration, Effect, Fiber, Layer, Option, Schedule } from "effect"
import * as CloudWatchAlarms from "../adapters/CloudWatchAlarms.js"
import * as CloudWatchMetrics from "../adapters/CloudWatchMetrics.js"
import * as Deployment from "../deploy/index.js"
import * as Discovery from "../Discovery.js"
import { shipped } from "../pricing/PricingCatalog.js"
import * as AgentCycle from "./AgentCycle.js"
import * as AgentPhases from "./AgentPhases.js"
import type { AgentCycleEnv } from "./AgentPhases.js"
import * as CycleStore from "./CycleStore.js"

const EXECUTOR = fileURLToPath(new URL("./testing/executor.mjs", import.meta.url))
const estate = () => sandboxEstate({ seed: 7, size: "tiny", asOf: Date.UTC(2026, 10, 20) })
const SERVICES = ["ec2", "s3", "rds", "lambda", "ecs"]

const runtime = AwsRuntime.layer({ region: "us-east-1", retryBaseDelay: Duration.millis(2), retryMaxDelay: Duration.millis(20), maxAttempts: 8 })
const stack = Layer.mergeAll(
  Discovery.adaptersLayer,
  Deployment.LiveResources.layer,
  Deployment.DeploymentStore.layerMemory,
  CloudWatchMetrics.layer,
  CloudWatchAlarms.layer,
  CycleStore.layerMemory
).pipe(Layer.provideMerge(runtime))

/** A sandbox whose virtual clock the cycle moves: validation waits and the watch window pass in milliseconds. */
const setup = (e: SandboxEstate = estate()) =>
  Effect.gen(function* () {
    const sandbox = yield* Sandbox.start({ estate: e, dynamodb: false })
    yield* useSandboxEnv(sandbox)
    // Sandbox time runs 100x faster: an instance stop or start (5 s there) settles in about 50 ms.
    yield* Effect.forkScoped(Effect.repeat(Effect.sync(() => sandbox.clock.advance(1_000)), Schedule.spaced("10 millis")))
    const env: AgentCycleEnv = {
      catalog: shipped,
      validation: { spacing: Duration.millis(5), timeout: Duration.seconds(10) },
      monitor: {
        now: () => sandbox.clock.now(),
        waitUntil: (end) => Effect.sync(() => sandbox.clock.advance(Math.max(0, end.getTime() - sandbox.clock.now().getTime())))
      }
    }
    const scope = { regions: [...e.data.regions], services: SERVICES, utilizationEnd: new Date(e.data.asOf) }
    return { sandbox, env, scope }
  })

describe("the agent cycle on the sandbox", () => {
  it.scopedLive(
    "a dry-run cycle runs θ1..θ6, stores every phase and changes nothing",
    () =>
      Effect.gen(function* () {
        const { sandbox, env, scope } = yield* setup()
        const id = CycleId.make("dry-1")
        yield* AgentCycle.start({ cycleId: id, scope, watch: Duration.minutes(30) }, env)
        const r = yield* AgentCycle.report(id)
        expect(sandbox.log.changes()).toEqual([])
        expect(r.plan.plan.changes.length).toBeGreaterThan(0)
        expect(r.deployment.mode).toBe("dry-run")
        expect(r.deployment.executions.every((e) => e.status === "would-apply" || e.status === "skipped")).toBe(true)
        expect(r.monitor.observation).toBeNull()
        expect(r.learn.record.outcomes).toEqual([])
        expect(r.learn.delta.changedResources).toBe(0)
        expect(r.world1.world.monthlyCost).toBe(r.world0.world.monthlyCost)
        expect(r.learn.infinity.reached).toBe(false)
      }).pipe(Effect.provide(stack)),
    60_000
  )

  it.scopedLive(
    "an approved cycle lowers cost by exactly what its kept changes saved and raises the score with its security fixes",
    () =>
      Effect.gen(function* () {
        const { sandbox, env, scope } = yield* setup()
        const id = CycleId.make("approved-1")
        const steps: Array<string> = []
        const onDeployProgress: AgentCycleEnv["onDeployProgress"] = (e) => Effect.sync(() => void steps.push(e._tag === "Change" ? `${e.changeId}:${e.step}` : "reading"))
        yield* AgentCycle.start({ cycleId: id, scope, approvedBy: "test", top: 8, watch: Duration.minutes(30) }, { ...env, onDeployProgress })
        const r = yield* AgentCycle.report(id)
        const applied = r.deployment.executions.filter((e) => e.status === "applied")
        expect(applied.length).toBeGreaterThan(0)
        // θ4's progress reached the cycle's caller: the reading first, then each applied change ending "applied".
        expect(steps[0]).toBe("reading")
        expect(applied.every((e) => steps.includes(`${e.changeId}:applying`) && steps.includes(`${e.changeId}:applied`))).toBe(true)
        expect(sandbox.log.changes().length).toBeGreaterThan(0)
        const realized = r.learn.record.outcomes.reduce((s, o) => s + o.realizedMonthlySavings, 0)
        expect(r.world0.world.monthlyCost - r.world1.world.monthlyCost).toBe(realized)
        expect(realized).toBeGreaterThan(0)
        const securityFixes = r.deployment.executions.filter((e) => e.status === "applied" && r.plan.plan.changes.some((c) => c.id === e.changeId && c.rule.startsWith("security.")))
        expect(securityFixes.length).toBeGreaterThan(0)
        expect(r.world1.world.securityScore).toBeGreaterThan(r.world0.world.securityScore)
        expect(r.world1.world.findings.length).toBeLessThan(r.world0.world.findings.length)
        expect(r.learn.delta.costDelta).toBe(-realized)
        console.log(
          `cycle ${id}: ${applied.length} applied, cost ${r.world0.world.monthlyCost / 1e6} -> ${r.world1.world.monthlyCost / 1e6} USD/month, ` +
            `score ${r.world0.world.securityScore} -> ${r.world1.world.securityScore}, verdict ${r.monitor.observation?.verdict ?? "none"}`
        )
        // The next cycle starts from this one's learning.
        const next = CycleId.make("approved-2")
        yield* AgentCycle.start({ cycleId: next, scope, watch: Duration.minutes(30) }, env)
        const r2 = yield* AgentCycle.report(next)
        expect(r2.input.previous?.cycleId).toBe(id)
        expect(r2.input.ruleStats.map((s) => s.rule)).toEqual(r.learn.record.rules.map((s) => s.rule))
        expect(r2.learn.carried.marks.map((m) => m.cycleId)).toEqual([id, next])
        expect(r2.learn.carried.world0.world.monthlyCost).toBe(r.world0.world.monthlyCost)
      }).pipe(Effect.provide(stack)),
    120_000
  )

  it.scopedLive(
    "a cycle killed mid-deployment resumes from the store: earlier phases are not run again, no change runs twice",
    () =>
      Effect.gen(function* () {
        const { sandbox, env, scope } = yield* setup()
        // Each EC2/S3 change takes long enough that the deployment can be caught half-way.
        sandbox.faults.set({ rules: [{ service: "ec2", operation: "ModifyInstanceAttribute", latencyMs: 150 }, { service: "ec2", operation: "StopInstances", latencyMs: 150 }] })
        const id = CycleId.make("killed-1")
        const store = yield* Deployment.DeploymentStore.DeploymentStore
        const running = yield* Effect.fork(AgentCycle.start({ cycleId: id, scope, approvedBy: "test", top: 6, watch: Duration.minutes(30) }, env))
        // Wait (bounded) until at least one change is applied, then kill the cycle.
        yield* Effect.gen(function* () {
          const stored = yield* store.load(AgentPhases.deploymentIdOf(id))
          const applied = Option.match(stored, { onNone: () => 0, onSome: (s) => s.record.executions.filter((e) => e.status === "applied").length })
          if (applied === 0) return yield* Effect.fail("not yet")
        }).pipe(Effect.retry(Schedule.spaced("10 millis").pipe(Schedule.upTo("20 seconds"))), Effect.orDie)
        yield* Fiber.interrupt(running)
        const half = Option.getOrThrow(yield* store.load(AgentPhases.deploymentIdOf(id)))
        expect(half.record.status).toBe("running")
        sandbox.faults.reset()

        const result = yield* AgentCycle.resume(id, env)
        expect(result.phases.filter((p) => p.resumed).map((p) => p.phase)).toEqual(["discover", "plan"])
        const r = yield* AgentCycle.report(id)
        expect(r.deployment.status).toBe("succeeded")
        const taken = r.deployment.executions.filter((e) => e.status !== "skipped")
        expect(taken.length).toBeGreaterThan(1)
        expect(taken.every((e) => e.status === "applied")).toBe(true)
        // A resize applied before the kill was not sent again: one ModifyInstanceAttribute per instance.
        const resizes = sandbox.log.changes().filter((c) => c.operation === "ModifyInstanceAttribute").map((c) => JSON.stringify(c.input))
        expect(new Set(resizes).size).toBe(resizes.length)
        expect(r.world1.world.monthlyCost).toBeLessThan(r.world0.world.monthlyCost)
      }).pipe(Effect.provide(stack)),
    120_000
  )

  it.scopedLive(
    "learning: a rule made to regress is rolled back in cycle 1 and advice-only by cycle 3",
    () =>
      Effect.gen(function* () {
        // Every downsized instance runs hot until it is resized back.
        const { env, scope } = yield* setup(withLoadSurge(estate()))
        const RULE = "cost.rightsize-instance"
        const cycles = ["learn-1", "learn-2", "learn-3"].map((id) => CycleId.make(id))
        const reports: Array<AgentCycle.AgentCycleReport> = []
        for (const id of cycles) {
          yield* AgentCycle.start({ cycleId: id, scope, approvedBy: "test", watch: Duration.minutes(30) }, env)
          reports.push(yield* AgentCycle.report(id))
        }
        const [first, , third] = reports
        const resizes = (r: AgentCycle.AgentCycleReport) => r.plan.plan.changes.filter((c) => c.rule === RULE)
        expect(resizes(first!).length).toBeGreaterThan(0)
        expect(first!.monitor.observation?.verdict).toBe("regressed")
        const rolledBack = new Set(first!.monitor.observation?.rolledBack ?? [])
        expect(resizes(first!).every((c) => rolledBack.has(c.id))).toBe(true)
        // The resized instances are back at their old size in World1.
        const type = (r: AgentCycle.AgentCycleReport["world0"], id: string) => {
          const d = r.world.resources.find((x) => x.id === id)?.details
          return d?._tag === "ec2-instance" ? d.instanceType : undefined
        }
        for (const c of resizes(first!)) expect(type(first!.world1, c.resource.id)).toBe(type(first!.world0, c.resource.id))
        const stats = (r: AgentCycle.AgentCycleReport) => r.learn.record.rules.find((s) => s.rule === RULE)
        expect(stats(first!)?.rolledBack).toBeGreaterThan(0)
        // By cycle 3 the rule no longer changes anything: it is advice only.
        expect(resizes(third!)).toEqual([])
        const advised = reports.flatMap((r) => r.learn.recommendations).filter((x) => x.rule === RULE && x.kind === "advice-only")
        expect(advised.length).toBeGreaterThan(0)
        console.log(
          reports
            .map((r) => `${r.cycleId}: ${resizes(r).length} resize(s), verdict ${r.monitor.observation?.verdict ?? "none"}, ${RULE} confidence ${stats(r)?.confidence.toFixed(2) ?? "-"}`)
            .join("\n")
        )
      }).pipe(Effect.provide(stack)),
    180_000
  )

  it.scopedLive(
    "a phase delegated to an external executor (JSON-RPC 2.0 stdio) gets θ1's world; an answer that is not the phase's output fails the cycle there",
    () =>
      Effect.gen(function* () {
        const { env, scope } = yield* setup()
        const executor = (mode: string) => ({ executor: { command: process.execPath, args: [EXECUTOR, mode] }, config: { aws_region: "us-east-1", dry_run: true } })
        const id = CycleId.make("external-1")
        yield* AgentCycle.start({ cycleId: id, scope, watch: Duration.minutes(30) }, { ...env, external: { monitor: executor("agent-monitor") } })
        const r = yield* AgentCycle.report(id)
        expect(r.monitor.note).toBe(`watched by the external executor: ${r.world0.world.resources.length} resources, dry run true`)
        expect(r.learn.record.outcomes).toEqual([])

        const bad = CycleId.make("external-2")
        const error = yield* Effect.flip(AgentCycle.start({ cycleId: bad, scope, watch: Duration.minutes(30) }, { ...env, external: { monitor: executor("ok") } }))
        expect(error._tag).toBe("CycleError")
        expect(error.message).toContain("phase monitor")
        const stored = yield* Effect.flatMap(CycleStore.CycleStore, (store) => store.load(bad))
        expect(stored?.phases.map((p) => p.phase)).toEqual(["discover", "plan", "deploy"])
      }).pipe(Effect.provide(stack)),
    120_000
  )

  it.scopedLive(
    "accounts under a production OU are never changed without allowProduction",
    () =>
      Effect.gen(function* () {
        const { sandbox, env, scope } = yield* setup()
        yield* AgentCycle.start({ cycleId: CycleId.make("prod-dry"), scope, watch: Duration.minutes(30) }, env)
        const dry = yield* AgentCycle.report(CycleId.make("prod-dry"))
        const account = dry.plan.plan.changes[0]!.resource.account
        const ou = sandbox.organization.accounts.get(account)!.parentId
        const underOu = new Set([...sandbox.organization.accounts.values()].filter((a) => a.parentId === ou).map((a) => a.id))
        const id = CycleId.make("prod-1")
        yield* AgentCycle.start({ cycleId: id, scope, approvedBy: "test", top: 8, productionOus: [ou], watch: Duration.minutes(30) }, env)
        const r = yield* AgentCycle.report(id)
        const inProduction = r.deployment.executions.filter((e) => underOu.has(e.resource.account))
        expect(inProduction.length).toBeGreaterThan(0)
        expect(inProduction.every((e) => e.status === "skipped" && (e.reason ?? "").includes("production"))).toBe(true)
        expect(sandbox.log.changes().filter((c) => underOu.has(c.accountId))).toEqual([])
        expect(r.deployment.executions.some((e) => e.status === "applied")).toBe(true)
      }).pipe(Effect.provide(stack)),
    120_000
  )
})
