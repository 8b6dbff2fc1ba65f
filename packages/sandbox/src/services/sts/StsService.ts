/**
 * STS over awsQuery: GetCallerIdentity and AssumeRole. AssumeRole into a
 * member account issues keys that encode that account (see Credentials.ts),
 * so later calls signed with them act for it. Accounts on the access-denied
 * list refuse the role with AccessDenied, as a missing trust policy would.
 */
import { Effect } from "effect"
import type { CredentialStore } from "../../Credentials.js"
import type { FaultControl } from "../../Faults.js"
import type { ServiceFactory } from "../../ServiceHandler.js"
import { awsError } from "../../ServiceHandler.js"

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/

const str = (input: Record<string, unknown>, key: string): string | undefined => {
  const value = input[key]
  return typeof value === "string" ? value : undefined
}

export interface StsDeps {
  readonly credentials: CredentialStore
  readonly faults: FaultControl
  /**
   * Whether the account exists and its role can be assumed at `now`: a
   * freshly created account's OrganizationAccountAccessRole answers
   * AccessDenied for a while, as IAM settles on AWS.
   */
  readonly roleReady: (accountId: string, now: Date) => boolean
}

export const makeStsService =
  (deps: StsDeps): ServiceFactory =>
  () => ({
    signingName: "sts",
    protocol: "query",
    xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
    errors: {
      throttling: { code: "Throttling", status: 400, message: "Rate exceeded" },
      internal: { code: "InternalFailure", status: 500, message: "An internal error occurred." }
    },
    readOnly: new Set(["AssumeRole"]),
    operations: {
      GetCallerIdentity: (_input, ctx) =>
        Effect.succeed({ UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn }),
      AssumeRole: (input, ctx) =>
        Effect.gen(function* () {
          const roleArn = str(input, "RoleArn") ?? ""
          const sessionName = str(input, "RoleSessionName") ?? ""
          if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
            return yield* awsError("ValidationError", `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`)
          }
          const match = ROLE_ARN.exec(roleArn)
          if (match === null) {
            return yield* awsError("ValidationError", `${roleArn} is invalid`)
          }
          const [, accountId = "", roleName = ""] = match
          if (!deps.roleReady(accountId, ctx.now) || deps.faults.isDenied(accountId)) {
            return yield* awsError(
              "AccessDenied",
              `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
              { status: 403 }
            )
          }
          const duration = Number(str(input, "DurationSeconds") ?? "3600")
          if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
            return yield* awsError("ValidationError", `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`)
          }
          const issued = deps.credentials.issue(accountId, roleName, sessionName)
          return {
            Credentials: {
              AccessKeyId: issued.accessKeyId,
              SecretAccessKey: issued.secretAccessKey,
              SessionToken: issued.sessionToken,
              Expiration: new Date(ctx.now.getTime() + duration * 1000)
            },
            AssumedRoleUser: { AssumedRoleId: issued.caller.userId, Arn: issued.caller.arn }
          }
        })
    }
  })
