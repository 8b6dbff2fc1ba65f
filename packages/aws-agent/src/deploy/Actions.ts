/**
 * What θ4 knows of each change action, as plain functions: whether it can
 * run it, its inverse from the observed before-state, whether a live resource
 * shows it done, whether it can be undone, and the order changes run in.
 */
import { type Change, type ChangeAction, type Resource } from "@miyabi/types"
import { Option } from "effect"

/** The actions this deployer executes; the others (ECS, security fixes, purchases) are recorded as skipped. */
const SUPPORTED: ReadonlySet<ChangeAction["_tag"]> = new Set([
  "ResizeInstance",
  "StopInstance",
  "StartInstance",
  "ModifyVolume",
  "SnapshotAndDeleteVolume",
  "ReleaseAddress",
  "SetLambdaMemory",
  "ResizeDbInstance",
  "PutBucketLifecycle"
])

export const supported = (action: ChangeAction): boolean => SUPPORTED.has(action._tag)

/** Changes whose inverse cannot give back the same resource (a restored volume has a new id; a released IP may be gone). */
export const irreversible = (action: ChangeAction): boolean => action._tag === "SnapshotAndDeleteVolume" || action._tag === "ReleaseAddress"

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
