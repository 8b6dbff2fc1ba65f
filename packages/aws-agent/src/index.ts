/**
 * @miyabi/aws-agent: the public API of the agent cycle's θ1 Discovery.
 * Import from "@miyabi/aws-agent" only; internal paths are not part of the API.
 *
 *   Discovery.run(options)                  -> { world: WorldState, utilizationStats, cloudWatchCalls }
 *   Discovery.adaptersLayer                 every adapter, over AwsClients
 *   WorldDiff.diff(a, b)                    -> WorldDiff
 *   Findings.evaluate(resources, catalog)   Findings.securityScore(resources, findings)
 *   PricingCatalog.shipped / refreshFromPriceList / PriceCatalogJson / CurrentCatalog
 *   DiscoveryCache.layerMemory / layerFile(path)
 */
export * as Discovery from "./Discovery.js"
export * as DiscoveryCache from "./discovery/DiscoveryCache.js"
export * as WorldDiff from "./WorldDiff.js"
export * as Findings from "./findings/Findings.js"
export * as PricingCatalog from "./pricing/PricingCatalog.js"
export { refreshFromPriceList, parseProduct, type RefreshOptions, type RefreshProgressEvent, type OnRefreshProgress } from "./pricing/RefreshFromPriceList.js"
export * as Utilization from "./utilization/UtilizationReader.js"
export type { MetricStats } from "./utilization/MetricStats.js"
export * as Ec2Inventory from "./adapters/Ec2Inventory.js"
export * as S3Inventory from "./adapters/S3Inventory.js"
export * as RdsInventory from "./adapters/RdsInventory.js"
export * as LambdaInventory from "./adapters/LambdaInventory.js"
export * as EcsInventory from "./adapters/EcsInventory.js"
export * as DynamoDbInventory from "./adapters/DynamoDbInventory.js"
export * as ScalingInventory from "./adapters/ScalingInventory.js"
export * as CloudFrontInventory from "./adapters/CloudFrontInventory.js"
export * as CloudWatchMetrics from "./adapters/CloudWatchMetrics.js"
export * as OrganizationsDirectory from "./adapters/OrganizationsDirectory.js"
export * as PriceList from "./adapters/PriceList.js"
export type { InventoryTarget, ServiceInventory } from "./adapters/Inventory.js"
export * as Optimize from "./optimize/index.js"
export * as Planning from "./plan/index.js"
export * as Deployment from "./deploy/index.js"
export * as Monitoring from "./monitor/index.js"
export * as Learning from "./learn/index.js"
export * as Cycle from "./cycle/index.js"
export * as CloudWatchAlarms from "./adapters/CloudWatchAlarms.js"
export * as DynamoCycleStore from "./adapters/DynamoCycleStore.js"
export * as DynamoDeploymentStore from "./adapters/DynamoDeploymentStore.js"
