import { describe, expect, it } from "@effect/vitest"
import { Resource, S3BucketDetails } from "@miyabi/types"
import { adviceOf, bucket, changesOf, database, ec2, proposals } from "../World.testkit.js"
import { commitments } from "./Commitments.js"
import { S3_INFREQUENT_GB_MONTH, S3_STANDARD_GB_MONTH, s3Lifecycle } from "./S3Lifecycle.js"

describe("advice rules", () => {
  it("S3 lifecycle: advice with savings from the size, none when the size is unknown", () => {
    const sized = adviceOf(proposals(s3Lifecycle, [bucket("logs", { sizeBytes: 1000 * 2 ** 30 })]))
    expect(sized[0]?.reason).toBe("manual")
    expect(sized[0]?.expectedMonthlySavings).toBe(Math.round(1000 * 0.5 * (S3_STANDARD_GB_MONTH - S3_INFREQUENT_GB_MONTH)))
    expect(sized[0]?.action?._tag).toBe("PutBucketLifecycle")
    expect(sized[0]?.rollback).toEqual({ _tag: "DeleteBucketLifecycle" })
    const unknown = adviceOf(proposals(s3Lifecycle, [bucket("data")]))
    expect(unknown[0]?.expectedMonthlySavings).toBe(0)
    expect(unknown[0]?.summary).toContain("size unknown")
    expect(proposals(s3Lifecycle, [bucket("ruled", { lifecycleRules: 2 })])).toEqual([])
  })

  it("commitments: steady on-demand compute is a purchase candidate, never a change", () => {
    const ps = proposals(commitments, [ec2("i-steady", "m5.large", { avg: 40, peak: 70 })])
    expect(changesOf(ps)).toEqual([])
    const [a] = adviceOf(ps)
    expect(a?.reason).toBe("commitment")
    expect(a?.action).toMatchObject({ _tag: "PurchaseCommitment", commitment: "compute-savings-plan", termYears: 1 })
    expect(a?.expectedMonthlySavings).toBe(Math.round(96_000 * 730 * 0.28))
    expect(adviceOf(proposals(commitments, [database("db-1", "db.m5.large", { avg: 30, peak: 50 })]))[0]?.action).toMatchObject({ commitment: "reserved-instance" })
  })

  it("commitments: not for idle or part-time instances", () => {
    expect(proposals(commitments, [ec2("i-idle", "m5.large", { avg: 1, peak: 2 })])).toEqual([])
    expect(proposals(commitments, [ec2("i-part", "m5.large", { avg: 40, peak: 70, hours: 100 })])).toEqual([])
    // Idle is under 3 % average: an instance at exactly 3 % is steady work, and a candidate.
    expect(adviceOf(proposals(commitments, [ec2("i-edge", "m5.large", { avg: 3, peak: 20 })])).map((a) => a.reason)).toEqual(["commitment"])
  })
  it("S3 lifecycle: noncurrent versions expire only on a versioned bucket, and one existing rule is enough to stay quiet", () => {
    const versioned = bucket("v")
    const suspended = versioned.details._tag === "s3-bucket" ? Resource.make({ ...versioned, details: S3BucketDetails.make({ ...versioned.details, versioning: "Suspended" }) }) : versioned
    const rulesOf = (r: Resource) => {
      const action = adviceOf(proposals(s3Lifecycle, [r]))[0]?.action
      return action?._tag === "PutBucketLifecycle" ? action.rules : []
    }
    expect(rulesOf(versioned)[0]).toHaveProperty("NoncurrentVersionExpiration", { NoncurrentDays: 90 })
    expect(rulesOf(suspended)[0]).not.toHaveProperty("NoncurrentVersionExpiration")
    expect(proposals(s3Lifecycle, [bucket("one-rule", { lifecycleRules: 1 })])).toEqual([])
  })
})
