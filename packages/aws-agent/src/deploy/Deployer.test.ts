/**
 * θ4 against the sandbox's tiny seeded estate: dry run by default (the
 * sandbox's change log stays empty), approved changes applied and visible,
 * protected and production resources untouched, blast radius refused, a
 * failing change rolled back to the world before, and a deployment killed
 * mid-way resumed to completion or rolled back.
 */
import { describe, expect, it } from "@effect/vitest"
import { estate as sandboxEstates, Sandbox, sandboxEstate, type SandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { AccountId, CycleId, DeploymentId, MicroUsd } from "@miyabi/types"
import { Deferred, Effect, Fiber, Layer, Option, Ref, Schedule } from "effect"
import type { DeployProgressEvent } from "./DeployProgress.js"
import { deploy, resume } from "./Deployer.js"
import { rollbackChanges } from "./Rollback.js"
import * as DeploymentStore from "./DeploymentStore.js"
import * as LiveResources from "./LiveResources.js"
import { CYCLE, change, plan, ref, stack, VALIDATION, world } from "./Deployer.testkit.js"


export const freshEstate = (): SandboxEstate => sandboxEstate({ seed: 7, size: "tiny", asOf: Date.UTC(2026, 10, 20) })
export const dataOf = (estate: SandboxEstate) => sandboxEstates.estateDataOf(estate)

/** The sandbox in the environment, and its clock advancing 1 s every 5 ms for the scope. */
export const sandboxInEnv = (estate: SandboxEstate, options: { readonly ticking?: boolean } = {}) =>
  Effect.gen(function* () {
    const sandbox = yield* Sandbox.start({ estate, dynamodb: false })
    yield* useSandboxEnv(sandbox, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" })
    if (options.ticking !== false) yield* Effect.forkScoped(Effect.repeat(Effect.sync(() => sandbox.clock.advance(1_000)), Schedule.spaced("5 millis")))
    return sandbox
  })

/** One resource of each kind the deployer changes, picked from the estate, with a change for each. */
export const picks = (estate: SandboxEstate) => {
  const data = dataOf(estate)
  const instance = data.instances.find((i) => i.state === "running" && i.instanceType !== "t3.small")
  const volume = data.volumes.find((v) => v.deletedAt === undefined && v.volumeType === "gp2")
  const fn = data.functions[0]
  const db = data.dbInstances.find((d) => d.status === "available")
  if (instance === undefined || volume === undefined || fn === undefined || db === undefined) throw new Error("the tiny estate lacks a resource the tests need")
  const toMiB = fn.memorySize === 512 ? 256 : 512
  const toClass = db.instanceClass === "db.t3.small" ? "db.t3.medium" : "db.t3.small"
  return {
    instance,
    volume,
    fn,
    db,
    resize: change(1, ref("ec2-instance", instance.accountId, instance.region, instance.id), { _tag: "ResizeInstance", fromType: instance.instanceType, toType: "t3.small" }),
    memory: change(2, ref("lambda-function", fn.accountId, fn.region, fn.name), { _tag: "SetLambdaMemory", fromMiB: fn.memorySize, toMiB }),
    gp3: change(3, ref("ebs-volume", volume.accountId, volume.region, volume.id), { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3" }),
    dbClass: change(4, ref("rds-instance", db.accountId, db.region, db.identifier), { _tag: "ResizeDbInstance", fromClass: db.instanceClass, toClass })
  }
}


const opsOf = (sandbox: { readonly log: { readonly changes: () => ReadonlyArray<{ readonly operation: string }> } }) => sandbox.log.changes().map((c) => c.operation)

describe("Deployer against the sandbox", () => {
  it.scopedLive("without approval nothing changes: a dry run lists what would, with before-states and inverses", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const p = picks(estate)
      const changes = [p.resize, p.memory, p.gp3, p.dbClass]
      const before = yield* world(changes)
      const record = yield* deploy(plan(changes), { validation: VALIDATION })
      expect(record.mode).toBe("dry-run")
      expect(record.status).toBe("dry-run")
      expect(record.approvedBy).toBeUndefined()
      expect(record.executions.map((e) => e.status)).toEqual(["would-apply", "would-apply", "would-apply", "would-apply"])
      const resize = record.executions.find((e) => e.changeId === p.resize.id)
      expect(resize?.before?.details._tag === "ec2-instance" && resize.before.details.instanceType).toBe(p.instance.instanceType)
      expect(resize?.inverse).toEqual({ _tag: "ResizeInstance", fromType: "t3.small", toType: p.instance.instanceType })
      const memory = record.executions.find((e) => e.changeId === p.memory.id)
      expect(memory?.inverse).toEqual({ _tag: "SetLambdaMemory", fromMiB: p.memory.action._tag === "SetLambdaMemory" ? p.memory.action.toMiB : 0, toMiB: p.fn.memorySize })
      expect(sandbox.log.changes()).toEqual([])
      expect(yield* world(changes)).toEqual(before)
    }).pipe(Effect.provide(stack)))

  it.scopedLive("with approval the changes apply in dependency order, are validated, and the world reflects them", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const p = picks(estate)
      const changes = [p.gp3, p.resize, p.memory, p.dbClass]
      const record = yield* deploy(plan(changes), { approve: true, validation: VALIDATION, id: DeploymentId.make("d-apply") })
      expect(record.mode).toBe("apply")
      expect(record.status).toBe("succeeded")
      expect(record.approvedBy).toBe("cli --approve")
      expect(record.executions.every((e) => e.status === "applied" && e.after !== undefined && e.inverse !== undefined && e.finishedAt !== undefined)).toBe(true)
      const data = dataOf(estate)
      expect(data.instances.find((i) => i.id === p.instance.id)?.instanceType).toBe("t3.small")
      expect(data.instances.find((i) => i.id === p.instance.id)?.state).toBe("running")
      expect(data.volumes.find((v) => v.id === p.volume.id)?.volumeType).toBe("gp3")
      expect(data.functions.find((f) => f.name === p.fn.name)?.memorySize).toBe(p.memory.action._tag === "SetLambdaMemory" ? p.memory.action.toMiB : 0)
      expect(data.dbInstances.find((d) => d.identifier === p.db.identifier)?.instanceClass).toBe(p.dbClass.action._tag === "ResizeDbInstance" ? p.dbClass.action.toClass : "")
      const ops = opsOf(sandbox)
      expect(ops).toEqual(expect.arrayContaining(["StopInstances", "ModifyInstanceAttribute", "StartInstances", "ModifyVolume", "ModifyDBInstance"]))
      // The record is in the store, as the cycle runner will read it.
      const stored = yield* (yield* DeploymentStore.DeploymentStore).load(DeploymentId.make("d-apply"))
      expect(Option.map(stored, (s) => s.record.status)).toEqual(Option.some("succeeded"))
      // The seeded volume is the instance's: the instance's change ran first although the plan listed the volume first.
      expect(p.volume.attachment?.instanceId).toBe(p.instance.id)
      expect(record.executions.findIndex((e) => e.changeId === p.resize.id)).toBeLessThan(record.executions.findIndex((e) => e.changeId === p.gp3.id))
    }).pipe(Effect.provide(stack)))

  it.scopedLive("an S3 lifecycle rule is put, with the inverse read live (no rules before: delete the configuration)", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const bucket = dataOf(estate).buckets.find((b) => (b.lifecycleRules ?? []).length === 0)
      if (bucket === undefined) throw new Error("the tiny estate has no bucket without lifecycle rules")
      const rule = { ID: "miyabi-ia-30d", Status: "Enabled", Filter: { Prefix: "" }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] }
      const put = change(5, ref("s3-bucket", bucket.accountId, bucket.region, bucket.name), { _tag: "PutBucketLifecycle", rules: [rule] })
      const record = yield* deploy(plan([put]), { approve: true, validation: VALIDATION })
      expect(record.status).toBe("succeeded")
      const [execution] = record.executions
      expect(execution?.inverse).toEqual({ _tag: "DeleteBucketLifecycle" })
      expect(execution?.before?.details._tag === "s3-bucket" && execution.before.details.lifecycleRules).toBe(0)
      expect(execution?.after?.details._tag === "s3-bucket" && execution.after.details.lifecycleRules).toBe(1)
      expect(dataOf(estate).buckets.find((b) => b.name === bucket.name)?.lifecycleRules).toEqual([
        { id: "miyabi-ia-30d", prefix: "", status: "Enabled", transitionDays: 30, transitionStorageClass: "STANDARD_IA" }
      ])
      expect(opsOf(sandbox)).toEqual(["PutBucketLifecycleConfiguration"])
    }).pipe(Effect.provide(stack)))

  it.scopedLive("a detached volume is snapshotted then deleted (the snapshot recorded as its inverse first), an idle address released", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const data = dataOf(estate)
      const volume = data.volumes.find((v) => v.deletedAt === undefined && v.attachment === undefined)
      const address = data.addresses.find((a) => a.associationId === undefined && a.releasedAt === undefined)
      if (volume === undefined || address === undefined) throw new Error("the tiny estate has no detached volume or idle address")
      const del = change(6, ref("ebs-volume", volume.accountId, volume.region, volume.id), { _tag: "SnapshotAndDeleteVolume", snapshotDescription: `miyabi: before deleting ${volume.id}` })
      const release = change(7, ref("elastic-ip", address.accountId, address.region, address.allocationId), { _tag: "ReleaseAddress", publicIp: address.publicIp })
      const record = yield* deploy(plan([release, del]), { approve: true, validation: VALIDATION })
      expect(record.status).toBe("succeeded")
      const snapshot = data.snapshots.find((x) => x.volumeId === volume.id)
      expect(snapshot?.description).toBe(`miyabi: before deleting ${volume.id}`)
      const deletion = record.executions.find((e) => e.changeId === del.id)
      expect(deletion?.inverse).toEqual({ _tag: "RestoreVolumeFromSnapshot", snapshotId: snapshot?.id, volumeType: volume.volumeType })
      expect(deletion?.after).toBeUndefined()
      expect(record.executions.find((e) => e.changeId === release.id)?.inverse).toEqual({ _tag: "AllocateAddress", publicIp: address.publicIp })
      expect(data.volumes.find((v) => v.id === volume.id)?.deletedAt).toBeDefined()
      expect(data.addresses.find((a) => a.allocationId === address.allocationId)?.releasedAt).toBeDefined()
      // In the plan's order (both irreversible, independent); the snapshot before the deletion.
      expect(opsOf(sandbox)).toEqual(["ReleaseAddress", "CreateSnapshot", "DeleteVolume"])
    }).pipe(Effect.provide(stack)))

  it.scopedLive("an approval record applies a plan of its own cycle only, and names who approved", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const p = picks(estate)
      const other = yield* Effect.flip(deploy(plan([p.memory]), { approval: { approvedBy: "alice", cycleId: CycleId.make("cycle-other") } }))
      expect(other.reason).toBe("ApprovalMismatch")
      expect(sandbox.log.changes()).toEqual([])
      const record = yield* deploy(plan([p.memory]), { approval: { approvedBy: "alice", cycleId: CYCLE }, validation: VALIDATION })
      expect([record.mode, record.status, record.approvedBy]).toEqual(["apply", "succeeded", "alice"])
      expect(opsOf(sandbox)).toEqual(["UpdateFunctionConfiguration"])
    }).pipe(Effect.provide(stack)))

  it.scopedLive("protected resources and production accounts are never touched without an override", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const p = picks(estate)
      const instance = dataOf(estate).instances.find((i) => i.id === p.instance.id)
      if (instance === undefined) throw new Error("instance")
      instance.tags = { ...instance.tags, "miyabi:protected": "true" }
      const sandbox = yield* sandboxInEnv(estate)
      const changes = [p.resize, p.memory, p.gp3]
      const before = yield* world([p.resize, p.memory])
      const record = yield* deploy(plan(changes), { approve: true, validation: VALIDATION, productionAccounts: [AccountId.make(p.fn.accountId)] })
      const byId = new Map(record.executions.map((e) => [e.changeId, e]))
      expect(byId.get(p.resize.id)?.status).toBe("skipped")
      expect(byId.get(p.resize.id)?.reason).toContain("miyabi:protected=true")
      expect(byId.get(p.memory.id)?.status).toBe("skipped")
      expect(byId.get(p.memory.id)?.reason).toContain("production")
      expect(yield* world([p.resize, p.memory])).toEqual(before)
      const touched = sandbox.log.changes().map((c) => JSON.stringify(c.input ?? ""))
      expect(touched.some((t) => t.includes(p.instance.id) || t.includes(p.fn.name))).toBe(false)
      // With the override, the protected instance is resized.
      const overridden = yield* deploy(plan([p.resize]), { approve: true, validation: VALIDATION, override: { protectedResources: true } })
      expect(overridden.executions.map((e) => e.status)).toEqual(["applied"])
    }).pipe(Effect.provide(stack)))

  it.scopedLive("a plan over the blast radius is refused before anything is read or changed", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const p = picks(estate)
      const tooMany = yield* Effect.flip(deploy(plan([p.resize, p.memory, p.gp3]), { approve: true, maxChanges: 2 }))
      expect(tooMany.reason).toBe("BlastRadiusExceeded")
      const tooCostly = yield* Effect.flip(deploy(plan([p.memory, p.gp3]), { approve: true, maxMonthlyCostAffected: MicroUsd.make(15_000_000) }))
      expect(tooCostly.reason).toBe("BlastRadiusExceeded")
      const planLimit = yield* Effect.flip(deploy(plan([p.memory, p.gp3], { maxChanges: 1 }), { approve: true }))
      expect(planLimit.message).toContain("the limit is 1")
      expect(sandbox.log.requests().filter((r) => r.service !== "sts")).toEqual([])
    }).pipe(Effect.provide(stack)))

  it.scopedLive("a failing change rolls back the applied ones in reverse order: the world after equals the world before", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const p = picks(estate)
      const changes = [p.memory, p.dbClass, p.gp3]
      const before = yield* world(changes)
      sandbox.faults.set({ seed: 1, rules: [{ service: "ec2", operation: "ModifyVolume", errorRate: 1 }] })
      const record = yield* deploy(plan(changes), { approve: true, validation: VALIDATION })
      sandbox.faults.reset()
      expect(record.status).toBe("rolled-back")
      const byId = new Map(record.executions.map((e) => [e.changeId, e]))
      expect(byId.get(p.gp3.id)?.status).toBe("rolled-back")
      expect(byId.get(p.gp3.id)?.errorCode).toBeDefined()
      expect(byId.get(p.memory.id)?.status).toBe("rolled-back")
      expect(byId.get(p.dbClass.id)?.status).toBe("rolled-back")
      expect(yield* world(changes)).toEqual(before)
      // Undone newest first: the database class went back before the memory.
      const ops = opsOf(sandbox)
      expect(ops).toEqual(["UpdateFunctionConfiguration", "ModifyDBInstance", "ModifyDBInstance", "UpdateFunctionConfiguration"])
    }).pipe(Effect.provide(stack)))
})

