/**
 * The estate's data model: an organization and the resources in its member
 * accounts. It is plain, mutable data: the sandbox's services change it
 * (stop an instance, resize a database) and the metric and cost sources read
 * it, so a change is visible everywhere at once.
 *
 * Timestamps are epoch milliseconds (numbers), so two estates compare with a
 * plain deep equality.
 */
import type { Address } from "./Address.js"
import type { AutoScalingGroup } from "./AutoScalingGroup.js"
import type { Bucket } from "./Bucket.js"
import type { DbInstance } from "./DbInstance.js"
import type { Distribution } from "./Distribution.js"
import type { DynamoTable } from "./DynamoTable.js"
import type { EcsCluster, EcsService, EcsTask, TaskDefinition } from "./EcsService.js"
import type { Finding } from "./Finding.js"
import type { Instance } from "./Instance.js"
import type { LambdaFunction } from "./LambdaFunction.js"
import type { LoadBalancer, TargetGroup } from "./LoadBalancer.js"
import type { Customer, Organization } from "./Organization.js"
import type { SecurityGroup } from "./SecurityGroup.js"
import type { Snapshot, Volume } from "./Volume.js"

export type EstateSize = "tiny" | "small" | "medium" | "large"

export interface EstateData {
  readonly seed: number
  readonly size: EstateSize
  /** The instant the estate was generated "at"; histories and costs end here. */
  readonly asOf: number
  readonly regions: ReadonlyArray<string>
  readonly organization: Organization
  readonly customers: Array<Customer>
  readonly instances: Array<Instance>
  readonly volumes: Array<Volume>
  readonly snapshots: Array<Snapshot>
  readonly addresses: Array<Address>
  readonly securityGroups: Array<SecurityGroup>
  readonly buckets: Array<Bucket>
  readonly dbInstances: Array<DbInstance>
  readonly functions: Array<LambdaFunction>
  readonly clusters: Array<EcsCluster>
  readonly taskDefinitions: Array<TaskDefinition>
  readonly services: Array<EcsService>
  readonly tasks: Array<EcsTask>
  readonly loadBalancers: Array<LoadBalancer>
  readonly targetGroups: Array<TargetGroup>
  readonly autoScalingGroups: Array<AutoScalingGroup>
  readonly distributions: Array<Distribution>
  readonly tables: Array<DynamoTable>
  /** What was wasteful or risky when the estate was generated. */
  readonly truth: ReadonlyArray<Finding>
}

/** An estate's resource lists, all empty: the start of a generated or a hand-made estate. */
export const noResources = (): Pick<
  EstateData,
  | "instances"
  | "volumes"
  | "snapshots"
  | "addresses"
  | "securityGroups"
  | "buckets"
  | "dbInstances"
  | "functions"
  | "clusters"
  | "taskDefinitions"
  | "services"
  | "tasks"
  | "loadBalancers"
  | "targetGroups"
  | "autoScalingGroups"
  | "distributions"
  | "tables"
  | "truth"
> => ({
  instances: [],
  volumes: [],
  snapshots: [],
  addresses: [],
  securityGroups: [],
  buckets: [],
  dbInstances: [],
  functions: [],
  clusters: [],
  taskDefinitions: [],
  services: [],
  tasks: [],
  loadBalancers: [],
  targetGroups: [],
  autoScalingGroups: [],
  distributions: [],
  tables: [],
  truth: []
})
