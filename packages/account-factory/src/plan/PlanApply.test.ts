import { describe, expect, it } from "@effect/vitest"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { Organization } from "@miyabi/types"
import { Effect, Exit, Schedule, Schema } from "effect"
import { Organizations } from "../org/Organizations.js"
import * as OrganizationsMemory from "../org/OrganizationsMemory.js"
import { loadSpec } from "../spec/SpecLoader.js"
import { planOrganization } from "./OrgDiff.js"
import { applyPlan, type ApplyOptions } from "./PlanApply.js"

const here = nodePath.dirname(fileURLToPath(import.meta.url))
const reference = await Effect.runPromise(loadSpec(nodePath.resolve(here, "../../examples/reference-org.yaml")))

const empty = () => Schema.decodeUnknownSync(Organization)({
  id: "o-abcd123456",
  managementAccountId: "111111111111",
  rootId: "r-ab12",
  organizationalUnits: [],
  accounts: [{ id: "111111111111", name: "management", email: "management@example.com", status: "ACTIVE", parentId: "r-ab12" }],
  policies: [{ id: "p-FullAWSAccess", name: "FullAWSAccess", content: "{}", awsManaged: true, targets: ["r-ab12"] }]
})

// No waiting between polls: the in-memory organization settles after a set number of reads.
const options: ApplyOptions = { vend: { pollSchedule: Schedule.forever, roleSchedule: Schedule.forever, retrySchedule: Schedule.recurs(2) } }

/** plan against the live organization, then apply: what `miyabi org apply` does. */
const planAndApply = Effect.gen(function* () {
  const live = yield* Effect.orDie(Effect.flatMap(Organizations, (o) => o.snapshot()))
  return yield* applyPlan(planOrganization(reference, { organization: live }), options)
})

const remaining = Effect.gen(function* () {
  const live = yield* Effect.orDie(Effect.flatMap(Organizations, (o) => o.snapshot()))
  return { live, steps: planOrganization(reference, { organization: live }).steps }
})

describe("applyPlan", () => {
  it.live("builds the reference organization from an empty one; a second apply has nothing to do", () =>
    Effect.gen(function* () {
      const memory = yield* OrganizationsMemory.make(empty(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 1 })
      yield* Effect.gen(function* () {
        const steps: Array<string> = []
        const result = yield* applyPlan(planOrganization(reference, { organization: empty() }), { ...options, onStep: (n, step, outcome) => Effect.sync(() => void steps.push(`${n} ${step._tag} ${outcome}`)) })
        expect(result).toEqual({ applied: 31, alreadyDone: 0, skipped: [] })
        expect(steps[0]).toBe("1 CreateOrganizationalUnit applied")
        const after = yield* remaining
        expect(after.steps).toEqual([])
        expect(after.live.accounts).toHaveLength(8)
        expect(yield* planAndApply).toEqual({ applied: 0, alreadyDone: 0, skipped: [] })
      }).pipe(Effect.provideService(Organizations, memory))
    }))

  it.live("a stale plan run twice skips what is done", () =>
    Effect.gen(function* () {
      const memory = yield* OrganizationsMemory.make(empty(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 0 })
      const plan = planOrganization(reference, { organization: empty() })
      const again = yield* Effect.gen(function* () {
        yield* applyPlan(plan, options)
        return yield* applyPlan(plan, options)
      }).pipe(Effect.provideService(Organizations, memory))
      expect(again).toEqual({ applied: 0, alreadyDone: 31, skipped: [] })
    }))

  it.live("killed at any call and run again, ends with the spec exactly: no duplicate OU, policy or account", () =>
    Effect.gen(function* () {
      let crashes = 0
      for (const mode of ["before", "after"] as const) {
        for (let crashAt = 0; crashAt < 140; crashAt++) {
          let armed = true
          const when = (_: string, call: number) => armed && call === crashAt
          const memory = yield* OrganizationsMemory.make(empty(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 0, ...(mode === "before" ? { failOn: when } : { crashAfter: when }) })
          yield* Effect.gen(function* () {
            const first = yield* Effect.exit(planAndApply)
            armed = false
            if (Exit.isSuccess(first)) return
            crashes++
            yield* planAndApply
            const { live, steps } = yield* remaining
            const where = `${mode} call ${crashAt}`
            expect(steps, where).toEqual([])
            const paths = live.organizationalUnits.map((ou) => `${ou.parentId}/${ou.name}`)
            expect(new Set(paths).size, where).toBe(paths.length)
            const names = live.policies.map((p) => p.name)
            expect(new Set(names).size, where).toBe(names.length)
            expect(live.accounts.map((a) => a.email).sort(), where).toEqual(["management@example.com", ...reference.accounts.map((a) => a.email)].sort())
          }).pipe(Effect.provideService(Organizations, memory))
        }
      }
      expect(crashes).toBeGreaterThan(150)
    }), 60_000)
})
