/**
 * Default request budgets per service: a token bucket of `burst` tokens
 * refilled at `perSecond`, per (account, region, service). Where AWS
 * publishes a limit for the read calls discovery makes, the default follows
 * it; elsewhere it is 10/s with a burst of 20 (AwsConfig.defaultRateLimit).
 * A key "service:Operation" (e.g. "ec2:DescribeInstances") gives one
 * operation its own bucket and limit.
 */

export interface BucketLimit {
  readonly perSecond: number
  readonly burst: number
  /** One bucket per operation instead of one for the whole service (EC2 throttles each API separately). */
  readonly perOperation?: boolean
}

export const defaultRateLimits: Readonly<Record<string, BucketLimit>> = {
  // EC2 API request throttling: each non-mutating (Describe*) action has its own bucket of 100, refilled at 20/s.
  ec2: { perSecond: 20, burst: 100, perOperation: true },
  // ECS: cluster/service read actions, sustained 20/s with a burst of 50.
  ecs: { perSecond: 20, burst: 50 },
  // CloudWatch GetMetricData: 50 transactions per second per region.
  cloudwatch: { perSecond: 50, burst: 50 },
  // S3 serves at least 5,500 GET/HEAD requests per second per prefix, and bucket configuration reads
  // (GetBucketEncryption, GetPublicAccessBlock...) each go to their own bucket: 100/s per account and
  // region stays far below that while letting discovery read an account's buckets in seconds, not minutes.
  s3: { perSecond: 100, burst: 200 },
  // Lambda control plane (ListFunctions and friends): 15 requests per second per region.
  lambda: { perSecond: 15, burst: 15 },
  // STS: 600 requests per second per account and region; AssumeRole fans out across accounts, so stay well under.
  sts: { perSecond: 100, burst: 200 },
  // Organizations: shared by the whole organization, throttles early; a conservative 5/s.
  organizations: { perSecond: 5, burst: 10 },
  // Cost Explorer: every request is billed and throttled at a few per second.
  "cost-explorer": { perSecond: 5, burst: 5 }
}
