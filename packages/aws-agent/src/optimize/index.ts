/**
 * θ3 Optimization, the public API: `optimize(world, catalog, options)` gives
 * an ExecutionPlan (ranked changes with savings, risk, preconditions and
 * rollback), advice, the evidence of each change and a blast-radius summary.
 */
export { optimize, isProtected, type OptimizeOptions, type Optimization } from "./Optimizer.js"
export { Advice, AdviceReason } from "./Advice.js"
export { config, defaultConfig, type OptimizeConfig } from "./Config.js"
export { PRIORITY_TABLE, priorityOf, type PriorityRow } from "./Priority.js"
export { ruleGate, type RuleGate } from "./Confidence.js"
export { summarize, type BlastRadiusSummary } from "./BlastRadiusSummary.js"
export { rules } from "./Rules.js"
export type { OptimizeRule, Proposal, Evidence } from "./RuleKit.js"
export { TASK_SIZES, type TaskSize } from "./rules/EcsTaskSize.js"
export { renderExecutionPlanMarkdown } from "./ExecutionPlanReport.js"
export { topChanges, withinBlastRadius } from "./TopChanges.js"
