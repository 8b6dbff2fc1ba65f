/**
 * S3 buckets (encryption, public access block and lifecycle each sometimes
 * missing) and RDS instances (some public, some unencrypted).
 */
import type { LifecycleRule, PublicAccessBlock } from "./Bucket.js"
import { PROFILE_WEIGHTS } from "./Compute.js"
import type { DbInstance } from "./DbInstance.js"
import type { GenerationContext, Workload } from "./Workload.js"
import { nextCounter } from "./Workload.js"

const DAY = 86_400_000

const FULL_BLOCK: PublicAccessBlock = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }

export const generateBucket = (ctx: GenerationContext, w: Workload): void => {
  const { rng, estate } = ctx
  const purpose = rng.pick(["assets", "logs", "backups", "uploads", "exports", "artifacts"])
  const n = nextCounter(ctx, "bucket")
  const encryption = rng.weighted<"AES256" | "aws:kms" | undefined>([["AES256", 60], ["aws:kms", 25], [undefined, 15]])
  const block = rng.weighted<PublicAccessBlock | "partial" | undefined>([[FULL_BLOCK, 72], ["partial", 10], [undefined, 18]])
  const lifecycle: Array<LifecycleRule> | undefined = rng.chance(0.5)
    ? [{ id: "archive-old-objects", prefix: "", status: "Enabled", transitionDays: rng.pick([30, 60, 90]), transitionStorageClass: "STANDARD_IA", expirationDays: rng.pick([365, 730]) }]
    : undefined
  estate.buckets.push({
    name: `${w.application}-${w.environment}-${purpose}-${w.account.id.slice(-4)}-${n}`,
    accountId: w.account.id,
    region: w.region,
    creationDate: estate.asOf - rng.int(10, 1500) * DAY,
    sizeGiB: rng.pick([1, 5, 20, 100, 500, 2000]),
    tags: w.tags(),
    ...(encryption === undefined ? {} : { encryption }),
    ...(block === undefined ? {} : { publicAccessBlock: block === "partial" ? { ...FULL_BLOCK, ignorePublicAcls: false, restrictPublicBuckets: false } : block }),
    ...(lifecycle === undefined ? {} : { lifecycleRules: lifecycle })
  })
}

const CLASSES: ReadonlyArray<readonly [string, number]> = [
  ["db.t3.micro", 4],
  ["db.t3.small", 3],
  ["db.t3.medium", 3],
  ["db.t3.large", 2],
  ["db.m5.large", 4],
  ["db.m5.xlarge", 3],
  ["db.m5.2xlarge", 1],
  ["db.m6g.large", 2],
  ["db.r5.large", 2],
  ["db.r5.xlarge", 2],
  ["db.r6g.large", 1],
  ["db.t2.micro", 1],
  ["db.m4.large", 1]
]

export const generateDbInstance = (ctx: GenerationContext, w: Workload): void => {
  const { rng, estate } = ctx
  const instanceClass = rng.weighted(CLASSES)
  const engine = rng.pick(["postgres", "mysql"] as const)
  const createTime = estate.asOf - rng.int(10, 1200) * DAY
  const db: DbInstance = {
    identifier: `${w.application}-${w.environment}-db-${nextCounter(ctx, "db")}`,
    resourceId: `db-${rng.alnum(26).toUpperCase()}`,
    accountId: w.account.id,
    region: w.region,
    availabilityZone: rng.pick(w.network.availabilityZones),
    instanceClass,
    baselineInstanceClass: instanceClass,
    engine,
    engineVersion: engine === "postgres" ? rng.pick(["14.12", "15.7", "16.3"]) : rng.pick(["8.0.36", "8.0.39"]),
    status: "available",
    allocatedStorage: rng.pick([20, 50, 100, 200, 500]),
    storageType: rng.chance(0.5) ? "gp2" : "gp3",
    publiclyAccessible: rng.chance(0.12),
    storageEncrypted: rng.chance(0.8),
    multiAz: w.environment === "prod" && rng.chance(0.5),
    createTime,
    masterUsername: engine === "postgres" ? "postgres" : "admin",
    profile: rng.weighted(PROFILE_WEIGHTS),
    tags: w.tags(),
    history: [{ at: createTime, instanceClass }]
  }
  estate.dbInstances.push(db)
}
