/**
 * Discovery against the sandbox: a seeded estate is found whole, with owners,
 * costs and the generator's truth of waste and risk; with throttling and a
 * denied account it still completes, retries in the logs, the denial in
 * coverage; a second run with a cache reuses what it read.
 */
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import type { Finding, Resource } from "@miyabi/types"
import { Duration, Effect, Layer, Logger } from "effect"
import * as Discovery from "./Discovery.js"
import * as DiscoveryCache from "./discovery/DiscoveryCache.js"
import * as PricingCatalog from "./pricing/PricingCatalog.js"
import { refreshFromPriceList } from "./pricing/RefreshFromPriceList.js"

const DAY = 86_400_000
const SERVED = ["ec2", "s3", "rds", "lambda", "ecs"]


const estate = sandboxEstate({ seed: 7, size: "tiny", asOf: Date.UTC(2026, 10, 20) })

const sandboxInEnv = (options: Parameters<typeof Sandbox.start>[0] = {}) =>
  Effect.gen(function* () {
    const sandbox = yield* Sandbox.start({ estate, dynamodb: false, ...options })
    yield* useSandboxEnv(sandbox)
    return sandbox
  })

const runtime = AwsRuntime.layer({ region: "us-east-1", retryBaseDelay: Duration.millis(2), retryMaxDelay: Duration.millis(20), maxAttempts: 8 })
const stack = (extra: Layer.Layer<never> = Layer.empty) => Layer.mergeAll(Discovery.adaptersLayer, extra).pipe(Layer.provideMerge(runtime))

/** Rules by the generator's names for waste and risk. */
const RULES: Readonly<Record<string, ReadonlyArray<string>>> = {
  "idle:ec2:instance": ["cost.idle-instance"],
  "idle:rds:db": ["cost.idle-database"],
  "overProvisioned:ec2:instance": ["cost.overprovisioned-instance"],
  "overProvisioned:rds:db": ["cost.overprovisioned-database"],
  "overProvisioned:ecs:service": ["cost.overprovisioned-service"],
  "overProvisioned:lambda:function": ["cost.overprovisioned-function"],
  "previousGeneration:ec2:instance": ["cost.previous-generation"],
  "stoppedWithVolumes:ec2:instance": ["cost.stopped-instance-volumes"],
  "unattachedVolume:ec2:volume": ["cost.unattached-volume"],
  "gp2Volume:ec2:volume": ["cost.gp2-volume"],
  "unassociatedAddress:ec2:address": ["cost.unassociated-eip"],
  "bucketWithoutLifecycle:s3:bucket": ["cost.bucket-without-lifecycle"],
  "publicBucket:s3:bucket": ["security.public-bucket"],
  "unencryptedVolume:ec2:volume": ["security.unencrypted-volume"],
  "unencryptedBucket:s3:bucket": ["security.unencrypted-bucket"],
  "unencryptedDatabase:rds:db": ["security.unencrypted-database"],
  "publicDatabase:rds:db": ["security.public-database"],
  "openSecurityGroup:ec2:security-group": ["security.open-ssh", "security.open-rdp", "security.open-database-port", "security.open-all-ports"]
}

const nameOf = (r: Resource) => (r.kind === "ecs-service" ? (r.name ?? r.id) : r.id)

/** Precision and recall of discovery's findings against the generator's truth, per truth reason+kind. */
const score = (resources: ReadonlyArray<Resource>, findings: ReadonlyArray<Finding>) => {
  const byArn = new Map(resources.map((r) => [r.arn, r]))
  const rows: Array<{ readonly rule: string; readonly tp: number; readonly fp: number; readonly fn: number }> = []
  for (const [truthKey, rules] of Object.entries(RULES)) {
    const [reason, ...kindParts] = truthKey.split(":")
    const kind = kindParts.join(":")
    const expected = new Set(estate.data.truth.filter((t) => t.reason === reason && t.kind === kind).map((t) => `${t.accountId}/${t.resourceId}`))
    const found = new Set(
      findings.flatMap((f) => {
        const r = byArn.get(f.resource.arn)
        return rules.includes(f.rule) && r !== undefined ? [`${r.account}/${nameOf(r)}`] : []
      })
    )
    const tp = [...found].filter((k) => expected.has(k)).length
    rows.push({ rule: truthKey, tp, fp: found.size - tp, fn: expected.size - tp })
  }
  return rows
}

