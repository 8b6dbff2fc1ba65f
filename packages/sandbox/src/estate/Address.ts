/** An Elastic IP address of the estate, associated with an instance or not. */
import type { Tags } from "./Tags.js"

export interface Address {
  readonly allocationId: string
  readonly accountId: string
  readonly region: string
  readonly publicIp: string
  associationId?: string
  instanceId?: string
  privateIpAddress?: string
  releasedAt?: number
  tags: Tags
}
