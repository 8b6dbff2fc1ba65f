/**
 * What θ4 knows of each change action, as plain functions: whether it can
 * run it, its inverse from the observed before-state, whether a live resource
 * shows it done, whether it can be undone, and the order changes run in.
 */
import { type Change, type ChangeAction, IngressRule, type Resource, type ResourceKind, type ResourceRef } from "@miyabi/types"
import { Option } from "effect"

/**
 * The actions this deployer executes, each on the one resource kind it
 * changes; the others (purchases, and the inverse-only actions a plan does
 * not propose) are recorded as skipped.
 */
const SUPPORTED: Readonly<Partial<Record<ChangeAction["_tag"], ResourceKind>>> = {
  ResizeInstance: "ec2-instance",
  StopInstance: "ec2-instance",
  StartInstance: "ec2-instance",
  ModifyVolume: "ebs-volume",
  SnapshotAndDeleteVolume: "ebs-volume",
  ReleaseAddress: "elastic-ip",
  SetLambdaMemory: "lambda-function",
  ResizeDbInstance: "rds-instance",
  SetDbPubliclyAccessible: "rds-instance",
  PutBucketLifecycle: "s3-bucket",
  PutPublicAccessBlock: "s3-bucket",
  DeletePublicAccessBlock: "s3-bucket",
  SetBucketEncryption: "s3-bucket",
  RevokeIngress: "security-group",
  AuthorizeIngress: "security-group",
  ResizeEcsTask: "ecs-service"
}

export const supported = (action: ChangeAction): boolean => SUPPORTED[action._tag] !== undefined

/**
 * Why the deployer cannot execute `change` at all (an action it does not
 * run, or one aimed at a resource of another kind), decided from the plan
 * alone, before anything is read or applied; none when it can.
 */
export const notExecutable = (change: { readonly action: ChangeAction; readonly resource: ResourceRef }): Option.Option<string> => {
  const kind = SUPPORTED[change.action._tag]
  if (kind === undefined) return Option.some(`${change.action._tag} is advice or not executed by the deployer`)
  if (kind !== change.resource.kind) return Option.some(`${change.action._tag} applies to a ${kind}, not a ${change.resource.kind}`)
  return Option.none()
}

/**
 * Changes whose inverse cannot give back the same resource (a restored volume
 * has a new id; a released IP may be gone; S3 answers a deleted encryption
 * configuration with SSE-S3, so a bucket never goes back to unencrypted):
 * they run after the undoable ones.
 */
export const irreversible = (action: ChangeAction): boolean =>
  action._tag === "SnapshotAndDeleteVolume" || action._tag === "ReleaseAddress" || (action._tag === "SetBucketEncryption" && action.algorithm !== "none")

const samePorts = (a: IngressRule, b: IngressRule): boolean =>
  a.protocol === b.protocol && (a.protocol === "-1" || (a.fromPort === b.fromPort && a.toPort === b.toPort))

/** The sources of `rule` the group's ingress holds (present: true) or lacks (present: false); none when that part is empty. */
const partOf = (rule: IngressRule, ingress: ReadonlyArray<IngressRule>, present: boolean): Option.Option<IngressRule> => {
  const has = (pick: (p: IngressRule) => ReadonlyArray<string>, source: string) => ingress.some((p) => samePorts(p, rule) && pick(p).includes(source)) === present
  const part = IngressRule.make({
    ...rule,
    ipv4Ranges: rule.ipv4Ranges.filter((c) => has((p) => p.ipv4Ranges, c)),
    ipv6Ranges: rule.ipv6Ranges.filter((c) => has((p) => p.ipv6Ranges, c)),
    sourceGroupIds: rule.sourceGroupIds.filter((g) => has((p) => p.sourceGroupIds, g))
  })
  return part.ipv4Ranges.length + part.ipv6Ranges.length + part.sourceGroupIds.length === 0 ? Option.none() : Option.some(part)
}

/**
 * The action that restores `before`. `SnapshotAndDeleteVolume` has none
 * until its snapshot exists (the deployer records it then);
 * `PutBucketLifecycle` needs the rules read live (LiveResources.inverse).
 */
