/**
 * Makes sure even a tiny estate has at least one resource of every waste and
 * risk kind, so discovery and agent-cycle tests always have each case to
 * find. Missing cases are added as extra resources of a fresh workload.
 */
import { generateAddress, generateInstance, generateSecurityGroup, generateStrayVolume } from "./Compute.js"
import { generateBucket, generateDbInstance } from "./DataStores.js"
import type { RiskReason, WasteReason } from "./Finding.js"
import type { Account, Customer } from "./Organization.js"
import { findingsOf } from "./Truth.js"
import { drawWorkload, type GenerationContext } from "./Workload.js"

const DAY = 86_400_000

export const ensureCoverage = (ctx: GenerationContext, accounts: ReadonlyArray<Account>, customers: ReadonlyArray<Customer>): void => {
  const { estate } = ctx
  const present = new Set<WasteReason | RiskReason>(findingsOf(estate).map((f) => f.reason))
  const missing = (reason: WasteReason | RiskReason): boolean => !present.has(reason)
  const w = drawWorkload(ctx, accounts, customers)
  const sg = generateSecurityGroup(ctx, w)

  const instanceWith = (patch: (i: ReturnType<typeof generateInstance>) => void): void => {
    const instance = generateInstance(ctx, w, sg)
    patch(instance)
  }
  if (missing("idle")) instanceWith((i) => Object.assign(i, { profile: "idle", state: "running", stateTransitionReason: "", history: i.history.slice(0, 1) }))
  if (missing("overProvisioned")) instanceWith((i) => Object.assign(i, { profile: "overProvisioned", state: "running", stateTransitionReason: "", history: i.history.slice(0, 1) }))
  if (missing("previousGeneration")) {
    instanceWith((i) => {
      Object.assign(i, { instanceType: "m4.large", baselineInstanceType: "m4.large", state: "running" })
      i.history = [{ at: i.launchTime, instanceType: "m4.large", running: true }]
    })
  }
  if (missing("stoppedWithVolumes")) {
    instanceWith((i) => {
      const at = estate.asOf - 10 * DAY
      i.state = "stopped"
      i.stateTransitionReason = `User initiated (${new Date(at).toISOString().slice(0, 19).replace("T", " ")} GMT)`
      i.history = [...i.history.slice(0, 1), { at, instanceType: i.instanceType, running: false }]
    })
  }
  if (missing("unattachedVolume") || missing("gp2Volume") || missing("unencryptedVolume")) {
    generateStrayVolume(ctx, w)
    const volume = estate.volumes[estate.volumes.length - 1]
    if (volume !== undefined) {
      if (missing("gp2Volume")) Object.assign(volume, { volumeType: "gp2", iops: Math.max(100, volume.sizeGiB * 3) })
      if (missing("unencryptedVolume")) volume.encrypted = false
    }
  }
  if (missing("unassociatedAddress")) generateAddress(ctx, w, undefined)
  if (missing("openSecurityGroup")) {
    const group = estate.securityGroups.find((g) => g.id === sg)
    group?.ingress.push({ protocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["0.0.0.0/0"] })
  }
  if (missing("bucketWithoutLifecycle") || missing("unencryptedBucket") || missing("publicBucket")) {
    generateBucket(ctx, w)
    const bucket = estate.buckets[estate.buckets.length - 1]
    if (bucket !== undefined) {
      if (missing("bucketWithoutLifecycle")) delete bucket.lifecycleRules
      if (missing("unencryptedBucket")) delete bucket.encryption
      if (missing("publicBucket")) delete bucket.publicAccessBlock
    }
  }
  if (missing("publicDatabase") || missing("unencryptedDatabase")) {
    generateDbInstance(ctx, w)
    const db = estate.dbInstances[estate.dbInstances.length - 1]
    if (db !== undefined) {
      if (missing("publicDatabase")) db.publiclyAccessible = true
      if (missing("unencryptedDatabase")) db.storageEncrypted = false
    }
  }
}
