import { describe, expect, it } from "@effect/vitest"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { Account, Organization, OrganizationalUnit, OrgNodeId, PermissionSet, Policy } from "@miyabi/types"
import { Effect, Schema } from "effect"
import { loadSpec } from "../spec/SpecLoader.js"
import type { OrgSpec } from "../spec/OrgSpec.js"
import { planOrganization, type LiveState } from "./OrgDiff.js"
import { renderPlanJson, renderPlanText, summarizePlan } from "./PlanRender.js"
import { simulatePlan } from "./PlanSimulator.js"
import { OrgPlan, type PlanStep } from "./PlanStep.js"

const here = nodePath.dirname(fileURLToPath(import.meta.url))
const reference = await Effect.runPromise(loadSpec(nodePath.resolve(here, "../../examples/reference-org.yaml")).pipe(Effect.orDie))

const FULL_ACCESS = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"

const emptyOrg = (): LiveState => ({
  organization: Schema.decodeUnknownSync(Organization)({
    id: "o-abcd123456",
    managementAccountId: "111111111111",
    rootId: "r-ab12",
    organizationalUnits: [],
    accounts: [{ id: "111111111111", name: "management", email: "management@example.com", status: "ACTIVE", parentId: "r-ab12" }],
    policies: [{ id: "p-FullAWSAccess", name: "FullAWSAccess", content: FULL_ACCESS, awsManaged: true, targets: ["r-ab12", "111111111111"] }]
  }),
  identityCenter: { permissionSets: [], assignments: [] }
})

const ORDER = ["CreateOrganizationalUnit", "CreatePolicy", "UpdatePolicy", "CreateAccount", "MoveAccount", "SetTags", "AttachPolicy", "CreatePermissionSet", "UpdatePermissionSet", "CreateAccountAssignment", "DetachPolicy", "UntagResource", "DeletePolicy", "DeleteOrganizationalUnit"]
const tags = (steps: ReadonlyArray<PlanStep>) => steps.map((step) => step._tag)
const count = (steps: ReadonlyArray<PlanStep>, tag: string) => steps.filter((step) => step._tag === tag).length

const applied = (spec: OrgSpec = reference): LiveState => simulatePlan(emptyOrg(), planOrganization(spec, emptyOrg()))

/** Hand edits to a live organization, as someone in the console would make them. */
const edit = (live: LiveState, change: (org: Organization) => Partial<Organization>): LiveState => ({
  ...live,
  organization: new Organization({ ...live.organization, ...change(live.organization) })
})

