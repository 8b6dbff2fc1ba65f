/** EBS volumes of the estate and their snapshots. */
import type { Tags } from "./Tags.js"

export type VolumeType = "gp2" | "gp3" | "io1" | "standard"

export interface VolumeAttachment {
  readonly instanceId: string
  readonly device: string
  readonly attachTime: number
  readonly deleteOnTermination: boolean
}

export interface Volume {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly availabilityZone: string
  sizeGiB: number
  volumeType: VolumeType
  iops?: number
  throughput?: number
  encrypted: boolean
  readonly createTime: number
  readonly snapshotId: string
  attachment?: VolumeAttachment
  /** "deleted" volumes stay in the estate so the cost history stays true. */
  deletedAt?: number
  tags: Tags
}

export interface Snapshot {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly volumeId: string
  readonly volumeSize: number
  readonly description: string
  readonly startTime: number
  readonly encrypted: boolean
  tags: Tags
}
