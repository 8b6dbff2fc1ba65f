/**
 * LiveResources routes each resource kind and each change action to one
 * change-adapter method with the right arguments. The adapters here only
 * record what they were asked, so every route is checked without AWS.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  AccountId,
  Arn,
  type ChangeAction,
  EcsServiceDetails,
  Ec2InstanceDetails,
  IngressRule,
  PublicAccessBlock,
  Region,
  type Resource,
  type ResourceDetails,
  type ResourceKind,
  ResourceId,
  ResourceRef
} from "@miyabi/types"
import { Effect, Exit, Layer, Option } from "effect"
import * as Ec2Changes from "../adapters/Ec2Changes.js"
import * as EcsChanges from "../adapters/EcsChanges.js"
import { makeResource } from "../adapters/Inventory.js"
import * as LambdaChanges from "../adapters/LambdaChanges.js"
import * as RdsChanges from "../adapters/RdsChanges.js"
import * as S3Changes from "../adapters/S3Changes.js"
import { ref } from "./Deployer.testkit.js"
import { make } from "./LiveResources.js"

const ACCOUNT = "123456789012"
const REGION = "eu-west-1"
const TARGET = { account: AccountId.make(ACCOUNT), region: Region.make(REGION) }

interface Call {
  readonly adapter: string
  readonly method: string
  readonly args: ReadonlyArray<unknown>
}

/** An adapter whose every method records its call and answers `answers[method]` (undefined for the void ones). */
const recorder = <S extends object>(adapter: string, calls: Array<Call>, answers: Record<string, unknown> = {}): S =>
  new Proxy({} as S, {
    get: (_, method) => (...args: ReadonlyArray<unknown>) =>
      Effect.sync(() => {
        calls.push({ adapter, method: String(method), args })
        return answers[String(method)]
      })
  })

const LIVE = Option.none<Resource>()

const adapters = (calls: Array<Call>) =>
  Layer.mergeAll(
    Layer.succeed(Ec2Changes.Ec2Changes, recorder<Ec2Changes.Ec2ChangesShape>("ec2", calls, { instance: LIVE, volume: LIVE, address: LIVE, securityGroup: LIVE, snapshot: "snap-1", restoreVolume: "vol-new", recoverAddress: "eipalloc-new" })),
    Layer.succeed(RdsChanges.RdsChanges, recorder<RdsChanges.RdsChangesShape>("rds", calls, { dbInstance: LIVE })),
    Layer.succeed(LambdaChanges.LambdaChanges, recorder<LambdaChanges.LambdaChangesShape>("lambda", calls, { function: LIVE })),
    Layer.succeed(S3Changes.S3Changes, recorder<S3Changes.S3ChangesShape>("s3", calls, { bucket: LIVE, lifecycleRules: [] })),
    Layer.succeed(EcsChanges.EcsChanges, recorder<EcsChanges.EcsChangesShape>("ecs", calls, { service: LIVE, resizeTask: "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:8" }))
  )

/** Runs `use` over LiveResources built on recording adapters; returns what it answered and the calls made. */
const run = <A, E>(use: (live: Effect.Effect.Success<typeof make>) => Effect.Effect<A, E>) => {
  const calls: Array<Call> = []
  return Effect.exit(Effect.flatMap(make, use)).pipe(
    Effect.provide(adapters(calls)),
    Effect.map((exit) => ({ exit, calls }))
  )
}

const resource = (kind: ResourceKind, id: string, details: ResourceDetails, arn = ref(kind, ACCOUNT, REGION, id).arn): Resource =>
  makeResource({ id, arn, kind, account: TARGET.account, region: TARGET.region, state: "running", tags: {}, dependencies: [], details })

const instance = (awsState: string) =>
  resource("ec2-instance", "i-1", Ec2InstanceDetails.make({ instanceType: "m5.xlarge", awsState, lifecycle: "on-demand", volumeIds: [], securityGroupIds: [] }))

const SERVICE_ARN = "arn:aws:ecs:eu-west-1:123456789012:service/main/app"
const service = resource(
  "ecs-service",
  "app",
  EcsServiceDetails.make({
    clusterArn: Arn.make("arn:aws:ecs:eu-west-1:123456789012:cluster/main"),
    taskDefinitionArn: Arn.make("arn:aws:ecs:eu-west-1:123456789012:task-definition/app:7"),
    launchType: "FARGATE",
    desiredCount: 2,
    runningCount: 2,
    cpuUnits: 1024,
    memoryMiB: 2048
  }),
  Arn.make(SERVICE_ARN)
)
const serviceRef = ResourceRef.make({ id: ResourceId.make("app"), arn: Arn.make(SERVICE_ARN), kind: "ecs-service", ...TARGET })

const rule = IngressRule.make({ protocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] })
const block = PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true })
const WAIT: Ec2Changes.WaitPolicy = { spacing: "1 millis", timeout: "1 second" }

