/** A Lambda function of the estate, with its memory size over time. */
import type { Tags } from "./Tags.js"
import type { UtilizationProfile } from "./Utilization.js"

export interface LambdaFunction {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly runtime: string
  readonly handler: string
  memorySize: number
  readonly baselineMemorySize: number
  /** Memory size over time (the first entry stands for "since the function exists"), for metrics and costs. */
  memoryHistory: Array<{ readonly at: number; readonly memorySize: number }>
  timeout: number
  readonly codeSize: number
  lastModified: number
  readonly architecture: "x86_64" | "arm64"
  readonly profile: UtilizationProfile
  /** Mean duration in ms at the baseline memory size. */
  readonly baselineDurationMs: number
  /** Mean invocations per hour. */
  readonly invocationsPerHour: number
  revisionId: string
  tags: Tags
}
