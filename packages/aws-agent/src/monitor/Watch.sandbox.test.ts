/**
 * θ5 on the sandbox: an over-provisioned instance is right-sized by θ4, then
 * watched for an hour of the sandbox's clock. Healthy: the CPU doubles as the
 * resize predicts, the alarms exist with the platform's tags, nothing is
 * rolled back. With the sandbox's load surge knob the downsized instance runs
 * above 80 %: the verdict is regressed, the change is rolled back (the
 * instance has its old type again) and the deployment record says why.
 */
import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudwatch"
import { describe, expect, it } from "@effect/vitest"
import { Sandbox, type SandboxEstate, sandboxEstate, useSandboxEnv, withLoadSurge } from "@miyabi/sandbox"
import { DeploymentId, MicroUsd } from "@miyabi/types"
import { Duration, Effect, Layer, Option, Schedule } from "effect"
import * as CloudWatchAlarms from "../adapters/CloudWatchAlarms.js"
import * as CloudWatchMetrics from "../adapters/CloudWatchMetrics.js"
import { deploy } from "../deploy/Deployer.js"
import { change, plan, ref, runtime, VALIDATION } from "../deploy/Deployer.testkit.js"
import * as DeploymentStore from "../deploy/DeploymentStore.js"
import * as LiveResources from "../deploy/LiveResources.js"
import { watch } from "./Watch.js"

const stack = Layer.mergeAll(LiveResources.layerWith({ s3ForcePathStyle: true }), DeploymentStore.layerMemory, CloudWatchMetrics.layer, CloudWatchAlarms.layer).pipe(
  Layer.provideMerge(runtime)
)
const INSTANCE = "i-3aadfc5ca15d01efe"