describe("LiveResources.observe", () => {
  it.effect.each([
    ["ec2-instance", "ec2", "instance", "i-1"],
    ["ebs-volume", "ec2", "volume", "vol-1"],
    ["elastic-ip", "ec2", "address", "eipalloc-1"],
    ["security-group", "ec2", "securityGroup", "sg-1"],
    ["rds-instance", "rds", "dbInstance", "db-1"],
    ["lambda-function", "lambda", "function", "fn-1"],
    ["s3-bucket", "s3", "bucket", "bucket-1"]
  ] as const)("reads a %s through %s.%s by its id", ([kind, adapter, method, id]) =>
    Effect.gen(function* () {
      const { exit, calls } = yield* run((live) => live.observe(ref(kind, ACCOUNT, REGION, id)))
      expect(exit).toEqual(Exit.succeed(Option.none()))
      expect(calls).toEqual([{ adapter, method, args: [TARGET, id] }])
    })
  )

  it.effect("reads an ECS service by its ARN, not its name", () =>
    Effect.gen(function* () {
      const { calls } = yield* run((live) => live.observe(serviceRef))
      expect(calls).toEqual([{ adapter: "ecs", method: "service", args: [TARGET, SERVICE_ARN] }])
    })
  )

  it.effect("answers none for a kind the deployer does not change, without a call", () =>
    Effect.gen(function* () {
      const { exit, calls } = yield* run((live) => live.observe(ResourceRef.make({ id: ResourceId.make("t"), arn: Arn.make("arn:aws:dynamodb:eu-west-1:123456789012:table/t"), kind: "dynamodb-table", ...TARGET })))
      expect(exit).toEqual(Exit.succeed(Option.none()))
      expect(calls).toEqual([])
    })
  )
})

const applyCalls = (target: ResourceRef, action: ChangeAction, before: Resource) =>
  run((live) => live.apply(target, action, { wait: WAIT, before, snapshotTaken: () => Effect.void }))

