/**
 * IAM action and ARN patterns ("ec2:Describe*", "arn:aws:iam::*:role/x"):
 * case-insensitive for actions, `*` and `?` wildcards, as IAM evaluates them.
 */

const globToRegExp = (pattern: string, flags: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags)

/** Whether an action pattern (e.g. "organizations:*") matches an action (case-insensitive). */
export const actionMatches = (pattern: string, action: string): boolean => globToRegExp(pattern, "i").test(action)

/** Whether an ARN pattern (ArnLike / StringLike semantics) matches a concrete ARN. */
export const arnMatches = (pattern: string, arn: string): boolean => globToRegExp(pattern, "").test(arn)

/** A concrete ARN standing for every ARN an `arn:...:*:role/Name*` pattern describes. */
export const sampleArn = (pattern: string): string =>
  pattern
    .split(":")
    .map((field, index) => (index === 4 ? field.replace(/\*/g, "123456789012") : field.replace(/\*/g, "Platform").replace(/\?/g, "x")))
    .join(":")

/**
 * The actions the platform needs in member accounts to keep working: manage
 * the organization and assume its role. An SCP must not deny these to the
 * platform's role.
 */
export const PLATFORM_ACTIONS: ReadonlyArray<string> = [
  "organizations:DescribeOrganization",
  "organizations:ListAccounts",
  "organizations:ListRoots",
  "organizations:ListOrganizationalUnitsForParent",
  "organizations:CreateAccount",
  "organizations:DescribeCreateAccountStatus",
  "organizations:MoveAccount",
  "organizations:CreateOrganizationalUnit",
  "organizations:CreatePolicy",
  "organizations:UpdatePolicy",
  "organizations:AttachPolicy",
  "organizations:DetachPolicy",
  "organizations:TagResource",
  "organizations:CloseAccount",
  "sts:AssumeRole"
]

/**
 * Global services whose requests are not bound to the requested region, so a
 * region-deny SCP must exempt them (after AWS's published example
 * "Deny access to AWS based on the requested AWS Region").
 */
export const GLOBAL_SERVICES: ReadonlyArray<string> = [
  "iam",
  "organizations",
  "sts",
  "route53",
  "route53domains",
  "cloudfront",
  "support",
  "budgets",
  "ce",
  "cur",
  "health",
  "globalaccelerator",
  "waf",
  "shield",
  "trustedadvisor",
  "pricing",
  "aws-portal"
]
