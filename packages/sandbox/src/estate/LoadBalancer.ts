/** ELBv2 load balancers of the estate and the target groups they forward to. */
import type { Tags } from "./Tags.js"

/** An Application or Network Load Balancer (ELBv2). */
export interface LoadBalancer {
  readonly arn: string
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly type: "application" | "network"
  readonly scheme: "internet-facing" | "internal"
  readonly dnsName: string
  readonly vpcId: string
  readonly availabilityZones: Array<{ readonly zone: string; readonly subnetId: string }>
  readonly securityGroupIds: Array<string>
  readonly createdAt: number
  tags: Tags
}

/** An ELBv2 target group; `targets` are instance ids of the estate. */
export interface TargetGroup {
  readonly arn: string
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly protocol: "HTTP" | "HTTPS" | "TCP"
  readonly port: number
  readonly vpcId: string
  /** The balancers that forward to this group (empty: the group is not in use). */
  readonly loadBalancerArns: Array<string>
  targets: Array<string>
  tags: Tags
}
