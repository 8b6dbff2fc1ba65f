import {
  DeleteBucketEncryptionCommand,
  DeleteBucketLifecycleCommand,
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetPublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException
} from "@aws-sdk/client-s3"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEstate, type SandboxEstate } from "../../estate/SandboxEstate.js"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { call, callError } from "../../testing/SdkCalls.js"
import { makeS3Service } from "./S3Service.js"

const setup = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 23, size: "small" })
  const bucket = estate.data.buckets.find((b) => b.encryption === undefined && b.publicAccessBlock === undefined) ?? estate.data.buckets[0]
  if (bucket === undefined) throw new Error("no bucket")
  const sandbox: SandboxHandle<SandboxEstate> = yield* start({ estate, services: [makeS3Service], dynamodb: false })
  const client = new S3Client({ endpoint: sandbox.endpoint, region: "us-east-1", forcePathStyle: true, credentials: sandbox.credentialsFor(bucket.accountId) })
  return { sandbox, client, bucket }
})

const codeOf = (error: unknown): string => {
  expect(error).toBeInstanceOf(S3ServiceException)
  return (error as S3ServiceException).name
}

const all = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }

describe("S3 bucket configuration writes", () => {
  it.scoped("PutPublicAccessBlock is read back and kept on the estate; DeletePublicAccessBlock removes it", () =>
    Effect.gen(function* () {
      const { sandbox, client, bucket } = yield* setup
      yield* call(() => client.send(new PutPublicAccessBlockCommand({ Bucket: bucket.name, PublicAccessBlockConfiguration: { ...all, RestrictPublicBuckets: false } })))
      const read = yield* call(() => client.send(new GetPublicAccessBlockCommand({ Bucket: bucket.name })))
      expect(read.PublicAccessBlockConfiguration).toEqual({ ...all, RestrictPublicBuckets: false })
      expect(bucket.publicAccessBlock).toEqual({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: false })
      yield* call(() => client.send(new DeletePublicAccessBlockCommand({ Bucket: bucket.name })))
      expect(codeOf(yield* callError(() => client.send(new GetPublicAccessBlockCommand({ Bucket: bucket.name }))))).toBe("NoSuchPublicAccessBlockConfiguration")
      expect(sandbox.log.changes().map((c) => c.operation)).toEqual(["PutPublicAccessBlock", "DeletePublicAccessBlock"])
    }))

  it.scoped("PutBucketEncryption sets the default; DeleteBucketEncryption resets it to SSE-S3, as S3 does since 2023", () =>
    Effect.gen(function* () {
      const { client, bucket } = yield* setup
      yield* call(() => client.send(new PutBucketEncryptionCommand({ Bucket: bucket.name, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } }] } })))
      const kms = yield* call(() => client.send(new GetBucketEncryptionCommand({ Bucket: bucket.name })))
      expect(kms.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe("aws:kms")
      yield* call(() => client.send(new DeleteBucketEncryptionCommand({ Bucket: bucket.name })))
      expect(bucket.encryption).toBe("AES256")
      const bad = yield* callError(() => client.send(new PutBucketEncryptionCommand({ Bucket: bucket.name, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "ROT13" as "AES256" } }] } })))
      expect(codeOf(bad)).toBe("MalformedXML")
    }))

  it.scoped("DeleteBucketLifecycle removes the rules; a missing bucket is NoSuchBucket", () =>
    Effect.gen(function* () {
      const { client, bucket } = yield* setup
      bucket.lifecycleRules = [{ id: "r", prefix: "", status: "Enabled", expirationDays: 30 }]
      yield* call(() => client.send(new DeleteBucketLifecycleCommand({ Bucket: bucket.name })))
      expect(codeOf(yield* callError(() => client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket.name }))))).toBe("NoSuchLifecycleConfiguration")
      expect(codeOf(yield* callError(() => client.send(new DeletePublicAccessBlockCommand({ Bucket: "no-such-bucket-here" }))))).toBe("NoSuchBucket")
    }))
})
