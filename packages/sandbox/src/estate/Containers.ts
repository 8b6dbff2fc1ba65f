/**
 * Lambda functions (memory sizes from 128 MB to 3 GB, over-provisioned ones
 * with a lot of memory) and ECS clusters, task definitions, services and
 * their running tasks.
 */
import { PROFILE_WEIGHTS } from "./Compute.js"
import type { EcsService, TaskDefinition } from "./EcsService.js"
import type { GenerationContext, Workload } from "./Workload.js"
import { nextCounter } from "./Workload.js"

const DAY = 86_400_000

export const generateFunction = (ctx: GenerationContext, w: Workload): void => {
  const { rng, estate } = ctx
  const profile = rng.weighted(PROFILE_WEIGHTS)
  const memorySize = profile === "overProvisioned" ? rng.pick([1024, 1536, 2048, 3008]) : rng.pick([128, 256, 512, 1024])
  const runtime = rng.pick(["nodejs20.x", "nodejs22.x", "python3.12", "python3.11", "java21"])
  estate.functions.push({
    name: `${w.application}-${w.environment}-${rng.pick(["handler", "worker", "cron", "api", "resize"])}-${nextCounter(ctx, "fn")}`,
    accountId: w.account.id,
    region: w.region,
    runtime,
    handler: runtime.startsWith("python") ? "app.handler" : runtime.startsWith("java") ? "example.Handler::handleRequest" : "index.handler",
    memorySize,
    baselineMemorySize: memorySize,
    memoryHistory: [{ at: 0, memorySize }],
    timeout: rng.pick([3, 10, 30, 60, 300]),
    codeSize: rng.int(800, 40_000_000),
    lastModified: estate.asOf - rng.int(1, 600) * DAY - rng.int(0, 86_399_999),
    architecture: rng.chance(0.3) ? "arm64" : "x86_64",
    profile,
    baselineDurationMs: rng.pick([40, 120, 300, 800, 2500]),
    invocationsPerHour: profile === "idle" ? rng.int(0, 2) : rng.pick([30, 120, 600, 3000]),
    revisionId: `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
    tags: w.tags()
  })
}

const TASK_SIZES: ReadonlyArray<readonly [number, number]> = [
  [256, 512],
  [512, 1024],
  [1024, 2048],
  [2048, 4096],
  [4096, 8192]
]

export const generateEcsService = (ctx: GenerationContext, w: Workload, securityGroupId: string): void => {
  const { rng, estate } = ctx
  const clusterName = `${w.environment}-cluster`
  if (!estate.clusters.some((c) => c.accountId === w.account.id && c.region === w.region && c.name === clusterName)) {
    estate.clusters.push({ name: clusterName, accountId: w.account.id, region: w.region, tags: w.tags() })
  }
  const name = `${w.application}-${nextCounter(ctx, `${w.account.id}/${w.region}/svc`)}`
  const profile = rng.weighted(PROFILE_WEIGHTS)
  const [cpu, memory] = profile === "overProvisioned" ? rng.pick(TASK_SIZES.slice(2)) : rng.pick(TASK_SIZES)
  const registeredAt = estate.asOf - rng.int(5, 500) * DAY
  const family = `${w.application}-${w.environment}-${name}`
  const taskDefinition: TaskDefinition = {
    family,
    revision: rng.int(1, 40),
    accountId: w.account.id,
    region: w.region,
    cpu,
    memory,
    image: `${w.account.id}.dkr.ecr.${w.region}.amazonaws.com/${w.application}:${rng.hex(7)}`,
    registeredAt
  }
  estate.taskDefinitions.push(taskDefinition)
  const service: EcsService = {
    name,
    accountId: w.account.id,
    region: w.region,
    clusterName,
    taskDefinition: `${family}:${taskDefinition.revision}`,
    desiredCount: profile === "idle" ? rng.int(0, 1) : rng.int(1, 4),
    launchType: rng.chance(0.8) ? "FARGATE" : "EC2",
    createdAt: registeredAt,
    profile,
    subnetIds: [...w.network.subnetIds.slice(0, 2)],
    securityGroupIds: [securityGroupId],
    deployments: 1,
    tags: w.tags(),
    history: []
  }
  service.history.push({ at: registeredAt, desiredCount: service.desiredCount, taskDefinition: service.taskDefinition })
  estate.services.push(service)
  for (let i = 0; i < service.desiredCount; i++) {
    estate.tasks.push({
      id: rng.hex(32),
      accountId: w.account.id,
      region: w.region,
      clusterName,
      serviceName: name,
      taskDefinition: service.taskDefinition,
      startedAt: registeredAt + rng.int(0, 4) * DAY,
      protectionEnabled: false
    })
  }
}
