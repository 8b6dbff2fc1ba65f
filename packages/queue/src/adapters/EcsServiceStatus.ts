/**
 * The worker service's task counts on ECS, domain-shaped: DescribeServices
 * through `AwsClients` (request budget, transient retries, abort on
 * interruption). The only module of the queue that names ECS commands.
 *
 * DescribeServices does not fail for an unknown service: it answers 200 with
 * `failures: [{ reason: "MISSING" }]`. An unknown cluster is an exception
 * (ClusterNotFoundException). Both become `EcsServiceStatusError`.
 */
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs"
import { AwsClients, type AwsError, AwsRuntime, type AwsTarget, ServiceDescriptor } from "@miyabi/aws-runtime"
import { type ConfigError, Context, Effect, Layer, Schema } from "effect"

export const EcsService = ServiceDescriptor.make("ecs", (config) => new ECSClient(config))

export class EcsServiceStatusError extends Schema.TaggedError<EcsServiceStatusError>()("EcsServiceStatusError", {
  reason: Schema.Literal("ClusterNotFound", "ServiceNotFound", "AwsFailure"),
  cluster: Schema.String,
  service: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `ECS service ${this.cluster}/${this.service}: ${this.detail}`
  }
}

/** One deployment of the service (PRIMARY is the one being rolled out; ACTIVE ones are draining). */
export interface DeploymentStatus {
  readonly id: string
  readonly status: string
  readonly taskDefinition: string
  readonly desired: number
  readonly running: number
  readonly pending: number
  readonly failedTasks: number
  /** IN_PROGRESS, COMPLETED or FAILED (circuit breaker). */
  readonly rolloutState: string | undefined
  readonly updatedAt: Date | undefined
}

export interface ServiceStatus {
  readonly cluster: string
  readonly service: string
  readonly serviceArn: string
  /** ACTIVE, DRAINING or INACTIVE. */
  readonly status: string
  readonly running: number
  readonly desired: number
  readonly pending: number
  readonly taskDefinition: string
  readonly deployments: ReadonlyArray<DeploymentStatus>
}

export interface EcsServiceStatusShape {
  readonly serviceStatus: (cluster: string, service: string) => Effect.Effect<ServiceStatus, EcsServiceStatusError>
}

export class EcsServiceStatus extends Context.Tag("@miyabi/queue/EcsServiceStatus")<EcsServiceStatus, EcsServiceStatusShape>() {}

const fromAwsError = (cluster: string, service: string) => (error: AwsError) =>
  new EcsServiceStatusError({
    reason: error.code === "ClusterNotFoundException" ? "ClusterNotFound" : "AwsFailure",
    cluster,
    service,
    detail: error.code === "ClusterNotFoundException" ? `cluster ${cluster} not found` : error.message
  })

export const make = (target: AwsTarget = {}): Effect.Effect<EcsServiceStatusShape, never, AwsClients.AwsClients> =>
  Effect.gen(function* () {
    const aws = yield* AwsClients.AwsClients
    const serviceStatus: EcsServiceStatusShape["serviceStatus"] = (cluster, service) =>
      aws.call(EcsService, target, new DescribeServicesCommand({ cluster, services: [service] })).pipe(
        Effect.mapError(fromAwsError(cluster, service)),
        Effect.flatMap((out) => {
          const found = out.services?.[0]
          // An INACTIVE service is a deleted one that ECS still describes for a while.
          if (found === undefined || found.status === "INACTIVE") {
            const why = found === undefined ? (out.failures?.[0]?.reason ?? "MISSING") : "INACTIVE"
            return Effect.fail(new EcsServiceStatusError({ reason: "ServiceNotFound", cluster, service, detail: `service not found in cluster ${cluster} (${why})` }))
          }
          return Effect.succeed<ServiceStatus>({
            cluster,
            service: found.serviceName ?? service,
            serviceArn: found.serviceArn ?? "",
            status: found.status ?? "UNKNOWN",
            running: found.runningCount ?? 0,
            desired: found.desiredCount ?? 0,
            pending: found.pendingCount ?? 0,
            taskDefinition: found.taskDefinition ?? "",
            deployments: (found.deployments ?? []).map((d) => ({
              id: d.id ?? "",
              status: d.status ?? "",
              taskDefinition: d.taskDefinition ?? "",
              desired: d.desiredCount ?? 0,
              running: d.runningCount ?? 0,
              pending: d.pendingCount ?? 0,
              failedTasks: d.failedTasks ?? 0,
              rolloutState: d.rolloutState,
              updatedAt: d.updatedAt
            }))
          })
        }),
        Effect.withSpan("EcsServiceStatus.serviceStatus", { attributes: { cluster, service }, captureStackTrace: false })
      )
    return { serviceStatus }
  })

/** The adapter over the AwsClients in context; `target` picks account and region (default: the configured ones). */
export const layer = (target: AwsTarget = {}): Layer.Layer<EcsServiceStatus, never, AwsClients.AwsClients> => Layer.effect(EcsServiceStatus, make(target))

/** The adapter over an AWS runtime read from the environment (region, credentials, AWS_ENDPOINT_URL). */
export const layerConfig = (target: AwsTarget = {}): Layer.Layer<EcsServiceStatus, ConfigError.ConfigError> =>
  layer(target).pipe(Layer.provide(AwsRuntime.layerConfig()))
