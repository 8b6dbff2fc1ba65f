/**
 * Properties over random estates: no resize proposes a capacity under the
 * observed peak plus headroom or a p95 over target, and no change or advice
 * has negative savings.
 */
import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { instanceType, shipped } from "../pricing/PricingCatalog.js"
import { optimize } from "./Optimizer.js"
import { CYCLE, database, ec2, service, world } from "./World.testkit.js"

const TYPES = ["m4.large", "m4.2xlarge", "m5.large", "m5.xlarge", "m5.4xlarge", "c5.2xlarge", "r5.xlarge", "t3.large", "t2.medium", "m6i.8xlarge"]
const CLASSES = ["db.m5.2xlarge", "db.m4.large", "db.r5.2xlarge", "db.t3.medium"]
const CPU_MEM = [[256, 512], [1024, 2048], [2048, 4096], [4096, 8192]] as const

const usage = fc.record({
  avg: fc.double({ min: 0, max: 60, noNaN: true }),
  spread: fc.double({ min: 0, max: 40, noNaN: true }),
  hours: fc.integer({ min: 0, max: 336 }),
  memory: fc.option(fc.double({ min: 1, max: 90, noNaN: true }), { nil: undefined })
})

const vcpus = (name: string): number => instanceType(shipped, name.replace(/^db\./, ""))?.vcpus ?? 0

describe("optimize properties", () => {
  it("never sizes below the peak plus headroom, never over the p95 target, never negative savings", () => {
    // Counted so the property is known to have met downsizes, not only estates where nothing shrinks.
    let downsizes = 0
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...TYPES), usage), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.constantFrom(...CLASSES), usage), { maxLength: 2 }),
        fc.array(fc.tuple(fc.constantFrom(...CPU_MEM), usage), { maxLength: 2 }),
        fc.integer({ min: 5, max: 40 }),
        fc.integer({ min: 30, max: 80 }),
        (instances, dbs, services, headroom, target) => {
          const peakOf = (u: { avg: number; spread: number }) => Math.min(100, u.avg + u.spread)
          const load = new Map<string, { peak: number }>()
          const resources = [
            ...instances.map(([t, u], i) => (load.set(`i-${i}`, { peak: peakOf(u) }), ec2(`i-${i}`, t, { avg: u.avg, peak: peakOf(u), hours: u.hours, ...(u.memory === undefined ? {} : { memory: u.memory }) }))),
            ...dbs.map(([c, u], i) => (load.set(`db-${i}`, { peak: peakOf(u) }), database(`db-${i}`, c, { avg: u.avg, peak: peakOf(u), hours: u.hours }))),
            ...services.map(([[cpu, mem], u], i) => (load.set(`svc-${i}`, { peak: peakOf(u) }), service(`svc-${i}`, cpu, mem, { avg: u.avg, peak: peakOf(u), hours: u.hours, ...(u.memory === undefined ? {} : { memory: u.memory }) })))
          ]
          const result = optimize(world(resources), shipped, { cycleId: CYCLE, config: { peakHeadroomPercent: headroom, targetP95Percent: target } })
          for (const c of result.plan.changes) {
            expect(c.expectedMonthlySavings).toBeGreaterThanOrEqual(0)
            const peak = load.get(c.resource.id)?.peak ?? 0
            const a = c.action
            const ratio =
              a._tag === "ResizeInstance" ? vcpus(a.fromType) / vcpus(a.toType) : a._tag === "ResizeDbInstance" ? vcpus(a.fromClass) / vcpus(a.toClass) : a._tag === "ResizeEcsTask" ? a.fromCpuUnits / a.toCpuUnits : undefined
            if (ratio === undefined || ratio <= 1) continue
            downsizes++
            // Without a p95 series the peak stands in for it, so both bounds apply to the peak.
            expect(peak * ratio).toBeLessThanOrEqual(100 - headroom + 1e-9)
            expect(peak * ratio).toBeLessThanOrEqual(target + 1e-9)
          }
          for (const a of result.advice) expect(a.expectedMonthlySavings).toBeGreaterThanOrEqual(0)
        }
      ),
      { numRuns: 40, seed: 5 }
    )
    expect(downsizes).toBeGreaterThan(10)
  })
})
