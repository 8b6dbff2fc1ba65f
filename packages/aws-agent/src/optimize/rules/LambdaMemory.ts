/**
 * Lambda memory, conservatively: CPU share scales with memory, so halving
 * memory can double a CPU-bound function's duration. One step down only,
 * only when even a doubled peak duration stays within the timeout minus
 * headroom, and savings estimated with the configured duration growth (not
 * the ideal halving).
 */
import { LambdaFunctionDetails } from "@miyabi/types"
import { change, costWith, hasHistory, insufficientData, optimizeRule, type Proposal, usd } from "../RuleKit.js"

/** Memory steps the rule moves between (MiB). */
export const LAMBDA_MEMORY_STEPS: ReadonlyArray<number> = [128, 256, 512, 1024, 1536, 2048, 3008, 4096, 6144, 8192, 10_240]

/** The largest step at most half the memory. */
export const oneStepDown = (memoryMiB: number): number | undefined => [...LAMBDA_MEMORY_STEPS].reverse().find((m) => m <= memoryMiB / 2)

export const lambdaMemory = optimizeRule(
  "cost.lambda-memory",
  "A function whose duration leaves room under its timeout even at half the memory",
  [],
  (r, ctx): ReadonlyArray<Proposal> => {
    const d = r.details
    if (d._tag !== "lambda-function" || d.memoryMiB <= 128) return []
    const u = r.utilization
    if (u === undefined || u.averageDurationMs === undefined || u.invocations === undefined || !hasHistory(r, ctx)) {
      return [insufficientData(lambdaMemory, r, ctx, "memory sizing")]
    }
    const target = oneStepDown(d.memoryMiB)
    if (target === undefined) return []
    const ratio = d.memoryMiB / target
    const peak = u.peakPercent ?? u.averagePercent
    // Worst case: duration grows by the memory ratio (fully CPU-bound).
    const worstPeak = peak * ratio
    if (worstPeak > 100 - ctx.config.peakHeadroomPercent) return []
    const now = costWith(ctx.catalog, r, d)
    const durationGrowth = Math.min(ratio, 1 + (ctx.config.lambdaDurationGrowthAtHalfMemory - 1) * (ratio - 1))
    const projectedUtilization = { ...u, averageDurationMs: u.averageDurationMs * durationGrowth }
    const next = costWith(ctx.catalog, { ...r, utilization: projectedUtilization } as typeof r, LambdaFunctionDetails.make({ ...d, memoryMiB: target }))
    const savings = now - next
    if (savings <= 0) return []
    return [
      change(lambdaMemory, r, ctx, {
        summary: `${r.id}: memory ${d.memoryMiB} -> ${target} MiB (peak duration ${peak.toFixed(1)} % of timeout) saves about ${usd(savings)}/month`,
        action: { _tag: "SetLambdaMemory", fromMiB: d.memoryMiB, toMiB: target },
        rollback: { _tag: "SetLambdaMemory", fromMiB: target, toMiB: d.memoryMiB },
        savings,
        risk: "medium",
        evidence: {
          "Duration.peakPercentOfTimeout": peak,
          "Duration.averageMs": u.averageDurationMs,
          invocations: u.invocations,
          worstCasePeakPercentOfTimeout: worstPeak,
          assumedDurationGrowth: durationGrowth,
          caveat: "memory use is not in CloudWatch's standard Lambda metrics; watch Max Memory Used in the logs"
        }
      })
    ]
  }
)
