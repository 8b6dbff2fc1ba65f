/**
 * θ2 Planning, the public API: `plan(world, catalog, options)` gives the
 * cost and security plans (current vs target), the `Plan` with its
 * CloudFormation and Terraform artifacts, and the Markdown/JSON renderers.
 */
export { plan, type PlanItem, type PlanOptions, type PlanResult, type Touched } from "./Planner.js"
export { applyAction } from "./ApplyAction.js"
export { cloudFormation, templatesFor, logicalId, type CfnTemplate, type ResourceToImport, type CloudFormationOutput } from "./CloudFormation.js"
export { terraform, moduleFor, type TfModule } from "./Terraform.js"
export { renderPlanMarkdown, renderPlanJson } from "./PlanReport.js"
