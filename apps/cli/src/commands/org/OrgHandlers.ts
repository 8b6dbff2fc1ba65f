/**
 * What `miyabi org plan|apply|show` do; loaded on first use (see OrgCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import {
  applyJournaled,
  ApplyJournalStore,
  describeStep,
  formatFinding,
  IdentityCenter,
  LintFailed,
  lintSpec,
  loadSpec,
  Organizations,
  planOrganization,
  renderOrgTree,
  renderPlanJson,
  renderPlanText,
  summarizePlan,
  toOrgTree,
  type OrgSpec
} from "@miyabi/account-factory"
import { Effect, Layer, Option } from "effect"
import { SpecInvalid } from "./SpecInvalid.js"
import * as path from "node:path"
import { withOutput } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { orgJournal } from "./OrgJournal.js"
import type { showOptions, specOptions } from "./OrgCommand.js"
import { organizationsLive, vendOptionsFromEnv } from "./OrgContext.js"

type SpecFlags = Command.Command.ParseConfig<typeof specOptions>

/** The spec with --prune folded in; read before any AWS client exists, so a bad spec fails fast and alone. */
const specFor = (flags: SpecFlags) =>
  loadSpec(flags.spec).pipe(
    Effect.map((loaded): OrgSpec => (flags.prune ? { ...loaded, prune: true } : loaded)),
    Effect.mapError((error) => new SpecInvalid({ error }))
  )

/** Its lint report and the plan against the live organization (and Identity Center when the spec has permission sets or assignments). */
const planFor = (spec: OrgSpec) =>
  Effect.gen(function* () {
    const organization = yield* (yield* Organizations).snapshot()
    if (spec.permissionSets.length === 0 && spec.assignments.length === 0) return { lint: lintSpec(spec), plan: planOrganization(spec, { organization }) }
    const identityCenter = yield* (yield* IdentityCenter).read(organization.accounts.map((account) => account.id))
    return { lint: lintSpec(spec), plan: planOrganization(spec, { organization, identityCenter }) }
  })

export const plan = (flags: SpecFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const { lint, plan } = yield* Effect.provide(planFor(yield* specFor(flags)), organizationsLive)
      if (output.json) {
        yield* output.printJson({ ...(JSON.parse(renderPlanJson(plan)) as object), lint: { errors: lint.errors, warnings: lint.warnings, findings: lint.findings } })
        return
      }
      if (lint.findings.length > 0) {
        yield* output.print([`SCP lint: ${lint.errors} error(s), ${lint.warnings} warning(s)`, ...lint.findings.map((f) => `  ${formatFinding(f)}`), ""].join("\n"))
      }
      yield* output.print(renderPlanText(plan))
    })
  )

export const apply = (flags: SpecFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const journal = yield* orgJournal(flags)
      const spec = yield* specFor(flags)
      yield* applySpec(spec, journal.location).pipe(Effect.provide(Layer.merge(organizationsLive, journal.layer)))
    })
  )

const applySpec = (spec: OrgSpec, journalLocation: string) =>
  Effect.gen(function* () {
    const output = yield* Output
    const { lint, plan } = yield* planFor(spec)
    if (lint.errors > 0) {
      return yield* new LintFailed({ reason: "Errors", findings: lint.findings.filter((f) => f.severity === "error").map(formatFinding) })
    }
    const specKey = path.resolve(spec.file)
    // Said before the first step, so a user watching a resumed apply knows it is one.
    const previous = yield* Effect.flatMap(ApplyJournalStore, (store) => store.latest(specKey))
    const stopped = Option.filter(previous, (run) => !run.finished)
    if (Option.isSome(stopped) && !output.json) {
      yield* output.print(
        `Resuming: an apply of this spec started ${stopped.value.startedAt} stopped after ${stopped.value.entries.length} of ${stopped.value.total} steps; planned again against the live organization.`
      )
    }
    const vend = yield* vendOptionsFromEnv((name, stage, detail) => output.progress(`  account ${name}: ${stage}${detail === "" ? "" : ` ${detail}`}`))
    const { result, journal } = yield* applyJournaled(plan, specKey, {
      vend,
      onStep: (index, step, outcome) => output.progress(`[${index}/${plan.steps.length}] ${outcome.padEnd(12)} ${describeStep(step).trim()}`)
    })
    const resumed = Option.isSome(stopped)
    if (plan.steps.length === 0) {
      if (output.json) yield* output.printJson({ spec: plan.spec, organizationId: plan.organizationId, nothingToDo: true, applied: 0, alreadyDone: 0, skipped: [], steps: [], resumed, journal: journalLocation })
      else yield* output.print(`Nothing to do: organization ${plan.organizationId} matches ${plan.spec}.`)
      return
    }
    yield* output.progress("")
    if (output.json) {
      yield* output.printJson({
        spec: plan.spec,
        organizationId: plan.organizationId,
        nothingToDo: false,
        summary: summarizePlan(plan),
        applied: result.applied,
        alreadyDone: result.alreadyDone,
        skipped: result.skipped,
        steps: journal.entries,
        resumed,
        journal: journalLocation
      })
      return
    }
    yield* output.print(
      [
        ...journal.entries.map((entry) => `${String(entry.step).padStart(3)} ${entry.outcome.padEnd(12)} ${entry.description}`),
        "",
        `Apply complete: ${result.applied} applied, ${result.alreadyDone} already done, ${result.skipped.length} skipped.`,
        ...result.skipped.map((note) => `  skipped: ${note}`),
        `journal: ${journalLocation}`
      ].join("\n")
    )
  })

export const show = (flags: Command.Command.ParseConfig<typeof showOptions>) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const organization = yield* (yield* Organizations).snapshot()
      const tree = toOrgTree(organization)
      if (output.json) yield* output.printJson({ organizationId: organization.id, managementAccountId: organization.managementAccountId, tree })
      else yield* output.print(`Organization ${organization.id} (management account ${organization.managementAccountId})\n${renderOrgTree(tree)}`)
    }).pipe(Effect.provide(organizationsLive))
  )
