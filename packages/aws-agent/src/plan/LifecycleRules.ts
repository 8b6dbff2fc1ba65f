/**
 * S3 lifecycle rules as the S3 API takes them (what `PutBucketLifecycle`
 * actions carry), read into a typed shape so they can be written out as
 * CloudFormation and Terraform. Fields outside this shape are not carried
 * over (the plan report says how many rules were kept).
 */
import { Option, Schema } from "effect"

const S3LifecycleRule = Schema.Struct({
  ID: Schema.optional(Schema.String),
  Status: Schema.Literal("Enabled", "Disabled"),
  Filter: Schema.optional(Schema.Struct({ Prefix: Schema.optional(Schema.String) })),
  Transitions: Schema.optional(Schema.Array(Schema.Struct({ Days: Schema.Int, StorageClass: Schema.String }))),
  Expiration: Schema.optional(Schema.Struct({ Days: Schema.Int })),
  AbortIncompleteMultipartUpload: Schema.optional(Schema.Struct({ DaysAfterInitiation: Schema.Int })),
  NoncurrentVersionExpiration: Schema.optional(Schema.Struct({ NoncurrentDays: Schema.Int }))
})
export type S3LifecycleRule = typeof S3LifecycleRule.Type

export const readRules = (rules: ReadonlyArray<unknown>): ReadonlyArray<S3LifecycleRule> =>
  rules.flatMap((r) => Option.toArray(Schema.decodeUnknownOption(S3LifecycleRule)(r)))

/** AWS::S3::Bucket Rule. */
export const toCloudFormation = (r: S3LifecycleRule, i: number): Record<string, unknown> => ({
  Id: r.ID ?? `rule-${i}`,
  Status: r.Status,
  ...(r.Filter?.Prefix === undefined ? {} : { Prefix: r.Filter.Prefix }),
  ...(r.Transitions === undefined ? {} : { Transitions: r.Transitions.map((t) => ({ TransitionInDays: t.Days, StorageClass: t.StorageClass })) }),
  ...(r.Expiration === undefined ? {} : { ExpirationInDays: r.Expiration.Days }),
  ...(r.AbortIncompleteMultipartUpload === undefined ? {} : { AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.AbortIncompleteMultipartUpload.DaysAfterInitiation } }),
  ...(r.NoncurrentVersionExpiration === undefined ? {} : { NoncurrentVersionExpiration: { NoncurrentDays: r.NoncurrentVersionExpiration.NoncurrentDays } })
})

/** aws_s3_bucket_lifecycle_configuration rule block. */
export const toTerraform = (r: S3LifecycleRule, i: number): Record<string, unknown> => ({
  id: r.ID ?? `rule-${i}`,
  status: r.Status,
  filter: { prefix: r.Filter?.Prefix ?? "" },
  ...(r.Transitions === undefined ? {} : { transition: r.Transitions.map((t) => ({ days: t.Days, storage_class: t.StorageClass })) }),
  ...(r.Expiration === undefined ? {} : { expiration: { days: r.Expiration.Days } }),
  ...(r.AbortIncompleteMultipartUpload === undefined ? {} : { abort_incomplete_multipart_upload: { days_after_initiation: r.AbortIncompleteMultipartUpload.DaysAfterInitiation } }),
  ...(r.NoncurrentVersionExpiration === undefined ? {} : { noncurrent_version_expiration: { noncurrent_days: r.NoncurrentVersionExpiration.NoncurrentDays } })
})

/** The lifecycle rules a resource's actions leave it with (the last put wins, a delete clears). */
export const plannedRules = (actions: ReadonlyArray<{ readonly _tag: string; readonly rules?: ReadonlyArray<unknown> }>): ReadonlyArray<S3LifecycleRule> | undefined =>
  actions.reduce<ReadonlyArray<S3LifecycleRule> | undefined>(
    (acc, a) => (a._tag === "PutBucketLifecycle" && a.rules !== undefined ? readRules(a.rules) : a._tag === "DeleteBucketLifecycle" ? [] : acc),
    undefined
  )