/** LiveResources that dies (never returns) right after applying the n-th change: the process "crashes" mid-deployment. */
const crashingAfter = (n: number, crashed: Deferred.Deferred<void>) =>
  Layer.effect(
    LiveResources.LiveResources,
    Effect.map(LiveResources.make, (live) => {
      let applied = 0
      return {
        observe: live.observe,
        inverse: live.inverse,
        apply: (ref, action, options) =>
          Effect.flatMap(live.apply(ref, action, options), () => {
            applied += 1
            return applied === n ? Effect.zipRight(Deferred.succeed(crashed, undefined), Effect.never) : Effect.void
          })
      } satisfies LiveResources.LiveResourcesShape
    })
  )

describe("Deployer.resume after a crash mid-way", () => {
  const interrupted = Effect.gen(function* () {
    const estate = freshEstate()
    const sandbox = yield* sandboxInEnv(estate)
    const p = picks(estate)
    const changes = [p.memory, p.resize, p.dbClass]
    const before = yield* world(changes)
    const crashed = yield* Deferred.make<void>()
    const fiber = yield* Effect.fork(
      deploy(plan(changes), { approve: true, validation: VALIDATION, id: DeploymentId.make("d-crash") }).pipe(
        Effect.provide(crashingAfter(2, crashed).pipe(Layer.provide(LiveResources.adaptersWith({ s3ForcePathStyle: true }))))
      )
    )
    yield* Deferred.await(crashed)
    yield* Fiber.interrupt(fiber)
    const stored = yield* (yield* DeploymentStore.DeploymentStore).load(DeploymentId.make("d-crash"))
    return { estate, sandbox, p, changes, before, stored }
  })

  it.scopedLive("is resumed to completion", () =>
    Effect.gen(function* () {
      const { estate, p, stored } = yield* interrupted
      const record = Option.getOrThrow(stored).record
      expect(record.status).toBe("running")
      expect(record.executions.map((e) => [e.changeId, e.status, e.finishedAt === undefined])).toEqual([
        [p.memory.id, "applied", false],
        [p.resize.id, "running", true]
      ])
      const resumed = yield* resume(DeploymentId.make("d-crash"), { mode: "complete", validation: VALIDATION })
      expect(resumed.status).toBe("succeeded")
      expect(resumed.executions.map((e) => e.status)).toEqual(["applied", "applied", "applied"])
      const data = dataOf(estate)
      expect(data.instances.find((i) => i.id === p.instance.id)?.instanceType).toBe("t3.small")
      expect(data.instances.find((i) => i.id === p.instance.id)?.state).toBe("running")
      expect(data.dbInstances.find((d) => d.identifier === p.db.identifier)?.instanceClass).toBe(p.dbClass.action._tag === "ResizeDbInstance" ? p.dbClass.action.toClass : "")
    }).pipe(Effect.provide(stack)))

  it.scopedLive("is rolled back to the world before", () =>
    Effect.gen(function* () {
      const { changes, before } = yield* interrupted
      const resumed = yield* resume(DeploymentId.make("d-crash"), { mode: "rollback", validation: VALIDATION })
      expect(resumed.status).toBe("rolled-back")
      expect(resumed.executions.map((e) => e.status)).toEqual(["rolled-back", "rolled-back"])
      expect(yield* world(changes)).toEqual(before)
    }).pipe(Effect.provide(stack)))
})

