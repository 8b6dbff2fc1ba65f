import { describe, expect, it } from "@effect/vitest"
import { AccountId, Customer, CustomerId, Placement } from "@miyabi/types"
import { planOffboarding, renderOffboarding } from "./TenantOffboarding.js"
import { defaultTenancySettings } from "./TenancySettings.js"

const acme = new Customer({ id: CustomerId.make("acme"), name: "Acme" })
const now = new Date("2026-11-27T12:00:00Z")

describe("planOffboarding", () => {
  it("suspends and closes a silo account", () => {
    const silo = AccountId.make("300000000001")
    const report = planOffboarding(acme, new Placement({ customerId: acme.id, model: "Silo", accountId: silo, since: new Date(0), history: [] }), [{ arn: "arn:aws:s3:::acme", type: "AWS::S3::Bucket", accountId: silo }], defaultTenancySettings, now)
    expect(report.actions.map((a) => a._tag)).toEqual(["MoveAccount", "CloseAccount"])
    expect(report.actions[0]).toMatchObject({ toOu: "Suspended", accountId: silo })
    expect(renderOffboarding(report)).toContain("move account 300000000001 to OU Suspended")
  })

  it("schedules a pool customer's data for deletion after 30 days", () => {
    const pool = AccountId.make("200000000001")
    const resources = [{ arn: "arn:aws:s3:::acme", type: "AWS::S3::Bucket", accountId: pool }, { arn: "arn:aws:s3:::other", type: "AWS::S3::Bucket", accountId: AccountId.make("999999999999") }]
    const report = planOffboarding(acme, new Placement({ customerId: acme.id, model: "Pool", accountId: pool, since: new Date(0), history: [] }), resources, defaultTenancySettings, now)
    expect(report.actions).toEqual([
      { _tag: "RemoveFromPool", accountId: pool },
      { _tag: "ScheduleDataDeletion", accountId: pool, at: new Date("2026-12-27T12:00:00Z"), resources: ["arn:aws:s3:::acme"] }
    ])
    expect(report.resources).toEqual([{ type: "AWS::S3::Bucket", arns: ["arn:aws:s3:::acme"] }])
    expect(renderOffboarding(report)).toContain("delete 1 resources in 200000000001 on 2026-12-27")
  })
})
