/**
 * The SDK adapter against the sandbox: real client-organizations and STS
 * clients over loopback HTTP, through @miyabi/aws-runtime.
 */
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime, RateLimits } from "@miyabi/aws-runtime"
import { Sandbox } from "@miyabi/sandbox"
import { Duration, Effect, Either, Layer, Schedule } from "effect"
import { IdentityCenter } from "../org/IdentityCenter.js"
import { Organizations } from "../org/Organizations.js"
import { vendAccount, vendAccounts, type VendOptions } from "../vending/AccountVending.js"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { planOrganization } from "../plan/OrgDiff.js"
import { applyPlan } from "../plan/PlanApply.js"
import { loadSpec } from "../spec/SpecLoader.js"
import * as IdentityCenterSdk from "./IdentityCenter.js"
import * as OrganizationsSdk from "./Organizations.js"

const here = nodePath.dirname(fileURLToPath(import.meta.url))

/** Sets environment variables for the scope and restores them after. */
const withEnv = (vars: Readonly<Record<string, string | undefined>>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
      for (const [k, v] of Object.entries(vars)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
      return saved
    }),
    (saved) => Effect.sync(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    })
  )

// The sandbox is local: lift the production budgets (5 Organizations calls a second, 10 for SSO Admin).
const rateLimits = { ...RateLimits.defaultRateLimits, organizations: { perSecond: 500, burst: 500 }, "sso-admin": { perSecond: 500, burst: 500 } }
const runtime = AwsRuntime.layer({ rateLimits, region: "us-east-1", sessionUser: "test", sessionPurpose: "account-factory", retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(5) })
const organizations = OrganizationsSdk.layer.pipe(Layer.provide(runtime))
const withIdentityCenter = Layer.merge(OrganizationsSdk.layer, IdentityCenterSdk.layer({ pollSchedule: Schedule.spaced("10 millis") })).pipe(Layer.provide(runtime))

const sandbox = (options: Parameters<typeof Sandbox.start>[0] = {}) =>
  Effect.gen(function* () {
    const handle = yield* Sandbox.start({ dynamodb: false, organizations: { createAccountDelayMs: 40 }, ...options })
    yield* withEnv({ ...handle.env, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined })
    return handle
  })

const fast: VendOptions = { pollSchedule: Schedule.spaced("10 millis"), roleSchedule: Schedule.spaced("10 millis"), retrySchedule: Schedule.recurs(3), creationTimeout: "10 seconds", roleTimeout: "5 seconds" }

describe("Organizations on the SDK, against the sandbox", () => {
  it.scopedLive("reads the organization as a snapshot", () =>
    Effect.gen(function* () {
      const handle = yield* sandbox()
      const org = yield* Effect.flatMap(Organizations, (o) => o.snapshot()).pipe(Effect.provide(organizations))
      expect(org.managementAccountId).toBe(handle.accountId)
      expect(org.rootId).toMatch(/^r-/)
      expect(org.accounts.map((a) => a.id).sort()).toEqual([...handle.organization.accounts.keys()].sort())
    }))

  it.scopedLive("vends accounts into an OU, tagged, and a second run finds them instead of creating more", () =>
    Effect.gen(function* () {
      const handle = yield* sandbox()
      yield* Effect.gen(function* () {
        const orgs = yield* Organizations
        const root = (yield* orgs.snapshot()).rootId
        const pools = yield* orgs.createOrganizationalUnit(root, "Pools", { Environment: "prod" })
        const requests = [1, 2, 3].map((n) => ({ name: `pool-${n}`, email: `aws+pool-${n}@example.com`, parentId: pools.id, tags: { CostCenter: "platform" } }))
        const first = yield* vendAccounts(requests, fast)
        expect(first.every(Either.isRight)).toBe(true)
        const creates = handle.log.requests().filter((r) => r.operation === "CreateAccount").length
        const again = yield* vendAccounts(requests, fast)
        expect(again.map((r) => Either.isRight(r) && r.right.resumed)).toEqual([true, true, true])
        expect(handle.log.requests().filter((r) => r.operation === "CreateAccount").length).toBe(creates)
        const org = yield* orgs.snapshot()
        const vended = org.accounts.filter((a) => a.name.startsWith("pool-"))
        expect(vended).toHaveLength(3)
        expect(vended.every((a) => a.parentId === pools.id && a.tags.CostCenter === "platform")).toBe(true)
        expect(org.organizationalUnits.find((ou) => ou.id === pools.id)?.tags).toEqual({ Environment: "prod" })
      }).pipe(Effect.provide(organizations))
    }))

  it.scopedLive("maps a failed creation to a typed error", () =>
    Effect.gen(function* () {
      yield* sandbox({ organizations: { createAccountDelayMs: 20, createAccountFailures: { "aws+limit@example.com": "ACCOUNT_LIMIT_EXCEEDED" } } })
      const error = yield* Effect.gen(function* () {
        const root = (yield* Effect.flatMap(Organizations, (o) => o.snapshot())).rootId
        return yield* Effect.flip(vendAccount({ name: "limit", email: "aws+limit@example.com", parentId: root, tags: {} }, fast))
      }).pipe(Effect.provide(organizations))
      expect(error.reason).toBe("AccountLimitExceeded")
    }))

  it.scopedLive("plans and applies the reference organization (with Identity Center); a second plan is empty; drift plans exactly the repairs", () =>
    Effect.gen(function* () {
      yield* sandbox({ ssoAdmin: { assignmentDelayMs: 20 } })
      const spec = yield* loadSpec(nodePath.resolve(here, "../../examples/reference-org.yaml"))
      yield* Effect.gen(function* () {
        const orgs = yield* Organizations
        const center = yield* IdentityCenter
        const plan = () =>
          Effect.gen(function* () {
            const organization = yield* orgs.snapshot()
            const identityCenter = yield* center.read(organization.accounts.map((account) => account.id))
            return planOrganization(spec, { organization, identityCenter })
          })
        const first = yield* plan()
        // The sandbox starts with Production and Non-Production/Development (and an account in each):
        // 28 organization steps, 3 permission sets, 7 + 2 + 7 assignments.
        expect(first.steps.length).toBe(28 + 3 + 16)
        expect(first.notes).toHaveLength(2)
        const result = yield* applyPlan(first, { vend: fast })
        expect(result.applied).toBe(first.steps.length)
        expect((yield* plan()).steps).toEqual([])

        // Drift by hand: delete the empty Sandbox OU, detach the region deny from the root.
        const live = yield* orgs.snapshot()
        const sandboxOu = live.organizationalUnits.find((ou) => ou.name === "Sandbox")!
        const regions = live.policies.find((p) => p.name === "deny-regions")!
        const instanceTypes = live.policies.find((p) => p.name === "instance-types-sandbox")!
        yield* orgs.detachPolicy(instanceTypes.id, sandboxOu.id)
        yield* orgs.deleteOrganizationalUnit(sandboxOu.id)
        yield* orgs.detachPolicy(regions.id, live.rootId)
        const repairs = yield* plan()
        expect(repairs.steps.map((step) => `${step._tag} ${"path" in step ? step.path : "policy" in step ? `${step.policy} -> ${step.target}` : ""}`)).toEqual([
          "CreateOrganizationalUnit Non-Production/Sandbox",
          "AttachPolicy deny-regions -> Root",
          "AttachPolicy instance-types-sandbox -> ou:Non-Production/Sandbox"
        ])
        yield* applyPlan(repairs, { vend: fast })
        expect((yield* plan()).steps).toEqual([])
      }).pipe(Effect.provide(withIdentityCenter))
    }), 60_000)
})
