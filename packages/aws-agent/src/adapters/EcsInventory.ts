/**
 * ECS services with their task size. ECS lists by cluster, describes
 * services ten at a time, and keeps the task size on the task definition, so
 * each distinct task definition is read once per walk.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  type ListClustersCommandInput,
  ListServicesCommand,
  type ListServicesCommandInput,
  type Service,
  type TaskDefinition
} from "@aws-sdk/client-ecs"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { Arn, EcsServiceDetails, type Resource } from "@miyabi/types"
import { Cache, Chunk, Context, Duration, Effect, Layer } from "effect"
import { type InventoryTarget, makeResource, type ServiceInventory, tagsFromLowerList } from "./Inventory.js"

export const Ecs = ServiceDescriptor.make("ecs", (config) => new ECSClient(config))

export interface EcsInventoryShape {
  readonly services: (target: InventoryTarget) => Effect.Effect<ReadonlyArray<Resource>, AwsError>
  readonly inventory: ServiceInventory
}

export class EcsInventory extends Context.Tag("@miyabi/aws-agent/EcsInventory")<EcsInventory, EcsInventoryShape>() {}

export interface TaskSize {
  readonly cpuUnits: number
  readonly memoryMiB: number
}

/** Task-level size (Fargate requires it); else the containers' sum (EC2 launch type may leave it out). */
export const taskSize = (td: TaskDefinition | undefined): TaskSize => {
  const containers = td?.containerDefinitions ?? []
  const cpu = Number(td?.cpu ?? containers.reduce((a, c) => a + (c.cpu ?? 0), 0))
  const memory = Number(td?.memory ?? containers.reduce((a, c) => a + (c.memory ?? c.memoryReservation ?? 0), 0))
  return { cpuUnits: Math.max(1, Math.round(cpu) || 256), memoryMiB: Math.max(1, Math.round(memory) || 512) }
}

const launchTypeOf = (s: Service): "FARGATE" | "FARGATE_SPOT" | "EC2" | "EXTERNAL" => {
  if (s.launchType === "EC2" || s.launchType === "EXTERNAL" || s.launchType === "FARGATE") return s.launchType
  const providers = (s.capacityProviderStrategy ?? []).map((p) => p.capacityProvider)
  return providers.includes("FARGATE_SPOT") ? "FARGATE_SPOT" : providers.includes("FARGATE") ? "FARGATE" : "EC2"
}

export const serviceResource = (target: InventoryTarget, s: Service, size: TaskSize): Resource => {
  const arn = s.serviceArn ?? `arn:aws:ecs:${target.region}:${target.account}:service/${s.serviceName ?? ""}`
  return makeResource({
    id: arn,
    arn,
    kind: "ecs-service",
    name: s.serviceName,
    account: target.account,
    region: target.region,
    state: s.status === "ACTIVE" ? ((s.desiredCount ?? 0) > 0 ? "running" : "stopped") : s.status === "DRAINING" ? "deleting" : "unknown",
    tags: tagsFromLowerList(s.tags),
    dependencies: [s.clusterArn, s.taskDefinition].flatMap((a) => (a === undefined ? [] : [a])),
    details: EcsServiceDetails.make({
      clusterArn: Arn.make(s.clusterArn ?? `arn:aws:ecs:${target.region}:${target.account}:cluster/default`),
      taskDefinitionArn: Arn.make(s.taskDefinition ?? `arn:aws:ecs:${target.region}:${target.account}:task-definition/unknown`),
      launchType: launchTypeOf(s),
      desiredCount: Math.max(0, s.desiredCount ?? 0),
      runningCount: Math.max(0, s.runningCount ?? 0),
      cpuUnits: size.cpuUnits,
      memoryMiB: size.memoryMiB
    }, true)
  })
}

export const make: Effect.Effect<EcsInventoryShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => {
  // Collected with paginateAll and Effect.forEach rather than nested Stream.flatMap / mapEffect: the streams' fibers
  // and queues cost several times the Effect operations, and discovery's client is CPU-bound. Services come cluster
  // by cluster.
  const services = (target: InventoryTarget) =>
      Effect.gen(function* () {
        // Many services share a task definition: read each once per walk.
        const sizes = yield* Cache.make({
          capacity: 10_000,
          timeToLive: Duration.infinity,
          lookup: (taskDefinition: string) =>
            Effect.map(aws.call(Ecs, target, new DescribeTaskDefinitionCommand({ taskDefinition })), (out) => taskSize(out.taskDefinition))
        })
        const clusters = yield* aws.paginateAll(Ecs, target, (input: ListClustersCommandInput) => new ListClustersCommand(input), { maxResults: 100 }, { inputToken: "nextToken", outputToken: "nextToken", items: "clusterArns" })
        const described = yield* Effect.forEach(
          clusters,
          (cluster) =>
            aws.paginateAll(Ecs, target, (input: ListServicesCommandInput) => new ListServicesCommand(input), { cluster, maxResults: 100 }, { inputToken: "nextToken", outputToken: "nextToken", items: "serviceArns" }).pipe(
              // DescribeServices takes at most 10 services a call.
              Effect.flatMap((arns) =>
                Effect.forEach(Chunk.chunksOf(Chunk.fromIterable(arns), 10), (batch) => aws.call(Ecs, target, new DescribeServicesCommand({ cluster, services: Chunk.toArray(batch), include: ["TAGS"] })))
              ),
              Effect.map((outs) => outs.flatMap((out) => out.services ?? []))
            ),
          { concurrency: 4 }
        )
        return yield* Effect.forEach(
          described.flat(),
          (s) =>
            s.taskDefinition === undefined
              ? Effect.succeed(serviceResource(target, s, taskSize(undefined)))
              : Effect.map(sizes.get(s.taskDefinition), (size) => serviceResource(target, s, size)),
          { concurrency: 8 }
        )
      })
  return { services, inventory: { service: "ecs", scope: "regional", discover: services } }
})

export const layer: Layer.Layer<EcsInventory, never, AwsClients.AwsClients> = Layer.effect(EcsInventory, make)
