/**
 * θ4's security fixes and ECS task resize against the sandbox's tiny seeded
 * estate: each action applied, validated on the live resource and rolled
 * back with its recorded inverse (θ5's rollbackChanges); a revoked world-open
 * rule disappears from rediscovery with its finding, raising the score; a
 * change the deployer cannot execute is recorded skipped without failing the
 * plan; and a dry run of every rule's changes on the estate is clean.
 */
import { describe, expect, it } from "@effect/vitest"
import { Sandbox, sandboxEstate, type SandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { AccountId, Arn, BlastRadius, ExecutionPlan, IngressRule, MicroUsd, PublicAccessBlock, Region, ResourceId, ResourceRef } from "@miyabi/types"
import { Effect } from "effect"
import * as Discovery from "../Discovery.js"
import { optimize } from "../optimize/Optimizer.js"
import { shipped } from "../pricing/PricingCatalog.js"
import { deploy } from "./Deployer.js"
import { CYCLE, change, plan, ref, stack, VALIDATION } from "./Deployer.testkit.js"
import * as LiveResources from "./LiveResources.js"
import { rollbackChanges } from "./Rollback.js"

// Every action here settles at once in the sandbox: no ticking clock needed.
const freshEstate = (): SandboxEstate => sandboxEstate({ seed: 7, size: "tiny", asOf: Date.UTC(2026, 10, 20) })
const dataOf = (estate: SandboxEstate) => estate.data
const sandboxInEnv = (estate: SandboxEstate) =>
  Effect.tap(Sandbox.start({ estate, dynamodb: false }), (sandbox) => useSandboxEnv(sandbox))
const opsOf = (sandbox: Sandbox.SandboxHandle<SandboxEstate>) => sandbox.log.changes().map((c) => c.operation)

const truthOf = (estate: SandboxEstate, reason: string) => {
  const t = dataOf(estate).truth.find((x) => x.reason === reason)
  if (t === undefined) throw new Error(`the tiny estate has no ${reason}`)
  return t
}

/** The live resource as the deployer reads it, ingress in a stable order (EC2 does not promise one). */
const live = (r: ResourceRef) =>
  Effect.flatMap(LiveResources.LiveResources, (l) => l.observe(r)).pipe(
    Effect.map((o) => {
      if (o._tag === "None") return undefined
      const d = o.value.details
      return d._tag === "security-group" ? { ...d, ingress: [...d.ingress].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) } : d
    })
  )

const WORLD_SSH = IngressRule.make({ protocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] })

/** Rediscovers EC2 in one account and region: the group as discovery shows it, its findings, the score. */
const rediscover = (account: string, region: string, groupId: string) =>
  Discovery.run({ accounts: [account], regions: [region], services: ["ec2"], utilization: false }).pipe(
    Effect.map(({ world }) => ({
      score: world.securityScore,
      findings: world.findings.filter((f) => f.resource.id === groupId).map((f) => f.rule as string)
    })),
    Effect.provide(Discovery.adaptersLayer)
  )

