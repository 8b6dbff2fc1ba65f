/**
 * CloudWatchAlarms against the sandbox's CloudWatch (the real SDK client over
 * loopback): alarms put with the platform's tags, read back by name in
 * batches of 100 with their change, evaluated against the estate's CPU and
 * the published cost metric, and deleted in batches of 100.
 */
import { CloudWatchClient, ListTagsForResourceCommand } from "@aws-sdk/client-cloudwatch"
import { describe, expect, it } from "@effect/vitest"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { AccountId, CycleId, MicroUsd, Region } from "@miyabi/types"
import { Effect, Layer } from "effect"
import { runtime } from "../deploy/Deployer.testkit.js"
import { alarmDefinitions } from "../monitor/Alarms.js"
import { resize } from "../monitor/Monitor.testkit.js"
import * as CloudWatchAlarms from "./CloudWatchAlarms.js"

const layer = CloudWatchAlarms.layer.pipe(Layer.provideMerge(runtime))
const cycleId = CycleId.make("cycle-9")

const started = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 7, size: "tiny", asOf: Date.UTC(2026, 10, 20) })
  const sandbox = yield* Sandbox.start({ estate, dynamodb: false })
  yield* useSandboxEnv(sandbox, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" })
  const instance = estate.data.instances.find((i) => i.state === "running")
  if (instance === undefined) throw new Error("the tiny estate has no running instance")
  const change = resize("c-1", "cost.rightsize-instance", 10_000_000, instance.id)
  const target = { account: AccountId.make(instance.accountId), region: Region.make(instance.region) }
  const ref = { ...change.resource, account: target.account, region: target.region }
  return { sandbox, instance, change: { ...change, resource: ref }, target }
})

describe("CloudWatchAlarms against the sandbox", () => {
  it.scopedLive("puts the CPU and cost alarms with the platform's tags; their states follow the estate's CPU and the published cost", () =>
    Effect.gen(function* () {
      const { sandbox, change, target } = yield* started
      const alarms = yield* CloudWatchAlarms.CloudWatchAlarms
      const definitions = alarmDefinitions(change, { cycleId, targetMonthlyCost: MicroUsd.make(100_000_000), tags: { CostCenter: "platform" } })
      yield* alarms.put(target, definitions)
      // The estate's CPU is under 80: the CPU alarm is OK; no cost published yet: notBreaching, OK.
      const first = yield* alarms.states(target, definitions)
      expect(first.map((a) => [a.name, a.state, a.changeId])).toEqual([
        ["miyabi/cycle-9/c-1/cpu", "OK", "c-1"],
        ["miyabi/cycle-9/c-1/cost", "OK", "c-1"]
      ])
      expect(first[0]?.condition).toBe("CPUUtilization > 80 for 3 x 5 min")
      const client = new CloudWatchClient({ endpoint: sandbox.endpoint, region: target.region, credentials: sandbox.credentialsFor(target.account) })
      const tags = yield* Effect.promise(() => client.send(new ListTagsForResourceCommand({ ResourceARN: `arn:aws:cloudwatch:${target.region}:${target.account}:alarm:miyabi/cycle-9/c-1/cpu` })))
      expect(tags.Tags).toEqual([
        { Key: "CostCenter", Value: "platform" },
        { Key: "miyabi:managed-by", Value: "miyabi-agent" },
        { Key: "miyabi:cycle", Value: "cycle-9" },
        { Key: "miyabi:change", Value: "c-1" },
        { Key: "miyabi:rule", Value: "cost.rightsize-instance" }
      ])
      yield* alarms.publishCost(target, change.resource, MicroUsd.make(140_000_000), sandbox.clock.now())
      const costly = yield* alarms.states(target, definitions)
      expect(costly.map((a) => a.state)).toEqual(["OK", "ALARM"])
      yield* alarms.delete(target, definitions.map((d) => d.AlarmName))
      expect(yield* alarms.states(target, definitions)).toEqual([])
    }).pipe(Effect.provide(layer)))

  it.scopedLive("reads and deletes more alarms than one call takes (100 names a call)", () =>
    Effect.gen(function* () {
      const { sandbox, change, target } = yield* started
      const alarms = yield* CloudWatchAlarms.CloudWatchAlarms
      const many = Array.from({ length: 101 }, (_, i) => alarmDefinitions({ ...change, id: `c-${i}` as typeof change.id }, { cycleId })).flat()
      yield* alarms.put(target, many)
      const states = yield* alarms.states(target, many)
      expect(states.length).toBe(101)
      expect(new Set(states.map((s) => s.changeId)).size).toBe(101)
      const before = sandbox.log.requests().filter((r) => r.operation === "DeleteAlarms").length
      yield* alarms.delete(target, many.map((a) => a.AlarmName))
      expect(sandbox.log.requests().filter((r) => r.operation === "DeleteAlarms").length - before).toBe(2)
      expect(yield* alarms.states(target, many)).toEqual([])
    }).pipe(Effect.provide(layer)))
})
