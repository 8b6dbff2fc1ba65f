/** RDS changes θ4 applies: the instance class and public accessibility, applied immediately, and the read of the instance before and after. */
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand } from "@aws-sdk/client-rds"
import { type AwsError, AwsClients } from "@miyabi/aws-runtime"
import type { Resource } from "@miyabi/types"
import { Context, Effect, Layer, Option } from "effect"
import type { InventoryTarget } from "./Inventory.js"
import { dbResource, Rds } from "./RdsInventory.js"

export interface RdsChangesShape {
  /** The instance as it is now; none when it does not exist. */
  readonly dbInstance: (target: InventoryTarget, identifier: string) => Effect.Effect<Option.Option<Resource>, AwsError>
  /**
   * ApplyImmediately: without it RDS waits for the maintenance window and a
   * deployment could not validate its change. The instance is `modifying`
   * (and briefly unavailable for a single-AZ instance) until it settles.
   */
  readonly modifyClass: (target: InventoryTarget, identifier: string, toClass: string) => Effect.Effect<void, AwsError>
  /** PubliclyAccessible: RDS applies it at once whatever ApplyImmediately says; it is sent anyway, so nothing else pending waits either. */
  readonly setPubliclyAccessible: (target: InventoryTarget, identifier: string, publiclyAccessible: boolean) => Effect.Effect<void, AwsError>
}

export class RdsChanges extends Context.Tag("@miyabi/aws-agent/RdsChanges")<RdsChanges, RdsChangesShape>() {}

export const make: Effect.Effect<RdsChangesShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => ({
  dbInstance: (target, identifier) =>
    aws.call(Rds, target, new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })).pipe(
      Effect.map((out) => Option.map(Option.fromNullable(out.DBInstances?.[0]), (db) => dbResource(target, db))),
      Effect.catchIf((e) => e.reason === "NotFound", () => Effect.succeed(Option.none())),
      Effect.withSpan("RdsChanges.dbInstance")
    ),
  modifyClass: (target, identifier, toClass) =>
    Effect.asVoid(aws.call(Rds, target, new ModifyDBInstanceCommand({ DBInstanceIdentifier: identifier, DBInstanceClass: toClass, ApplyImmediately: true }))).pipe(
      Effect.withSpan("RdsChanges.modifyClass")
    ),
  setPubliclyAccessible: (target, identifier, publiclyAccessible) =>
    Effect.asVoid(aws.call(Rds, target, new ModifyDBInstanceCommand({ DBInstanceIdentifier: identifier, PubliclyAccessible: publiclyAccessible, ApplyImmediately: true }))).pipe(
      Effect.withSpan("RdsChanges.setPubliclyAccessible")
    )
}))

export const layer: Layer.Layer<RdsChanges, never, AwsClients.AwsClients> = Layer.effect(RdsChanges, make)
