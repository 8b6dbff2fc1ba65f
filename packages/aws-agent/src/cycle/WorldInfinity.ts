/**
 * World∞: the fixed point of the cycle, by SPEC section 1's criteria. The
 * world is at World∞ when, against World0,
 *
 *   - monthly cost is down by more than `costReductionPercent` (30 %),
 *   - the security score is above `minSecurityScore` (90),
 *   - the optimizer has nothing left to apply to the latest world, and
 *   - the world has been stable (no resource added, removed or changed) for
 *     at least `stableFor` (7 days), measured on the worlds' timestamps.
 *
 * Pure: the cycle records one `CycleMark` per completed cycle and asks.
 */
import { Duration } from "effect"
import type { WorldSnapshot } from "./CycleRunner.js"

export interface InfinityCriteria {
  readonly costReductionPercent: number
  readonly minSecurityScore: number
  readonly stableFor: Duration.Duration
}

export const defaultCriteria: InfinityCriteria = {
  costReductionPercent: 30,
  minSecurityScore: 90,
  stableFor: Duration.days(7)
}

/** What one completed cycle leaves for the next: its world after, and whether it moved. */
export interface CycleMark {
  readonly cycleId: string
  /** Timestamp of the world the cycle started from (World_n). */
  readonly from: Date
  /** Timestamp of the world after the cycle (World_n+1). */
  readonly at: Date
  readonly world: WorldSnapshot
  /** Changes the optimizer would still apply to World_n+1. */
  readonly changesLeft: number
  /** Resources were added, removed or changed between World_n and World_n+1. */
  readonly worldChanged: boolean
}

export type CriterionName = "cost" | "score" | "optimizations" | "stable"

export interface Criterion {
  readonly name: CriterionName
  readonly met: boolean
  readonly detail: string
}

export interface InfinityVerdict {
  readonly reached: boolean
  readonly criteria: ReadonlyArray<Criterion>
  /** Since when the world has not moved (undefined with no cycle yet). */
  readonly stableSince?: Date
}

const DAY_MS = 86_400_000

const days = (ms: number): string => `${(ms / DAY_MS).toFixed(1)} d`

/** The time the world stopped moving: the end of the last cycle that changed it, else World0's time. */
const stableSince = (world0At: Date, marks: ReadonlyArray<CycleMark>): Date => {
  const lastMove = [...marks].reverse().find((m) => m.worldChanged)
  return lastMove?.at ?? world0At
}

/**
 * The verdict for the latest of `marks` (oldest first) against World0.
 * With no marks nothing is met: no cycle has looked at the world yet.
 */
export const worldInfinity = (
  world0: { readonly at: Date; readonly world: WorldSnapshot },
  marks: ReadonlyArray<CycleMark>,
  criteria: InfinityCriteria = defaultCriteria
): InfinityVerdict => {
  const latest = marks.at(-1)
  if (latest === undefined) {
    const criterion = (name: CriterionName): Criterion => ({ name, met: false, detail: "no cycle has completed" })
    return { reached: false, criteria: [criterion("cost"), criterion("score"), criterion("optimizations"), criterion("stable")] }
  }
  const base = world0.world.monthlyCost
  const reduction = base === 0 ? 0 : ((base - latest.world.monthlyCost) / base) * 100
  const since = stableSince(world0.at, marks)
  const stableMs = latest.at.getTime() - since.getTime()
  const needMs = Duration.toMillis(criteria.stableFor)
  const result: ReadonlyArray<Criterion> = [
    {
      name: "cost",
      met: reduction > criteria.costReductionPercent,
      detail: `cost down ${reduction.toFixed(1)} % from World0 (need more than ${criteria.costReductionPercent} %)`
    },
    {
      name: "score",
      met: latest.world.score > criteria.minSecurityScore,
      detail: `security score ${latest.world.score.toFixed(1)} (need above ${criteria.minSecurityScore})`
    },
    {
      name: "optimizations",
      met: latest.changesLeft === 0,
      detail: latest.changesLeft === 0 ? "no optimization left" : `${latest.changesLeft} change(s) left to apply`
    },
    {
      name: "stable",
      met: stableMs >= needMs,
      detail: `stable for ${days(Math.max(0, stableMs))} (need ${days(needMs)})`
    }
  ]
  return { reached: result.every((c) => c.met), criteria: result, stableSince: since }
}
