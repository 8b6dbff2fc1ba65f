/**
 * ECS task size, to the SPEC's task sizes (light 0.25 vCPU / 0.5 GB up to
 * XL 4 / 8). Fargate only: tasks on EC2 capacity are billed as instances.
 * Without a memory metric the memory never shrinks, so usually only a CPU
 * reduction within the same memory is possible.
 */
import { EcsServiceDetails } from "@miyabi/types"
import { change, costWith, hasHistory, insufficientData, optimizeRule, type Proposal, usd } from "../RuleKit.js"
import { fits, type Load } from "../Sizing.js"

export interface TaskSize {
  readonly name: "light" | "standard" | "medium" | "heavy" | "xl"
  readonly cpuUnits: number
  readonly memoryMiB: number
}

/** SPEC.md's task sizes (CPU units: 1024 = 1 vCPU). */
export const TASK_SIZES: ReadonlyArray<TaskSize> = [
  { name: "light", cpuUnits: 256, memoryMiB: 512 },
  { name: "standard", cpuUnits: 512, memoryMiB: 1024 },
  { name: "medium", cpuUnits: 1024, memoryMiB: 2048 },
  { name: "heavy", cpuUnits: 2048, memoryMiB: 4096 },
  { name: "xl", cpuUnits: 4096, memoryMiB: 8192 }
]

export const ecsTaskSize = optimizeRule(
  "cost.ecs-task-size",
  "A Fargate service whose tasks fit a smaller SPEC task size with headroom",
  ["cost.overprovisioned-service"],
  (r, ctx): ReadonlyArray<Proposal> => {
    const d = r.details
    if (d._tag !== "ecs-service" || (d.launchType !== "FARGATE" && d.launchType !== "FARGATE_SPOT") || d.desiredCount === 0) return []
    const u = r.utilization
    if (u === undefined || !hasHistory(r, ctx)) return [insufficientData(ecsTaskSize, r, ctx, "task sizing")]
    const peak = u.peakPercent ?? u.averagePercent
    const p95 = Math.min(peak, ctx.p95(r) ?? peak)
    const memoryGiB = d.memoryMiB / 1024
    const load: Load = { vcpus: d.cpuUnits / 1024, memoryGiB, p95Percent: p95, peakPercent: peak, ...(u.memoryAveragePercent === undefined ? {} : { memoryPercent: u.memoryAveragePercent }) }
    // Without a memory metric, memory must stay where it is.
    const memoryFloor = u.memoryAveragePercent === undefined ? d.memoryMiB : 0
    const now = costWith(ctx.catalog, r, d)
    const best = TASK_SIZES.map((s) => ({ size: s, cost: costWith(ctx.catalog, r, EcsServiceDetails.make({ ...d, cpuUnits: s.cpuUnits, memoryMiB: s.memoryMiB })) }))
      .filter(({ size, cost }) => cost < now && size.memoryMiB >= memoryFloor && size.cpuUnits <= d.cpuUnits && fits(load, { vcpus: size.cpuUnits / 1024, memoryGiB: size.memoryMiB / 1024 }, ctx.config))
      .sort((a, b) => a.cost - b.cost)[0]
    if (best === undefined) return []
    const savings = now - best.cost
    return [
      change(ecsTaskSize, r, ctx, {
        summary: `${r.name ?? r.id}: task ${d.cpuUnits} CPU / ${d.memoryMiB} MiB -> ${best.size.name} (${best.size.cpuUnits} / ${best.size.memoryMiB}) saves ${usd(savings)}/month`,
        action: { _tag: "ResizeEcsTask", fromCpuUnits: d.cpuUnits, toCpuUnits: best.size.cpuUnits, fromMemoryMiB: d.memoryMiB, toMemoryMiB: best.size.memoryMiB },
        rollback: { _tag: "ResizeEcsTask", fromCpuUnits: best.size.cpuUnits, toCpuUnits: d.cpuUnits, fromMemoryMiB: best.size.memoryMiB, toMemoryMiB: d.memoryMiB },
        savings,
        // A new task definition revision rolls the tasks; the service keeps serving.
        risk: "low",
        evidence: {
          "CPUUtilization.p95": p95,
          "CPUUtilization.peak": peak,
          "MemoryUtilization.average": u.memoryAveragePercent ?? null,
          taskSize: best.size.name,
          desiredCount: d.desiredCount,
          memoryCaveat: u.memoryAveragePercent === undefined ? "no memory metric: memory kept as is" : null
        }
      })
    ]
  }
)