export const inverseOf = (action: ChangeAction, before: Resource): Option.Option<ChangeAction> => {
  const d = before.details
  switch (action._tag) {
    case "ResizeInstance":
      return d._tag === "ec2-instance" ? Option.some({ _tag: "ResizeInstance", fromType: action.toType, toType: d.instanceType }) : Option.none()
    case "StopInstance":
    case "StartInstance":
      return d._tag === "ec2-instance" ? Option.some(d.awsState === "stopped" || d.awsState === "stopping" ? { _tag: "StopInstance" } : { _tag: "StartInstance" }) : Option.none()
    case "ModifyVolume":
      return d._tag === "ebs-volume"
        ? Option.some({
            _tag: "ModifyVolume",
            fromType: action.toType,
            toType: d.volumeType,
            ...(d.iops === undefined || d.volumeType === "gp2" ? {} : { iops: d.iops }),
            ...(d.throughputMiBps === undefined ? {} : { throughputMiBps: d.throughputMiBps })
          })
        : Option.none()
    case "ReleaseAddress":
      return d._tag === "elastic-ip" ? Option.some({ _tag: "AllocateAddress", publicIp: d.publicIp }) : Option.none()
    case "SetLambdaMemory":
      return d._tag === "lambda-function" ? Option.some({ _tag: "SetLambdaMemory", fromMiB: action.toMiB, toMiB: d.memoryMiB }) : Option.none()
    case "ResizeDbInstance":
      return d._tag === "rds-instance" ? Option.some({ _tag: "ResizeDbInstance", fromClass: action.toClass, toClass: d.instanceClass }) : Option.none()
    case "SetDbPubliclyAccessible":
      return d._tag === "rds-instance" ? Option.some({ _tag: "SetDbPubliclyAccessible", publiclyAccessible: d.publiclyAccessible }) : Option.none()
    // Revoking gives back only what the group held (a source it lacked stays absent), authorizing takes back only what it added.
    case "RevokeIngress":
      return d._tag === "security-group" ? Option.map(partOf(action.rule, d.ingress, true), (rule) => ({ _tag: "AuthorizeIngress", rule })) : Option.none()
    case "AuthorizeIngress":
      return d._tag === "security-group" ? Option.map(partOf(action.rule, d.ingress, false), (rule) => ({ _tag: "RevokeIngress", rule })) : Option.none()
    case "PutPublicAccessBlock":
    case "DeletePublicAccessBlock":
      return d._tag === "s3-bucket"
        ? Option.some(d.publicAccessBlock === undefined ? { _tag: "DeletePublicAccessBlock" } : { _tag: "PutPublicAccessBlock", configuration: d.publicAccessBlock })
        : Option.none()
    // A KMS default comes back on the AWS managed key: the action does not carry a key id.
    case "SetBucketEncryption":
      return d._tag === "s3-bucket" && (d.encryption === "none" || d.encryption === "AES256" || d.encryption === "aws:kms")
        ? Option.some({ _tag: "SetBucketEncryption", algorithm: d.encryption })
        : Option.none()
    case "ResizeEcsTask":
      return d._tag === "ecs-service"
        ? Option.some({ _tag: "ResizeEcsTask", fromCpuUnits: action.toCpuUnits, toCpuUnits: d.cpuUnits, fromMemoryMiB: action.toMemoryMiB, toMemoryMiB: d.memoryMiB })
        : Option.none()
    default:
      return Option.none()
  }
}

