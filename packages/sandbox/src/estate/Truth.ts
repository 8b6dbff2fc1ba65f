/**
 * What is wasteful or risky in an estate, read from its current state. The
 * generator stores this at generation time as `estate.truth`; discovery and
 * agent-cycle tests compare what they found against it, and may call
 * `findingsOf` again after changes to see what is left.
 *
 * Utilization-based waste follows the resource's profile: "idle" is idle
 * whatever its size; "overProvisioned" holds until the resource has been
 * made smaller than the size its workload was generated for.
 */
import type { EstateData } from "./EstateData.js"
import type { Finding, ResourceKind, RiskReason, WasteReason } from "./Finding.js"
import { findInstanceType } from "./InstanceCatalog.js"

const OPEN_PORTS = new Set([22, 3389, 3306, 5432])

const vcpus = (instanceType: string): number => findInstanceType(instanceType)?.vcpus ?? 0

const classRank = (instanceClass: string): number => {
  const size = instanceClass.split(".")[2] ?? ""
  return ["micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge"].indexOf(size)
}

export const findingsOf = (estate: EstateData): Array<Finding> => {
  const out: Array<Finding> = []
  const waste = (reason: WasteReason, kind: ResourceKind, resourceId: string, accountId: string, region: string): void => {
    out.push({ category: "waste", reason, kind, resourceId, accountId, region })
  }
  const risk = (reason: RiskReason, kind: ResourceKind, resourceId: string, accountId: string, region: string): void => {
    out.push({ category: "risk", reason, kind, resourceId, accountId, region })
  }
  const liveVolumes = estate.volumes.filter((v) => v.deletedAt === undefined)
  const attachedTo = new Set(liveVolumes.flatMap((v) => (v.attachment === undefined ? [] : [v.attachment.instanceId])))

  for (const i of estate.instances) {
    const running = i.state === "running" || i.state === "pending"
    if (running && i.profile === "idle") waste("idle", "ec2:instance", i.id, i.accountId, i.region)
    if (running && i.profile === "overProvisioned" && vcpus(i.instanceType) >= vcpus(i.baselineInstanceType)) {
      waste("overProvisioned", "ec2:instance", i.id, i.accountId, i.region)
    }
    if (findInstanceType(i.instanceType)?.previousGeneration === true) waste("previousGeneration", "ec2:instance", i.id, i.accountId, i.region)
    if (i.state === "stopped" && attachedTo.has(i.id)) waste("stoppedWithVolumes", "ec2:instance", i.id, i.accountId, i.region)
  }
  for (const v of liveVolumes) {
    if (v.attachment === undefined) waste("unattachedVolume", "ec2:volume", v.id, v.accountId, v.region)
    if (v.volumeType === "gp2") waste("gp2Volume", "ec2:volume", v.id, v.accountId, v.region)
    if (!v.encrypted) risk("unencryptedVolume", "ec2:volume", v.id, v.accountId, v.region)
  }
  for (const a of estate.addresses) {
    if (a.releasedAt === undefined && a.associationId === undefined) waste("unassociatedAddress", "ec2:address", a.allocationId, a.accountId, a.region)
  }
  for (const sg of estate.securityGroups) {
    const open = sg.ingress.some(
      (p) => p.cidrs.includes("0.0.0.0/0") && [...OPEN_PORTS].some((port) => p.protocol === "-1" || ((p.fromPort ?? 0) <= port && port <= (p.toPort ?? 65535)))
    )
    if (open) risk("openSecurityGroup", "ec2:security-group", sg.id, sg.accountId, sg.region)
  }
  for (const b of estate.buckets) {
    if (b.lifecycleRules === undefined || b.lifecycleRules.length === 0) waste("bucketWithoutLifecycle", "s3:bucket", b.name, b.accountId, b.region)
    if (b.encryption === undefined) risk("unencryptedBucket", "s3:bucket", b.name, b.accountId, b.region)
    const block = b.publicAccessBlock
    // Public as far as the served API can tell: public access is not fully blocked.
    if (block === undefined || !(block.blockPublicAcls && block.ignorePublicAcls && block.blockPublicPolicy && block.restrictPublicBuckets)) {
      risk("publicBucket", "s3:bucket", b.name, b.accountId, b.region)
    }
  }
  for (const db of estate.dbInstances) {
    if (db.status !== "stopped" && db.profile === "idle") waste("idle", "rds:db", db.identifier, db.accountId, db.region)
    if (db.status !== "stopped" && db.profile === "overProvisioned" && classRank(db.instanceClass) >= classRank(db.baselineInstanceClass)) {
      waste("overProvisioned", "rds:db", db.identifier, db.accountId, db.region)
    }
    if (!db.storageEncrypted) risk("unencryptedDatabase", "rds:db", db.identifier, db.accountId, db.region)
    if (db.publiclyAccessible) risk("publicDatabase", "rds:db", db.identifier, db.accountId, db.region)
  }
  for (const f of estate.functions) {
    if (f.profile === "overProvisioned" && f.memorySize >= f.baselineMemorySize) waste("overProvisioned", "lambda:function", f.name, f.accountId, f.region)
  }
  for (const s of estate.services) {
    if (s.profile === "overProvisioned" && s.desiredCount > 0) {
      const here = (t: { readonly accountId: string; readonly region: string }) => t.accountId === s.accountId && t.region === s.region
      const td = estate.taskDefinitions.find((t) => `${t.family}:${t.revision}` === s.taskDefinition && here(t))
      const baseline = estate.taskDefinitions.find((t) => t.family === td?.family && here(t))
      if (td !== undefined && baseline !== undefined && td.cpu >= baseline.cpu) waste("overProvisioned", "ecs:service", s.name, s.accountId, s.region)
    }
  }
  for (const lb of estate.loadBalancers) {
    // Idle: nothing to forward to (no target group, or none with a registered target).
    const serving = estate.targetGroups.some((tg) => tg.loadBalancerArns.includes(lb.arn) && tg.targets.length > 0)
    if (!serving) waste("idle", "elbv2:load-balancer", lb.arn, lb.accountId, lb.region)
  }
  return out
}
