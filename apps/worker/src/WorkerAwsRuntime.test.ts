/**
 * The worker's AWS runtime carries the member role of its configuration:
 * as settings (over AwsRuntime's own environment), and on the wire (the
 * AssumeRole a handler's call into a member account makes, seen by the
 * sandbox's STS).
 */
import { AwsClients, AwsConfig } from "@miyabi/aws-runtime"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { AccountId } from "@miyabi/types"
import { ConfigProvider, Context, Effect, Layer } from "effect"
import { loadWorkerConfig } from "./WorkerConfig.js"
import { workerAwsConfig, workerAwsRuntime } from "./WorkerAwsRuntime.js"

const settings = (role: Parameters<typeof workerAwsConfig>[0], env: ReadonlyArray<readonly [string, string]>) =>
  Effect.scoped(Layer.build(workerAwsConfig(role))).pipe(
    Effect.map((context) => Context.get(context, AwsConfig.AwsConfig)),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env)))
  )

describe("workerAwsRuntime", () => {
  it.effect("the member role from the worker's environment wins over the runtime's own role settings; the session says worker", () =>
    Effect.gen(function* () {
      const config = yield* loadWorkerConfig({ MIYABI_STORE: "/tmp/w.db", MIYABI_MEMBER_ROLE_NAME: "MiyabiMemberAccess", MIYABI_MEMBER_EXTERNAL_ID: "ext-42" })
      const env = [["MIYABI_AWS_ROLE_NAME", "SomethingElse"], ["MIYABI_AWS_SESSION_USER", "ops"], ["MIYABI_AWS_MAX_ATTEMPTS", "3"]] as const
      const aws = yield* settings(config.memberRole, env)
      expect(aws).toMatchObject({ roleName: "MiyabiMemberAccess", externalId: "ext-42", sessionUser: "ops", sessionPurpose: "worker", maxAttempts: 3 })
      // Without MIYABI_MEMBER_ROLE_NAME the runtime's own setting (or its default) stays.
      const unset = yield* settings({ roleName: undefined, externalId: undefined }, env)
      expect(unset).toMatchObject({ roleName: "SomethingElse", externalId: undefined, sessionPurpose: "worker" })
      expect((yield* settings({ roleName: undefined, externalId: undefined }, [])).roleName).toBe("OrganizationAccountAccessRole")
    })
  )

  it.scoped("a call into a member account assumes that role there, with the external id", () =>
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.start({ dynamodb: false })
      yield* useSandboxEnv(sandbox, { MIYABI_AWS_SESSION_USER: "ecs", MIYABI_AWS_ROLE_NAME: undefined })
      const member = [...sandbox.organization.accounts.keys()].find((id) => id !== sandbox.accountId)
      if (member === undefined) throw new Error("the sandbox organization has no member account")
      const context = yield* Layer.build(workerAwsRuntime({ roleName: "MiyabiMemberAccess", externalId: "ext-42" }))
      const aws = Context.get(context, AwsClients.AwsClients)
      yield* aws.credentials(AccountId.make(member))
      const assumed = sandbox.log.requests().filter((r) => r.operation === "AssumeRole")
      expect(assumed.map((r) => r.input)).toEqual([
        expect.objectContaining({ RoleArn: `arn:aws:iam::${member}:role/MiyabiMemberAccess`, ExternalId: "ext-42", RoleSessionName: "miyabi-ecs-worker" })
      ])
    })
  )
})