describe("Discovery against the sandbox", () => {
  it.scopedLive(
    "finds every resource of a seeded estate with owners, costs and the generator's findings",
    () =>
      Effect.gen(function* () {
        const sandbox = yield* sandboxInEnv()
        const data = estate.data
        const catalog = yield* refreshFromPriceList({ regions: [...data.regions] })
        const progress: Array<number> = []
        const { world, utilizationStats } = yield* Discovery.run({
          regions: data.regions,
          services: SERVED,
          utilization: { end: new Date(data.asOf) },
          onProgress: (e) => Effect.sync(() => progress.push(e.done))
        }).pipe(Effect.provide(PricingCatalog.layer(catalog)))

        // Every resource the estate holds, nothing else.
        const ids = (kind: string) => world.resources.filter((r) => r.kind === kind).map(nameOf).sort()
        expect(ids("ec2-instance")).toEqual(data.instances.map((i) => i.id).sort())
        expect(ids("ebs-volume")).toEqual(data.volumes.filter((v) => v.deletedAt === undefined).map((v) => v.id).sort())
        expect(ids("elastic-ip")).toEqual(data.addresses.filter((a) => a.releasedAt === undefined).map((a) => a.allocationId).sort())
        expect(ids("security-group")).toEqual(data.securityGroups.map((g) => g.id).sort())
        expect(ids("s3-bucket")).toEqual(data.buckets.map((b) => b.name).sort())
        expect(ids("rds-instance")).toEqual(data.dbInstances.map((d) => d.identifier).sort())
        expect(ids("lambda-function")).toEqual(data.functions.map((f) => f.name).sort())
        expect(ids("ecs-service")).toEqual(data.services.map((s) => s.name).sort())
        expect(world.accounts).toHaveLength(data.organization.accounts.length)
        expect(world.coverage.every((c) => c.status === "ok")).toBe(true)
        expect(progress).toHaveLength(world.coverage.length)
        expect(Math.max(...progress)).toBe(world.coverage.length)

        // Owners from the roster.
        expect(new Set(world.resources.filter((r) => r.kind === "rds-instance").map((r) => r.owner))).toEqual(new Set(["Noguchi"]))
        expect(new Set(world.resources.filter((r) => r.kind === "s3-bucket").map((r) => r.owner))).toEqual(new Set(["Jobs"]))
        expect(new Set(world.resources.filter((r) => r.kind === "ec2-instance").map((r) => r.owner))).toEqual(new Set(["Gates"]))

        // EC2 compute cost: a month of the estate's own daily bill for running instances.
        const day = new Date(data.asOf - DAY).toISOString().slice(0, 10)
        const next = new Date(data.asOf).toISOString().slice(0, 10)
        const billedDay = [...estate.costs.lines(day, next)].filter((l) => l.service === "Amazon Elastic Compute Cloud - Compute").reduce((a, l) => a + l.unblendedMicroUsd, 0)
        const instancesMonthly = world.resources.filter((r) => r.kind === "ec2-instance").reduce((a, r) => a + r.monthlyCost, 0)
        expect(billedDay).toBeGreaterThan(0)
        expect(Math.abs(instancesMonthly / 730 - billedDay / 24) / (billedDay / 24)).toBeLessThan(0.01)
        expect(world.monthlyCost).toBeGreaterThan(instancesMonthly)

        // Findings against the generator's truth.
        const rows = score(world.resources, world.findings)
        const table = rows.map((r) => {
          const precision = r.tp + r.fp === 0 ? 1 : r.tp / (r.tp + r.fp)
          const recall = r.tp + r.fn === 0 ? 1 : r.tp / (r.tp + r.fn)
          return `${r.rule.padEnd(40)} tp ${String(r.tp).padStart(3)} fp ${String(r.fp).padStart(3)} fn ${String(r.fn).padStart(3)}  precision ${precision.toFixed(2)} recall ${recall.toFixed(2)}`
        })
        console.log(`findings vs the generator's truth (seed 7, tiny):\n${table.join("\n")}`)
        const total = rows.filter((r) => r.rule !== "overProvisioned:lambda:function").reduce((a, r) => ({ tp: a.tp + r.tp, fp: a.fp + r.fp, fn: a.fn + r.fn }), { tp: 0, fp: 0, fn: 0 })
        expect(total.tp).toBeGreaterThan(20)
        expect(total.tp / (total.tp + total.fp)).toBeGreaterThanOrEqual(0.95)
        expect(total.tp / (total.tp + total.fn)).toBeGreaterThanOrEqual(0.95)
        expect(world.securityScore).toBeGreaterThan(0)
        expect(world.securityScore).toBeLessThan(100)
        expect(world.averageUtilization).toBeGreaterThan(0)

        // The world file carries the percentiles the optimizer reads from utilizationStats, and the history behind them.
        const measured = world.resources.filter((r) => r.utilization?.metric === "CPUUtilization")
        expect(measured.length).toBeGreaterThan(5)
        for (const r of measured) {
          const stats = utilizationStats.get(r.arn)
          expect(r.utilization?.p50Percent).toBeCloseTo(Math.min(100, stats?.p50 ?? -1), 9)
          expect(r.utilization?.p95Percent).toBeCloseTo(Math.min(100, stats?.p95 ?? -1), 9)
          expect(r.utilization?.historyHours).toBe(r.utilization?.datapoints)
          expect(r.utilization?.historyHours).toBeLessThanOrEqual(14 * 24)
        }
        void sandbox
      }).pipe(Effect.provide(stack())),
    60_000
  )

  it.scopedLive(
    "completes under 20 % throttling with one account denied: retries logged, the denial in coverage",
    () =>
      Effect.gen(function* () {
        const denied = estate.data.organization.accounts.find((a) => a.id !== estate.data.organization.managementAccountId)?.id ?? ""
        yield* sandboxInEnv({ faults: { seed: 3, rules: [{ throttleRate: 0.2 }], deniedAccounts: [denied] } })
        const lines: Array<string> = []
        const capture = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => void lines.push(String(Array.isArray(message) ? message.join(" ") : message))))
        const { world } = yield* Discovery.run({ regions: estate.data.regions, services: SERVED, utilization: { end: new Date(estate.data.asOf) } }).pipe(Effect.provide(capture))
        const deniedCoverage = world.coverage.filter((c) => c.account === denied)
        expect(deniedCoverage.length).toBeGreaterThan(0)
        expect(deniedCoverage.every((c) => c.status === "denied")).toBe(true)
        expect(world.coverage.filter((c) => c.account !== denied).every((c) => c.status === "ok")).toBe(true)
        expect(world.resources.some((r) => r.account === denied)).toBe(false)
        const expected = estate.data.instances.filter((i) => i.accountId !== denied).length
        expect(world.resources.filter((r) => r.kind === "ec2-instance")).toHaveLength(expected)
        expect(lines.filter((l) => l.includes("retrying")).length).toBeGreaterThan(5)
      }).pipe(Effect.provide(stack())),
    60_000
  )

  it.scopedLive(
    "given regions are checked against every Region AWS lists: a typo is refused before any inventory call, a Region outside the estate is walked",
    () =>
      Effect.gen(function* () {
        const sandbox = yield* sandboxInEnv()
        const error = yield* Effect.flip(Discovery.run({ regions: ["us-east-1", "us-esat-1"], services: ["ec2"], utilization: false }))
        expect(error._tag).toBe("DiscoveryScopeError")
        if (error._tag !== "DiscoveryScopeError") return
        expect(error.regions).toEqual(["us-esat-1"])
        expect(error.known).toContain("us-east-1")
        expect(error.message).toMatch(/^unknown region us-esat-1: not among the 34 regions/)
        expect(sandbox.log.requests().filter((r) => r.operation === "DescribeInstances")).toEqual([])
        // us-east-2 is a Region AWS lists; the estate has nothing there, so it is walked and found empty.
        const { world } = yield* Discovery.run({ regions: ["us-east-2"], services: ["ec2"], utilization: false })
        expect(world.resources).toEqual([])
        expect(world.coverage.length).toBe(estate.data.organization.accounts.length)
        expect(world.coverage.every((c) => c.region === "us-east-2" && c.status === "ok")).toBe(true)
      }).pipe(Effect.provide(stack())),
    60_000
  )

  it.scopedLive(
    "a second run within the TTL reuses the cache and says so",
    () =>
      Effect.gen(function* () {
        const sandbox = yield* sandboxInEnv()
        const first = yield* Discovery.run({ regions: estate.data.regions, services: ["ec2", "rds"], cacheTtlMs: 60_000, utilization: { end: new Date(estate.data.asOf) } })
        const calls = sandbox.log.requests().length
        const second = yield* Discovery.run({ regions: estate.data.regions, services: ["ec2", "rds"], cacheTtlMs: 60_000, utilization: { end: new Date(estate.data.asOf) } })
        expect(first.world.coverage.every((c) => !c.reused)).toBe(true)
        expect(second.world.coverage.every((c) => c.reused)).toBe(true)
        expect(second.world.resources.map((r) => r.arn)).toEqual(first.world.resources.map((r) => r.arn))
        expect(second.world.monthlyCost).toBe(first.world.monthlyCost)
        // Only identity and the list of regions (to check the ones given) are asked again: no inventory call went to AWS.
        const again = sandbox.log.requests().slice(calls)
        expect(again.filter((r) => r.operation === "DescribeRegions")).toHaveLength(1)
        expect(again.filter((r) => (r.operation.startsWith("Describe") && r.operation !== "DescribeRegions") || r.operation === "GetMetricData")).toEqual([])
      }).pipe(Effect.provide(stack(DiscoveryCache.layerMemory))),
    60_000
  )

  const SCALING_EDGE = ["elastic-load-balancing-v2", "auto-scaling", "cloudfront"]

  it.scopedLive(
    "finds the estate's load balancers, auto scaling groups and distributions, and its idle balancers as findings",
    () =>
      Effect.gen(function* () {
        yield* sandboxInEnv()
        const data = estate.data
        const { world } = yield* Discovery.run({ regions: data.regions, services: SCALING_EDGE, utilization: false })
        const ids = (kind: string) => world.resources.filter((r) => r.kind === kind).map((r) => r.id).sort()
        expect(ids("load-balancer")).toEqual(data.loadBalancers.map((lb) => lb.arn).sort())
        expect(ids("auto-scaling-group")).toEqual(data.autoScalingGroups.map((g) => g.name).sort())
        expect(ids("cloudfront-distribution")).toEqual(data.distributions.map((d) => d.id).sort())
        expect(world.coverage.every((c) => c.status === "ok")).toBe(true)
        // CloudFront is one global unit per account; the others one per account and region.
        expect(world.coverage.filter((c) => c.service === "cloudfront").map((c) => c.region)).toEqual(data.organization.accounts.map(() => "global"))
        expect(new Set(world.resources.filter((r) => r.kind !== "cloudfront-distribution").map((r) => r.owner))).toEqual(new Set(["Napoleon"]))
        expect(new Set(world.resources.filter((r) => r.kind === "cloudfront-distribution").map((r) => r.owner))).toEqual(new Set(["Jobs"]))
        for (const r of world.resources) {
          const tags = r.kind === "load-balancer" ? data.loadBalancers.find((lb) => lb.arn === r.id)?.tags : r.kind === "auto-scaling-group" ? data.autoScalingGroups.find((g) => g.name === r.id)?.tags : data.distributions.find((d) => d.id === r.id)?.tags
          expect(r.tags, r.id).toEqual(tags)
        }
        // An auto scaling group's instances are the estate's instances of its account and region.
        for (const r of world.resources) {
          if (r.details._tag !== "auto-scaling-group") continue
          const instances = data.instances.filter((i) => r.details._tag === "auto-scaling-group" && r.details.instanceIds.includes(i.id))
          expect(instances.map((i) => `${i.accountId}/${i.region}`)).toEqual(instances.map(() => `${r.account}/${r.region}`))
        }
        // Load balancers are priced by the hour; idle ones are the generator's idle balancers, exactly.
        expect(world.resources.filter((r) => r.kind === "load-balancer").every((r) => r.monthlyCost > 0)).toBe(true)
        const idle = world.findings.filter((f) => f.rule === "cost.idle-load-balancer").map((f) => `${f.resource.account}/${f.resource.id}`).sort()
        const truth = data.truth.filter((t) => t.kind === "elbv2:load-balancer" && t.reason === "idle").map((t) => `${t.accountId}/${t.resourceId}`).sort()
        expect(truth.length).toBeGreaterThan(0)
        expect(idle).toEqual(truth)
      }).pipe(Effect.provide(stack())),
    60_000
  )

  it.scopedLive(
    "load balancers, auto scaling groups and distributions under 20 % throttling with one account denied: the denial in coverage, the rest found",
    () =>
      Effect.gen(function* () {
        const data = estate.data
        const denied = data.loadBalancers[0]?.accountId ?? ""
        yield* sandboxInEnv({ faults: { seed: 5, rules: [{ throttleRate: 0.2 }], deniedAccounts: [denied] } })
        const { world } = yield* Discovery.run({ regions: data.regions, services: SCALING_EDGE, utilization: false })
        const deniedCoverage = world.coverage.filter((c) => c.account === denied)
        expect(new Set(deniedCoverage.map((c) => c.service))).toEqual(new Set(SCALING_EDGE))
        expect(deniedCoverage.every((c) => c.status === "denied")).toBe(true)
        expect(deniedCoverage.filter((c) => c.service === "cloudfront").map((c) => c.region)).toEqual(["global"])
        expect(world.coverage.filter((c) => c.account !== denied).every((c) => c.status === "ok")).toBe(true)
        expect(world.resources.some((r) => r.account === denied)).toBe(false)
        const ids = (kind: string) => world.resources.filter((r) => r.kind === kind).map((r) => r.id).sort()
        expect(ids("load-balancer")).toEqual(data.loadBalancers.filter((lb) => lb.accountId !== denied).map((lb) => lb.arn).sort())
        expect(ids("auto-scaling-group")).toEqual(data.autoScalingGroups.filter((g) => g.accountId !== denied).map((g) => g.name).sort())
        expect(ids("cloudfront-distribution")).toEqual(data.distributions.filter((d) => d.accountId !== denied).map((d) => d.id).sort())
      }).pipe(Effect.provide(stack())),
    60_000
  )
})
