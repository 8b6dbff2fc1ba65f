/**
 * The changes the sandbox's services make to an estate, kept here so that
 * each change also extends the histories the metric and cost sources read:
 * a stopped instance stops costing and reporting CPU from `now`, a resized one
 * costs its new price and shows CPU scaled to its new size.
 */
import type { DbInstance } from "./DbInstance.js"
import type { EcsService } from "./EcsService.js"
import type { Instance } from "./Instance.js"
import type { LambdaFunction } from "./LambdaFunction.js"
import type { Volume, VolumeType } from "./Volume.js"

/** EC2 takes a moment to start or stop; the sandbox settles transitions after this long. */
export const TRANSITION_MS = 5_000

const record = (instance: Instance, now: number): void => {
  instance.history.push({ at: now, instanceType: instance.instanceType, running: instance.state === "running" || instance.state === "pending" })
}

/** Settles pending -> running and stopping -> stopped once their time has come. */
export const settleInstance = (instance: Instance, now: number): void => {
  if (instance.stateSettlesAt === undefined || now < instance.stateSettlesAt) return
  if (instance.state === "pending") instance.state = "running"
  if (instance.state === "stopping") instance.state = "stopped"
  delete instance.stateSettlesAt
}

export const stopInstance = (instance: Instance, now: number): void => {
  settleInstance(instance, now)
  if (instance.state === "stopped" || instance.state === "stopping") return
  instance.state = "stopping"
  instance.stateSettlesAt = now + TRANSITION_MS
  instance.stateTransitionReason = `User initiated (${new Date(now).toISOString().slice(0, 19).replace("T", " ")} GMT)`
  // Billing and CPU stop when the stop is requested.
  instance.history.push({ at: now, instanceType: instance.instanceType, running: false })
}

export const startInstance = (instance: Instance, now: number): void => {
  settleInstance(instance, now)
  if (instance.state === "running" || instance.state === "pending") return
  instance.state = "pending"
  instance.stateSettlesAt = now + TRANSITION_MS
  instance.stateTransitionReason = ""
  record(instance, now)
}

/** Only valid on a stopped instance; the caller checks (AWS answers IncorrectInstanceState). */
export const changeInstanceType = (instance: Instance, instanceType: string, now: number): void => {
  instance.instanceType = instanceType
  record(instance, now)
}

export const changeDbInstanceClass = (db: DbInstance, instanceClass: string, now: number): void => {
  db.instanceClass = instanceClass
  db.history.push({ at: now, instanceClass })
}

/** Applies a pending class change whose time has come; the history records when it took effect. */
export const settleDbInstance = (db: DbInstance, now: number): void => {
  if (db.pendingInstanceClass === undefined || db.pendingApplyAt === undefined || now < db.pendingApplyAt) return
  changeDbInstanceClass(db, db.pendingInstanceClass, db.pendingApplyAt)
  if (db.status === "modifying") db.status = "available"
  delete db.pendingInstanceClass
  delete db.pendingApplyAt
}

/**
 * ModifyDBInstance of the class: with ApplyImmediately the instance is
 * `modifying` for a moment, otherwise the change waits for the weekly
 * maintenance window (the sandbox's is Sunday 05:00 UTC).
 */
export const requestDbInstanceClass = (db: DbInstance, instanceClass: string, applyImmediately: boolean, now: number): void => {
  db.pendingInstanceClass = instanceClass
  if (applyImmediately) {
    db.status = "modifying"
    db.pendingApplyAt = now + TRANSITION_MS
  } else {
    const date = new Date(now)
    const daysToSunday = (7 - date.getUTCDay()) % 7
    let window = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + daysToSunday, 5)
    if (window <= now) window += 7 * 86_400_000
    db.pendingApplyAt = window
  }
}

/** PubliclyAccessible: RDS applies it at once, whatever ApplyImmediately says. */
export const setDbPubliclyAccessible = (db: DbInstance, publiclyAccessible: boolean): void => {
  db.publiclyAccessible = publiclyAccessible
}

export const modifyVolume = (volume: Volume, change: { readonly volumeType?: VolumeType; readonly sizeGiB?: number; readonly iops?: number; readonly throughput?: number }): void => {
  if (change.volumeType !== undefined) volume.volumeType = change.volumeType
  if (change.sizeGiB !== undefined) volume.sizeGiB = change.sizeGiB
  if (volume.volumeType === "gp3") {
    volume.iops = change.iops ?? (volume.iops !== undefined && volume.iops >= 3000 ? volume.iops : 3000)
    volume.throughput = change.throughput ?? volume.throughput ?? 125
  } else {
    delete volume.throughput
    if (change.iops !== undefined) volume.iops = change.iops
    else if (volume.volumeType === "gp2") volume.iops = Math.min(16_000, Math.max(100, volume.sizeGiB * 3))
  }
}

export const changeFunctionMemory = (f: LambdaFunction, memorySize: number, now: number): void => {
  if (memorySize === f.memorySize) return
  f.memorySize = memorySize
  f.memoryHistory.push({ at: now, memorySize })
}

/** Records an ECS service's desired count and task definition as of `now` (after UpdateService changed them). */
export const recordServiceChange = (service: EcsService, now: number): void => {
  const last = service.history.at(-1)
  if (last !== undefined && last.desiredCount === service.desiredCount && last.taskDefinition === service.taskDefinition) return
  service.history.push({ at: now, desiredCount: service.desiredCount, taskDefinition: service.taskDefinition })
}
