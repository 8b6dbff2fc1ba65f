/**
 * Choosing a smaller compute size that still fits the observed load. CPU
 * utilization is projected onto a candidate by the capacity ratio (vCPUs):
 * 40 % of 4 vCPUs is 80 % of 2. A candidate fits when its projected p95 is
 * at most the target and its projected peak leaves the configured headroom.
 */
import type { OptimizeConfig } from "./Config.js"

export interface Load {
  readonly vcpus: number
  readonly memoryGiB: number
  /** Percent of the current capacity. */
  readonly p95Percent: number
  readonly peakPercent: number
  /** Average memory use, percent, when a memory metric exists. */
  readonly memoryPercent?: number
}

export interface Candidate {
  readonly name: string
  readonly vcpus: number
  readonly memoryGiB: number
  /** Monthly cost of the resource at this size, micro-dollars. */
  readonly monthlyCost: number
  /** Burstable types: the CPU percent per vCPU they sustain without spending credits. */
  readonly baselinePercent?: number
}

/**
 * Baseline performance per vCPU of burstable types (AWS's "baseline
 * utilization" table). Two t3 sizes share 2 vCPUs but not a baseline, so a
 * vCPU ratio alone would move a busy t3.large to a t3.medium that drains its
 * credits.
 */
const BASELINE: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  t2: { nano: 5, micro: 10, small: 20, medium: 20, large: 30, xlarge: 22.5, "2xlarge": 17 },
  t3: { nano: 5, micro: 10, small: 20, medium: 20, large: 30, xlarge: 40, "2xlarge": 40 },
  t3a: { nano: 5, micro: 10, small: 20, medium: 20, large: 30, xlarge: 40, "2xlarge": 40 },
  t4g: { nano: 5, micro: 10, small: 20, medium: 20, large: 30, xlarge: 40, "2xlarge": 40 }
}

/** The burstable family a steady, quiet x86 resource may move to. */
export const BURSTABLE_TARGET = "t3"

export const burstableBaseline = (type: string): number | undefined => {
  const [family = "", size = ""] = type.replace(/^db\./, "").split(".")
  return BASELINE[family]?.[size]
}

export const project = (percent: number, fromCapacity: number, toCapacity: number): number => (percent * fromCapacity) / toCapacity

/** The highest current peak at which moving to `toCapacity` keeps the headroom (for a precondition). */
export const maxSafeCurrentPeak = (fromCapacity: number, toCapacity: number, config: OptimizeConfig): number =>
  Math.min(100, ((100 - config.peakHeadroomPercent) * toCapacity) / fromCapacity)

export const fits = (load: Load, c: Pick<Candidate, "vcpus" | "memoryGiB" | "baselinePercent">, config: OptimizeConfig): boolean => {
  // A burstable target must carry the p95 within its baseline, or it runs on credits.
  if (c.baselinePercent !== undefined && project(load.p95Percent, load.vcpus, c.vcpus) > c.baselinePercent) return false
  if (project(load.p95Percent, load.vcpus, c.vcpus) > config.targetP95Percent && c.vcpus < load.vcpus) return false
  if (project(load.peakPercent, load.vcpus, c.vcpus) > 100 - config.peakHeadroomPercent && c.vcpus < load.vcpus) return false
  const memoryFloor =
    load.memoryPercent === undefined
      ? load.memoryGiB * config.minMemoryFractionWithoutMetrics
      : (load.memoryGiB * load.memoryPercent) / (100 - config.peakHeadroomPercent)
  return c.memoryGiB >= memoryFloor
}

/** The cheapest fitting candidate cheaper than now; ties go to more vCPUs. */
export const cheapestFit = (load: Load, currentCost: number, candidates: ReadonlyArray<Candidate>, config: OptimizeConfig): Candidate | undefined =>
  candidates
    .filter((c) => c.monthlyCost < currentCost && fits(load, c, config))
    .sort((a, b) => a.monthlyCost - b.monthlyCost || b.vcpus - a.vcpus || a.name.localeCompare(b.name))[0]

export const familyOf = (type: string): string => type.split(".")[0] ?? type
export const isBurstable = (family: string): boolean => /^t\d/.test(family)
export const isGraviton = (family: string): boolean => /^[a-z]+\d+g/.test(family)
