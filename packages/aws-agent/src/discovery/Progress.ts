/** Progress of a discovery, one event per finished (account, region, service) unit, for the CLI's display. */
import type { CoverageStatus } from "@miyabi/types"
import type { Effect } from "effect"

export interface ProgressEvent {
  readonly done: number
  readonly total: number
  readonly account: string
  /** A region, or "global" for S3 and CloudFront. */
  readonly region: string
  readonly service: string
  readonly status: CoverageStatus
  readonly resources: number
  readonly reused: boolean
}

export type OnProgress = (event: ProgressEvent) => Effect.Effect<void>
