import { describe, expect, it } from "@effect/vitest"
import { Organization } from "@miyabi/types"
import { Schema } from "effect"
import { renderOrgTree, toOrgTree } from "./OrgTree.js"

const org = Schema.decodeUnknownSync(Organization)({
  id: "o-abcd123456",
  managementAccountId: "111111111111",
  rootId: "r-ab12",
  organizationalUnits: [
    { id: "ou-ab12-00000001", name: "Workloads", parentId: "r-ab12" },
    { id: "ou-ab12-00000002", name: "Pools", parentId: "ou-ab12-00000001" },
    { id: "ou-ab12-00000003", name: "Security", parentId: "r-ab12" }
  ],
  accounts: [
    { id: "111111111111", name: "management", email: "m@example.com", status: "ACTIVE", parentId: "r-ab12" },
    { id: "222222222222", name: "pool-1", email: "p1@example.com", status: "ACTIVE", parentId: "ou-ab12-00000002" },
    { id: "333333333333", name: "pool-2", email: "p2@example.com", status: "ACTIVE", parentId: "ou-ab12-00000002" }
  ],
  policies: [
    { id: "p-FullAWSAccess", name: "FullAWSAccess", content: "{}", awsManaged: true, targets: ["r-ab12"] },
    { id: "p-00000001", name: "instance-types-pools", content: "{}", targets: ["ou-ab12-00000001"] }
  ]
})

describe("OrgTree", () => {
  it("nests OUs and accounts with their policies, sorted by name", () => {
    expect(renderOrgTree(toOrgTree(org))).toBe([
      "Root (r-ab12)  [FullAWSAccess]",
      "├── Security/",
      "├── Workloads/  [instance-types-pools]",
      "│   └── Pools/",
      "│       ├── pool-1 (222222222222)",
      "│       └── pool-2 (333333333333)",
      "└── management (111111111111)"
    ].join("\n"))
  })
})