/** Whether the live resource (none: it does not exist) shows `action` done and settled. */
export const reached = (action: ChangeAction, live: Option.Option<Resource>): boolean => {
  if (Option.isNone(live)) return action._tag === "SnapshotAndDeleteVolume" || action._tag === "ReleaseAddress"
  const d = live.value.details
  switch (action._tag) {
    case "ResizeInstance":
      // Settled: not half-way through the stop -> modify -> start.
      return d._tag === "ec2-instance" && d.instanceType === action.toType && (d.awsState === "running" || d.awsState === "stopped")
    case "StopInstance":
      return d._tag === "ec2-instance" && d.awsState === "stopped"
    case "StartInstance":
      return d._tag === "ec2-instance" && d.awsState === "running"
    case "ModifyVolume":
      return d._tag === "ebs-volume" && d.volumeType === action.toType && (action.iops === undefined || d.iops === action.iops)
    case "SetLambdaMemory":
      return d._tag === "lambda-function" && d.memoryMiB === action.toMiB && live.value.state === "running"
    case "ResizeDbInstance":
      return d._tag === "rds-instance" && d.instanceClass === action.toClass && d.awsState === "available"
    case "PutBucketLifecycle":
      return d._tag === "s3-bucket" && d.lifecycleRules === action.rules.length
    case "DeleteBucketLifecycle":
      return d._tag === "s3-bucket" && d.lifecycleRules === 0
    case "PutPublicAccessBlock": {
      const b = d._tag === "s3-bucket" ? d.publicAccessBlock : undefined
      const c = action.configuration
      return b !== undefined && b.blockPublicAcls === c.blockPublicAcls && b.ignorePublicAcls === c.ignorePublicAcls && b.blockPublicPolicy === c.blockPublicPolicy && b.restrictPublicBuckets === c.restrictPublicBuckets
    }
    case "DeletePublicAccessBlock":
      return d._tag === "s3-bucket" && d.publicAccessBlock === undefined
    // S3 resets a deleted default encryption to SSE-S3 (since January 2023): "none" is as far as it goes back.
    case "SetBucketEncryption":
      return d._tag === "s3-bucket" && (d.encryption === action.algorithm || (action.algorithm === "none" && d.encryption === "AES256"))
    case "SetDbPubliclyAccessible":
      return d._tag === "rds-instance" && d.publiclyAccessible === action.publiclyAccessible && d.awsState === "available"
    case "RevokeIngress":
      return d._tag === "security-group" && Option.isNone(partOf(action.rule, d.ingress, true))
    case "AuthorizeIngress":
      return d._tag === "security-group" && Option.isNone(partOf(action.rule, d.ingress, false))
    case "ResizeEcsTask":
      return d._tag === "ecs-service" && d.cpuUnits === action.toCpuUnits && d.memoryMiB === action.toMemoryMiB
    case "SnapshotAndDeleteVolume":
    case "ReleaseAddress":
      return false
    default:
      return false
  }
}

/** A resize of a running instance must end running again; one of a stopped instance, stopped. */
export const reachedLike = (action: ChangeAction, before: Resource, live: Option.Option<Resource>): boolean => {
  if (!reached(action, live)) return false
  if (action._tag !== "ResizeInstance" || Option.isNone(live)) return true
  const was = before.details._tag === "ec2-instance" ? before.details.awsState : undefined
  const now = live.value.details._tag === "ec2-instance" ? live.value.details.awsState : undefined
  return (was === "stopped") === (now === "stopped")
}

/**
 * The order changes run in: undoable changes before irreversible ones (so a
 * failure rolls back everything it touched), and a resource's change before
 * changes to the resources it depends on (an instance is stopped or resized
 * before its volumes change); otherwise the plan's order (priority, savings).
 */
export const order = (changes: ReadonlyArray<Change>, before: ReadonlyMap<string, Resource>): ReadonlyArray<Change> => {
  const dependsOn = (c: Change, other: Change): boolean => (before.get(c.id)?.dependencies ?? []).includes(other.resource.arn)
  const byDependency = (group: ReadonlyArray<Change>): Array<Change> => {
    const done: Array<Change> = []
    const pending = [...group]
    // Bounded: each pass places one change. EC2 records dependencies both ways (an instance on its
    // volumes, an attached volume on its instance): in such a cycle the instance goes first.
    while (pending.length > 0) {
      const free = pending.findIndex((c) => !pending.some((o) => o !== c && dependsOn(o, c)))
      const next = free !== -1 ? free : Math.max(0, pending.findIndex((c) => c.resource.kind === "ec2-instance"))
      const [taken] = pending.splice(next, 1)
      if (taken !== undefined) done.push(taken)
    }
    return done
  }
  return [...byDependency(changes.filter((c) => !irreversible(c.action))), ...byDependency(changes.filter((c) => irreversible(c.action)))]
}
