import { CreateTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb"
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2"
import { ECSClient, ListClustersCommand } from "@aws-sdk/client-ecs"
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda"
import { GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing"
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds"
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3"
import { ListAccountsCommand, OrganizationsClient, ServiceException, TooManyRequestsException } from "@aws-sdk/client-organizations"
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs"
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type SandboxHandle, start, startSandbox } from "./Sandbox.js"
import { estateDataOf } from "./estate/SandboxEstate.js"
import { up } from "./Up.js"

const call = <T>(f: () => Promise<T>) => Effect.promise(f)
const outcome = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => "ok" as const, (e: unknown) => e))
const base = (sandbox: SandboxHandle) => ({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 })

describe("Sandbox", () => {
  it.scoped("proxies DynamoDB to dynalite on the same endpoint", () =>
    Effect.gen(function* () {
      const sandbox = yield* start()
      const ddb = new DynamoDBClient(base(sandbox))
      yield* call(() =>
        ddb.send(new CreateTableCommand({ TableName: "tasks", AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }))
      )
      yield* call(() => ddb.send(new PutItemCommand({ TableName: "tasks", Item: { pk: { S: "t-1" }, n: { N: "3" } } })))
      const got = yield* call(() => ddb.send(new GetItemCommand({ TableName: "tasks", Key: { pk: { S: "t-1" } } })))
      expect(got.Item?.["n"]).toEqual({ N: "3" })
      expect(sandbox.log.changes().map((c) => `${c.service}.${c.operation}`)).toEqual(["dynamodb.CreateTable", "dynamodb.PutItem"])
      sandbox.faults.set({ rules: [{ service: "dynamodb", operation: "GetItem", throttleRate: 1 }] })
      const throttled = yield* outcome(() => ddb.send(new GetItemCommand({ TableName: "tasks", Key: { pk: { S: "t-1" } } })))
      expect((throttled as Error).name).toBe("ThrottlingException")
    }))

  it.scoped("records every request and only successful mutations as changes", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const sqs = new SQSClient(base(sandbox))
      yield* call(() => sqs.send(new ListQueuesCommand({})))
      yield* call(() => new STSClient(base(sandbox)).send(new GetCallerIdentityCommand({})))
      expect(sandbox.log.changes()).toEqual([])
      yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "q" })))
      yield* outcome(() => sqs.send(new CreateQueueCommand({ QueueName: "bad name!" })))
      const changes = sandbox.log.changes()
      expect(changes.map((c) => [c.operation, c.accountId, c.status])).toEqual([["CreateQueue", sandbox.accountId, 200]])
      expect(changes[0]?.input).toEqual({ QueueName: "q" })
      expect(sandbox.log.requests().map((r) => r.operation)).toEqual(["ListQueues", "GetCallerIdentity", "CreateQueue", "CreateQueue"])
      expect(sandbox.log.requests()[3]?.errorCode).toBe("InvalidParameterValue")
      sandbox.log.clear()
      expect(sandbox.log.requests()).toEqual([])
    }))

  it.scoped("throttles and fails deterministically for a seed, with each service's real errors", () =>
    Effect.gen(function* () {
      const pattern = (sandbox: SandboxHandle) =>
        Effect.gen(function* () {
          const org = new OrganizationsClient(base(sandbox))
          const out: Array<string> = []
          for (let i = 0; i < 40; i++) {
            const r = yield* outcome(() => org.send(new ListAccountsCommand({})))
            out.push(r === "ok" ? "ok" : r instanceof TooManyRequestsException ? "throttled" : r instanceof ServiceException ? "5xx" : "other")
          }
          return out
        })
      const faults = { seed: 7, rules: [{ service: "organizations", operation: "ListAccounts", throttleRate: 0.3, errorRate: 0.2 }] }
      const a = yield* pattern(yield* start({ dynamodb: false, faults }))
      const b = yield* pattern(yield* start({ dynamodb: false, faults }))
      const c = yield* pattern(yield* start({ dynamodb: false, faults: { ...faults, seed: 8 } }))
      expect(a).toEqual(b)
      expect(a).not.toEqual(c)
      expect(a.filter((x) => x === "throttled").length).toBeGreaterThan(4)
      expect(a.filter((x) => x === "5xx").length).toBeGreaterThan(2)
      expect(a.filter((x) => x === "ok").length).toBeGreaterThan(10)
      expect(a).not.toContain("other")
    }))

  it.scoped("maps throttling per protocol, limits per-account rate, denies listed accounts and changes at runtime", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      sandbox.faults.set({ rules: [{ throttleRate: 1 }] })
      const sqsError = yield* outcome(() => new SQSClient(base(sandbox)).send(new ListQueuesCommand({})))
      const stsError = yield* outcome(() => new STSClient(base(sandbox)).send(new GetCallerIdentityCommand({})))
      const ec2Error = yield* outcome(() => new EC2Client(base(sandbox)).send(new DescribeInstancesCommand({})))
      expect([(sqsError as Error).name, (stsError as Error).name, (ec2Error as Error).name]).toEqual(["RequestThrottled", "Throttling", "RequestLimitExceeded"])
      sandbox.faults.set({ rateLimits: [{ accountId: sandbox.accountId, perSecond: 0.001, burst: 3 }] })
      const sts = new STSClient(base(sandbox))
      const results: Array<unknown> = []
      for (let i = 0; i < 5; i++) results.push(yield* outcome(() => sts.send(new GetCallerIdentityCommand({}))))
      expect(results.slice(0, 3)).toEqual(["ok", "ok", "ok"])
      expect((results[3] as Error).name).toBe("Throttling")
      const member = new STSClient({ ...base(sandbox), credentials: sandbox.credentialsFor("222222222222") })
      expect(yield* outcome(() => member.send(new GetCallerIdentityCommand({})))).toBe("ok")
      sandbox.faults.set({ deniedAccounts: ["222222222222"] })
      const denied = yield* outcome(() => member.send(new GetCallerIdentityCommand({})))
      expect((denied as Error).name).toBe("AccessDenied")
      sandbox.faults.reset()
      expect(yield* outcome(() => member.send(new GetCallerIdentityCommand({})))).toBe("ok")
    }))

  it.scopedLive("lets the SDK's own retry strategy recover from throttling", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, faults: { seed: 11, rules: [{ service: "sqs", throttleRate: 0.3 }] } })
      const sqs = new SQSClient({ ...base(sandbox), maxAttempts: 6 })
      for (let i = 0; i < 5; i++) yield* call(() => sqs.send(new ListQueuesCommand({})))
      const statuses = sandbox.log.requests().map((r) => r.status)
      expect(statuses.filter((s) => s === 200).length).toBe(5)
      expect(statuses.filter((s) => s === 403).length).toBeGreaterThan(0)
      expect(sandbox.log.requests().filter((r) => r.status === 403).every((r) => r.errorCode === "RequestThrottled")).toBe(true)
    }))

  it.scopedLive("adds latency on demand", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, faults: { rules: [{ service: "sts", latencyMs: 150 }] } })
      const before = Date.now()
      yield* call(() => new STSClient(base(sandbox)).send(new GetCallerIdentityCommand({})))
      expect(Date.now() - before).toBeGreaterThanOrEqual(140)
    }))

  it.scoped("serves a generated estate: assume into a member and discover its instances", () =>
    Effect.gen(function* () {
      const { sandbox, exports } = yield* up({ seed: 3, size: "tiny", port: 0 })
      expect(exports.map((l) => l.split("=")[0])).toEqual(["export AWS_ENDPOINT_URL", "export AWS_ACCESS_KEY_ID", "export AWS_SECRET_ACCESS_KEY", "export AWS_REGION"])
      const members = sandbox.estate.organization.members
      expect(members.length).toBeGreaterThan(2)
      let found = 0
      for (const member of members) {
        const assumed = yield* call(() =>
          new STSClient(base(sandbox)).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member.id}:role/OrganizationAccountAccessRole`, RoleSessionName: "discovery" }))
        )
        const creds = assumed.Credentials
        for (const region of sandbox.estate.regions) {
          const ec2 = new EC2Client({ endpoint: sandbox.endpoint, region, maxAttempts: 1, credentials: { accessKeyId: creds?.AccessKeyId ?? "", secretAccessKey: creds?.SecretAccessKey ?? "", sessionToken: creds?.SessionToken ?? "" } })
          const out = yield* call(() => ec2.send(new DescribeInstancesCommand({})))
          for (const r of out.Reservations ?? []) {
            for (const i of r.Instances ?? []) {
              expect(r.OwnerId).toBe(member.id)
              expect(i.InstanceId).toMatch(/^i-/)
              found += 1
            }
          }
        }
      }
      expect(found).toBeGreaterThan(0)
      // The estate's tables are served, each in its own account's and region's DynamoDB.
      const tables = estateDataOf(sandbox.estate).tables
      const table = tables[0]
      expect(table).toBeDefined()
      if (table !== undefined) {
        const dynamo = new DynamoDBClient({ endpoint: sandbox.endpoint, region: table.region, maxAttempts: 1, credentials: sandbox.credentialsFor(table.accountId) })
        const listed = yield* call(() => dynamo.send(new ListTablesCommand({})))
        const expected = tables.filter((t) => t.accountId === table.accountId && t.region === table.region).map((t) => t.name)
        expect([...(listed.TableNames ?? [])].sort()).toEqual([...expected].sort())
      }
      expect(sandbox.log.changes()).toEqual([])
    }))

  it.scoped("routes every protocol family through one endpoint by default", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ seed: 5, size: "tiny", dynamodb: false })
      const member = sandbox.estate.organization.members.find((m) => m.ouPath?.startsWith("Workloads") === true) ?? sandbox.estate.organization.members[1]
      const creds = sandbox.credentialsFor(member?.id ?? "")
      const cfg = { ...base(sandbox), credentials: creds }
      const ecs = yield* call(() => new ECSClient(cfg).send(new ListClustersCommand({})))
      const lambda = yield* call(() => new LambdaClient(cfg).send(new ListFunctionsCommand({})))
      const rds = yield* call(() => new RDSClient(cfg).send(new DescribeDBInstancesCommand({})))
      const s3 = yield* call(() => new S3Client({ ...cfg, forcePathStyle: true }).send(new ListBucketsCommand({})))
      const pricing = yield* call(() => new PricingClient(cfg).send(new GetProductsCommand({ ServiceCode: "AmazonEC2", MaxResults: 1 })))
      for (const out of [ecs, lambda, rds, s3, pricing]) expect(out.$metadata.httpStatusCode).toBe(200)
      expect(new Set(sandbox.log.requests().map((r) => r.service))).toEqual(new Set(["ecs", "lambda", "rds", "s3", "pricing"]))
    }))

  it.scoped("fails with a SandboxError when its port is taken", () =>
    Effect.gen(function* () {
      const first = yield* start({ dynamodb: false })
      const error = yield* Effect.flip(start({ dynamodb: false, port: first.port }))
      expect(error._tag).toBe("SandboxError")
      expect(error.reason).toBe("ListenFailed")
      expect(error.message).toContain(String(first.port))
    }))

  it("starts and stops outside Effect", async () => {
    const sandbox = await startSandbox({ dynamodb: false })
    const identity = await new STSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials }).send(new GetCallerIdentityCommand({}))
    expect(identity.Account).toBe(sandbox.accountId)
    await sandbox.stop()
    const after = await new STSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 })
      .send(new GetCallerIdentityCommand({}))
      .then(() => "ok", (e: unknown) => (e as Error).name)
    expect(after).not.toBe("ok")
  })
})
