import { describe, expect, it } from "@effect/vitest"
import { AccountId, Customer, CustomerId, Placement } from "@miyabi/types"
import { planSiloMigration } from "./TenantMigration.js"
import { defaultTenancySettings } from "./TenancySettings.js"

const POOL = AccountId.make("200000000001")
const acme = new Customer({ id: CustomerId.make("acme"), name: "Acme" })
const inPool = new Placement({ customerId: acme.id, model: "Pool", accountId: POOL, since: new Date(0), history: [] })
const resources = [
  { arn: "arn:aws:s3:::acme-data", type: "AWS::S3::Bucket", accountId: POOL },
  { arn: "arn:aws:dynamodb:us-east-1:200000000001:table/acme", type: "AWS::DynamoDB::Table", accountId: POOL },
  { arn: "arn:aws:s3:::acme-logs", type: "AWS::S3::Bucket", accountId: POOL },
  { arn: "arn:aws:s3:::elsewhere", type: "AWS::S3::Bucket", accountId: AccountId.make("999999999999") }
]

describe("planSiloMigration", () => {
  it("produces a numbered checklist naming the new account and every resource to move", () => {
    const plan = planSiloMigration(acme, inPool, resources, defaultTenancySettings)
    if (!("checklist" in plan)) throw new Error(`refused: ${plan._tag}`)
    expect(plan.to).toEqual({ model: "Silo", accountName: "silo-acme", email: "aws+silo-acme@example.com", ou: "Workloads/VIP" })
    expect(plan.resources).toHaveLength(3)
    expect(plan.checklist.map((item) => [item.step, item.automated])).toEqual([[1, true], [2, true], [3, true], [4, false], [5, false], [6, false], [7, false], [8, true], [9, true]])
    expect(plan.checklist[2]?.detail).toBe("AWS::DynamoDB::Table x1, AWS::S3::Bucket x2")
    expect(plan.checklist[4]?.detail).toBe("arn:aws:s3:::acme-data\narn:aws:s3:::acme-logs")
    expect(plan.checklist[8]?.title).toMatch(/after 30 days/)
  })

  it("refuses a customer already in a silo or not placed", () => {
    expect(planSiloMigration(acme, new Placement({ ...inPool, model: "Silo" }), [], defaultTenancySettings)).toEqual({ _tag: "AlreadySilo" })
    expect(planSiloMigration(acme, undefined, [], defaultTenancySettings)).toEqual({ _tag: "NotPlaced" })
  })
})
