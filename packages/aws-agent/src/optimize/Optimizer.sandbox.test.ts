/**
 * θ1 -> θ3 (and θ2) on the sandbox's seeded estate: the optimizer's changes and
 * advice against the generator's truth of waste and risk, precision and
 * recall printed per truth reason, with thresholds asserted. The truth
 * reasons without an optimizer rule (idle databases: RDS restarts a stopped
 * database after 7 days; unencrypted volumes and databases: no in-place fix;
 * stopped instances' volumes: a person decides) are listed, not scored.
 */
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import type { Resource } from "@miyabi/types"
import { Duration, Effect, Layer } from "effect"
import * as Discovery from "../Discovery.js"
import { shipped } from "../pricing/PricingCatalog.js"
import * as PricingCatalog from "../pricing/PricingCatalog.js"
import { loadCfnSpec } from "../plan/CfnSpec.testkit.js"
import { plan } from "../plan/Planner.js"
import { optimize } from "./Optimizer.js"
import { CYCLE } from "./World.testkit.js"

const estate = sandboxEstate({ seed: 7, size: "tiny", asOf: Date.UTC(2026, 10, 20) })

/** Truth reason:kind -> the optimizer rule that should act on it. */
const RULES: Readonly<Record<string, string>> = {
  "idle:ec2:instance": "cost.stop-idle-instance",
  "overProvisioned:ec2:instance": "cost.rightsize-instance",
  "previousGeneration:ec2:instance": "cost.rightsize-instance",
  "overProvisioned:rds:db": "cost.rightsize-database",
  "overProvisioned:ecs:service": "cost.ecs-task-size",
  "unattachedVolume:ec2:volume": "cost.delete-unattached-volume",
  "gp2Volume:ec2:volume": "cost.gp2-to-gp3",
  "unassociatedAddress:ec2:address": "cost.release-address",
  "bucketWithoutLifecycle:s3:bucket": "cost.s3-lifecycle",
  "publicBucket:s3:bucket": "security.block-public-bucket",
  "unencryptedBucket:s3:bucket": "security.encrypt-bucket",
  "publicDatabase:rds:db": "security.private-database",
  "openSecurityGroup:ec2:security-group": "security.revoke-world-ingress"
}


const runtime = AwsRuntime.layer({ region: "us-east-1", retryBaseDelay: Duration.millis(2), retryMaxDelay: Duration.millis(20), maxAttempts: 8 })
const nameOf = (r: Resource) => (r.kind === "ecs-service" ? (r.name ?? r.id) : r.kind === "elastic-ip" && r.details._tag === "elastic-ip" ? r.details.allocationId : r.id)

