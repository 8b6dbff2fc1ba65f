/**
 * ECS changes θ4 applies: a service's task size. ECS keeps the size on the
 * task definition, which is immutable: a resize registers a new revision of
 * the service's family (the current one with the new cpu and memory) and
 * points the service at it; undoing it points the service back at the old
 * revision, which still exists. Plus the read of a service (with its task
 * size and tags) before and after, as discovery maps it.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs"
import { AwsClients, AwsError } from "@miyabi/aws-runtime"
import type { Resource } from "@miyabi/types"
import { Context, Effect, Layer, Option } from "effect"
import { Ecs, serviceResource, taskSize } from "./EcsInventory.js"
import type { InventoryTarget } from "./Inventory.js"

export interface EcsChangesShape {
  /** The service by ARN, with its task size; none when it does not exist or was deleted (INACTIVE). */
  readonly service: (target: InventoryTarget, serviceArn: string) => Effect.Effect<Option.Option<Resource>, AwsError>
  /** Registers a revision of the service's task definition with the new size and deploys it; returns the new revision's ARN. */
  readonly resizeTask: (target: InventoryTarget, serviceArn: string, size: { readonly cpuUnits: number; readonly memoryMiB: number }) => Effect.Effect<string, AwsError>
  /** Points the service at an existing task definition revision (the inverse of a resize). */
  readonly useTaskDefinition: (target: InventoryTarget, serviceArn: string, taskDefinitionArn: string) => Effect.Effect<void, AwsError>
}

export class EcsChanges extends Context.Tag("@miyabi/aws-agent/EcsChanges")<EcsChanges, EcsChangesShape>() {}

/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`; the old format (`service/<name>`) is in the default cluster. */
export const clusterOf = (serviceArn: string): string => {
  const parts = serviceArn.split(":").at(-1)?.split("/") ?? []
  return parts.length >= 3 ? (parts[1] ?? "default") : "default"
}

export const make: Effect.Effect<EcsChangesShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => {
  const describe = (target: InventoryTarget, serviceArn: string) =>
    Effect.map(aws.call(Ecs, target, new DescribeServicesCommand({ cluster: clusterOf(serviceArn), services: [serviceArn], include: ["TAGS"] })), (out) =>
      // A missing service is a "MISSING" failure in the answer, not an error.
      Option.filter(Option.fromNullable(out.services?.[0]), (s) => s.status !== "INACTIVE")
    )

  const service: EcsChangesShape["service"] = (target, serviceArn) =>
    Effect.gen(function* () {
      const found = yield* describe(target, serviceArn)
      if (Option.isNone(found)) return Option.none()
      const s = found.value
      const td = s.taskDefinition === undefined ? undefined : (yield* aws.call(Ecs, target, new DescribeTaskDefinitionCommand({ taskDefinition: s.taskDefinition }))).taskDefinition
      return Option.some(serviceResource(target, s, taskSize(td)))
    }).pipe(
      Effect.catchIf((e) => e.reason === "NotFound", () => Effect.succeed(Option.none())),
      Effect.withSpan("EcsChanges.service")
    )

  const useTaskDefinition: EcsChangesShape["useTaskDefinition"] = (target, serviceArn, taskDefinitionArn) =>
    Effect.asVoid(aws.call(Ecs, target, new UpdateServiceCommand({ cluster: clusterOf(serviceArn), service: serviceArn, taskDefinition: taskDefinitionArn }))).pipe(
      Effect.withSpan("EcsChanges.useTaskDefinition")
    )

  const resizeTask: EcsChangesShape["resizeTask"] = (target, serviceArn, size) =>
    Effect.gen(function* () {
      const s = yield* describe(target, serviceArn)
      const current = Option.flatMap(s, (x) => Option.fromNullable(x.taskDefinition))
      if (Option.isNone(current)) {
        // ECS answers a missing service inside DescribeServices' failures; say it as UpdateService would.
        return yield* new AwsError({
          reason: "NotFound",
          service: "ecs",
          operation: "DescribeServices",
          account: target.account,
          region: target.region,
          code: "ServiceNotFoundException",
          awsMessage: `Service not found: ${serviceArn}`,
          retryable: false
        })
      }
      const td = (yield* aws.call(Ecs, target, new DescribeTaskDefinitionCommand({ taskDefinition: current.value }))).taskDefinition
      // The revision keeps everything of the current one but the task-level size (the field ECS sizes Fargate by).
      const registered = yield* aws.call(
        Ecs,
        target,
        new RegisterTaskDefinitionCommand({
          family: td?.family ?? "",
          containerDefinitions: td?.containerDefinitions ?? [],
          cpu: String(size.cpuUnits),
          memory: String(size.memoryMiB),
          ...(td?.networkMode === undefined ? {} : { networkMode: td.networkMode }),
          ...(td?.requiresCompatibilities === undefined ? {} : { requiresCompatibilities: td.requiresCompatibilities }),
          ...(td?.executionRoleArn === undefined ? {} : { executionRoleArn: td.executionRoleArn }),
          ...(td?.taskRoleArn === undefined ? {} : { taskRoleArn: td.taskRoleArn }),
          ...(td?.runtimePlatform === undefined ? {} : { runtimePlatform: td.runtimePlatform }),
          ...(td?.volumes === undefined ? {} : { volumes: td.volumes }),
          ...(td?.ephemeralStorage === undefined ? {} : { ephemeralStorage: td.ephemeralStorage })
        })
      )
      const arn = registered.taskDefinition?.taskDefinitionArn ?? ""
      yield* useTaskDefinition(target, serviceArn, arn)
      return arn
    }).pipe(Effect.withSpan("EcsChanges.resizeTask"))

  return { service, resizeTask, useTaskDefinition }
})

export const layer: Layer.Layer<EcsChanges, never, AwsClients.AwsClients> = Layer.effect(EcsChanges, make)
