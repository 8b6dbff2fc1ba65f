/**
 * AwsClients against the sandbox: real SDK clients over loopback HTTP, the
 * standard credential chain from environment variables, endpoints from
 * AWS_ENDPOINT_URL(_STS), AssumeRole into member accounts, injected faults.
 */
import { ListAccountsCommand, type ListAccountsCommandInput, OrganizationsClient } from "@aws-sdk/client-organizations"
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { Sandbox, useSandboxEnv, withProcessEnv } from "@miyabi/sandbox"
import { AccountId, Region } from "@miyabi/types"
import { Chunk, Duration, Effect, Layer, Logger, Ref, Stream, TestClock } from "effect"
import { AwsClients, Sts } from "./AwsClients.js"
import * as AwsRuntime from "./AwsRuntime.js"
import * as ServiceDescriptor from "./ServiceDescriptor.js"


/** A sandbox whose endpoint and management keys are in the environment, as a shell would have them. */
const sandboxInEnv = (options: Parameters<typeof Sandbox.start>[0] = {}) =>
  Effect.gen(function* () {
    const sandbox = yield* Sandbox.start({ dynamodb: false, ...options })
    yield* useSandboxEnv(sandbox)
    return sandbox
  })

const settings = { region: "us-east-1", sessionUser: "alice", sessionPurpose: "test", retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(5) }

const assumeRoles = (sandbox: Sandbox.SandboxHandle) => sandbox.log.requests().filter((r) => r.operation === "AssumeRole")

const provideRuntime = (overrides: Parameters<typeof AwsRuntime.layer>[0] = {}) =>
  Effect.provide(AwsRuntime.layer({ ...settings, ...overrides }))