describe("rollbackChanges against the sandbox (θ5's per-change rollback)", () => {
  it.scopedLive("undoes only the named change with its recorded inverse, records why, and a second call changes nothing", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const p = picks(estate)
      // The picks are the estate's live objects: keep what they were.
      const [typeBefore, memoryBefore] = [p.instance.instanceType, p.fn.memorySize]
      const id = DeploymentId.make("d-watch")
      const deployed = yield* deploy(plan([p.resize, p.memory]), { approve: true, validation: VALIDATION, id })
      expect(deployed.status).toBe("succeeded")
      const applied = sandbox.log.changes().length
      const record = yield* rollbackChanges(id, [p.resize.id], "θ5: CPU above 80 for 3 periods", { validation: VALIDATION })
      const byId = new Map(record.executions.map((e) => [e.changeId, e]))
      expect(byId.get(p.resize.id)?.status).toBe("rolled-back")
      expect(byId.get(p.resize.id)?.reason).toBe("θ5: CPU above 80 for 3 periods; rolled back")
      expect(byId.get(p.memory.id)?.status).toBe("applied")
      expect(record.status).toBe("succeeded")
      const instance = dataOf(estate).instances.find((i) => i.id === p.instance.id)
      expect([instance?.instanceType, instance?.state]).toEqual([typeBefore, "running"])
      expect(dataOf(estate).functions.find((f) => f.name === p.fn.name)?.memorySize).not.toBe(memoryBefore)
      expect(sandbox.log.changes().slice(applied).map((c) => c.operation)).toEqual(["StopInstances", "ModifyInstanceAttribute", "StartInstances"])
      // Persisted as returned.
      const stored = yield* (yield* DeploymentStore.DeploymentStore).load(id)
      expect(Option.map(stored, (s) => s.record)).toEqual(Option.some(record))
      // Again: nothing to undo, nothing sent.
      const again = yield* rollbackChanges(id, [p.resize.id], "again", { validation: VALIDATION })
      expect(again).toEqual(record)
      expect(sandbox.log.changes().length).toBe(applied + 3)
      // The last applied change undone: the deployment is rolled back.
      const all = yield* rollbackChanges(id, [p.memory.id, p.resize.id], "operator", { validation: VALIDATION })
      expect(all.status).toBe("rolled-back")
      expect(all.executions.map((e) => e.status)).toEqual(["rolled-back", "rolled-back"])
      expect(dataOf(estate).functions.find((f) => f.name === p.fn.name)?.memorySize).toBe(memoryBefore)
    }).pipe(Effect.provide(stack)))
})

