import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { Account, Organization, OrgTreeNode, PermissionSet, PermissionSetAssignment, Policy, sessionMinutes } from "./Account.js"

const anAccount = {
  id: "123456789012",
  name: "prod-app",
  email: "prod-app@example.com",
  status: "ACTIVE",
  parentId: "ou-ab12-cdef3456",
  tags: { CostCenter: "cc-1", Environment: "prod" },
  joinedAt: "2026-11-27T10:00:00.000Z"
}

const aPolicy = {
  id: "p-ab12cd34",
  name: "deny-regions",
  description: "",
  content: "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
  awsManaged: false,
  targets: ["r-ab12", "ou-ab12-cdef3456", "123456789012"]
}

const decodes = <A, I>(schema: Schema.Schema<A, I>, input: unknown): boolean => Either.isRight(Schema.decodeUnknownEither(schema)(input))

describe("Account", () => {
  it("round-trips an account, an organization and a policy through JSON", () => {
    const account = Schema.decodeUnknownSync(Account)(anAccount)
    expect(account.joinedAt).toBeInstanceOf(Date)
    expect(Schema.encodeSync(Account)(account)).toEqual(anAccount)
    const org = {
      id: "o-abcd123456",
      managementAccountId: "111111111111",
      rootId: "r-ab12",
      organizationalUnits: [{ id: "ou-ab12-cdef3456", name: "Production", parentId: "r-ab12", tags: {} }],
      accounts: [anAccount],
      policies: [aPolicy]
    }
    expect(Schema.encodeSync(Organization)(Schema.decodeUnknownSync(Organization)(org))).toEqual(org)
  })

  it("defaults tags, description and targets", () => {
    const { joinedAt: _joined, tags: _tags, ...bare } = anAccount
    expect(Schema.decodeUnknownSync(Account)(bare).tags).toEqual({})
    const policy = Schema.decodeUnknownSync(Policy)({ id: "p-ab12cd34", name: "x", content: "{}" })
    expect(policy.targets).toEqual([])
    expect(policy.awsManaged).toBe(false)
  })

  it.each([
    ["a short account id", { ...anAccount, id: "12345" }],
    ["an e-mail without @", { ...anAccount, email: "prod-app.example.com" }],
    ["an unknown status", { ...anAccount, status: "CLOSED" }],
    ["a name over 50 characters", { ...anAccount, name: "x".repeat(51) }],
    ["a reserved tag key", { ...anAccount, tags: { "aws:createdBy": "me" } }],
    ["a parent that is not a root or OU", { ...anAccount, parentId: "folder-1" }]
  ])("rejects %s", (_, input) => {
    expect(decodes(Account, input)).toBe(false)
  })

  it("rejects a policy target that is neither a node nor an account", () => {
    expect(decodes(Policy, { ...aPolicy, targets: ["prod"] })).toBe(false)
  })

  it("accepts session durations from 1 to 12 hours only", () => {
    const set = (sessionDuration: string) => ({ name: "developer", sessionDuration })
    expect(decodes(PermissionSet, set("PT8H"))).toBe(true)
    expect(decodes(PermissionSet, set("PT1H30M"))).toBe(true)
    expect(decodes(PermissionSet, set("PT12H"))).toBe(true)
    expect(decodes(PermissionSet, set("PT13H"))).toBe(false)
    expect(decodes(PermissionSet, set("PT30M"))).toBe(false)
    expect(decodes(PermissionSet, set("8h"))).toBe(false)
    expect(sessionMinutes("PT4H30M")).toBe(270)
  })

  it("round-trips a permission set and an assignment", () => {
    const input = {
      name: "administrator",
      description: "full access",
      sessionDuration: "PT8H",
      managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"]
    }
    const set = Schema.decodeUnknownSync(PermissionSet)(input)
    expect(Schema.encodeSync(PermissionSet)(set)).toEqual(input)
    const assignment = { permissionSet: "administrator", principalType: "GROUP", principal: "platform-admins", accountId: "123456789012" }
    expect(Schema.encodeSync(PermissionSetAssignment)(Schema.decodeUnknownSync(PermissionSetAssignment)(assignment))).toEqual(assignment)
    expect(decodes(PermissionSetAssignment, { ...assignment, principalType: "ROLE" })).toBe(false)
  })

  it("decodes a nested organization tree", () => {
    const tree = {
      id: "r-ab12", name: "Root", kind: "Root", policies: ["FullAWSAccess"],
      children: [{ id: "ou-ab12-cdef3456", name: "Workloads", kind: "OrganizationalUnit", policies: [], children: [
        { id: "123456789012", name: "pool-1", kind: "Account", policies: [], children: [] }
      ] }]
    }
    expect(Schema.decodeUnknownSync(OrgTreeNode)(tree)).toEqual(tree)
    expect(decodes(OrgTreeNode, { ...tree, children: [{ ...tree, kind: "Folder" }] })).toBe(false)
  })
})
