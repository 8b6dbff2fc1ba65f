import { describe, expect, it } from "@effect/vitest"
import { Ec2InstanceDetails, Resource, S3BucketDetails } from "@miyabi/types"
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
  it("commitments: only running, on-demand, non-Auto-Scaling instances; coverage counted inclusively", () => {
    const steadyUse = { avg: 40, peak: 70 }
    const spot = ec2("i-spot", "m5.large", steadyUse)
    const spotDetails = spot.details._tag === "ec2-instance" ? Ec2InstanceDetails.make({ ...spot.details, lifecycle: "spot" }) : spot.details
    expect(proposals(commitments, [Resource.make({ ...spot, details: spotDetails })])).toEqual([])
    expect(proposals(commitments, [ec2("i-asg", "m5.large", steadyUse, { tags: { "aws:autoscaling:groupName": "web" } })])).toEqual([])
    expect(proposals(commitments, [ec2("i-stopped", "m5.large", steadyUse, { state: "stopped" })])).toEqual([])
    // Coverage 0.5 of 14 days is exactly 168 hours of data: enough.
    expect(adviceOf(proposals(commitments, [ec2("i-half", "m5.large", { ...steadyUse, hours: 168 })], { steadyCoverage: 0.5 }))).toHaveLength(1)
  })

  it("commitments: a Multi-AZ database reserves both instances at the RDS discount", () => {
    // db.m5.large $0.171/hour x 2 (Multi-AZ) x 730 hours x 35 % = $87.381; single-AZ half of it.
    const savings = (multiAz: boolean) => adviceOf(proposals(commitments, [database("db-1", "db.m5.large", { avg: 30, peak: 50 }, { multiAz })]))[0]?.expectedMonthlySavings
    expect([savings(true), savings(false)]).toEqual([87_381_000, 43_690_500])
  })

  it("commitments: the hourly commitment is rounded to the nearest micro-dollar", () => {
    // m5.large $0.096/hour at a 33.3337 % discount: 96,000 x 0.666663 = 63,999.65 -> 64,000 (not 63,999).
    const [a] = adviceOf(proposals(commitments, [ec2("i-steady", "m5.large", { avg: 40, peak: 70 })], { savingsPlanDiscount: 0.333337 }))
    expect(a?.action).toMatchObject({ hourlyCommitment: 64_000 })
  })
})
