/**
 * EC2 Auto Scaling over the awsQuery protocol (signing name `autoscaling`,
 * API 2011-01-01): DescribeAutoScalingGroups with `NextToken` / `MaxRecords`
 * (1..100, default 50) and `AutoScalingGroupNames`, from the estate's groups
 * of the caller's account and region. A group's instances are estate
 * instances: running ones are `InService`, stopped ones `Standby`.
 *
 * AWS quirks kept: unknown names are left out (no error), and a token from
 * another listing answers `InvalidNextToken`.
 */
import { Effect } from "effect"
import type { AutoScalingGroup } from "../../estate/AutoScalingGroup.js"
import type { EstateData } from "../../estate/EstateData.js"
import type { Estate } from "../../EstateContract.js"
import { estateDataOf } from "../../estate/SandboxEstate.js"
import { awsError, type Operation, type ServiceFactory } from "../../ServiceHandler.js"
import { num, str, strings } from "../Input.js"
import { paginate } from "../Pagination.js"

export const makeAutoScalingService: ServiceFactory<Estate> = (env) => {
  const data: EstateData = estateDataOf(env.estate)

  const groupXml = (g: AutoScalingGroup) => {
    const launchTemplate = { LaunchTemplateId: g.launchTemplateId, LaunchTemplateName: g.launchTemplateName, Version: "$Default" }
    return {
      AutoScalingGroupName: g.name,
      AutoScalingGroupARN: g.arn,
      LaunchTemplate: launchTemplate,
      MinSize: g.minSize,
      MaxSize: g.maxSize,
      DesiredCapacity: g.desiredCapacity,
      DefaultCooldown: 300,
      AvailabilityZones: g.availabilityZones,
      LoadBalancerNames: [],
      TargetGroupARNs: g.targetGroupArns,
      HealthCheckType: g.targetGroupArns.length > 0 ? "ELB" : "EC2",
      HealthCheckGracePeriod: 300,
      Instances: g.instanceIds.flatMap((id) => {
        const i = data.instances.find((x) => x.id === id)
        return i === undefined
          ? []
          : [{
              InstanceId: i.id,
              InstanceType: i.instanceType,
              AvailabilityZone: i.availabilityZone,
              LifecycleState: i.state === "running" ? "InService" : i.state === "pending" ? "Pending" : "Standby",
              HealthStatus: "Healthy",
              LaunchTemplate: launchTemplate,
              ProtectedFromScaleIn: false
            }]
      }),
      CreatedTime: new Date(g.createdAt),
      SuspendedProcesses: [],
      VPCZoneIdentifier: g.subnetIds.join(","),
      EnabledMetrics: [],
      Tags: Object.entries(g.tags).map(([Key, Value]) => ({ ResourceId: g.name, ResourceType: "auto-scaling-group", Key, Value, PropagateAtLaunch: true })),
      TerminationPolicies: ["Default"],
      NewInstancesProtectedFromScaleIn: false,
      ServiceLinkedRoleARN: `arn:aws:iam::${g.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      CapacityRebalance: false
    }
  }

  const describeAutoScalingGroups: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const max = num(input, "MaxRecords") ?? 50
      if (!Number.isInteger(max) || max < 1 || max > 100) {
        return yield* Effect.fail(awsError("ValidationError", `1 validation error detected: Value '${String(input["MaxRecords"])}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100`))
      }
      const names = strings(input, "AutoScalingGroupNames")
      const selected = data.autoScalingGroups.filter((g) => g.accountId === ctx.accountId && g.region === ctx.region && (names.length === 0 || names.includes(g.name)))
      const token = str(input, "NextToken")
      const page = yield* paginate(selected, {
        scope: `DescribeAutoScalingGroups/${ctx.accountId}/${ctx.region}/${names.join(",")}`,
        token,
        pageSize: max,
        invalidToken: () => awsError("InvalidNextToken", `The token '${token ?? ""}' is invalid.`)
      })
      return { AutoScalingGroups: page.items.map(groupXml), NextToken: page.nextToken }
    })

  return {
    signingName: "autoscaling",
    protocol: "query",
    xmlNamespace: "http://autoscaling.amazonaws.com/doc/2011-01-01/",
    operations: { DescribeAutoScalingGroups: describeAutoScalingGroups },
    errors: {
      throttling: { code: "Throttling", status: 400, message: "Rate exceeded" },
      internal: { code: "InternalFailure", status: 500, message: "An internal error has occurred." }
    }
  }
}
