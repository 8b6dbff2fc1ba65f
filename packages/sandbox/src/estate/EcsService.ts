/** ECS services of the estate, with their clusters, task definitions and running tasks. */
import type { Tags } from "./Tags.js"
import type { UtilizationProfile } from "./Utilization.js"

export interface EcsCluster {
  readonly name: string
  readonly accountId: string
  readonly region: string
  tags: Tags
}

export interface TaskDefinition {
  readonly family: string
  readonly revision: number
  readonly accountId: string
  readonly region: string
  readonly cpu: number
  readonly memory: number
  readonly image: string
  readonly registeredAt: number
}

export interface EcsService {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly clusterName: string
  taskDefinition: string
  desiredCount: number
  readonly launchType: "FARGATE" | "EC2"
  readonly createdAt: number
  readonly profile: UtilizationProfile
  readonly subnetIds: Array<string>
  readonly securityGroupIds: Array<string>
  deployments: number
  tags: Tags
  /** Desired count and task definition over time, for metrics and costs. */
  history: Array<{ readonly at: number; readonly desiredCount: number; readonly taskDefinition: string }>
}

export interface EcsTask {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly clusterName: string
  readonly serviceName: string
  readonly taskDefinition: string
  readonly startedAt: number
  protectionEnabled: boolean
  protectionExpiresAt?: number
}
