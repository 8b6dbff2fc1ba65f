/**
 * Applies an org plan through the `Organizations` service, step by step, in
 * order. Every step first checks the organization as read when the apply
 * started (and as changed by the steps before it), so a step an earlier,
 * killed apply already did is skipped: running the same plan again, or
 * planning again and applying, finishes the job without duplicates. Account
 * creation goes through vending, which finds an earlier request by e-mail.
 */
import type { AccountId, OrgNodeId, PolicyId } from "@miyabi/types"
import { Effect, Option, Schema } from "effect"
import { IdentityCenter, type IdentityCenterError } from "../org/IdentityCenter.js"
import { Organizations, type OrganizationsError } from "../org/Organizations.js"
import { vendAccount, type VendError, type VendOptions } from "../vending/AccountVending.js"
import type { OrgPlan, PlanStep } from "./PlanStep.js"
import { describeStep } from "./PlanRender.js"

export class ApplyError extends Schema.TaggedError<ApplyError>()("ApplyError", {
  reason: Schema.Literal("StepFailed", "MissingParent", "Unsupported"),
  step: Schema.Int,
  description: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `step ${this.step} (${this.description.trim()}) failed: ${this.reason}: ${this.detail}. Run the apply again to resume.`
  }
}

export type StepOutcome = "applied" | "already-done" | "skipped"

export interface ApplyOptions<E = never> {
  readonly vend?: VendOptions
  /** After each step; its failure stops the apply (E joins the apply's errors). */
  readonly onStep?: (index: number, step: PlanStep, outcome: StepOutcome) => Effect.Effect<void, E>
}

export interface ApplyResult {
  readonly applied: number
  readonly alreadyDone: number
  /** Identity Center steps when no `IdentityCenter` service was provided. */
  readonly skipped: ReadonlyArray<string>
}

