/**
 * ECS's ARNs and the JSON shapes of services, task definitions and tasks,
 * after the recorded DescribeServices responses (lower-case `key` / `value`
 * tags, present only when `include: ["TAGS"]` asks for them).
 */
import type { EcsService, EcsTask, TaskDefinition } from "../../estate/EcsService.js"
import type { Tags } from "../../estate/Tags.js"

interface Located {
  readonly accountId: string
  readonly region: string
}

const prefix = (r: Located): string => `arn:aws:ecs:${r.region}:${r.accountId}`

export const clusterArn = (r: Located, cluster: string): string => `${prefix(r)}:cluster/${cluster}`
export const serviceArn = (s: EcsService): string => `${prefix(s)}:service/${s.clusterName}/${s.name}`
export const taskArn = (t: EcsTask): string => `${prefix(t)}:task/${t.clusterName}/${t.id}`
export const taskDefinitionArn = (r: Located, familyRevision: string): string => `${prefix(r)}:task-definition/${familyRevision}`

/** The last path segment of an ARN, or the value itself when it is a plain name. */
export const nameOf = (value: string): string => (value.startsWith("arn:") ? (value.split("/").at(-1) ?? value) : value)

export const ecsTags = (tags: Tags): Array<{ key: string; value: string }> => Object.entries(tags).map(([key, value]) => ({ key, value }))

/**
 * When the current deployment began (the first change to the current task
 * definition, walking the history back) and when the service last changed.
 */
const deploymentTimes = (s: EcsService): { readonly createdAt: number; readonly updatedAt: number } => {
  let createdAt = s.createdAt
  for (let i = s.history.length - 1; i >= 0; i--) {
    const entry = s.history[i]
    if (entry === undefined || entry.taskDefinition !== s.taskDefinition) break
    createdAt = Math.max(s.createdAt, entry.at)
  }
  return { createdAt, updatedAt: Math.max(createdAt, s.history.at(-1)?.at ?? s.createdAt) }
}

export const serviceJson = (s: EcsService, tasks: ReadonlyArray<EcsTask>, withTags: boolean) => {
  const running = tasks.length
  const deployment = deploymentTimes(s)
  const networkConfiguration = s.launchType === "FARGATE" ? { awsvpcConfiguration: { subnets: s.subnetIds, securityGroups: s.securityGroupIds, assignPublicIp: "DISABLED" } } : undefined
  const created = new Date(s.createdAt)
  return {
    serviceArn: serviceArn(s),
    serviceName: s.name,
    clusterArn: clusterArn(s, s.clusterName),
    loadBalancers: [],
    serviceRegistries: [],
    status: "ACTIVE",
    desiredCount: s.desiredCount,
    runningCount: running,
    pendingCount: 0,
    launchType: s.launchType,
    ...(s.launchType === "FARGATE" ? { platformVersion: "LATEST", platformFamily: "Linux" } : {}),
    taskDefinition: taskDefinitionArn(s, s.taskDefinition),
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 100 },
    deployments: [
      {
        // Each deployment (a new task definition) has its own id, as on ECS.
        id: `ecs-svc/${String(s.createdAt + s.deployments).padStart(19, "0").slice(-19)}`,
        status: "PRIMARY",
        taskDefinition: taskDefinitionArn(s, s.taskDefinition),
        desiredCount: s.desiredCount,
        pendingCount: 0,
        runningCount: running,
        failedTasks: 0,
        createdAt: new Date(deployment.createdAt),
        updatedAt: new Date(deployment.updatedAt),
        launchType: s.launchType,
        ...(networkConfiguration === undefined ? {} : { networkConfiguration }),
        rolloutState: "COMPLETED",
        rolloutStateReason: `ECS deployment ecs-svc/${s.createdAt + s.deployments} completed.`
      }
    ],
    roleArn: `arn:aws:iam::${s.accountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
    events: [],
    createdAt: created,
    placementConstraints: [],
    placementStrategy: [],
    ...(networkConfiguration === undefined ? {} : { networkConfiguration }),
    schedulingStrategy: "REPLICA",
    deploymentController: { type: "ECS" },
    ...(withTags ? { tags: ecsTags(s.tags) } : {}),
    createdBy: `arn:aws:iam::${s.accountId}:role/platform-deployer`,
    enableECSManagedTags: false,
    propagateTags: "NONE",
    enableExecuteCommand: false
  }
}

export const taskDefinitionJson = (td: TaskDefinition) => ({
  taskDefinitionArn: taskDefinitionArn(td, `${td.family}:${td.revision}`),
  containerDefinitions: [
    {
      name: td.family.split("-")[0] ?? td.family,
      image: td.image,
      cpu: 0,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }],
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": `/ecs/${td.family}`, "awslogs-region": td.region, "awslogs-stream-prefix": "ecs" } }
    }
  ],
  family: td.family,
  executionRoleArn: `arn:aws:iam::${td.accountId}:role/ecsTaskExecutionRole`,
  networkMode: "awsvpc",
  revision: td.revision,
  volumes: [],
  status: "ACTIVE",
  requiresAttributes: [{ name: "com.amazonaws.ecs.capability.logging-driver.awslogs" }, { name: "ecs.capability.task-eni" }],
  placementConstraints: [],
  compatibilities: ["EC2", "FARGATE"],
  requiresCompatibilities: ["FARGATE"],
  // ECS answers task-level cpu and memory as strings.
  cpu: String(td.cpu),
  memory: String(td.memory),
  registeredAt: new Date(td.registeredAt),
  registeredBy: `arn:aws:iam::${td.accountId}:role/platform-deployer`
})

/** Fargate's task sizes: CPU units -> the memory (MiB) each allows. */
const FARGATE_MEMORY: ReadonlyArray<readonly [number, number, number, number]> = [
  // cpu, min memory, max memory, step
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192]
]

/** Whether Fargate runs a task of this size (256 CPU also takes 512, 1024 and 2048 MiB). */
export const fargateSize = (cpu: number, memory: number): boolean =>
  (cpu === 256 && [512, 1024, 2048].includes(memory)) ||
  FARGATE_MEMORY.some(([c, min, max, step]) => c === cpu && memory >= min && memory <= max && (memory - min) % step === 0)
