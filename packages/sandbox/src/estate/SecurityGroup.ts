/** An EC2 security group of the estate and its rules. */
import type { Tags } from "./Tags.js"

export interface IpPermission {
  readonly protocol: string
  readonly fromPort?: number
  readonly toPort?: number
  readonly cidrs: Array<string>
}

export interface SecurityGroup {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly name: string
  readonly description: string
  readonly vpcId: string
  readonly ingress: Array<IpPermission>
  readonly egress: Array<IpPermission>
  tags: Tags
}
