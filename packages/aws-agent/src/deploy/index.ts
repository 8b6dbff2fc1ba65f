/**
 * θ4 Deployment, the public API:
 *
 *   deploy(plan, options)         -> DeploymentRecord (dry run unless options.approve / options.approval)
 *   resume(id, { mode })          -> DeploymentRecord ("complete" or "rollback" a deployment that died mid-way)
 *   rollbackChanges(id, changeIds, reason, options?) -> DeploymentRecord (θ5: undo some applied changes of a finished deployment)
 *   DeploymentStore.layerMemory / layerFile(dir) / the DeploymentStore tag for other stores
 *   DeploymentStore.layerSqlite(path) beside the cycle store; on DynamoDB: DynamoDeploymentStore.layer (package root)
 *   LiveResources.layer           reads and changes resources through the change adapters (needs AwsClients)
 */
export { type Approval, checkBlastRadius, DEFAULT_PROTECTED_TAGS, deploy, type DeployOptions, resume, type ResumeOptions, skipReason } from "./Deployer.js"
export { DeployError } from "./DeployError.js"
export type { DeployProgressEvent, DeployStep, OnDeployProgress } from "./DeployProgress.js"
export { rollbackChanges, type RollbackOptions } from "./Rollback.js"
export * as DeploymentStore from "./DeploymentStore.js"
export * as LiveResources from "./LiveResources.js"
export * as Actions from "./Actions.js"
