/**
 * A plan for people (terraform-plan-like text) and for programs (JSON).
 */
import { Schema } from "effect"
import { OrgPlan, stepAction, type PlanStep } from "./PlanStep.js"

export interface PlanSummary {
  readonly add: number
  readonly change: number
  readonly destroy: number
}

export const summarizePlan = (plan: OrgPlan): PlanSummary => ({
  add: plan.steps.filter((step) => stepAction(step) === "add").length,
  change: plan.steps.filter((step) => stepAction(step) === "change").length,
  destroy: plan.steps.filter((step) => stepAction(step) === "destroy").length
})

const tagList = (tags: { readonly [key: string]: string }) =>
  Object.entries(tags).map(([key, value]) => `${key}=${value}`).join(", ")

/** One line per step: sign, kind, subject, detail. */
export const describeStep = (step: PlanStep): string => {
  const sign = { add: "+", change: "~", destroy: "-" }[stepAction(step)]
  const line = (kind: string, subject: string, detail = "") => `  ${sign} ${kind.padEnd(22)} ${subject}${detail === "" ? "" : `  ${detail}`}`
  switch (step._tag) {
    case "CreateOrganizationalUnit":
      return line("organizational unit", step.path, `under ${step.parentPath ?? "Root"}`)
    case "CreatePolicy":
      return line("policy", step.name, `${step.content.length} characters`)
    case "UpdatePolicy":
      return line("policy", step.name, `${step.changes.join(" and ")} changed`)
    case "CreateAccount":
      return line("account", `${step.name} <${step.email}>`, `in ${step.ouPath}${Object.keys(step.tags).length > 0 ? `; tags ${tagList(step.tags)}` : ""}`)
    case "MoveAccount":
      return line("move account", `${step.name} (${step.accountId})`, `${step.fromPath} -> ${step.toPath}`)
    case "SetTags":
      return line("tags", step.target, Object.entries(step.tags).map(([key, value]) => `${key}: ${step.previous[key] === undefined ? "(none)" : JSON.stringify(step.previous[key])} -> ${JSON.stringify(value)}`).join(", "))
    case "AttachPolicy":
      return line("attach policy", step.policy, `-> ${step.target}`)
    case "CreatePermissionSet":
      return line("permission set", step.name, `session ${step.sessionDuration}; ${step.managedPolicies.length} managed policies${step.inlinePolicy === undefined ? "" : " + inline"}`)
    case "UpdatePermissionSet":
      return line("permission set", step.name, `${step.changes.join(" and ")} changed`)
    case "CreateAccountAssignment":
      return line("assignment", `${step.permissionSet} for ${step.principalType.toLowerCase()} ${step.principal}`, `in ${step.accountName}`)
    case "DetachPolicy":
      return line("detach policy", step.policy, `from ${step.target}`)
    case "UntagResource":
      return line("untag", step.target, step.keys.join(", "))
    case "DeletePolicy":
      return line("policy", `${step.name} (${step.policyId})`)
    case "DeleteOrganizationalUnit":
      return line("organizational unit", `${step.path} (${step.ouId})`)
  }
}

export const renderPlanText = (plan: OrgPlan): string => {
  const summary = summarizePlan(plan)
  const header = `Plan for ${plan.spec} against organization ${plan.organizationId}${plan.prune ? " (prune on)" : ""}`
  if (plan.steps.length === 0) {
    return [header, "", "No changes. The organization matches the spec.", ...plan.notes.map((note) => `  note: ${note}`)].join("\n")
  }
  return [
    header,
    "",
    ...plan.steps.map((step, index) => `${String(index + 1).padStart(3)} ${describeStep(step).trimStart()}`),
    "",
    ...plan.notes.map((note) => `  note: ${note}`),
    ...(plan.notes.length > 0 ? [""] : []),
    `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy.`
  ].join("\n")
}

export const renderPlanJson = (plan: OrgPlan): string =>
  JSON.stringify({ ...Schema.encodeSync(OrgPlan)(plan), summary: summarizePlan(plan) }, null, 2)
