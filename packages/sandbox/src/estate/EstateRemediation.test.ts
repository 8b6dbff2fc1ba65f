/**
 * The estate reacts to fixes made through the served APIs: after the
 * remediations an optimization cycle would apply (gp2 -> gp3, release idle
 * addresses, snapshot-then-delete unattached volumes, add lifecycle rules,
 * downsize over-provisioned instances), `findingsOf` no longer reports them,
 * and the bill goes down.
 */
import { CreateSnapshotCommand, DeleteVolumeCommand, EC2Client, ModifyInstanceAttributeCommand, ModifyVolumeCommand, ReleaseAddressCommand, StartInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2"
import { PutBucketLifecycleConfigurationCommand, S3Client } from "@aws-sdk/client-s3"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { start } from "../Sandbox.js"
import { makeEc2Service } from "../services/ec2/Ec2Service.js"
import { makeS3Service } from "../services/s3/S3Service.js"
import { instanceTypes, findInstanceType } from "./InstanceCatalog.js"
import { sandboxEstate } from "./SandboxEstate.js"
import { findingsOf } from "./Truth.js"

const call = <T>(f: () => Promise<T>) => Effect.promise(f)
const DAY = 86_400_000

const halfSize = (instanceType: string): string | undefined => {
  const spec = findInstanceType(instanceType)
  return instanceTypes.find((t) => t.family === spec?.family && t.vcpus * 2 === spec.vcpus)?.name
}

describe("remediation through the sandbox", () => {
  it.scoped("clears the findings it fixes and lowers the bill", () =>
    Effect.gen(function* () {
      const estate = sandboxEstate({ seed: 4, size: "tiny" })
      const data = estate.data
      const sandbox = yield* start({ estate, services: [makeEc2Service, makeS3Service], dynamodb: false })
      const ec2For = (accountId: string, region: string) => new EC2Client({ endpoint: sandbox.endpoint, region, credentials: sandbox.credentialsFor(accountId) })
      // Changes take effect at the sandbox clock; bill a day well after it.
      const billDay = (offset: number) => new Date(sandbox.clock.now().getTime() + offset * DAY).toISOString().slice(0, 10)
      const bill = () => [...estate.costs.lines(billDay(2), billDay(3))].reduce((a, l) => a + l.unblendedMicroUsd, 0)
      const before = bill()
      const fixed = new Set<string>()

      for (const f of data.truth) {
        if (f.category !== "waste") continue
        const ec2 = ec2For(f.accountId, f.region)
        if (f.reason === "gp2Volume" && !data.truth.some((g) => g.reason === "unattachedVolume" && g.resourceId === f.resourceId)) {
          yield* call(() => ec2.send(new ModifyVolumeCommand({ VolumeId: f.resourceId, VolumeType: "gp3" })))
        } else if (f.reason === "unassociatedAddress") {
          yield* call(() => ec2.send(new ReleaseAddressCommand({ AllocationId: f.resourceId })))
        } else if (f.reason === "unattachedVolume") {
          yield* call(() => ec2.send(new CreateSnapshotCommand({ VolumeId: f.resourceId, Description: "before clean-up" })))
          yield* call(() => ec2.send(new DeleteVolumeCommand({ VolumeId: f.resourceId })))
        } else if (f.reason === "bucketWithoutLifecycle") {
          const s3 = new S3Client({ endpoint: sandbox.endpoint, region: f.region, forcePathStyle: true, credentials: sandbox.credentialsFor(f.accountId) })
          yield* call(() => s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: f.resourceId, LifecycleConfiguration: { Rules: [{ ID: "tier", Status: "Enabled", Filter: { Prefix: "" }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] }] } })))
        } else if (f.reason === "overProvisioned" && f.kind === "ec2:instance") {
          const instance = data.instances.find((i) => i.id === f.resourceId)
          const smaller = halfSize(instance?.instanceType ?? "")
          if (smaller === undefined) continue
          yield* call(() => ec2.send(new StopInstancesCommand({ InstanceIds: [f.resourceId] })))
          sandbox.clock.advance(10_000)
          yield* call(() => ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: f.resourceId, InstanceType: { Value: smaller } })))
          yield* call(() => ec2.send(new StartInstancesCommand({ InstanceIds: [f.resourceId] })))
        } else continue
        fixed.add(`${f.reason}:${f.resourceId}`)
      }
      expect(fixed.size).toBeGreaterThan(5)
      const remaining = new Set(findingsOf(data).map((f) => `${f.reason}:${f.resourceId}`))
      for (const key of fixed) expect(remaining.has(key), key).toBe(false)
      expect(bill()).toBeLessThan(before)
      expect(sandbox.log.changes().length).toBeGreaterThanOrEqual(fixed.size)
    }))
})
