/**
 * What `miyabi org plan|apply|show` do; loaded on first use (see OrgCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import {
  applyPlan,
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
  type OrgSpec,
  type StepOutcome
} from "@miyabi/account-factory"
import { Effect } from "effect"
import { SpecInvalid } from "./SpecInvalid.js"
import * as path from "node:path"
import { withOutput } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { readJournal, startJournal, writeJournal, type ApplyJournal } from "./OrgApplyJournal.js"
import type { showOptions, specOptions } from "./OrgCommand.js"
import { besideStore, organizationsLive, vendOptionsFromEnv } from "./OrgContext.js"

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
      const journalFile = yield* besideStore(flags, "org-apply.json")
      const spec = yield* specFor(flags)
      yield* applySpec(spec, journalFile).pipe(Effect.provide(organizationsLive))
    })
  )

const applySpec = (spec: OrgSpec, journalFile: string) =>
  Effect.gen(function* () {
    const output = yield* Output
    const specKey = path.resolve(spec.file)
    const { lint, plan } = yield* planFor(spec)
    if (lint.errors > 0) {
      return yield* new LintFailed({ reason: "Errors", findings: lint.findings.filter((f) => f.severity === "error").map(formatFinding) })
    }
    const previous = yield* readJournal(journalFile)
    const resuming = previous !== undefined && previous.spec === specKey && !previous.finished ? previous : undefined
    let journal: ApplyJournal = startJournal(previous, specKey, plan.steps.length, new Date())
    const saveJournal = (next: ApplyJournal) =>
      writeJournal(journalFile, next).pipe(Effect.catchAll((error) => output.progress(`warning: ${error.message}\n`)))
    if (resuming !== undefined && !output.json) {
      yield* output.print(
        `Resuming: an apply of this spec started ${resuming.startedAt} stopped after ${resuming.entries.length} of ${resuming.total} steps; planned again against the live organization.`
      )
    }
    if (plan.steps.length === 0) {
      yield* saveJournal({ ...journal, finished: true })
      if (output.json) yield* output.printJson({ spec: plan.spec, organizationId: plan.organizationId, nothingToDo: true, applied: 0, alreadyDone: 0, skipped: [], steps: [], resumed: resuming !== undefined, journal: journalFile })
      else yield* output.print(`Nothing to do: organization ${plan.organizationId} matches ${plan.spec}.`)
      return
    }
    yield* saveJournal(journal)
    const vend = yield* vendOptionsFromEnv((name, stage, detail) => output.progress(`  account ${name}: ${stage}${detail === "" ? "" : ` ${detail}`}`))
    const onStep = (index: number, step: Parameters<typeof describeStep>[0], outcome: StepOutcome) =>
      Effect.gen(function* () {
        journal = { ...journal, entries: [...journal.entries, { step: index, description: describeStep(step).trim(), outcome, at: new Date().toISOString() }] }
        yield* saveJournal(journal)
        yield* output.progress(`[${index}/${plan.steps.length}] ${outcome.padEnd(12)} ${describeStep(step).trim()}`)
      })
    const result = yield* applyPlan(plan, { vend, onStep })
    journal = { ...journal, finished: true }
    yield* saveJournal(journal)
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
        resumed: resuming !== undefined,
        journal: journalFile
      })
      return
    }
    yield* output.print(
      [
        ...journal.entries.map((entry) => `${String(entry.step).padStart(3)} ${entry.outcome.padEnd(12)} ${entry.description}`),
        "",
        `Apply complete: ${result.applied} applied, ${result.alreadyDone} already done, ${result.skipped.length} skipped.`,
        ...result.skipped.map((note) => `  skipped: ${note}`)
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
