import type { Tags } from "./Tags.js"

/** An EC2 Auto Scaling group; `instanceIds` are instances of the estate. */
export interface AutoScalingGroup {
  readonly name: string
  readonly arn: string
  readonly accountId: string
  readonly region: string
  readonly launchTemplateId: string
  readonly launchTemplateName: string
  minSize: number
  maxSize: number
  desiredCapacity: number
  readonly availabilityZones: Array<string>
  readonly subnetIds: Array<string>
  instanceIds: Array<string>
  readonly targetGroupArns: Array<string>
  readonly createdAt: number
  tags: Tags
}