describe("θ4 security fixes and ECS resize against the sandbox", () => {
  it.scopedLive("RevokeIngress closes the world-open port (rediscovery loses the finding, the score rises); rolled back, AuthorizeIngress restores it", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const t = truthOf(estate, "openSecurityGroup")
      const group = dataOf(estate).securityGroups.find((g) => g.id === t.resourceId)
      if (group === undefined || !group.ingress.some((p) => p.fromPort === 22 && p.cidrs.includes("0.0.0.0/0"))) throw new Error("the seeded open group has no world-open SSH")
      const revoke = change(1, ref("security-group", t.accountId, t.region, group.id), { _tag: "RevokeIngress", rule: WORLD_SSH })
      const before = yield* live(revoke.resource)
      const found = yield* rediscover(t.accountId, t.region, group.id)
      expect(found.findings).toContain("security.open-ssh")

      const dry = yield* deploy(plan([revoke]), { validation: VALIDATION })
      expect(dry.executions.map((e) => [e.status, e.inverse])).toEqual([["would-apply", { _tag: "AuthorizeIngress", rule: WORLD_SSH }]])
      expect(sandbox.log.changes()).toEqual([])

      const id = yield* Effect.map(deploy(plan([revoke]), { approve: true, validation: VALIDATION }), (r) => {
        expect(r.status).toBe("succeeded")
        expect(r.executions[0]?.after?.details._tag === "security-group" && r.executions[0].after.details.ingress.some((p) => p.fromPort === 22 && p.ipv4Ranges.includes("0.0.0.0/0"))).toBe(false)
        return r.id
      })
      expect(group.ingress.some((p) => p.fromPort === 22 && p.cidrs.includes("0.0.0.0/0"))).toBe(false)
      const after = yield* rediscover(t.accountId, t.region, group.id)
      expect(after.findings).not.toContain("security.open-ssh")
      expect(after.score).toBeGreaterThan(found.score)

      const rolled = yield* rollbackChanges(id, [revoke.id], "test: undo", { validation: VALIDATION })
      expect(rolled.executions.map((e) => e.status)).toEqual(["rolled-back"])
      expect(yield* live(revoke.resource)).toEqual(before)
      expect(opsOf(sandbox)).toEqual(["RevokeSecurityGroupIngress", "AuthorizeSecurityGroupIngress"])
      expect((yield* rediscover(t.accountId, t.region, group.id)).score).toBe(found.score)
    }).pipe(Effect.provide(stack)), 60_000)

  it.scopedLive("PutPublicAccessBlock and SetBucketEncryption apply and validate; rolled back, the block is deleted again and the encryption falls back to SSE-S3", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const publicBucket = dataOf(estate).buckets.find((b) => b.name === truthOf(estate, "publicBucket").resourceId)
      const plain = dataOf(estate).buckets.find((b) => b.encryption === undefined)
      if (publicBucket === undefined || plain === undefined) throw new Error("buckets")
      const all = PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true })
      const block = change(1, ref("s3-bucket", publicBucket.accountId, publicBucket.region, publicBucket.name), { _tag: "PutPublicAccessBlock", configuration: all })
      const encrypt = change(2, ref("s3-bucket", plain.accountId, plain.region, plain.name), { _tag: "SetBucketEncryption", algorithm: "AES256" })
      const blockBefore = yield* live(block.resource)
      const was = publicBucket.publicAccessBlock
      const record = yield* deploy(plan([encrypt, block]), { approve: true, validation: VALIDATION })
      expect(record.status).toBe("succeeded")
      // The encryption cannot be taken away again (S3 keeps SSE-S3): it runs after the undoable block.
      expect(record.executions.map((e) => e.changeId)).toEqual([block.id, encrypt.id])
      const byId = new Map(record.executions.map((e) => [e.changeId, e]))
      expect(byId.get(block.id)?.inverse).toEqual(was === undefined ? { _tag: "DeletePublicAccessBlock" } : { _tag: "PutPublicAccessBlock", configuration: PublicAccessBlock.make(was) })
      expect(byId.get(encrypt.id)?.inverse).toEqual({ _tag: "SetBucketEncryption", algorithm: "none" })
      expect(dataOf(estate).buckets.find((b) => b.name === publicBucket.name)?.publicAccessBlock).toEqual({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true })
      expect(plain.encryption).toBe("AES256")
      expect(opsOf(sandbox)).toEqual(["PutPublicAccessBlock", "PutBucketEncryption"])

      const rolled = yield* rollbackChanges(record.id, [block.id, encrypt.id], "test: undo", { validation: VALIDATION })
      expect(rolled.status).toBe("rolled-back")
      const pab = (d: Awaited<Effect.Effect.Success<ReturnType<typeof live>>>) => (d?._tag === "s3-bucket" ? d.publicAccessBlock : "not a bucket")
      expect(pab(yield* live(block.resource))).toEqual(pab(blockBefore))
      // S3 answers a deleted default encryption with SSE-S3: already as close to "none" as S3 goes, nothing sent.
      expect(plain.encryption).toBe("AES256")
      expect(opsOf(sandbox).slice(2)).toEqual([was === undefined ? "DeletePublicAccessBlock" : "PutPublicAccessBlock"])
    }).pipe(Effect.provide(stack)), 60_000)

  it.scopedLive("SetDbPubliclyAccessible makes the database private and validates it; rolled back, it is public again", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const db = dataOf(estate).dbInstances.find((d) => d.identifier === truthOf(estate, "publicDatabase").resourceId)
      if (db === undefined) throw new Error("db")
      const hide = change(1, ref("rds-instance", db.accountId, db.region, db.identifier), { _tag: "SetDbPubliclyAccessible", publiclyAccessible: false })
      const before = yield* live(hide.resource)
      const record = yield* deploy(plan([hide]), { approve: true, validation: VALIDATION })
      expect(record.status).toBe("succeeded")
      expect(record.executions[0]?.inverse).toEqual({ _tag: "SetDbPubliclyAccessible", publiclyAccessible: true })
      expect(db.publiclyAccessible).toBe(false)
      const rolled = yield* rollbackChanges(record.id, [hide.id], "test: undo", { validation: VALIDATION })
      expect(rolled.status).toBe("rolled-back")
      expect(yield* live(hide.resource)).toEqual(before)
      expect(sandbox.log.changes().map((c) => [c.operation, (c.input as Record<string, unknown>)["PubliclyAccessible"]])).toEqual([["ModifyDBInstance", "false"], ["ModifyDBInstance", "true"]])
    }).pipe(Effect.provide(stack)), 60_000)

  it.scopedLive("ResizeEcsTask registers a revision of the new size and deploys it; rolled back, the service runs its old revision again", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const data = dataOf(estate)
      // The tiny estate's one service runs on EC2 with a task-level size; the size ECS registers is checked against Fargate's table (its task definitions are Fargate-compatible).
      const service = data.services.find((s) => s.desiredCount > 0)
      if (service === undefined) throw new Error("no running ECS service")
      const [family, revision] = service.taskDefinition.split(":")
      const td = data.taskDefinitions.find((d) => d.accountId === service.accountId && d.region === service.region && d.family === family && String(d.revision) === revision)
      if (td === undefined) throw new Error("task definition")
      const to = td.cpu === 256 ? { cpu: 512, memory: 1024 } : { cpu: 256, memory: 512 }
      const arn = `arn:aws:ecs:${service.region}:${service.accountId}:service/${service.clusterName}/${service.name}`
      const resize = change(1, ResourceRef.make({ id: ResourceId.make(arn), arn: Arn.make(arn), kind: "ecs-service", account: AccountId.make(service.accountId), region: Region.make(service.region) }), {
        _tag: "ResizeEcsTask",
        fromCpuUnits: td.cpu,
        toCpuUnits: to.cpu,
        fromMemoryMiB: td.memory,
        toMemoryMiB: to.memory
      })
      const before = yield* live(resize.resource)
      const record = yield* deploy(plan([resize]), { approve: true, validation: VALIDATION })
      expect(record.status).toBe("succeeded")
      expect(record.executions[0]?.inverse).toEqual({ _tag: "ResizeEcsTask", fromCpuUnits: to.cpu, toCpuUnits: td.cpu, fromMemoryMiB: to.memory, toMemoryMiB: td.memory })
      expect(service.taskDefinition).toBe(`${family}:${Number(revision) + 1}`)
      expect(data.taskDefinitions.find((d) => d.family === family && d.revision === Number(revision) + 1 && d.accountId === service.accountId)).toMatchObject({ cpu: to.cpu, memory: to.memory })
      const rolled = yield* rollbackChanges(record.id, [resize.id], "test: undo", { validation: VALIDATION })
      expect(rolled.status).toBe("rolled-back")
      expect(service.taskDefinition).toBe(`${family}:${revision}`)
      expect(yield* live(resize.resource)).toEqual(before)
      // Back to the old revision: no twin registered.
      expect(opsOf(sandbox)).toEqual(["RegisterTaskDefinition", "UpdateService", "UpdateService"])
    }).pipe(Effect.provide(stack)), 60_000)

  it.scopedLive("a change the deployer cannot execute is recorded skipped, naming the action, in a dry run and an apply, without failing the plan", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const fn = dataOf(estate).functions[0]
      if (fn === undefined) throw new Error("fn")
      const purchase = change(1, ref("lambda-function", fn.accountId, fn.region, fn.name), { _tag: "PurchaseCommitment", commitment: "compute-savings-plan", termYears: 1, hourlyCommitment: MicroUsd.make(1000) })
      // A kind the deployer has no reader for, and a resource that does not exist: nothing is read as a precondition.
      const balancer = change(2, ref("load-balancer", fn.accountId, fn.region, "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1"), { _tag: "StopInstance" })
      const memory = change(3, ref("lambda-function", fn.accountId, fn.region, fn.name), { _tag: "SetLambdaMemory", fromMiB: fn.memorySize, toMiB: fn.memorySize === 512 ? 256 : 512 })
      for (const approve of [false, true]) {
        const record = yield* deploy(plan([purchase, balancer, memory]), { approve, validation: VALIDATION })
        const byId = new Map(record.executions.map((e) => [e.changeId, e]))
        expect(byId.get(purchase.id)?.status).toBe("skipped")
        expect(byId.get(purchase.id)?.reason).toContain("PurchaseCommitment")
        // Read for the record: the function exists and has a reader.
        expect(byId.get(purchase.id)?.before?.details._tag).toBe("lambda-function")
        expect(byId.get(balancer.id)?.status).toBe("skipped")
        expect(byId.get(balancer.id)?.reason).toBe("StopInstance applies to a ec2-instance, not a load-balancer")
        // Not read: no before-state at all, rather than a made-up one.
        expect(byId.get(balancer.id)).toBeDefined()
        expect(byId.get(balancer.id)?.before).toBeUndefined()
        expect(byId.get(memory.id)?.status).toBe(approve ? "applied" : "would-apply")
        expect(record.status).toBe(approve ? "succeeded" : "dry-run")
      }
      expect(opsOf(sandbox)).toEqual(["UpdateFunctionConfiguration"])
    }).pipe(Effect.provide(stack)), 60_000)

  it.scopedLive("a dry run of every rule's changes on the seeded estate (discovery + optimize) reads every resource: nothing stale, nothing failed, every change would apply; the security fixes approved raise the score", () =>
    Effect.gen(function* () {
      const estate = freshEstate()
      const sandbox = yield* sandboxInEnv(estate)
      const { world, utilizationStats } = yield* Discovery.run({ regions: estate.data.regions, services: ["ec2", "s3", "rds", "lambda", "ecs"], utilization: { end: new Date(estate.data.asOf) } }).pipe(
        Effect.provide(Discovery.adaptersLayer)
      )
      const o = optimize(world, shipped, { cycleId: CYCLE, utilizationStats })
      // The tiny estate has no over-provisioned ECS service (no cost.ecs-task-size change): its one service is resized by hand, so the dry run reads an ECS service too.
      const ecs = world.resources.find((r) => r.kind === "ecs-service")
      const extra = ecs?.details._tag === "ecs-service" ? [change(999, ResourceRef.make({ id: ecs.id, arn: ecs.arn, kind: ecs.kind, account: ecs.account, region: ecs.region }), { _tag: "ResizeEcsTask", fromCpuUnits: ecs.details.cpuUnits, toCpuUnits: 256, fromMemoryMiB: ecs.details.memoryMiB, toMemoryMiB: 512 })] : []
      expect(extra.length).toBe(1)
      const everything = ExecutionPlan.make({ ...o.plan, changes: [...o.plan.changes, ...extra], blastRadius: BlastRadius.make({ maxChanges: 10_000, maxChangesPerAccount: 10_000, maxRisk: "high" }) })
      const record = yield* deploy(everything, { validation: VALIDATION })
      expect(record.status).toBe("dry-run")
      expect(record.executions.length).toBe(everything.changes.length)
      const statuses = new Set(record.executions.map((e) => e.status))
      expect([...statuses]).toEqual(["would-apply"])
      const rules = new Set(everything.changes.map((c) => c.rule as string))
      for (const rule of ["security.revoke-world-ingress", "security.block-public-bucket", "security.encrypt-bucket", "security.private-database"]) expect(rules).toContain(rule)
      expect(new Set(record.executions.map((e) => e.resource.kind))).toContain("ecs-service")
      expect(record.executions.every((e) => e.inverse !== undefined || e.action._tag === "SnapshotAndDeleteVolume")).toBe(true)
      expect(sandbox.log.changes()).toEqual([])
      console.log(`dry run of ${record.executions.length} changes from ${rules.size} rules on seed 7 tiny: all would-apply`)

      // Approved, the security fixes raise the score: rediscovery finds none of the findings they answered.
      const security = everything.changes.filter((c) => c.rule.startsWith("security."))
      const applied = yield* deploy(ExecutionPlan.make({ ...everything, changes: security }), { approve: true, validation: VALIDATION })
      expect(applied.status).toBe("succeeded")
      expect(applied.executions.every((e) => e.status === "applied")).toBe(true)
      const answered = new Set(security.flatMap((c) => c.findings.map((f) => f as string)))
      const after = yield* Discovery.run({ regions: estate.data.regions, services: ["ec2", "s3", "rds", "lambda", "ecs"], utilization: false }).pipe(Effect.provide(Discovery.adaptersLayer))
      expect(after.world.findings.filter((f) => answered.has(f.id))).toEqual([])
      expect(after.world.securityScore).toBeGreaterThan(world.securityScore)
      console.log(`${security.length} security changes applied: security score ${world.securityScore.toFixed(1)} -> ${after.world.securityScore.toFixed(1)}`)
    }).pipe(Effect.provide(stack)), 120_000)
})
