import { describe, expect, it } from "@effect/vitest"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { Organization } from "@miyabi/types"
import { Effect, Schedule, Schema } from "effect"
import { Organizations } from "../org/Organizations.js"
import * as OrganizationsMemory from "../org/OrganizationsMemory.js"
import { applySpecFile, planSpecFile } from "./OrgWorkflow.js"

const here = nodePath.dirname(fileURLToPath(import.meta.url))
const referenceFile = nodePath.resolve(here, "../../examples/reference-org.yaml")
const empty = () => Schema.decodeUnknownSync(Organization)({
  id: "o-abcd123456", managementAccountId: "111111111111", rootId: "r-ab12", organizationalUnits: [],
  accounts: [{ id: "111111111111", name: "management", email: "management@example.com", status: "ACTIVE", parentId: "r-ab12" }],
  policies: [{ id: "p-FullAWSAccess", name: "FullAWSAccess", content: "{}", awsManaged: true, targets: ["r-ab12"] }]
})
const vend = { pollSchedule: Schedule.forever, roleSchedule: Schedule.forever }

describe("OrgWorkflow", () => {
  it.live("plans, applies, and plans nothing more for the reference spec", () =>
    Effect.gen(function* () {
      const memory = yield* OrganizationsMemory.make(empty(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 0 })
      yield* Effect.gen(function* () {
        const planned = yield* planSpecFile(referenceFile)
        expect(planned.lint.errors).toBe(0)
        expect(planned.plan.steps.length).toBeGreaterThan(0)
        const applied = yield* applySpecFile(referenceFile, { vend })
        expect(applied.result.applied).toBe(applied.plan.steps.length)
        expect((yield* planSpecFile(referenceFile)).plan.steps).toEqual([])
      }).pipe(Effect.provideService(Organizations, memory))
    }))

  it.live("refuses to apply a spec whose SCP would lock the platform out", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(nodePath.join(tmpdir(), "miyabi-spec-"))
      const file = nodePath.join(dir, "org.yaml")
      writeFileSync(file, [
        "version: 1",
        "policies:",
        "  - name: no-orgs",
        "    document: { Version: '2012-10-17', Statement: [{ Sid: NoOrgs, Effect: Deny, Action: 'organizations:*', Resource: '*' }] }",
        "attachments:",
        "  - { policy: no-orgs, targets: [Root] }"
      ].join("\n"))
      const memory = yield* OrganizationsMemory.make(empty())
      const error = yield* Effect.flip(applySpecFile(file, { vend }).pipe(Effect.provideService(Organizations, memory)))
      expect(error._tag).toBe("LintFailed")
      expect(error.message).toMatch(/org\.yaml#policies\[0\]\.document:4: error \[platform-lockout\] policy no-orgs, Sid NoOrgs/)
      expect((yield* memory.state).policies.map((p) => p.name)).toEqual(["FullAWSAccess"])
    }))
})