describe("optimize on the sandbox estate", () => {
  it.scopedLive(
    "acts on the seeded waste and risk (precision and recall against the generator's truth)",
    () =>
      Effect.gen(function* () {
        const sandbox = yield* Sandbox.start({ estate, dynamodb: false })
        yield* useSandboxEnv(sandbox)
        const { world, utilizationStats } = yield* Discovery.run({
          regions: estate.data.regions,
          services: ["ec2", "s3", "rds", "lambda", "ecs"],
          utilization: { end: new Date(estate.data.asOf) }
        }).pipe(Effect.provide(PricingCatalog.layer(shipped)))
        const o = optimize(world, shipped, { cycleId: CYCLE, utilizationStats })
        const byArn = new Map(world.resources.map((r) => [r.arn as string, r]))
        const acted = [...o.plan.changes.map((c) => ({ rule: c.rule as string, arn: c.resource.arn as string })), ...o.advice.filter((a) => a.reason !== "insufficient-data").map((a) => ({ rule: a.rule as string, arn: a.resource.arn as string }))]
        const rows = Object.entries(RULES).map(([truthKey, rule]) => {
          const [reason, ...kind] = truthKey.split(":")
          const expected = new Set(estate.data.truth.filter((t) => t.reason === reason && t.kind === kind.join(":")).map((t) => `${t.accountId}/${t.resourceId}`))
          // Previous generation and over-provisioning share a rule: score a rule's hits against the union of its reasons.
          const sameRule = Object.entries(RULES).filter(([, r]) => r === rule).map(([k]) => k)
          const union = new Set(estate.data.truth.filter((t) => sameRule.includes(`${t.reason}:${t.kind}`)).map((t) => `${t.accountId}/${t.resourceId}`))
          const found = new Set(acted.flatMap((a) => (a.rule === rule && byArn.has(a.arn) ? [`${byArn.get(a.arn)!.account}/${nameOf(byArn.get(a.arn)!)}`] : [])))
          const tp = [...expected].filter((k) => found.has(k)).length
          // A rule's false positives are counted once, on the first of its reasons.
          const fps = sameRule[0] === truthKey ? [...found].filter((k) => !union.has(k)) : []
          const fns = [...expected].filter((k) => !found.has(k))
          return { truthKey, rule, tp, fp: fps.length, fn: expected.size - tp, fps, fns }
        })
        const table = rows.map((r) => `${r.truthKey.padEnd(38)} ${r.rule.padEnd(32)} tp ${String(r.tp).padStart(3)} fp ${String(r.fp).padStart(3)} fn ${String(r.fn).padStart(3)}${r.fps.length === 0 ? "" : `  (not in the truth: ${r.fps.join(", ")})`}`)
        const explain = o.plan.changes.filter((c) => rows.some((r) => r.fps.some((k) => k.endsWith(`/${c.resource.id}`)))).map((c) => `  ${c.summary}`)
        if (explain.length > 0) console.log(`changes outside the truth:\n${explain.join("\n")}`)
        const missed = rows.flatMap((r) => r.fns.map((k) => {
          const res = world.resources.find((x) => `${x.account}/${nameOf(x)}` === k)
          const u = res?.utilization
          return `  ${r.truthKey} ${k}: ${u === undefined ? "no utilization" : `avg ${u.averagePercent.toFixed(1)} %, peak ${(u.peakPercent ?? 0).toFixed(1)} %, ${u.datapoints} h, p95 ${utilizationStats.get(res?.arn ?? "")?.p95?.toFixed(1) ?? "?"}`} ${res?.details._tag === "rds-instance" ? res.details.instanceClass : ""}`
        }))
        if (missed.length > 0) console.log(`missed:\n${missed.join("\n")}`)
        console.log(`optimizer vs the generator's truth (seed 7, tiny):\n${table.join("\n")}\nchanges ${o.plan.changes.length}, advice ${o.advice.length}, expected savings $${(o.plan.expectedMonthlySavings / 1e6).toFixed(2)}/month of $${(world.monthlyCost / 1e6).toFixed(2)}`)
        const total = rows.reduce((a, r) => ({ tp: a.tp + r.tp, fp: a.fp + r.fp, fn: a.fn + r.fn }), { tp: 0, fp: 0, fn: 0 })
        const precision = total.tp / Math.max(1, total.tp + total.fp)
        const recall = total.tp / Math.max(1, total.tp + total.fn)
        console.log(`total tp ${total.tp} fp ${total.fp} fn ${total.fn}: precision ${precision.toFixed(2)} recall ${recall.toFixed(2)}`)
        expect(total.tp).toBeGreaterThan(10)
        expect(precision).toBeGreaterThanOrEqual(0.9)
        expect(recall).toBeGreaterThanOrEqual(0.8)
        expect(o.plan.expectedMonthlySavings).toBeGreaterThan(0)
        for (const c of o.plan.changes) expect(c.rollback).toBeDefined()

        // θ2 on the same world: targets move the right way, and its CloudFormation passes the spec.
        const p = plan(world, shipped, { cycleId: CYCLE, utilizationStats })
        console.log(`plan: cost ${(p.cost.current / 1e6).toFixed(2)} -> ${(p.cost.target / 1e6).toFixed(2)} $/month, score ${p.security.current.toFixed(1)} -> ${p.security.target.toFixed(1)}, ${p.plan.iac.length} artifact(s)`)
        expect(p.cost.target).toBeLessThan(p.cost.current)
        expect(p.security.target).toBeGreaterThan(p.security.current)
        const spec = yield* Effect.promise(loadCfnSpec)
        const templates = p.plan.iac.filter((a) => a.format === "cloudformation" && !a.path.endsWith("-import.json"))
        expect(templates.length).toBeGreaterThan(0)
        for (const a of templates) expect(spec.validate((JSON.parse(a.content) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources)).toEqual([])
      }).pipe(Effect.provide(Layer.mergeAll(Discovery.adaptersLayer).pipe(Layer.provideMerge(runtime)))),
    120_000
  )
})
