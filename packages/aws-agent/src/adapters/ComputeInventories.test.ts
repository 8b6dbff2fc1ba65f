/** RDS, Lambda, ECS, Organizations and CloudWatch adapters over recorded responses. */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch"
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, ListClustersCommand, ListServicesCommand } from "@aws-sdk/client-ecs"
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda"
import { ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations"
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds"
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { mockClient } from "aws-sdk-client-mock"
import { Effect, Layer } from "effect"
import * as CloudWatchMetrics from "./CloudWatchMetrics.js"
import * as EcsInventory from "./EcsInventory.js"
import * as LambdaInventory from "./LambdaInventory.js"
import * as OrganizationsDirectory from "./OrganizationsDirectory.js"
import { ACCOUNT, placebo, runtime, target } from "./Placebo.testkit.js"
import * as RdsInventory from "./RdsInventory.js"

const sts = mockClient(STSClient)
sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/test`, UserId: "AIDA" })
const rds = mockClient(RDSClient)
const lambda = mockClient(LambdaClient)
const ecs = mockClient(ECSClient)
const org = mockClient(OrganizationsClient)
const cw = mockClient(CloudWatchClient)

const layer = Layer.mergeAll(RdsInventory.layer, LambdaInventory.layer, EcsInventory.layer, OrganizationsDirectory.layer, CloudWatchMetrics.layer).pipe(Layer.provideMerge(runtime))

describe("compute and data adapters over recorded responses", () => {
  it.effect("RDS: stopping and stopped databases, public and unencrypted, without tags", () =>
    Effect.gen(function* () {
      rds.on(DescribeDBInstancesCommand).resolves(placebo("rds", "test_rds_start__rds.DescribeDBInstances_1.json"))
      const found = yield* (yield* RdsInventory.RdsInventory).dbInstances(target())
      expect(found.map((r) => [r.id, r.state])).toEqual([
        ["rds-test-instance-1", "stopped"],
        ["rds-test-instance-2", "stopped"]
      ])
      for (const r of found) {
        expect(r.owner).toBe("Noguchi")
        expect(r.tags).toEqual({})
        expect(r.details).toMatchObject({ _tag: "rds-instance", instanceClass: "db.t2.micro", engine: "postgres", publiclyAccessible: true, storageEncrypted: false })
      }
    }).pipe(Effect.provide(layer)))

  it.effect("RDS: encrypted private databases with their tags", () =>
    Effect.gen(function* () {
      rds.on(DescribeDBInstancesCommand).resolves(placebo("rds", "test_rds_snapshot_copy_related_tags__rds.DescribeDBInstances_1.json"))
      const found = yield* (yield* RdsInventory.RdsInventory).dbInstances(target())
      expect(found.map((r) => [r.id, r.state, r.tags["Owner"]])).toEqual([
        ["database-1", "running", "c7n"],
        ["database-2", "running", "c7n"]
      ])
      expect(found.every((r) => r.details._tag === "rds-instance" && r.details.storageEncrypted && !r.details.publiclyAccessible)).toBe(true)
    }).pipe(Effect.provide(layer)))

  it.effect("Lambda: functions with runtime, memory and architecture", () =>
    Effect.gen(function* () {
      lambda.on(ListFunctionsCommand).resolves(placebo("lambda", "test_aws_lambda_edge_filter__lambda.ListFunctions_1.json"))
      const found = yield* (yield* LambdaInventory.LambdaInventory).functions(target())
      expect(found.map((r) => r.id)).toEqual(["test-pratyush", "c7n-lambda-edge-new", "test-python", "test-lambda-edge"])
      expect(found[0]?.details).toMatchObject({ _tag: "lambda-function", runtime: "python3.9", memoryMiB: 128, architecture: "x86_64", packageType: "Zip" })
      expect(found.every((r) => r.owner === "Gates" && r.arn.startsWith("arn:aws:lambda:us-east-1:644160558196:function:"))).toBe(true)
    }).pipe(Effect.provide(layer)))

  it.effect("ECS: an EC2 service with desired 1 / running 0, and its task size from the task definition", () =>
    Effect.gen(function* () {
      const recorded = placebo<{ services: Array<{ serviceArn: string; clusterArn: string }> }>("ecs", "test_ecs_service_autoscaling_offhours__ecs.DescribeServices_1.json")
      const service = recorded.services[0]
      if (service === undefined) throw new Error("recording")
      ecs.on(ListClustersCommand).resolves({ clusterArns: [service.clusterArn] })
      ecs.on(ListServicesCommand).resolves({ serviceArns: [service.serviceArn] })
      ecs.on(DescribeServicesCommand).resolves(recorded)
      ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ name: "web", cpu: 256, memory: 512 }] } })
      const found = yield* (yield* EcsInventory.EcsInventory).services(target())
      expect(found).toHaveLength(1)
      expect(found[0]?.details).toMatchObject({ _tag: "ecs-service", launchType: "EC2", desiredCount: 1, runningCount: 0, cpuUnits: 256, memoryMiB: 512 })
      expect(found[0]?.tags).toEqual({ OffHoursPrevious: "Min=1:Max=5:Desired=1" })
      expect(found[0]?.state).toBe("running")
    }).pipe(Effect.provide(layer)))

  it.effect("ECS: a Fargate service with awsvpc networking", () =>
    Effect.gen(function* () {
      const recorded = placebo<{ services: Array<{ serviceArn: string; clusterArn: string }> }>("ecs", "test_ecs_service_sg_filter__ecs.DescribeServices_1.json")
      const service = recorded.services[0]
      if (service === undefined) throw new Error("recording")
      ecs.on(ListClustersCommand).resolves({ clusterArns: [service.clusterArn] })
      ecs.on(ListServicesCommand).resolves({ serviceArns: [service.serviceArn] })
      ecs.on(DescribeServicesCommand).resolves(recorded)
      ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { cpu: "512", memory: "1024" } })
      const found = yield* (yield* EcsInventory.EcsInventory).services(target())
      expect(found[0]?.details).toMatchObject({ launchType: "FARGATE", desiredCount: 1, runningCount: 1, cpuUnits: 512, memoryMiB: 1024 })
      expect(found[0]?.name).toBe("c7n-test-service")
    }).pipe(Effect.provide(layer)))

  it.effect("Organizations: ACTIVE accounts from ListAccounts", () =>
    Effect.gen(function* () {
      org.on(ListAccountsCommand).resolves(placebo("organizations", "test_org_account_describe__organizations.ListAccounts_1.json"))
      const accounts = yield* (yield* OrganizationsDirectory.OrganizationsDirectory).activeAccounts
      expect(accounts).toEqual([{ id: "644160558196", name: "Sandbox-Kapil", status: "ACTIVE" }])
    }).pipe(Effect.provide(layer)))

  it.effect("CloudWatch: GetMetricData results by query id, an unanswered query as an empty series", () =>
    Effect.gen(function* () {
      cw.on(GetMetricDataCommand).resolves(placebo("monitoring", "bedrock_inference_profile_token_metrics__monitoring.GetMetricData_1.json"))
      const series = yield* (yield* CloudWatchMetrics.CloudWatchMetrics).getMetricData(
        target(),
        [
          { id: "total", namespace: "AWS/Bedrock", metricName: "TotalTokenCount", dimensions: [], stat: "Sum", periodSeconds: 3600 },
          { id: "other", namespace: "AWS/Bedrock", metricName: "InputTokenCount", dimensions: [], stat: "Sum", periodSeconds: 3600 }
        ],
        { start: new Date("2026-07-21T00:00:00Z"), end: new Date("2026-07-22T00:00:00Z") }
      )
      expect(series).toEqual([
        { id: "total", values: [15] },
        { id: "other", values: [] }
      ])
    }).pipe(Effect.provide(layer)))

  it.effect("CloudWatch: joins a query's values across NextToken pages", () =>
    Effect.gen(function* () {
      cw.reset()
      cw.on(GetMetricDataCommand)
        .resolvesOnce({ MetricDataResults: [{ Id: "a", Values: [1, 2] }], NextToken: "p2" })
        .resolvesOnce({ MetricDataResults: [{ Id: "a", Values: [3] }, { Id: "b", Values: [9] }] })
      const series = yield* (yield* CloudWatchMetrics.CloudWatchMetrics).getMetricData(
        target(),
        [
          { id: "a", namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: [{ name: "InstanceId", value: "i-1" }], stat: "Average", periodSeconds: 3600 },
          { id: "b", namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: [{ name: "InstanceId", value: "i-2" }], stat: "Average", periodSeconds: 3600 }
        ],
        { start: new Date(0), end: new Date(3_600_000) }
      )
      expect(series).toEqual([
        { id: "a", values: [1, 2, 3] },
        { id: "b", values: [9] }
      ])
      expect(cw.commandCalls(GetMetricDataCommand)[1]?.args[0].input.NextToken).toBe("p2")
    }).pipe(Effect.provide(layer)))
})
