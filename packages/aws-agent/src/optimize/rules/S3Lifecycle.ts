/**
 * S3 lifecycle rules for buckets without any, as advice: whether old objects
 * can move tiers depends on how they are read, which discovery cannot see.
 * The proposed rules (in the S3 API's JSON shape) move objects to
 * Intelligent-Tiering after 30 days (no retrieval fees, so safe for unknown
 * access), abort incomplete multipart uploads after 7 days, and expire
 * noncurrent versions after 90 days on versioned buckets.
 */
import { advice, optimizeRule, type Proposal, usd } from "../RuleKit.js"

/** S3 Standard and Intelligent-Tiering's infrequent tier per GB-month (us-east-1). */
export const S3_STANDARD_GB_MONTH = 23_000
export const S3_INFREQUENT_GB_MONTH = 12_500

export const lifecycleRules = (versioned: boolean): ReadonlyArray<unknown> => [
  {
    ID: "miyabi-intelligent-tiering",
    Status: "Enabled",
    Filter: { Prefix: "" },
    Transitions: [{ Days: 30, StorageClass: "INTELLIGENT_TIERING" }],
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    ...(versioned ? { NoncurrentVersionExpiration: { NoncurrentDays: 90 } } : {})
  }
]

export const s3Lifecycle = optimizeRule("cost.s3-lifecycle", "Lifecycle rules for a bucket without any (advice)", ["cost.bucket-without-lifecycle"], (r, ctx): ReadonlyArray<Proposal> => {
  const d = r.details
  if (d._tag !== "s3-bucket" || d.lifecycleRules > 0) return []
  const gib = d.sizeBytes === undefined ? undefined : d.sizeBytes / 2 ** 30
  const savings = gib === undefined ? 0 : gib * ctx.config.s3ColdFraction * (S3_STANDARD_GB_MONTH - S3_INFREQUENT_GB_MONTH)
  return [
    advice(s3Lifecycle, r, ctx, {
      reason: "manual",
      summary:
        gib === undefined
          ? `${r.id} has no lifecycle rule (size unknown, savings not estimated)`
          : `${r.id} has no lifecycle rule: tiering ${Math.round(ctx.config.s3ColdFraction * 100)} % of ${gib.toFixed(1)} GiB saves about ${usd(savings)}/month`,
      savings,
      risk: "low",
      evidence: { sizeBytes: d.sizeBytes ?? null, versioning: d.versioning, assumedColdFraction: ctx.config.s3ColdFraction },
      action: { _tag: "PutBucketLifecycle", rules: lifecycleRules(d.versioning === "Enabled") },
      rollback: { _tag: "DeleteBucketLifecycle" }
    })
  ]
})
