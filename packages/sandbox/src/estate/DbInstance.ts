/** An RDS DB instance of the estate, with its pending and past class changes. */
import type { Tags } from "./Tags.js"
import type { UtilizationProfile } from "./Utilization.js"

export interface DbInstance {
  readonly identifier: string
  readonly resourceId: string
  readonly accountId: string
  readonly region: string
  readonly availabilityZone: string
  instanceClass: string
  readonly baselineInstanceClass: string
  readonly engine: "postgres" | "mysql"
  readonly engineVersion: string
  status: "available" | "modifying" | "stopped"
  /** A class change not yet applied: at `pendingApplyAt` (now + a moment, or the next maintenance window). */
  pendingInstanceClass?: string
  pendingApplyAt?: number
  readonly allocatedStorage: number
  readonly storageType: "gp2" | "gp3"
  publiclyAccessible: boolean
  storageEncrypted: boolean
  readonly multiAz: boolean
  readonly createTime: number
  readonly masterUsername: string
  readonly profile: UtilizationProfile
  tags: Tags
  history: Array<{ readonly at: number; readonly instanceClass: string }>
}
