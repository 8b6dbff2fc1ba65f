/**
 * What `miyabi org plan` and `miyabi org apply` do, in one place: load the
 * spec, lint its SCPs, read the live organization, plan; and apply only a
 * plan whose spec has no lint errors.
 */
import { Effect, Option, Schema } from "effect"
import { IdentityCenter, type IdentityCenterError } from "../org/IdentityCenter.js"
import { Organizations, type OrganizationsError } from "../org/Organizations.js"
import { formatFinding } from "../scp/PolicyFinding.js"
import { lintSpec, type LintOptions, type LintReport } from "../scp/ScpLint.js"
import type { OrgSpec } from "../spec/OrgSpec.js"
import { loadSpec, type SpecError } from "../spec/SpecLoader.js"
import { planOrganization, type LiveIdentityCenter } from "./OrgDiff.js"
import { applyPlan, type ApplyError, type ApplyOptions, type ApplyResult } from "./PlanApply.js"
import type { OrgPlan } from "./PlanStep.js"

export class LintFailed extends Schema.TaggedError<LintFailed>()("LintFailed", {
  reason: Schema.Literal("Errors"),
  findings: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `the spec's SCPs have ${this.findings.length} lint error(s); nothing was applied:\n${this.findings.join("\n")}`
  }
}

export interface PlannedSpec {
  readonly spec: OrgSpec
  readonly lint: LintReport
  readonly plan: OrgPlan
}

/**
 * `miyabi org plan --spec <file>`. Permission sets and assignments are
 * planned when an `IdentityCenter` service is provided (or its state given).
 */
export const planSpecFile = (
  file: string,
  options: { readonly lint?: LintOptions; readonly identityCenter?: LiveIdentityCenter } = {}
): Effect.Effect<PlannedSpec, SpecError | OrganizationsError | IdentityCenterError, Organizations> =>
  Effect.gen(function* () {
    const spec = yield* loadSpec(file)
    const lint = lintSpec(spec, options.lint)
    const organization = yield* (yield* Organizations).snapshot()
    const center = yield* Effect.serviceOption(IdentityCenter)
    const identityCenter = options.identityCenter ?? (Option.isSome(center) ? yield* center.value.read(organization.accounts.map((account) => account.id)) : undefined)
    const plan = planOrganization(spec, identityCenter === undefined ? { organization } : { organization, identityCenter })
    return { spec, lint, plan }
  }).pipe(Effect.withSpan("OrgWorkflow.planSpecFile", { attributes: { file } }))

/** `miyabi org apply --spec <file>`: plan, refuse on lint errors, apply. */
export const applySpecFile = (
  file: string,
  options: ApplyOptions & { readonly lint?: LintOptions } = {}
): Effect.Effect<PlannedSpec & { readonly result: ApplyResult }, SpecError | OrganizationsError | IdentityCenterError | LintFailed | ApplyError, Organizations> =>
  Effect.gen(function* () {
    const planned = yield* planSpecFile(file, options.lint === undefined ? {} : { lint: options.lint })
    if (planned.lint.errors > 0) {
      return yield* new LintFailed({ reason: "Errors", findings: planned.lint.findings.filter((f) => f.severity === "error").map(formatFinding) })
    }
    const result = yield* applyPlan(planned.plan, options)
    return { ...planned, result }
  }).pipe(Effect.withSpan("OrgWorkflow.applySpecFile", { attributes: { file } }))
