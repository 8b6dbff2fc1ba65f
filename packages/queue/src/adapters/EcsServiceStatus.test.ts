/**
 * EcsServiceStatus against the sandbox's ECS (a generated estate with
 * clusters and services), real SDK client over loopback, acting as the
 * member account that owns the cluster.
 */
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from "@aws-sdk/client-ecs"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import * as EcsServiceStatus from "./EcsServiceStatus.js"

const setup = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 31, size: "small", resources: 3_000, accounts: 5 })
  const service = estate.data.services.find((s) => s.desiredCount >= 1)
  if (service === undefined) throw new Error("the estate has no running ECS service")
  const sandbox = yield* Sandbox.start({ estate, dynamodb: false })
  const keys = sandbox.credentialsFor(service.accountId)
  yield* useSandboxEnv(sandbox, {
    AWS_REGION: service.region,
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_SESSION_TOKEN: keys.sessionToken
  })
  const ecs = yield* Effect.acquireRelease(
    Effect.sync(() => new ECSClient({ endpoint: sandbox.endpoint, region: service.region, credentials: keys })),
    (client) => Effect.sync(() => client.destroy())
  )
  // The runtime's clients live as long as the test's scope.
  const context = yield* Layer.build(EcsServiceStatus.layer().pipe(Layer.provide(AwsRuntime.layer({ region: service.region, maxAttempts: 1 }))))
  const status = Context.get(context, EcsServiceStatus.EcsServiceStatus)
  return { estate, service, ecs, status }
})

describe("EcsServiceStatus", () => {
  it.scoped("reads running, desired and pending tasks and the deployments, as DescribeServices answers them", () =>
    Effect.gen(function* () {
      const { estate, service, ecs, status } = yield* setup
      const running = estate.data.tasks.filter((t) => t.accountId === service.accountId && t.clusterName === service.clusterName && t.serviceName === service.name)
      const desired = service.desiredCount
      const before = yield* status.serviceStatus(service.clusterName, service.name)
      expect(before).toMatchObject({ cluster: service.clusterName, service: service.name, status: "ACTIVE", desired: service.desiredCount, running: running.length, pending: 0 })
      expect(before.serviceArn).toBe(`arn:aws:ecs:${service.region}:${service.accountId}:service/${service.clusterName}/${service.name}`)
      expect(before.deployments).toHaveLength(1)
      expect(before.deployments[0]).toMatchObject({ status: "PRIMARY", desired: service.desiredCount, running: running.length, rolloutState: "COMPLETED" })

      // Scale the service as Application Auto Scaling would, then read it again.
      yield* Effect.promise(() => ecs.send(new UpdateServiceCommand({ cluster: service.clusterName, service: service.name, desiredCount: desired + 4 })))
      const after = yield* status.serviceStatus(service.clusterName, service.name)
      expect([after.desired, after.running]).toEqual([desired + 4, desired + 4])
      // The same figures the SDK gets from DescribeServices directly.
      const raw = yield* Effect.promise(() => ecs.send(new DescribeServicesCommand({ cluster: service.clusterName, services: [service.name] })))
      expect(after.taskDefinition).toBe(raw.services?.[0]?.taskDefinition)
      expect(after.deployments[0]?.id).toBe(raw.services?.[0]?.deployments?.[0]?.id)
    })
  )

  it.scoped("an unknown service or cluster is one typed error naming it", () =>
    Effect.gen(function* () {
      const { service, status } = yield* setup
      const noService = yield* Effect.flip(status.serviceStatus(service.clusterName, "no-such-service"))
      expect(noService).toMatchObject({ reason: "ServiceNotFound", cluster: service.clusterName, service: "no-such-service" })
      expect(noService.message).toContain("MISSING")
      const noCluster = yield* Effect.flip(status.serviceStatus("no-such-cluster", service.name))
      expect(noCluster).toMatchObject({ reason: "ClusterNotFound", cluster: "no-such-cluster" })
      expect(noCluster.message).toBe(`ECS service no-such-cluster/${service.name}: cluster no-such-cluster not found`)
    })
  )
})
