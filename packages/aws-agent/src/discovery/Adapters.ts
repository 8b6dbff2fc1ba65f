/** Every adapter discovery uses, as one layer over AwsClients. */
import type { AwsClients } from "@miyabi/aws-runtime"
import { Layer } from "effect"
import * as CloudFrontInventory from "../adapters/CloudFrontInventory.js"
import * as CloudWatchMetrics from "../adapters/CloudWatchMetrics.js"
import * as DynamoDbInventory from "../adapters/DynamoDbInventory.js"
import * as Ec2Inventory from "../adapters/Ec2Inventory.js"
import * as EcsInventory from "../adapters/EcsInventory.js"
import * as LambdaInventory from "../adapters/LambdaInventory.js"
import * as OrganizationsDirectory from "../adapters/OrganizationsDirectory.js"
import * as PriceList from "../adapters/PriceList.js"
import * as RdsInventory from "../adapters/RdsInventory.js"
import * as S3Inventory from "../adapters/S3Inventory.js"
import * as ScalingInventory from "../adapters/ScalingInventory.js"

export type DiscoveryAdapters =
  | Ec2Inventory.Ec2Inventory
  | S3Inventory.S3Inventory
  | RdsInventory.RdsInventory
  | LambdaInventory.LambdaInventory
  | EcsInventory.EcsInventory
  | DynamoDbInventory.DynamoDbInventory
  | ScalingInventory.ScalingInventory
  | CloudFrontInventory.CloudFrontInventory
  | CloudWatchMetrics.CloudWatchMetrics
  | OrganizationsDirectory.OrganizationsDirectory
  | PriceList.PriceList

/** S3 path style follows the endpoint override (see S3Inventory.layerConfig). */
export const layer: Layer.Layer<DiscoveryAdapters, never, AwsClients.AwsClients> = Layer.mergeAll(
  Ec2Inventory.layer,
  S3Inventory.layerConfig,
  RdsInventory.layer,
  LambdaInventory.layer,
  EcsInventory.layer,
  DynamoDbInventory.layer,
  ScalingInventory.layer,
  CloudFrontInventory.layer,
  CloudWatchMetrics.layer,
  OrganizationsDirectory.layer,
  PriceList.layer
)
