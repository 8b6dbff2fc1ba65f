/** RDS database instances: class, engine, storage, encryption and exposure. */
import { type DBInstance, DescribeDBInstancesCommand, type DescribeDBInstancesCommandInput, RDSClient } from "@aws-sdk/client-rds"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { RdsInstanceDetails, type Resource, type ResourceState } from "@miyabi/types"
import { Context, Effect, Layer } from "effect"
import { type InventoryTarget, makeResource, type ServiceInventory, tagsFromList } from "./Inventory.js"

export const Rds = ServiceDescriptor.make("rds", (config) => new RDSClient(config))

export interface RdsInventoryShape {
  readonly dbInstances: (target: InventoryTarget) => Effect.Effect<ReadonlyArray<Resource>, AwsError>
  readonly inventory: ServiceInventory
}

export class RdsInventory extends Context.Tag("@miyabi/aws-agent/RdsInventory")<RdsInventory, RdsInventoryShape>() {}

const dbState = (status: string | undefined): ResourceState => {
  switch (status) {
    case "available":
    case "backing-up":
    case "modifying":
    case "maintenance":
    case "storage-optimization":
      return "running"
    case "stopped":
    case "stopping":
      return "stopped"
    case "creating":
    case "starting":
    case "rebooting":
      return "pending"
    case "deleting":
      return "deleting"
    default:
      return "unknown"
  }
}

export const dbResource = (target: InventoryTarget, db: DBInstance): Resource => {
  const id = db.DBInstanceIdentifier ?? ""
  return makeResource({
    id,
    arn: db.DBInstanceArn ?? `arn:aws:rds:${target.region}:${target.account}:db:${id}`,
    kind: "rds-instance",
    name: id,
    account: target.account,
    region: target.region,
    state: dbState(db.DBInstanceStatus),
    tags: tagsFromList(db.TagList),
    details: RdsInstanceDetails.make({
      instanceClass: db.DBInstanceClass ?? "unknown",
      engine: db.Engine ?? "unknown",
      ...(db.EngineVersion === undefined ? {} : { engineVersion: db.EngineVersion }),
      awsState: db.DBInstanceStatus ?? "unknown",
      multiAz: db.MultiAZ === true,
      storageType: db.StorageType ?? "gp2",
      allocatedStorageGiB: Math.max(1, db.AllocatedStorage ?? 1),
      storageEncrypted: db.StorageEncrypted === true,
      publiclyAccessible: db.PubliclyAccessible === true
    }, true)
  })
}

export const make: Effect.Effect<RdsInventoryShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => {
  const dbInstances = (target: InventoryTarget) =>
    aws
      .paginateAll(Rds, target, (input: DescribeDBInstancesCommandInput) => new DescribeDBInstancesCommand(input), { MaxRecords: 100 }, { inputToken: "Marker", outputToken: "Marker", items: "DBInstances" })
      .pipe(Effect.map((dbs) => dbs.map((db) => dbResource(target, db))))
  return { dbInstances, inventory: { service: "rds", scope: "regional", discover: dbInstances } }
})

export const layer: Layer.Layer<RdsInventory, never, AwsClients.AwsClients> = Layer.effect(RdsInventory, make)