describe("LiveResources.apply", () => {
  const i = ref("ec2-instance", ACCOUNT, REGION, "i-1")
  const v = ref("ebs-volume", ACCOUNT, REGION, "vol-1")
  const eip = ref("elastic-ip", ACCOUNT, REGION, "eipalloc-1")
  const sg = ref("security-group", ACCOUNT, REGION, "sg-1")
  const db = ref("rds-instance", ACCOUNT, REGION, "db-1")
  const fn = ref("lambda-function", ACCOUNT, REGION, "fn-1")
  const bucket = ref("s3-bucket", ACCOUNT, REGION, "bucket-1")
  const running = instance("running")
  const cases: ReadonlyArray<readonly [ResourceRef, ChangeAction, ReadonlyArray<Call>]> = [
    [i, { _tag: "StopInstance" }, [{ adapter: "ec2", method: "stop", args: [TARGET, "i-1"] }]],
    [i, { _tag: "StartInstance" }, [{ adapter: "ec2", method: "start", args: [TARGET, "i-1"] }]],
    [v, { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3", iops: 3000 }, [{ adapter: "ec2", method: "modifyVolume", args: [TARGET, "vol-1", { volumeType: "gp3", iops: 3000, throughputMiBps: undefined }] }]],
    [v, { _tag: "RestoreVolumeFromSnapshot", snapshotId: "snap-9", volumeType: "gp2" }, [{ adapter: "ec2", method: "restoreVolume", args: [TARGET, "snap-9", "gp2"] }]],
    [eip, { _tag: "ReleaseAddress", publicIp: "198.51.100.1" }, [{ adapter: "ec2", method: "releaseAddress", args: [TARGET, "eipalloc-1"] }]],
    [eip, { _tag: "AllocateAddress", publicIp: "198.51.100.1" }, [{ adapter: "ec2", method: "recoverAddress", args: [TARGET, "198.51.100.1"] }]],
    [fn, { _tag: "SetLambdaMemory", fromMiB: 1024, toMiB: 512 }, [{ adapter: "lambda", method: "setMemory", args: [TARGET, "fn-1", 512] }]],
    [db, { _tag: "ResizeDbInstance", fromClass: "db.r5.xlarge", toClass: "db.r5.large" }, [{ adapter: "rds", method: "modifyClass", args: [TARGET, "db-1", "db.r5.large"] }]],
    [db, { _tag: "SetDbPubliclyAccessible", publiclyAccessible: false }, [{ adapter: "rds", method: "setPubliclyAccessible", args: [TARGET, "db-1", false] }]],
    [bucket, { _tag: "PutBucketLifecycle", rules: [{ id: "r" }] }, [{ adapter: "s3", method: "putLifecycle", args: [TARGET, "bucket-1", [{ id: "r" }]] }]],
    [bucket, { _tag: "DeleteBucketLifecycle" }, [{ adapter: "s3", method: "deleteLifecycle", args: [TARGET, "bucket-1"] }]],
    [bucket, { _tag: "PutPublicAccessBlock", configuration: block }, [{ adapter: "s3", method: "putPublicAccessBlock", args: [TARGET, "bucket-1", block] }]],
    [bucket, { _tag: "DeletePublicAccessBlock" }, [{ adapter: "s3", method: "deletePublicAccessBlock", args: [TARGET, "bucket-1"] }]],
    [bucket, { _tag: "SetBucketEncryption", algorithm: "AES256" }, [{ adapter: "s3", method: "setEncryption", args: [TARGET, "bucket-1", "AES256"] }]],
    [sg, { _tag: "RevokeIngress", rule }, [{ adapter: "ec2", method: "revokeIngress", args: [TARGET, "sg-1", rule] }]],
    [sg, { _tag: "AuthorizeIngress", rule }, [{ adapter: "ec2", method: "authorizeIngress", args: [TARGET, "sg-1", rule] }]]
  ]
  it.effect.each(cases)("%o %o -> %o", ([target, action, expected]) =>
    Effect.gen(function* () {
      const { exit, calls } = yield* applyCalls(target, action, running)
      expect(exit).toEqual(Exit.void)
      expect(calls).toEqual(expected)
    })
  )

  it.effect.each([
    ["running", true],
    ["pending", true],
    ["stopping", false],
    ["stopped", false]
  ] as const)("a resize of an instance that was %s starts it after: %s", ([state, startAfter]) =>
    Effect.gen(function* () {
      const { calls } = yield* applyCalls(i, { _tag: "ResizeInstance", fromType: "m5.xlarge", toType: "m5.large" }, instance(state))
      expect(calls).toEqual([{ adapter: "ec2", method: "resize", args: [TARGET, "i-1", "m5.large", WAIT, { startAfter }] }])
    })
  )

  it.effect("a volume deletion snapshots, tells the snapshot id, then deletes", () =>
    Effect.gen(function* () {
      const calls: Array<Call> = []
      const told: Array<string> = []
      const exit = yield* Effect.flatMap(make, (live) =>
        live.apply(v, { _tag: "SnapshotAndDeleteVolume", snapshotDescription: "before delete" }, {
          wait: WAIT,
          before: running,
          snapshotTaken: (id) => Effect.sync(() => (told.push(id), calls.push({ adapter: "deployer", method: "snapshotTaken", args: [id] })))
        })
      ).pipe(Effect.exit, Effect.provide(adapters(calls)))
      expect(exit).toEqual(Exit.void)
      expect(told).toEqual(["snap-1"])
      expect(calls).toEqual([
        { adapter: "ec2", method: "snapshot", args: [TARGET, "vol-1", "before delete"] },
        { adapter: "deployer", method: "snapshotTaken", args: ["snap-1"] },
        { adapter: "ec2", method: "deleteVolume", args: [TARGET, "vol-1"] }
      ])
    })
  )

  it.effect("an ECS task resize back to the recorded size reuses the recorded revision; another size registers one", () =>
    Effect.gen(function* () {
      const back = yield* applyCalls(serviceRef, { _tag: "ResizeEcsTask", fromCpuUnits: 512, fromMemoryMiB: 1024, toCpuUnits: 1024, toMemoryMiB: 2048 }, service)
      expect(back.calls).toEqual([{ adapter: "ecs", method: "useTaskDefinition", args: [TARGET, SERVICE_ARN, "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:7"] }])
      const down = yield* applyCalls(serviceRef, { _tag: "ResizeEcsTask", fromCpuUnits: 1024, fromMemoryMiB: 2048, toCpuUnits: 512, toMemoryMiB: 1024 }, service)
      expect(down.exit).toEqual(Exit.void)
      expect(down.calls).toEqual([{ adapter: "ecs", method: "resizeTask", args: [TARGET, SERVICE_ARN, { cpuUnits: 512, memoryMiB: 1024 }] }])
    })
  )

  it.effect("a purchase is not the deployer's: UnsupportedAction, no call", () =>
    Effect.gen(function* () {
      const { exit, calls } = yield* applyCalls(i, { _tag: "PurchaseCommitment", commitment: "compute-savings-plan", termYears: 1, hourlyCommitment: 1 as never }, running)
      expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("UnsupportedAction")
      expect(calls).toEqual([])
    })
  )
})

describe("LiveResources.inverse", () => {
  it.effect("of a lifecycle put is read live: no rules now means delete the configuration", () =>
    Effect.gen(function* () {
      const bucket = ref("s3-bucket", ACCOUNT, REGION, "bucket-1")
      const { exit, calls } = yield* run((live) => live.inverse(bucket, { _tag: "PutBucketLifecycle", rules: [] }, instance("running")))
      expect(exit).toEqual(Exit.succeed(Option.some({ _tag: "DeleteBucketLifecycle" })))
      expect(calls).toEqual([{ adapter: "s3", method: "lifecycleRules", args: [TARGET, "bucket-1"] }])
    })
  )

  it.effect("of anything else comes from the before-state, without a call", () =>
    Effect.gen(function* () {
      const { exit, calls } = yield* run((live) => live.inverse(ref("ec2-instance", ACCOUNT, REGION, "i-1"), { _tag: "StopInstance" }, instance("running")))
      expect(exit).toEqual(Exit.succeed(Option.some({ _tag: "StartInstance" })))
      expect(calls).toEqual([])
    })
  )
})