describe("Deployer progress", () => {
  /** The events as one line each, the way a display would show them. */
  const collect = Effect.map(Ref.make<ReadonlyArray<string>>([]), (ref) => ({
    onProgress: (e: DeployProgressEvent) =>
      Ref.update(ref, (all) => [...all, e._tag === "Reading" ? `reading ${e.total}` : `${e.index}/${e.total} ${e.action} ${e.resource} ${e.step}`]),
    events: Ref.get(ref)
  }))

  it.scopedLive("an applied deployment tells each change applying, waiting and applied, in the order it ran", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      yield* sandboxInEnv(estate)
      const p = picks(estate)
      const { onProgress, events } = yield* collect
      const record = yield* deploy(plan([p.memory, p.gp3]), { approve: true, validation: VALIDATION, onProgress })
      expect(record.status).toBe("succeeded")
      const [first, second] = record.executions.map((e) => `${e.action._tag} ${e.resource.id}`)
      expect(yield* events).toEqual([
        "reading 2",
        `1/2 ${first} applying`,
        `1/2 ${first} waiting`,
        `1/2 ${first} applied`,
        `2/2 ${second} applying`,
        `2/2 ${second} waiting`,
        `2/2 ${second} applied`
      ])
    }).pipe(Effect.provide(stack)))

  it.scopedLive("a failed change is told failed, then the applied ones rolling back newest first; a dry run tells only the reading", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const p = picks(estate)
      const memory = `${p.memory.action._tag} ${p.fn.name}`
      const gp3 = `${p.gp3.action._tag} ${p.volume.id}`
      const dry = yield* collect
      yield* deploy(plan([p.memory, p.gp3]), { validation: VALIDATION, onProgress: dry.onProgress })
      expect(yield* dry.events).toEqual(["reading 2"])
      const { onProgress, events } = yield* collect
      sandbox.faults.set({ seed: 1, rules: [{ service: "ec2", operation: "ModifyVolume", errorRate: 1 }] })
      const record = yield* deploy(plan([p.memory, p.gp3]), { approve: true, validation: VALIDATION, onProgress })
      sandbox.faults.reset()
      expect(record.status).toBe("rolled-back")
      expect(yield* events).toEqual([
        "reading 2",
        `1/2 ${memory} applying`,
        `1/2 ${memory} waiting`,
        `1/2 ${memory} applied`,
        `2/2 ${gp3} applying`,
        `2/2 ${gp3} failed`,
        `1/2 ${gp3} rolling-back`,
        `1/2 ${gp3} rolled-back`,
        `2/2 ${memory} rolling-back`,
        `2/2 ${memory} rolled-back`
      ])
    }).pipe(Effect.provide(stack)))
})
