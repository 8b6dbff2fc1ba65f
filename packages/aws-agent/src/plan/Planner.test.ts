import { describe, expect, it } from "@effect/vitest"
import { EbsVolumeDetails, type Resource } from "@miyabi/types"
import { evaluate, securityScore } from "../findings/Findings.js"
import { monthlyCost, shipped } from "../pricing/PricingCatalog.js"
import { GP3_BASELINE_MIBPS, GP3_THROUGHPUT_MIBPS_MONTH } from "../optimize/rules/Gp2ToGp3.js"
import { SNAPSHOT_GB_MONTH } from "../optimize/rules/UnattachedVolume.js"
import { address, bucket, CYCLE, database, ec2, group, resource, volume, world } from "../optimize/World.testkit.js"
import { plan } from "./Planner.js"

const estate = () =>
  world([
    ec2("i-idle", "m5.2xlarge", { avg: 1, peak: 4 }),
    ec2("i-big", "m5.4xlarge", { avg: 5, peak: 12 }),
    ec2("i-kept", "m5.4xlarge", { avg: 5, peak: 12 }, { tags: { "miyabi:protected": "true" } }),
    volume("vol-gp2", "gp2", 500),
    volume("vol-free", "gp3", 200, false),
    resource("vol-plain", EbsVolumeDetails.make({ volumeType: "gp3", sizeGiB: 50, encrypted: false, awsState: "in-use", attachedTo: "i-big" })),
    address("eipalloc-free", false),
    bucket("public-logs", { sizeBytes: 200 * 2 ** 30, blocked: false, encryption: "none" }),
    group("sg-ssh", [22, 3306]),
    database("orders", "db.m5.large", { avg: 30, peak: 60 }, { publiclyAccessible: true })
  ])

describe("plan", () => {
  it("targets the cost the changes leave: re-pricing the planned resources gives the target", () => {
    const w = estate()
    const p = plan(w, shipped, { cycleId: CYCLE })
    expect(p.cost.current).toBe(w.monthlyCost)
    expect(p.cost.target).toBe(w.monthlyCost - p.optimization.plan.expectedMonthlySavings)
    expect(p.cost.target).toBeLessThan(p.cost.current)
    expect(p.cost.targetWithAdvice).toBeLessThan(p.cost.target)
    // Apply every change, price the world again; the deleted volume leaves its snapshot behind.
    const after = new Map<string, Resource | undefined>(w.resources.map((r) => [r.arn, r]))
    for (const t of p.touched.filter((t) => p.optimization.plan.changes.some((c) => c.resource.arn === t.before.arn))) after.set(t.before.arn, t.after)
    const repriced = [...after.values()].reduce((a, r) => a + (r === undefined ? 0 : monthlyCost(shipped, r)), 0)
    // Advice actions (lifecycle rules) do not change the catalog price of a bucket. Two costs the catalog
    // does not price are in the target: the deleted volume's snapshot, and the 500 GiB volume's gp3
    // throughput provisioned above the baseline to match gp2's 250 MiB/s.
    const unpriced = 200 * SNAPSHOT_GB_MONTH + (250 - GP3_BASELINE_MIBPS) * GP3_THROUGHPUT_MIBPS_MONTH
    expect(repriced + unpriced).toBe(p.cost.target)
  })

  it("targets the score without the findings the plan fixes, with discovery's weights", () => {
    const w = estate()
    const p = plan(w, shipped, { cycleId: CYCLE })
    expect(p.security.current).toBe(w.securityScore)
    const left = w.findings.filter((f) => f.category === "security" && !p.security.fixedFindings.includes(f.id))
    // Only the unencrypted volume has no in-place fix.
    expect(left.map((f) => f.rule)).toEqual(["security.unencrypted-volume"])
    expect(p.security.target).toBe(securityScore(w.resources, left))
    expect(p.security.target).toBeGreaterThan(p.security.current)
    // Re-evaluating discovery's rules on the planned security state agrees.
    const planned = w.resources.map((r) => p.touched.find((t) => t.before.arn === r.arn && t.after !== undefined && r.kind !== "ebs-volume")?.after ?? r)
    expect(securityScore(w.resources, evaluate(planned, shipped).filter((f) => f.category === "security"))).toBe(p.security.target)
  })

  it("gives every recommendation its evidence, and keeps unfixable findings in the security plan", () => {
    const p = plan(estate(), shipped, { cycleId: CYCLE })
    for (const i of [...p.cost.items, ...p.security.items]) expect(Object.keys(i.evidence).length).toBeGreaterThan(0)
    const unfixable = p.security.items.find((i) => i.kind === "finding")
    expect(unfixable?.recommendation.summary).toContain("encrypted snapshot")
    expect(unfixable?.recommendation.action).toBeUndefined()
    expect(p.plan.costPlan.length).toBe(p.cost.items.length)
    expect(p.plan.securityPlan.map((r) => r.rule)).toEqual(expect.arrayContaining(["security.revoke-world-ingress", "security.block-public-bucket", "security.encrypt-bucket", "security.private-database"]))
    expect(p.plan.costPlan.some((r) => r.rule === "cost.s3-lifecycle")).toBe(true)
    expect(p.plan.costPlan.some((r) => r.resource.id === "i-kept")).toBe(false)
  })

  it("writes infrastructure code for the touched resources only", () => {
    const p = plan(estate(), shipped, { cycleId: CYCLE })
    expect(p.plan.iac.map((a) => a.path)).toEqual([
      "cloudformation/123456789012-us-east-1.json",
      "cloudformation/123456789012-us-east-1-import.json",
      "terraform/123456789012-us-east-1/main.tf.json"
    ])
    const template = JSON.parse(p.plan.iac[0]!.content) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }
    const ids = Object.keys(template.Resources)
    expect(ids).toContain("S3Bucketpubliclogs")
    expect(ids.some((id) => id.includes("ikept"))).toBe(false)
    expect(ids.some((id) => id.includes("volfree"))).toBe(false)
    // The cost.s3-lifecycle advice's rule (S3 API shape) in CloudFormation's names; the bucket is versioned.
    expect(template.Resources["S3Bucketpubliclogs"]?.Properties["LifecycleConfiguration"]).toEqual({
      Rules: [
        {
          Id: "miyabi-intelligent-tiering",
          Status: "Enabled",
          Prefix: "",
          Transitions: [{ StorageClass: "INTELLIGENT_TIERING", TransitionInDays: 30 }],
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          NoncurrentVersionExpiration: { NoncurrentDays: 90 }
        }
      ]
    })
  })
})
