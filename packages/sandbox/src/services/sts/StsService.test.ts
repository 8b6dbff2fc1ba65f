import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { call } from "../../testing/SdkCalls.js"

const client = (sandbox: SandboxHandle, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = sandbox.credentials) =>
  new STSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials })

const callError = (f: () => Promise<unknown>) =>
  Effect.promise(() => f().then(() => undefined, (error: unknown) => error))

describe("STS", () => {
  it.scoped("GetCallerIdentity answers for the management account", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const identity = yield* call(() => client(sandbox).send(new GetCallerIdentityCommand({})))
      expect(identity.Account).toBe(sandbox.accountId)
      expect(identity.Arn).toBe(`arn:aws:iam::${sandbox.accountId}:root`)
      expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
    }))

  it.scoped("AssumeRole into a member account returns keys that act for it", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const member = sandbox.estate.organization.members[0]?.id ?? ""
      const assumed = yield* call(() =>
        client(sandbox).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: "miyabi" }))
      )
      const creds = assumed.Credentials
      expect(creds?.Expiration).toBeInstanceOf(Date)
      expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${member}:assumed-role/OrganizationAccountAccessRole/miyabi`)
      const identity = yield* call(() =>
        client(sandbox, { accessKeyId: creds?.AccessKeyId ?? "", secretAccessKey: creds?.SecretAccessKey ?? "", sessionToken: creds?.SessionToken ?? "" }).send(new GetCallerIdentityCommand({}))
      )
      expect(identity.Account).toBe(member)
      expect(identity.Arn).toBe(assumed.AssumedRoleUser?.Arn)
    }))

  it.scoped("AssumeRole into a denied or unknown account is AccessDenied (403)", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, faults: { deniedAccounts: ["222222222222"] } })
      for (const account of ["222222222222", "999999999999"]) {
        const error = yield* callError(() =>
          client(sandbox).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/Admin`, RoleSessionName: "miyabi" }))
        )
        expect(error).toBeInstanceOf(STSServiceException)
        expect((error as STSServiceException).name).toBe("AccessDenied")
        expect((error as STSServiceException).$metadata.httpStatusCode).toBe(403)
      }
      const bad = yield* callError(() => client(sandbox).send(new AssumeRoleCommand({ RoleArn: "nope", RoleSessionName: "miyabi" })))
      expect((bad as STSServiceException).name).toBe("ValidationError")
    }))
})
