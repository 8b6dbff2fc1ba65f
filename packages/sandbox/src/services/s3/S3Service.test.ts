import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  NoSuchBucket,
  paginateListBuckets,
  PutBucketLifecycleConfigurationCommand,
  S3Client,
  S3ServiceException
} from "@aws-sdk/client-s3"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEstate, type SandboxEstate } from "../../estate/SandboxEstate.js"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { makeS3Service } from "./S3Service.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"

const setup = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 7, size: "small" })
  const counts = new Map<string, number>()
  for (const b of estate.data.buckets) counts.set(b.accountId, (counts.get(b.accountId) ?? 0) + 1)
  const [accountId = ""] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? []
  const sandbox: SandboxHandle<SandboxEstate> = yield* start({ estate, services: [makeS3Service], dynamodb: false })
  const client = new S3Client({ endpoint: sandbox.endpoint, region: "us-east-1", forcePathStyle: true, credentials: sandbox.credentialsFor(accountId) })
  return { sandbox, client, mine: estate.data.buckets.filter((b) => b.accountId === accountId), all: estate.data.buckets }
})

const s3Error = (error: unknown): { name: string; status: number | undefined } => {
  expect(error).toBeInstanceOf(S3ServiceException)
  const e = error as S3ServiceException
  return { name: e.name, status: e.$metadata.httpStatusCode }
}

describe("S3", () => {
  it.scoped("ListBuckets lists the account's buckets, and pages with a continuation token", () =>
    Effect.gen(function* () {
      const { client, mine } = yield* setup
      expect(mine.length).toBeGreaterThan(2)
      const listed = yield* call(() => client.send(new ListBucketsCommand({})))
      const names = [...mine.map((b) => b.name)].sort()
      expect((listed.Buckets ?? []).map((b) => b.Name)).toEqual(names)
      expect(listed.Owner?.ID).toMatch(/^[0-9a-f]{64}$/)
      const first = mine.find((b) => b.name === names[0])
      expect(listed.Buckets?.[0]).toEqual({ Name: first?.name, CreationDate: new Date(first?.creationDate ?? 0), BucketRegion: first?.region })
      expect(listed.ContinuationToken).toBeUndefined()
      const pages = yield* collect(paginateListBuckets({ client, pageSize: 2 }, {}))
      expect(pages.flatMap((p) => p.Buckets ?? []).map((b) => b.Name)).toEqual(names)
      expect(pages.length).toBe(Math.ceil(names.length / 2))
    }))

  it.scoped("answers location, encryption, public access block and tagging, or AWS's not-found errors", () =>
    Effect.gen(function* () {
      const { client, mine, all } = yield* setup
      // The seed gives both sides of every branch below, so each answer and each not-found error is checked.
      const both = (has: (b: (typeof mine)[number]) => boolean) => [mine.some(has), mine.some((b) => !has(b))]
      expect([both((b) => b.encryption !== undefined), both((b) => b.publicAccessBlock !== undefined), both((b) => Object.keys(b.tags).length > 0)]).toEqual([[true, true], [true, true], [true, true]])
      for (const b of mine) {
        const location = yield* call(() => client.send(new GetBucketLocationCommand({ Bucket: b.name })))
        expect(location.LocationConstraint ?? "").toBe(b.region === "us-east-1" ? "" : b.region)
        if (b.encryption === undefined) {
          expect(s3Error(yield* callError(() => client.send(new GetBucketEncryptionCommand({ Bucket: b.name }))))).toEqual({ name: "ServerSideEncryptionConfigurationNotFoundError", status: 404 })
        } else {
          const enc = yield* call(() => client.send(new GetBucketEncryptionCommand({ Bucket: b.name })))
          expect(enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe(b.encryption)
          expect(enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.BucketKeyEnabled).toBe(false)
        }
        if (b.publicAccessBlock === undefined) {
          expect(s3Error(yield* callError(() => client.send(new GetPublicAccessBlockCommand({ Bucket: b.name }))))).toEqual({ name: "NoSuchPublicAccessBlockConfiguration", status: 404 })
        } else {
          const block = yield* call(() => client.send(new GetPublicAccessBlockCommand({ Bucket: b.name })))
          expect(block.PublicAccessBlockConfiguration).toEqual({
            BlockPublicAcls: b.publicAccessBlock.blockPublicAcls,
            IgnorePublicAcls: b.publicAccessBlock.ignorePublicAcls,
            BlockPublicPolicy: b.publicAccessBlock.blockPublicPolicy,
            RestrictPublicBuckets: b.publicAccessBlock.restrictPublicBuckets
          })
        }
        if (Object.keys(b.tags).length === 0) {
          expect(s3Error(yield* callError(() => client.send(new GetBucketTaggingCommand({ Bucket: b.name })))).name).toBe("NoSuchTagSet")
        } else {
          const tagging = yield* call(() => client.send(new GetBucketTaggingCommand({ Bucket: b.name })))
          expect(tagging.TagSet).toEqual(Object.entries(b.tags).map(([Key, Value]) => ({ Key, Value })))
        }
      }
      const missing = yield* callError(() => client.send(new GetBucketLocationCommand({ Bucket: "no-such-bucket-anywhere" })))
      expect(missing).toBeInstanceOf(NoSuchBucket)
      const foreign = all.find((b) => !mine.includes(b))
      if (foreign === undefined) throw new Error("the seed gives no bucket of another account")
      expect(s3Error(yield* callError(() => client.send(new GetBucketEncryptionCommand({ Bucket: foreign.name }))))).toEqual({ name: "AccessDenied", status: 403 })
    }))

  it.scoped("reads lifecycle rules and puts a new configuration", () =>
    Effect.gen(function* () {
      const { client, mine, sandbox } = yield* setup
      const withRules = mine.find((b) => b.lifecycleRules !== undefined)
      const without = mine.find((b) => b.lifecycleRules === undefined)
      if (withRules === undefined) throw new Error("no bucket has a lifecycle")
      const got = yield* call(() => client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: withRules.name })))
      expect(got.Rules?.[0]).toMatchObject({ ID: withRules.lifecycleRules?.[0]?.id, Status: "Enabled", Transitions: [{ Days: withRules.lifecycleRules?.[0]?.transitionDays, StorageClass: "STANDARD_IA" }] })
      if (without === undefined) throw new Error("every bucket has a lifecycle")
      expect(s3Error(yield* callError(() => client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: without.name }))))).toEqual({ name: "NoSuchLifecycleConfiguration", status: 404 })
      yield* call(() =>
        client.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket: without.name,
            LifecycleConfiguration: {
              Rules: [{ ID: "tier-down", Status: "Enabled", Filter: { Prefix: "logs/" }, Transitions: [{ Days: 30, StorageClass: "GLACIER_IR" }], Expiration: { Days: 400 } }]
            }
          })
        )
      )
      const put = yield* call(() => client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: without.name })))
      expect(put.Rules).toEqual([{ ID: "tier-down", Status: "Enabled", Filter: { Prefix: "logs/" }, Transitions: [{ Days: 30, StorageClass: "GLACIER_IR" }], Expiration: { Days: 400 } }])
      expect(without.lifecycleRules).toEqual([{ id: "tier-down", prefix: "logs/", status: "Enabled", transitionDays: 30, transitionStorageClass: "GLACIER_IR", expirationDays: 400 }])
      expect(sandbox.log.changes().map((c) => `${c.service}:${c.operation}`)).toEqual(["s3:PutBucketLifecycleConfiguration"])
    }))
})
