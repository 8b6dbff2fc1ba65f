import { describe, expect, it } from "@effect/vitest"
import { actionMatches, arnMatches, sampleArn } from "./ActionPattern.js"

describe("ActionPattern", () => {
  it("matches actions with * and ? wildcards, ignoring case, over the whole action", () => {
    expect(actionMatches("organizations:*", "organizations:CreateAccount")).toBe(true)
    // IAM action names are case-insensitive.
    expect(actionMatches("Organizations:createaccount", "organizations:CreateAccount")).toBe(true)
    // ? is exactly one character.
    expect([actionMatches("s3:Get?bject", "s3:GetObject"), actionMatches("s3:Get?bject", "s3:Getbject")]).toEqual([true, false])
    // The pattern covers the whole action, not a part of it.
    expect(actionMatches("ec2:Describe*", "xec2:DescribeInstances")).toBe(false)
    expect(actionMatches("ec2:Describe", "ec2:DescribeInstances")).toBe(false)
  })

  it("matches ARNs case-sensitively, with regular-expression characters taken literally", () => {
    expect(arnMatches("arn:aws:iam::*:role/Admin*", "arn:aws:iam::123456789012:role/AdminRole")).toBe(true)
    // ArnLike is case-sensitive.
    expect(arnMatches("arn:aws:iam::*:role/Admin", "arn:aws:iam::123456789012:role/admin")).toBe(false)
    // A dot is a dot, not any character.
    expect([arnMatches("arn:aws:s3:::my.bucket", "arn:aws:s3:::my.bucket"), arnMatches("arn:aws:s3:::my.bucket", "arn:aws:s3:::myxbucket")]).toEqual([true, false])
  })

  it("samples a role pattern as a concrete ARN: a 12-digit account, names filled in", () => {
    expect(sampleArn("arn:aws:iam::*:role/Miyabi*")).toBe("arn:aws:iam::123456789012:role/MiyabiPlatform")
    expect(sampleArn("arn:aws:iam::*:role/Ops?")).toBe("arn:aws:iam::123456789012:role/Opsx")
  })
})
