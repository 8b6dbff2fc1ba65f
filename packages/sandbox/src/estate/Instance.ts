/** An EC2 instance of the estate, with its history of types and states. */
import type { Tags } from "./Tags.js"
import type { UtilizationProfile } from "./Utilization.js"

/** One change of an instance's type or state, so metrics and costs can look back in time. */
export interface InstanceEpoch {
  readonly at: number
  readonly instanceType: string
  readonly running: boolean
}

export type InstanceState = "pending" | "running" | "stopping" | "stopped"

export interface Instance {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly availabilityZone: string
  instanceType: string
  /** The type the workload was sized for; CPU scales by its vCPUs over the current ones. */
  baselineInstanceType: string
  state: InstanceState
  /** When a transitional state (pending, stopping) settles. */
  stateSettlesAt?: number
  stateTransitionReason: string
  readonly launchTime: number
  readonly imageId: string
  readonly vpcId: string
  readonly subnetId: string
  readonly privateIpAddress: string
  readonly securityGroupIds: Array<string>
  readonly architecture: "x86_64" | "arm64"
  profile: UtilizationProfile
  readonly keyName?: string
  tags: Tags
  history: Array<InstanceEpoch>
}