/** The seeded r6i.2xlarge at 4-12 % CPU, resized to r6i.xlarge and deployed (with a Lambda memory change when asked); the sandbox's clock ticks while θ4 waits. */
const deployed = (estate: SandboxEstate, withMemory = false) =>
  Effect.gen(function* () {
    const sandbox = yield* Sandbox.start({ estate, dynamodb: false })
    yield* useSandboxEnv(sandbox, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" })
    yield* Effect.forkScoped(Effect.repeat(Effect.sync(() => sandbox.clock.advance(1_000)), Schedule.spaced("5 millis")))
    const instance = estate.data.instances.find((i) => i.id === INSTANCE)
    if (instance === undefined || instance.instanceType !== "r6i.2xlarge" || instance.profile !== "overProvisioned") throw new Error("the tiny estate changed: no over-provisioned r6i.2xlarge")
    const resize = change(1, ref("ec2-instance", instance.accountId, instance.region, instance.id), { _tag: "ResizeInstance", fromType: "r6i.2xlarge", toType: "r6i.xlarge" }, undefined, 100_000_000)
    const fn = estate.data.functions[0]
    if (fn === undefined) throw new Error("the tiny estate has no function")
    const memory = change(2, ref("lambda-function", fn.accountId, fn.region, fn.name), { _tag: "SetLambdaMemory", fromMiB: fn.memorySize, toMiB: fn.memorySize === 512 ? 256 : 512 })
    const p = plan(withMemory ? [resize, memory] : [resize])
    const record = yield* deploy(p, { approve: true, validation: VALIDATION, id: DeploymentId.make("d-watch") })
    expect(record.executions.every((e) => e.status === "applied")).toBe(true)
    const options = {
      window: Duration.hours(1),
      now: () => sandbox.clock.now(),
      waitUntil: (end: Date) => Effect.sync(() => sandbox.clock.advance(Math.max(0, end.getTime() - sandbox.clock.now().getTime()))),
      validation: VALIDATION,
      tags: { CostCenter: "platform" }
    }
    return { sandbox, instance, fn, resize, memory, plan: p, record, options }
  })

describe("watch on the sandbox", () => {
  it.scopedLive("a healthy downsizing: CPU doubles as predicted, alarms exist with the platform's tags, nothing is rolled back", () =>
    Effect.gen(function* () {
      const estate = sandboxEstate({ seed: 7, size: "tiny", asOf: Date.UTC(2026, 10, 20) })
      const { sandbox, instance, resize, plan: p, record, options } = yield* deployed(estate)
      // Another cycle published a higher cost of the instance in the alarm's hour: it must not fire the new cost alarm.
      const alarmsApi = yield* CloudWatchAlarms.CloudWatchAlarms
      const observation = yield* watch({ plan: p, record }, {
        ...options,
        waitUntil: (end: Date) => Effect.zipRight(options.waitUntil(end), Effect.orDie(alarmsApi.publishCost(resize.resource, resize.resource, MicroUsd.make(900_000_000), end)))
      })
      expect(observation.verdict).toBe("healthy")
      expect(observation.rolledBack).toEqual([])
      expect(observation.windowEnd.getTime() - observation.windowStart.getTime()).toBe(3_600_000)
      const [cpu, cost] = observation.comparisons
      expect(cpu).toMatchObject({ changeId: resize.id, namespace: "AWS/EC2", metric: "CPUUtilization", regressed: false, threshold: 80 })
      // Same work on half the vCPUs: more CPU than before, far from the ceiling.
      expect(cpu?.observed).toBeGreaterThan(cpu?.baseline ?? 0)
      expect(cpu?.observed).toBeLessThan(80)
      expect(cost).toMatchObject({ namespace: "Miyabi/Cost", metric: "EstimatedMonthlyCost", regressed: false })
      expect(cost?.observed).toBeLessThan(cost?.baseline ?? 0)
      expect(observation.observedMonthlyCost).toBeLessThan(observation.baselineMonthlyCost ?? MicroUsd.make(0))
      expect(observation.alarms.map((a) => [a.name, a.state, a.changeId])).toEqual([
        ["miyabi/cycle-7/change-1/cpu", "OK", resize.id],
        ["miyabi/cycle-7/change-1/cost", "OK", resize.id]
      ])
      const client = new CloudWatchClient({ endpoint: sandbox.endpoint, region: instance.region, credentials: sandbox.credentialsFor(instance.accountId) })
      const tags = yield* Effect.promise(() => client.send(new ListTagsForResourceCommand({ ResourceARN: `arn:aws:cloudwatch:${instance.region}:${instance.accountId}:alarm:miyabi/cycle-7/change-1/cpu` })))
      expect(tags.Tags).toEqual(expect.arrayContaining([{ Key: "CostCenter", Value: "platform" }, { Key: "miyabi:managed-by", Value: "miyabi-agent" }, { Key: "miyabi:change", Value: resize.id }]))
      expect(instance.instanceType).toBe("r6i.xlarge")
      const stored = yield* (yield* DeploymentStore.DeploymentStore).load(record.id)
      expect(Option.map(stored, (s) => s.record.executions.map((e) => e.status))).toEqual(Option.some(["applied"]))
    }).pipe(Effect.provide(stack)))

  it.scopedLive("a downsizing made to regress (the sandbox's load surge): verdict regressed, the change rolled back, the instance back to its type, the record says why", () =>
    Effect.gen(function* () {
      const estate = withLoadSurge(sandboxEstate({ seed: 7, size: "tiny", asOf: Date.UTC(2026, 10, 20) }))
      const { sandbox, instance, resize, plan: p, record, options } = yield* deployed(estate)
      const observation = yield* watch({ plan: p, record }, options)
      expect(observation.verdict).toBe("regressed")
      expect(observation.rolledBack).toEqual([resize.id])
      expect(observation.comparisons[0]).toMatchObject({ metric: "CPUUtilization", regressed: true })
      expect(observation.comparisons[0]?.observed).toBeGreaterThan(80)
      expect(observation.alarms.find((a) => a.name.endsWith("/cpu"))?.state).toBe("ALARM")
      expect([instance.instanceType, instance.state]).toEqual(["r6i.2xlarge", "running"])
      const stored = Option.getOrThrow(yield* (yield* DeploymentStore.DeploymentStore).load(record.id))
      const [execution] = stored.record.executions
      expect(execution?.status).toBe("rolled-back")
      expect(execution?.reason).toContain("θ5 cycle-7 regression")
      expect(execution?.reason).toContain("CPUUtilization above 80")
      expect(stored.record.status).toBe("rolled-back")
      // The rolled-back change's alarms are gone with it.
      const client = new CloudWatchClient({ endpoint: sandbox.endpoint, region: instance.region, credentials: sandbox.credentialsFor(instance.accountId) })
      const left = yield* Effect.promise(() => client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: "miyabi/" })))
      expect(left.MetricAlarms).toEqual([])
      expect(sandbox.log.changes().filter((c) => c.operation === "DeleteAlarms").length).toBe(1)
    }).pipe(Effect.provide(stack)))

  it.scopedLive("only the regressed change is rolled back: a Lambda memory change deployed with it stays applied, with no CPU or cost to judge", () =>
    Effect.gen(function* () {
      const estate = withLoadSurge(sandboxEstate({ seed: 7, size: "tiny", asOf: Date.UTC(2026, 10, 20) }))
      const { instance, fn, resize, memory, plan: p, record, options } = yield* deployed(estate, true)
      const memoryAfter = fn.memorySize
      const observation = yield* watch({ plan: p, record }, options)
      expect(observation.verdict).toBe("regressed")
      expect(observation.rolledBack).toEqual([resize.id])
      expect(new Set(observation.comparisons.map((c) => c.changeId))).toEqual(new Set([resize.id]))
      expect(instance.instanceType).toBe("r6i.2xlarge")
      expect(fn.memorySize).toBe(memoryAfter)
      const stored = Option.getOrThrow(yield* (yield* DeploymentStore.DeploymentStore).load(record.id))
      expect(stored.record.executions.map((e) => [e.changeId, e.status])).toEqual([[resize.id, "rolled-back"], [memory.id, "applied"]])
      expect(stored.record.status).toBe("succeeded")
    }).pipe(Effect.provide(stack)))
})
