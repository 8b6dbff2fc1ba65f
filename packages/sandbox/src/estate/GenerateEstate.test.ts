import { describe, expect, it } from "@effect/vitest"
import { generateEstate, resourceCount, sizePlans } from "./GenerateEstate.js"
import { findInstanceType } from "./InstanceCatalog.js"
import { findingsOf } from "./Truth.js"

describe("generateEstate", () => {
  it("gives deep-equal estates for one seed and different ones for another", () => {
    const a = generateEstate({ seed: 42, size: "small" })
    const b = generateEstate({ seed: 42, size: "small" })
    const c = generateEstate({ seed: 43, size: "small" })
    expect(a).toEqual(b)
    expect(c).not.toEqual(a)
    expect(c.instances.map((i) => i.id)).not.toEqual(a.instances.map((i) => i.id))
  })

  it("builds the reference organization with unique 12-digit account ids", () => {
    const estate = generateEstate({ seed: 3, size: "medium" })
    const org = estate.organization
    expect(org.units.map((u) => u.name)).toEqual(["Security", "Infrastructure", "Production", "Non-Production", "Staging", "Development", "Sandbox", "Workloads", "Pools", "VIP"])
    const byName = new Map(org.units.map((u) => [u.name, u]))
    expect(byName.get("Staging")?.parentId).toBe(byName.get("Non-Production")?.id)
    expect(byName.get("VIP")?.parentId).toBe(byName.get("Workloads")?.id)
    expect(byName.get("Security")?.parentId).toBe(org.rootId)
    const ids = org.accounts.map((a) => a.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^\d{12}$/)
    expect(org.accounts.length).toBe(sizePlans.medium.accounts + 1)
    expect(org.accounts.filter((a) => a.role === "silo").every((a) => a.customerId !== undefined)).toBe(true)
  })

  it("reaches the requested size, 10,000 resources for benchmarks", () => {
    expect(resourceCount(generateEstate({ seed: 1, size: "tiny" }))).toBeGreaterThanOrEqual(50)
    expect(resourceCount(generateEstate({ seed: 1, size: "tiny" }))).toBeLessThan(90)
    const large = generateEstate({ seed: 1, resources: 10_000 })
    expect(resourceCount(large)).toBeGreaterThanOrEqual(10_000)
    expect(resourceCount(large)).toBeLessThan(10_100)
  })

  it("draws realistic instance types, including previous generations", () => {
    const estate = generateEstate({ seed: 9, size: "medium" })
    for (const i of estate.instances) expect(findInstanceType(i.instanceType)).toBeDefined()
    const families = new Set(estate.instances.map((i) => i.instanceType.split(".")[0]))
    expect([...families].some((f) => f === "m4" || f === "t2" || f === "c4" || f === "r4")).toBe(true)
    expect(families.size).toBeGreaterThan(8)
  })

  it("tags customer resources with the customer id as CostCenter and leaves some untagged", () => {
    const estate = generateEstate({ seed: 5, size: "medium" })
    const customerIds = new Set(estate.customers.map((c) => c.id))
    const silo = estate.organization.accounts.find((a) => a.role === "silo")
    const siloTagged = estate.instances.filter((i) => i.accountId === silo?.id && i.tags["CostCenter"] !== undefined)
    expect(siloTagged.every((i) => i.tags["CostCenter"] === silo?.customerId)).toBe(true)
    expect(estate.instances.some((i) => customerIds.has(i.tags["CostCenter"] ?? ""))).toBe(true)
    expect(estate.instances.some((i) => Object.keys(i.tags).length === 0)).toBe(true)
    expect(estate.instances.every((i) => ["prod", "staging", "dev", undefined].includes(i.tags["Environment"]))).toBe(true)
  })

  it("records every kind of waste and risk, even in a tiny estate, and the truth matches the state", () => {
    for (const seed of [1, 2, 3]) {
      const estate = generateEstate({ seed, size: "tiny" })
      const reasons = new Set(estate.truth.map((f) => f.reason))
      for (const reason of [
        "idle",
        "overProvisioned",
        "unattachedVolume",
        "unassociatedAddress",
        "gp2Volume",
        "previousGeneration",
        "stoppedWithVolumes",
        "bucketWithoutLifecycle",
        "publicBucket",
        "unencryptedVolume",
        "unencryptedBucket",
        "unencryptedDatabase",
        "publicDatabase",
        "openSecurityGroup"
      ] as const) {
        expect(reasons, `seed ${seed}: ${reason}`).toContain(reason)
      }
      expect(findingsOf(estate)).toEqual(estate.truth)
    }
  })

  it("keeps each truth entry true to the resource it names", () => {
    const estate = generateEstate({ seed: 11, size: "small" })
    // Each reason checked below is in this estate's truth, so none of the checks is skipped.
    const checked = ["unattachedVolume", "unassociatedAddress", "publicDatabase", "idle"]
    expect(checked.filter((reason) => !estate.truth.some((f) => f.reason === reason && (reason !== "idle" || f.kind === "ec2:instance")))).toEqual([])
    for (const f of estate.truth) {
      if (f.reason === "unattachedVolume") expect(estate.volumes.find((v) => v.id === f.resourceId)?.attachment).toBeUndefined()
      if (f.reason === "unassociatedAddress") expect(estate.addresses.find((a) => a.allocationId === f.resourceId)?.associationId).toBeUndefined()
      if (f.reason === "publicDatabase") expect(estate.dbInstances.find((d) => d.identifier === f.resourceId)?.publiclyAccessible).toBe(true)
      if (f.reason === "idle" && f.kind === "ec2:instance") expect(estate.instances.find((i) => i.id === f.resourceId)?.state).toBe("running")
    }
  })

  it("adds load balancers, auto scaling groups, distributions and tables around the workloads, with idle balancers in the truth", () => {
    for (const seed of [1, 2, 3]) {
      const estate = generateEstate({ seed, size: "tiny" })
      expect(estate.loadBalancers.length, `seed ${seed}`).toBeGreaterThan(0)
      expect(estate.autoScalingGroups.length, `seed ${seed}`).toBeGreaterThan(0)
      expect(estate.distributions.length, `seed ${seed}`).toBeGreaterThan(0)
      expect(estate.tables.length, `seed ${seed}`).toBeGreaterThan(0)
      const instances = new Map(estate.instances.map((i) => [i.id, i]))
      for (const g of estate.autoScalingGroups) {
        expect(g.instanceIds.length).toBeGreaterThan(0)
        for (const id of g.instanceIds) expect(instances.get(id)).toMatchObject({ accountId: g.accountId, region: g.region })
        expect(g.desiredCapacity).toBe(g.instanceIds.filter((id) => instances.get(id)?.state === "running").length)
      }
      for (const tg of estate.targetGroups) for (const id of tg.targets) expect(instances.get(id)).toMatchObject({ accountId: tg.accountId, region: tg.region })
      const buckets = new Set(estate.buckets.map((b) => `${b.accountId}/${b.name}`))
      for (const d of estate.distributions) expect(buckets.has(`${d.accountId}/${(d.origins[0] ?? "").split(".s3.")[0] ?? ""}`)).toBe(true)
      const serving = (arn: string) => estate.targetGroups.some((tg) => tg.loadBalancerArns.includes(arn) && tg.targets.length > 0)
      const idle = estate.truth.filter((f) => f.kind === "elbv2:load-balancer")
      expect(idle.length, `seed ${seed}`).toBeGreaterThan(0)
      expect(idle.map((f) => f.resourceId).sort()).toEqual(estate.loadBalancers.filter((lb) => !serving(lb.arn)).map((lb) => lb.arn).sort())
      expect(idle.every((f) => f.reason === "idle" && f.category === "waste")).toBe(true)
    }
  })

  it("draws the new kinds from their own stream: the rest of a seed's estate is as it was without them", () => {
    for (const seed of [7, 42]) {
      const { loadBalancers, targetGroups, autoScalingGroups, distributions, tables, truth, ...rest } = generateEstate({ seed, size: "small" })
      const without = generateEstate({ seed, size: "small", scalingAndEdge: false })
      const { loadBalancers: none1, targetGroups: none2, autoScalingGroups: none3, distributions: none4, tables: none5, truth: truthWithout, ...restWithout } = without
      expect([none1, none2, none3, none4, none5].every((l) => l.length === 0)).toBe(true)
      expect(rest).toEqual(restWithout)
      expect(truth.filter((f) => f.kind !== "elbv2:load-balancer")).toEqual(truthWithout)
      expect(loadBalancers.length + targetGroups.length + autoScalingGroups.length + distributions.length + tables.length).toBeGreaterThan(0)
    }
  })
})
