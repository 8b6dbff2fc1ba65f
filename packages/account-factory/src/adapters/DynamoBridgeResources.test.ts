/**
 * Bridge customers' dedicated tables against the sandbox (its DynamoDB is
 * dynalite in process; the call assumes the platform's role in the bridge
 * account, as on AWS): created once with the tenant tags, found on a rerun.
 */
import { ListTagsOfResourceCommand } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { AwsClients, AwsRuntime } from "@miyabi/aws-runtime"
import { AccountId, CustomerId } from "@miyabi/types"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { Duration, Effect, Layer } from "effect"
import { BridgeProvisioner, bridgeResourcesFor } from "../tenancy/BridgeResources.js"
import * as DynamoBridgeResources from "./DynamoBridgeResources.js"
import { DynamoDb } from "./DynamoApplyJournal.js"

const runtime = AwsRuntime.layer({ rateLimits: { dynamodb: { perSecond: 1_000, burst: 1_000 } }, region: "us-east-1", sessionUser: "test", sessionPurpose: "account-factory", retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(5) })

describe("DynamoBridgeResources (sandbox)", () => {
  it.scoped("creates the customer's table in the bridge account with its tags; a second ensure finds it", () =>
    Effect.gen(function* () {
      const handle = yield* Sandbox.start({ dynamodb: true })
      yield* useSandboxEnv(handle)
      const member = [...handle.organization.accounts.values()].find((a) => a.id !== handle.organization.management.id)!
      const [table] = bridgeResourcesFor(CustomerId.make("Acme:Corp"), AccountId.make(member.id))
      yield* Effect.gen(function* () {
        const provisioner = yield* BridgeProvisioner
        const first = yield* provisioner.ensure(table!)
        expect(first.created).toBe(true)
        expect(first.arn).toMatch(/:table\/miyabi-bridge-acme-corp$/)
        const again = yield* provisioner.ensure(table!)
        expect(again).toMatchObject({ created: false, arn: first.arn })
        const aws = yield* AwsClients.AwsClients
        const tags = yield* aws.call(DynamoDb, { account: AccountId.make(member.id) }, new ListTagsOfResourceCommand({ ResourceArn: first.arn }))
        expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({ CostCenter: "Acme:Corp", Tenancy: "Bridge", ManagedBy: "miyabi" })
        // The role was assumed in the bridge account: the sandbox logged the AssumeRole into it.
        expect(handle.log.requests().some((r) => r.operation === "AssumeRole" && JSON.stringify(r).includes(member.id))).toBe(true)
      }).pipe(Effect.provide(Layer.provideMerge(DynamoBridgeResources.layer, runtime)))
    }), 30_000)
})