describe("planOrganization", () => {
  it("plans the whole reference organization from an empty one, in dependency order", () => {
    const plan = planOrganization(reference, emptyOrg())
    const steps = plan.steps
    expect(count(steps, "CreateOrganizationalUnit")).toBe(11)
    expect(count(steps, "CreatePolicy")).toBe(6)
    expect(count(steps, "CreateAccount")).toBe(7)
    expect(count(steps, "AttachPolicy")).toBe(7) // FullAWSAccess is on the root already
    expect(count(steps, "CreatePermissionSet")).toBe(3)
    expect(count(steps, "CreateAccountAssignment")).toBe(7 + 2 + 7)
    expect(summarizePlan(plan)).toEqual({ add: steps.length, change: 0, destroy: 0 })
    const kinds = tags(steps).map((tag) => ORDER.indexOf(tag))
    expect(kinds).toEqual([...kinds].sort((a, b) => a - b))
    const ouOrder = steps.flatMap((step) => (step._tag === "CreateOrganizationalUnit" ? [step.path] : []))
    for (const [index, path] of ouOrder.entries()) {
      const parent = path.split("/").slice(0, -1).join("/")
      if (parent !== "") expect(ouOrder.indexOf(parent)).toBeLessThan(index)
    }
    const created = steps.find((step) => step._tag === "CreatePolicy" && step.name === "deny-regions")
    expect(created?._tag === "CreatePolicy" && created.content).not.toMatch(/\s{2}|\n/)
  })

  it("plans nothing for an organization the plan was applied to", () => {
    const plan = planOrganization(reference, applied())
    expect(plan.steps).toEqual([])
    expect(plan.notes).toEqual([])
    expect(renderPlanText(plan)).toContain("No changes. The organization matches the spec.")
  })

  it("plans exactly the repairs of a drifted organization", () => {
    const live = applied()
    const sandbox = live.organization.organizationalUnits.find((ou) => ou.name === "Sandbox")
    const development = live.organization.organizationalUnits.find((ou) => ou.name === "Development")
    const drifted = edit(live, (org) => ({
      // Someone deleted the (empty) Sandbox OU, detached the region deny from the root,
      // moved staging into Development and changed a tag of production.
      organizationalUnits: org.organizationalUnits.filter((ou) => ou !== sandbox),
      policies: org.policies.map((policy) => new Policy({
        ...policy,
        targets: policy.targets.filter((target) => target !== sandbox?.id && !(policy.name === "deny-regions" && target === org.rootId))
      })),
      accounts: org.accounts.map((account) =>
        account.name === "staging" ? new Account({ ...account, parentId: development!.id }) :
          account.name === "production" ? new Account({ ...account, tags: { ...account.tags, Owner: "someone-else" } }) : account
      )
    }))
    const plan = planOrganization(reference, drifted)
    expect(plan.steps.map((step) => {
      switch (step._tag) {
        case "CreateOrganizationalUnit": return `create ou ${step.path}`
        case "MoveAccount": return `move ${step.name} ${step.fromPath} -> ${step.toPath}`
        case "SetTags": return `tag ${step.target} ${JSON.stringify(step.tags)} was ${JSON.stringify(step.previous)}`
        case "AttachPolicy": return `attach ${step.policy} ${step.target}`
        default: return step._tag
      }
    })).toEqual([
      "create ou Non-Production/Sandbox",
      "move staging Non-Production/Development -> Non-Production/Staging",
      "tag account:production {\"Owner\":\"platform-team\"} was {\"Owner\":\"someone-else\"}",
      "attach deny-regions Root",
      "attach instance-types-sandbox ou:Non-Production/Sandbox"
    ])
    expect(planOrganization(reference, simulatePlan(drifted, plan)).steps).toEqual([])
  })

  it("removes what the spec does not declare only with prune", () => {
    const live = applied()
    const production = live.organization.organizationalUnits.find((ou) => ou.name === "Production")!
    const handMade = edit(live, (org) => ({
      organizationalUnits: [...org.organizationalUnits, new OrganizationalUnit({ id: OrgNodeId.make("ou-ab12-legacy01"), name: "Legacy", parentId: org.rootId, tags: {} })],
      policies: [...org.policies, Schema.decodeUnknownSync(Policy)({ id: "p-handmade1", name: "hand-made", content: FULL_ACCESS, targets: [production.id] })]
    }))
    const keep = planOrganization(reference, handMade)
    expect(keep.steps).toEqual([])
    expect(keep.notes).toEqual([
      "policy hand-made is attached to ou:Production but the spec does not say so (prune: true would detach it)",
      "policy hand-made is not in the spec (prune: true would delete it)",
      "OU Legacy is not in the spec (prune: true would delete it)"
    ])
    const prune = planOrganization({ ...reference, prune: true }, handMade)
    expect(tags(prune.steps)).toEqual(["DetachPolicy", "DeletePolicy", "DeleteOrganizationalUnit"])
    expect(planOrganization({ ...reference, prune: true }, simulatePlan(handMade, prune)).steps).toEqual([])
  })

  it("updates a policy whose document changed, not one that was only reformatted", () => {
    const live = applied()
    const reformatted = edit(live, (org) => ({
      policies: org.policies.map((policy) => policy.name === "deny-regions" ? new Policy({ ...policy, content: JSON.stringify(JSON.parse(policy.content), null, 4) }) : policy)
    }))
    expect(planOrganization(reference, reformatted).steps).toEqual([])
    const changed = edit(live, (org) => ({
      policies: org.policies.map((policy) => policy.name === "deny-leave-organization" ? new Policy({ ...policy, content: FULL_ACCESS }) : policy)
    }))
    const plan = planOrganization(reference, changed)
    expect(plan.steps).toMatchObject([{ _tag: "UpdatePolicy", name: "deny-leave-organization", changes: ["content"] }])
    expect(renderPlanText(plan)).toMatch(/~ policy\s+deny-leave-organization  content changed/)
  })

  it("leaves Identity Center alone when it was not read", () => {
    const { identityCenter: _ignored, ...orgOnly } = emptyOrg()
    const plan = planOrganization(reference, orgOnly)
    expect(count(plan.steps, "CreatePermissionSet")).toBe(0)
    expect(plan.notes).toContain("Identity Center was not read: permission sets and assignments are not planned")
  })

  it("renders text like terraform and JSON that decodes back to the plan", () => {
    const plan = planOrganization(reference, emptyOrg())
    const text = renderPlanText(plan)
    expect(text).toMatch(/\+ organizational unit\s+Non-Production\/Staging  under Non-Production/)
    expect(text).toMatch(/\+ account\s+log-archive <aws\+log-archive@example\.com>  in Security/)
    expect(text).toMatch(/\+ attach policy\s+deny-regions  -> Root/)
    expect(text).toMatch(/Plan: 50 to add, 0 to change, 0 to destroy\.$/)
    const json = JSON.parse(renderPlanJson(plan)) as { summary: unknown }
    expect(json.summary).toEqual({ add: 50, change: 0, destroy: 0 })
    expect(Schema.decodeUnknownSync(OrgPlan)(json)).toEqual(plan)
  })
  describe("edges mutants found", () => {
    const live = applied()
    const ou = (id: string, name: string, parentId: string) => new OrganizationalUnit({ id: OrgNodeId.make(id), name, parentId: OrgNodeId.make(parentId), tags: {} })
    const stray = (id: string, parentId: string) => new Account({ id: id as Account["id"], name: `stray-${id}`, email: `${id}@example.com`, status: "ACTIVE", parentId: OrgNodeId.make(parentId), tags: {} })

    it("records no previous value for a tag that did not exist", () => {
      const untagged = edit(live, (org) => ({ accounts: org.accounts.map((a) => (a.name === "production" ? new Account({ ...a, tags: {} }) : a)) }))
      const [step] = planOrganization(reference, untagged).steps
      expect(step).toMatchObject({ _tag: "SetTags", target: "account:production" })
      expect(step?._tag === "SetTags" ? step.previous : undefined).toEqual({})
    })

    it("finds an account by e-mail in any case, else by name, and never creates it twice", () => {
      // Renamed in the console but same e-mail (in upper case): the same account. Same name, other e-mail: the same account.
      const renamed = edit(live, (org) => ({ accounts: org.accounts.map((a) => (a.name === "staging" ? new Account({ ...a, name: "staging-old", email: a.email.toUpperCase() }) : a)) }))
      expect(tags(planOrganization(reference, renamed).steps)).toEqual([])
      const rehomed = edit(live, (org) => ({ accounts: org.accounts.map((a) => (a.name === "staging" ? new Account({ ...a, email: "other@example.com" }) : a)) }))
      expect(tags(planOrganization(reference, rehomed).steps)).toEqual([])
    })

    it("with prune deletes extra OUs children first, keeps ones holding unmanaged accounts and their parents, and tells Prod from Production", () => {
      const root = live.organization.rootId
      const extra = edit(live, (org) => ({
        organizationalUnits: [
          ...org.organizationalUnits,
          ou("ou-ab12-legacy01", "Legacy", root),
          ou("ou-ab12-legacy02", "Old", "ou-ab12-legacy01"),
          ou("ou-ab12-keep0001", "Keep", root),
          ou("ou-ab12-keep0002", "Inner", "ou-ab12-keep0001"),
          ou("ou-ab12-prod0001", "Prod", root)
        ],
        accounts: [...org.accounts, stray("999999999999", "ou-ab12-keep0002")]
      }))
      const plan = planOrganization({ ...reference, prune: true }, extra)
      expect(plan.steps.flatMap((step) => (step._tag === "DeleteOrganizationalUnit" ? [step.path] : []))).toEqual(["Legacy/Old", "Legacy", "Prod"])
      expect(plan.notes.filter((n) => n.startsWith("OU "))).toEqual([
        "OU Keep/Inner is not in the spec but is not empty (unmanaged accounts or OUs); not deleted",
        "OU Keep is not in the spec but is not empty (unmanaged accounts or OUs); not deleted"
      ])
    })

    it("removes extra OU tags only with prune", () => {
      const tagged = edit(live, (org) => ({ organizationalUnits: org.organizationalUnits.map((o) => (o.name === "Production" ? new OrganizationalUnit({ ...o, tags: { ...o.tags, Extra: "x" } }) : o)) }))
      expect(planOrganization(reference, tagged).steps).toEqual([])
      expect(planOrganization({ ...reference, prune: true }, tagged).steps).toMatchObject([{ _tag: "UntagResource", target: "ou:Production", keys: ["Extra"] }])
    })

    it("updates a changed policy description, never an AWS-managed policy", () => {
      const described = edit(live, (org) => ({ policies: org.policies.map((p) => (p.name === "deny-regions" ? new Policy({ ...p, description: "edited in the console" }) : p)) }))
      expect(planOrganization(reference, described).steps).toMatchObject([{ _tag: "UpdatePolicy", name: "deny-regions", changes: ["description"] }])
      const claimsManaged = { ...reference, policies: [...reference.policies, { ...reference.policies[0]!, name: "FullAWSAccess" }] }
      expect(tags(planOrganization(claimsManaged, live).steps)).not.toContain("UpdatePolicy")
    })

    it("compares a permission set's managed policies as a set", () => {
      const two = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"]
      const spec = { ...reference, permissionSets: reference.permissionSets.map((p) => (p.name === "administrator" ? { ...p, managedPolicies: two } : p)) }
      const state = applied(spec)
      const reordered: LiveState = {
        ...state,
        identityCenter: {
          permissionSets: (state.identityCenter?.permissionSets ?? []).map((p) => (p.name === "administrator" ? new PermissionSet({ ...p, managedPolicies: [...two].reverse() }) : p)),
          assignments: state.identityCenter?.assignments ?? []
        }
      }
      expect(planOrganization(spec, reordered).steps).toEqual([])
    })

    it("does not loop on a corrupt OU tree whose parents form a cycle", () => {
      const cyclic = edit(live, (org) => ({ organizationalUnits: [...org.organizationalUnits, ou("ou-ab12-cycle001", "A", "ou-ab12-cycle002"), ou("ou-ab12-cycle002", "B", "ou-ab12-cycle001")] }))
      // The cycle resolves to no path: those OUs are invisible to the plan, which otherwise plans nothing.
      expect(planOrganization(reference, cyclic).steps).toEqual([])
    })
  })
})