describe("AwsClients against the sandbox", () => {
  it.scoped("finds the endpoint in AWS_ENDPOINT_URL and the keys through the standard chain", () =>
    Effect.gen(function* () {
      const sandbox = yield* sandboxInEnv()
      const clients = yield* AwsClients
      const me = yield* clients.callerIdentity
      expect(me.account).toBe(sandbox.accountId)
      const out = yield* clients.call(Sts, {}, new GetCallerIdentityCommand({}))
      expect(out.Account).toBe(sandbox.accountId)
    }).pipe(provideRuntime()))

  it.scoped("prefers AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL", () =>
    Effect.gen(function* () {
      const sandbox = yield* sandboxInEnv()
      // Nothing listens on port 9 of loopback: only the per-service variable can make this work.
      yield* withProcessEnv({ AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_ENDPOINT_URL_STS: sandbox.endpoint })
      const out = yield* Effect.flatMap(AwsClients, (clients) => clients.call(Sts, {}, new GetCallerIdentityCommand({})))
      expect(out.Account).toBe(sandbox.accountId)
    }).pipe(provideRuntime({ maxAttempts: 1 })))

  it.scoped("assumes the role into a member account once, with a session name that says who acted", () =>
    Effect.gen(function* () {
      const sandbox = yield* sandboxInEnv()
      const member = AccountId.make(sandbox.estate.organization.members[0]!.id)
      const clients = yield* AwsClients
      const first = yield* clients.call(Sts, { account: member }, new GetCallerIdentityCommand({}))
      const second = yield* clients.call(Sts, { account: member }, new GetCallerIdentityCommand({}))
      expect([first.Account, second.Account]).toEqual([member, member])
      const assumed = assumeRoles(sandbox)
      expect(assumed).toHaveLength(1)
      expect(assumed[0]?.input).toMatchObject({
        RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`,
        RoleSessionName: "miyabi-alice-test"
      })
      // The caller's own account needs no role.
      const own = yield* clients.call(Sts, { account: AccountId.make(sandbox.accountId) }, new GetCallerIdentityCommand({}))
      expect(own.Account).toBe(sandbox.accountId)
      expect(assumeRoles(sandbox)).toHaveLength(1)
    }).pipe(provideRuntime()))

  it.scoped("uses the configured role name and external id", () =>
    Effect.gen(function* () {
      const sandbox = yield* sandboxInEnv()
      const member = AccountId.make(sandbox.estate.organization.members[1]!.id)
      const out = yield* Effect.flatMap(AwsClients, (clients) => clients.call(Sts, { account: member }, new GetCallerIdentityCommand({})))
      expect(out.Account).toBe(member)
      expect(assumeRoles(sandbox)[0]?.input).toMatchObject({
        RoleArn: `arn:aws:iam::${member}:role/MiyabiReadOnly`,
        ExternalId: "ext-42",
        DurationSeconds: "900"
      })
    }).pipe(provideRuntime({ roleName: "MiyabiReadOnly", externalId: "ext-42", roleDuration: Duration.minutes(15), refreshMargin: Duration.minutes(1) })))

  it.scoped("refreshes assumed credentials five minutes before they expire", () =>
    Effect.gen(function* () {
      // The sandbox dates credentials by the wall clock; start the test clock there.
      yield* TestClock.setTime(Date.now())
      const sandbox = yield* sandboxInEnv()
      const member = AccountId.make(sandbox.estate.organization.members[0]!.id)
      const clients = yield* AwsClients
      const whoAmI = clients.call(Sts, { account: member }, new GetCallerIdentityCommand({}))
      yield* whoAmI
      yield* TestClock.adjust(Duration.minutes(54))
      yield* whoAmI
      expect(assumeRoles(sandbox)).toHaveLength(1)
      yield* TestClock.adjust(Duration.minutes(2))
      yield* whoAmI
      expect(assumeRoles(sandbox)).toHaveLength(2)
    }).pipe(provideRuntime()))

  it.scoped("reports an account that refuses the role as AccessDenied for that account", () =>
    Effect.gen(function* () {
      const sandbox = yield* sandboxInEnv()
      const member = AccountId.make(sandbox.estate.organization.members[1]!.id)
      sandbox.faults.set({ deniedAccounts: [member] })
      const error = yield* Effect.flip(Effect.flatMap(AwsClients, (clients) => clients.call(Sts, { account: member }, new GetCallerIdentityCommand({}))))
      expect(error).toMatchObject({ reason: "AccessDenied", retryable: false, operation: "AssumeRole", account: member, code: "AccessDenied", httpStatus: 403 })
      // Not retried, and the failure is not cached: the next call asks STS again.
      expect(assumeRoles(sandbox)).toHaveLength(1)
      sandbox.faults.reset()
      const out = yield* Effect.flatMap(AwsClients, (clients) => clients.call(Sts, { account: member }, new GetCallerIdentityCommand({})))
      expect(out.Account).toBe(member)
    }).pipe(provideRuntime()))

  it.live("completes every call under 30 % injected throttling, retrying and logging each retry", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const sandbox = yield* sandboxInEnv({ faults: { seed: 7, rules: [{ service: "sts", operation: "GetCallerIdentity", throttleRate: 0.3 }] } })
        const retries = yield* Ref.make(0)
        const logger = Logger.make(({ message }) => {
          if (String(message).includes("retrying")) Effect.runSync(Ref.update(retries, (n) => n + 1))
        })
        const clients = yield* AwsClients
        const results = yield* Effect.forEach(
          Array.from({ length: 20 }),
          () => clients.call(Sts, {}, new GetCallerIdentityCommand({})),
          { concurrency: 4 }
        ).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
        expect(results.every((out) => out.Account === sandbox.accountId)).toBe(true)
        const calls = sandbox.log.requests().filter((r) => r.operation === "GetCallerIdentity")
        const throttled = calls.filter((r) => r.errorCode === "Throttling").length
        expect(throttled).toBeGreaterThan(0)
        expect(calls.length).toBe(20 + throttled)
        expect(yield* Ref.get(retries)).toBe(throttled)
      })
    ).pipe(provideRuntime({ maxAttempts: 10 })))

  it.scoped("destroys its clients when the layer is released", () =>
    Effect.gen(function* () {
      const sandbox = yield* sandboxInEnv()
      const destroyed: Array<string> = []
      const CountingSts = ServiceDescriptor.make("sts", (config) => {
        const client = new STSClient(config)
        const destroy = client.destroy.bind(client)
        client.destroy = () => {
          destroyed.push(config.region)
          destroy()
        }
        return client
      })
      yield* Effect.scoped(
        Effect.gen(function* () {
          const clients = yield* AwsClients
          yield* clients.call(CountingSts, {}, new GetCallerIdentityCommand({}))
          yield* clients.call(CountingSts, {}, new GetCallerIdentityCommand({}))
          yield* clients.call(CountingSts, { region: Region.make("eu-west-1") }, new GetCallerIdentityCommand({}))
          expect(destroyed).toEqual([])
        }).pipe(Effect.provide(Layer.fresh(AwsRuntime.layer(settings))))
      )
      expect(destroyed.sort()).toEqual(["eu-west-1", "us-east-1"])
      expect(sandbox.log.requests().length).toBe(3)
    }))

  it.scoped("pages a list operation to the end as a stream, one budgeted call per page", () =>
    Effect.gen(function* () {
      const sandbox = yield* sandboxInEnv()
      const Organizations = ServiceDescriptor.make("organizations", (config) => new OrganizationsClient(config))
      const clients = yield* AwsClients
      const accounts = yield* Stream.runCollect(
        clients.paginate(Organizations, {}, (input: ListAccountsCommandInput) => new ListAccountsCommand(input), { MaxResults: 1 }, {
          inputToken: "NextToken",
          outputToken: "NextToken",
          items: "Accounts"
        })
      )
      const org = sandbox.estate.organization
      const expected = [org.managementAccount.id, ...org.members.map((m) => m.id)].sort()
      expect(Chunk.toReadonlyArray(accounts).map((a) => a.Id).sort()).toEqual(expected)
      const pages = sandbox.log.requests().filter((r) => r.operation === "ListAccounts")
      expect(pages.length).toBeGreaterThanOrEqual(expected.length)
      expect(pages.length).toBeLessThanOrEqual(expected.length + 1)
    }).pipe(provideRuntime()))

  it.scoped("hands out the SDK client for a target with the SDK's own retries turned off", () =>
    Effect.gen(function* () {
      const sandbox = yield* sandboxInEnv()
      const member = AccountId.make(sandbox.estate.organization.members[0]!.id)
      const clients = yield* AwsClients
      const client = yield* clients.client(Sts, { account: member, region: Region.make("eu-west-1") })
      expect(client).toBeInstanceOf(STSClient)
      expect(yield* Effect.promise(() => client.config.maxAttempts())).toBe(1)
      expect(yield* Effect.promise(() => client.config.region())).toBe("eu-west-1")
      // Its credentials are the member account's assumed role.
      const out = yield* Effect.promise(() => client.send(new GetCallerIdentityCommand({})))
      expect(out.Account).toBe(member)
      expect(assumeRoles(sandbox)).toHaveLength(1)
    }).pipe(provideRuntime()))

  it.scoped("gives out credentials: the chain's for the caller's own account, an assumed role's for a member", () =>
    Effect.gen(function* () {
      const sandbox = yield* sandboxInEnv()
      const member = AccountId.make(sandbox.estate.organization.members[0]!.id)
      const clients = yield* AwsClients
      const own = yield* clients.credentials()
      expect(own.accessKeyId).toBe(sandbox.credentials.accessKeyId)
      const sameAccount = yield* clients.credentials(AccountId.make(sandbox.accountId))
      expect(sameAccount.accessKeyId).toBe(sandbox.credentials.accessKeyId)
      const assumed = yield* clients.credentials(member)
      expect(assumed.accessKeyId).not.toBe(sandbox.credentials.accessKeyId)
      expect(assumed.sessionToken).toBeDefined()
      expect(assumed.expiration).toBeInstanceOf(Date)
      expect(assumeRoles(sandbox)).toHaveLength(1)
    }).pipe(provideRuntime()))
})