export const applyPlan = <E = never>(plan: OrgPlan, options: ApplyOptions<E> = {}): Effect.Effect<ApplyResult, ApplyError | E, Organizations> =>
  Effect.gen(function* () {
    const orgs = yield* Organizations
    const identityCenter = yield* Effect.serviceOption(IdentityCenter)
    const start = yield* orgs.snapshot().pipe(Effect.mapError((error) => new ApplyError({ reason: "StepFailed", step: 0, description: "read the organization", detail: error.message })))
    // What exists, by the names plan steps use.
    const ouIds = new Map<string, OrgNodeId>([["", start.rootId], ["Root", start.rootId]])
    const byId = new Map(start.organizationalUnits.map((ou) => [ou.id as string, ou]))
    const pathOf = (id: string, depth = 0): string | undefined => {
      if (id === start.rootId) return ""
      const ou = byId.get(id)
      const parent = ou === undefined || depth > 10 ? undefined : pathOf(ou.parentId, depth + 1)
      return parent === undefined || ou === undefined ? undefined : parent === "" ? ou.name : `${parent}/${ou.name}`
    }
    for (const ou of start.organizationalUnits) {
      const path = pathOf(ou.id)
      if (path !== undefined) ouIds.set(path, ou.id)
    }
    const accountIds = new Map(start.accounts.map((account) => [account.name, account.id as AccountId]))
    const policies = new Map(start.policies.map((policy) => [policy.name, { id: policy.id as PolicyId, content: policy.content, targets: new Set<string>(policy.targets) }]))
    const targetId = (target: string): string | undefined =>
      target === "Root" ? start.rootId : target.startsWith("ou:") ? ouIds.get(target.slice(3)) : target.startsWith("account:") ? accountIds.get(target.slice(8)) : undefined

    let applied = 0
    let alreadyDone = 0
    const skipped: Array<string> = []

    for (const [index, step] of plan.steps.entries()) {
      const number = index + 1
      const fail = (reason: ApplyError["reason"], detail: string) => new ApplyError({ reason, step: number, description: describeStep(step), detail })
      const aws = <A>(effect: Effect.Effect<A, OrganizationsError | VendError | IdentityCenterError>) => Effect.mapError(effect, (error) => fail("StepFailed", error.message))
      const need = <A>(value: A | undefined, what: string) => (value === undefined ? Effect.fail(fail("MissingParent", `${what} does not exist; apply the steps before it first`)) : Effect.succeed(value))

      const run: Effect.Effect<StepOutcome, ApplyError> = Effect.gen(function* () {
        switch (step._tag) {
          case "CreateOrganizationalUnit": {
            if (ouIds.has(step.path)) return "already-done"
            const parent = yield* need(ouIds.get(step.parentPath ?? ""), `OU ${step.parentPath}`)
            const ou = yield* aws(orgs.createOrganizationalUnit(parent, step.name, step.tags))
            ouIds.set(step.path, ou.id)
            return "applied"
          }
          case "CreatePolicy":
          case "UpdatePolicy": {
            const existing = policies.get(step.name)
            if (existing === undefined) {
              const id = yield* aws(orgs.createPolicy(step.name, step.description, step.content))
              policies.set(step.name, { id, content: step.content, targets: new Set() })
              return "applied"
            }
            if (step._tag === "CreatePolicy" && existing.content === step.content) return "already-done"
            yield* aws(orgs.updatePolicy(existing.id, step.description, step.content))
            policies.set(step.name, { ...existing, content: step.content })
            return "applied"
          }
          case "CreateAccount": {
            const parentId = yield* need(ouIds.get(step.ouPath), `OU ${step.ouPath}`)
            const vended = yield* aws(vendAccount({ name: step.name, email: step.email, parentId, tags: step.tags }, options.vend ?? {}).pipe(Effect.provideService(Organizations, orgs)))
            accountIds.set(step.name, vended.accountId)
            return vended.resumed ? "already-done" : "applied"
          }
          case "MoveAccount": {
            const to = yield* need(ouIds.get(step.toPath), `OU ${step.toPath}`)
            const from = yield* aws(orgs.parentOf(step.accountId))
            if (from === to) return "already-done"
            yield* aws(orgs.moveAccount(step.accountId, from, to))
            return "applied"
          }
          case "SetTags":
            yield* aws(orgs.tagResource(step.resourceId, step.tags))
            return "applied"
          case "UntagResource":
            yield* aws(orgs.untagResource(step.resourceId, step.keys))
            return "applied"
          case "AttachPolicy": {
            const policy = yield* need(policies.get(step.policy), `policy ${step.policy}`)
            const target = yield* need(targetId(step.target), step.target)
            if (policy.targets.has(target)) return "already-done"
            yield* aws(orgs.attachPolicy(policy.id, target as OrgNodeId))
            policy.targets.add(target)
            return "applied"
          }
          case "DetachPolicy": {
            const policy = policies.get(step.policy)
            if (policy === undefined || !policy.targets.has(step.targetId)) return "already-done"
            yield* aws(orgs.detachPolicy(step.policyId, step.targetId))
            policy.targets.delete(step.targetId)
            return "applied"
          }
          case "DeletePolicy": {
            if (!policies.has(step.name)) return "already-done"
            yield* aws(orgs.deletePolicy(step.policyId))
            policies.delete(step.name)
            return "applied"
          }
          case "DeleteOrganizationalUnit": {
            if (!ouIds.has(step.path)) return "already-done"
            yield* aws(orgs.deleteOrganizationalUnit(step.ouId))
            ouIds.delete(step.path)
            return "applied"
          }
          case "CreatePermissionSet":
          case "UpdatePermissionSet":
          case "CreateAccountAssignment": {
            if (Option.isNone(identityCenter)) {
              skipped.push(`${describeStep(step).trim()} (no Identity Center service given)`)
              return "skipped"
            }
            const center = identityCenter.value
            if (step._tag === "CreateAccountAssignment") {
              const accountId = yield* need(accountIds.get(step.accountName), `account ${step.accountName}`)
              yield* aws(center.assign({ permissionSet: step.permissionSet, principalType: step.principalType, principal: step.principal, accountId }))
            } else {
              yield* aws(center.putPermissionSet({ name: step.name, description: "", sessionDuration: step.sessionDuration, managedPolicies: step.managedPolicies, ...(step.inlinePolicy === undefined ? {} : { inlinePolicy: step.inlinePolicy }) }))
            }
            return "applied"
          }
        }
      })
      const outcome = yield* run
      if (outcome === "applied") applied++
      if (outcome === "already-done") alreadyDone++
      yield* options.onStep?.(number, step, outcome) ?? Effect.void
    }
    return { applied, alreadyDone, skipped }
  }).pipe(Effect.withSpan("PlanApply.applyPlan", { attributes: { steps: plan.steps.length } }))
