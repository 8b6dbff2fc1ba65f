/**
 * Utilization read while the inventory goes on. CloudWatch is asked once per
 * (account, region); instead of waiting for every unit of the whole
 * organization, a place's metrics are read as soon as the last of its
 * regional units (ec2, rds, lambda, ecs...) has been read, in the fiber that
 * read it. Resources that came from global units (S3, CloudFront) are grouped
 * by their own region and read at the end. Units reused from the cache carry
 * their utilization already and are not read again.
 */
import { CoverageEntry, type Resource } from "@miyabi/types"
import { Effect } from "effect"
import type { CloudWatchMetrics } from "../adapters/CloudWatchMetrics.js"
import type { MetricStats } from "../utilization/MetricStats.js"
import { readUtilization, type UtilizationOptions, type UtilizationResult } from "../utilization/UtilizationReader.js"
import { coverageStatus } from "./Coverage.js"

/** An (account, region) as a map key. */
export const placeKey = (account: string, region: string): string => `${account}|${region}`

export interface UtilizationSummary {
  /** Resources with their utilization, by ARN (only those CloudWatch was asked about). */
  readonly measured: ReadonlyMap<string, Resource>
  readonly stats: ReadonlyMap<string, MetricStats>
  /** Places whose metrics could not be read. */
  readonly coverage: ReadonlyArray<CoverageEntry>
  readonly calls: number
}

export interface UtilizationPass {
  /**
   * A unit is read. `place` is its (account, region) for a regional unit,
   * undefined for a global one; `fresh` is false when it came from the cache.
   */
  readonly unitDone: (place: string | undefined, resources: ReadonlyArray<Resource>, fresh: boolean) => Effect.Effect<void, never, CloudWatchMetrics>
  /** Reads what is left (global units' resources) and returns everything read. */
  readonly finish: Effect.Effect<UtilizationSummary, never, CloudWatchMetrics>
}

/** `unitsPerPlace`: how many regional units each place has; `concurrency`: places read at once by `finish`. */
export const makeUtilizationPass = (
  unitsPerPlace: ReadonlyMap<string, number>,
  options: UtilizationOptions,
  concurrency: number
): Effect.Effect<UtilizationPass> =>
  Effect.sync(() => {
    // Owned by this pass; every update is one synchronous step of a fiber, so plain maps suffice.
    const remaining = new Map(unitsPerPlace)
    const waiting = new Map<string, Array<Resource>>()
    const leftovers: Array<Resource> = []
    const results: Array<UtilizationResult> = []

    const read = (resources: ReadonlyArray<Resource>) =>
      Effect.map(readUtilization(resources, options), (result) => {
        results.push(result)
      })

    const unitDone: UtilizationPass["unitDone"] = (place, resources, fresh) =>
      Effect.suspend(() => {
        if (place === undefined) {
          if (fresh) leftovers.push(...resources)
          return Effect.void
        }
        const held = waiting.get(place) ?? []
        if (fresh) held.push(...resources)
        const left = (remaining.get(place) ?? 1) - 1
        remaining.set(place, left)
        if (left > 0) {
          waiting.set(place, held)
          return Effect.void
        }
        waiting.delete(place)
        return read(held)
      })

    const finish: UtilizationPass["finish"] = Effect.gen(function* () {
      const groups = new Map<string, Array<Resource>>()
      for (const r of leftovers) {
        const k = placeKey(r.account, r.region)
        const group = groups.get(k)
        if (group === undefined) groups.set(k, [r])
        else group.push(r)
      }
      yield* Effect.forEach(groups.values(), read, { concurrency, discard: true })
      const measured = new Map<string, Resource>()
      const stats = new Map<string, MetricStats>()
      const coverage: Array<CoverageEntry> = []
      let calls = 0
      for (const result of results) {
        calls += result.calls
        for (const [arn, s] of result.stats) stats.set(arn, s)
        for (const r of result.resources) measured.set(r.arn, r)
        const failed = result.failures[0]
        const first = result.resources[0]
        if (failed !== undefined && first !== undefined) {
          coverage.push(CoverageEntry.make({ account: first.account, region: first.region, service: "cloudwatch", status: coverageStatus(failed), reason: `${failed.reason}: ${failed.code}`, resources: 0 }, true))
        }
      }
      return { measured, stats, coverage, calls }
    })

    return { unitDone, finish }
  })
