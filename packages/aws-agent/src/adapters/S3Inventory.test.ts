import { GetBucketEncryptionCommand, GetBucketLifecycleConfigurationCommand, GetBucketLocationCommand, GetPublicAccessBlockCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3"
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { mockClient } from "aws-sdk-client-mock"
import { Effect, Exit, Layer } from "effect"
import { ACCOUNT, placebo, placeboError, runtime, target } from "./Placebo.testkit.js"
import * as S3Inventory from "./S3Inventory.js"

const sts = mockClient(STSClient)
const s3 = mockClient(S3Client)
sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/test`, UserId: "AIDA" })

const layer = S3Inventory.layer({ forcePathStyle: false }).pipe(Layer.provideMerge(runtime))
const noLifecycle = Object.assign(new Error("The lifecycle configuration does not exist"), { name: "NoSuchLifecycleConfiguration", $fault: "client", $metadata: { httpStatusCode: 404 } })

const buckets = Effect.flatMap(S3Inventory.S3Inventory, (inv) => inv.buckets(target()))

describe("S3Inventory over recorded S3 responses", () => {
  it.effect("reads default encryption, and a missing one (404) as none", () =>
    Effect.gen(function* () {
      s3.reset()
      s3.on(ListBucketsCommand).resolves(placebo("s3", "test_s3_encryption_audit__s3.ListBuckets_1.json"))
      s3.on(GetBucketLocationCommand).resolves({ LocationConstraint: "us-east-2" })
      s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } })
      s3.on(GetBucketLifecycleConfigurationCommand).rejects(noLifecycle)
      s3.on(GetBucketEncryptionCommand, { Bucket: "c7n-aws-s3-encryption-audit-test-a" }).resolves(placebo("s3", "test_s3_encryption_audit__s3.GetBucketEncryption_1.json"))
      s3.on(GetBucketEncryptionCommand, { Bucket: "c7n-aws-s3-encryption-audit-test-b" }).resolves(placebo("s3", "test_s3_encryption_audit__s3.GetBucketEncryption_2.json"))
      s3.on(GetBucketEncryptionCommand, { Bucket: "c7n-aws-s3-encryption-audit-test-c" }).rejects(placeboError("s3", "test_s3_encryption_audit__s3.GetBucketEncryption_3.json"))
      const found = yield* buckets
      expect(found.map((b) => [b.id, b.details._tag === "s3-bucket" ? b.details.encryption : ""])).toEqual([
        ["c7n-aws-s3-encryption-audit-test-a", "aws:kms"],
        ["c7n-aws-s3-encryption-audit-test-b", "AES256"],
        ["c7n-aws-s3-encryption-audit-test-c", "none"]
      ])
      for (const b of found) {
        expect(b.region).toBe("us-east-2")
        expect(b.owner).toBe("Jobs")
        expect(b.arn).toBe(`arn:aws:s3:::${b.id}`)
        expect(b.details._tag === "s3-bucket" && b.details.lifecycleRules).toBe(0)
      }
    }).pipe(Effect.provide(layer)))

  it.effect("reads a missing public access block as absent and a partial one as it is", () =>
    Effect.gen(function* () {
      s3.reset()
      s3.on(ListBucketsCommand).resolves(placebo("s3", "test_s3_check_public_block__s3.ListBuckets_1.json"))
      s3.on(GetBucketLocationCommand).resolves({})
      s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] } })
      s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [{ ID: "expire", Status: "Enabled" }] })
      s3.on(GetPublicAccessBlockCommand, { Bucket: "644160558196-us-east-1-s3-logs" }).rejects(placeboError("s3", "test_s3_check_public_block__s3.GetPublicAccessBlock_1.json"))
      s3.on(GetPublicAccessBlockCommand, { Bucket: "644160558196-us-east-2-s3-logs" }).resolves(placebo("s3", "test_s3_check_public_block__s3.GetPublicAccessBlock_2.json"))
      s3.on(GetPublicAccessBlockCommand, { Bucket: "my-locked-down-bucket" }).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } })
      const found = yield* buckets
      const block = (id: string) => {
        const b = found.find((r) => r.id === id)
        return b?.details._tag === "s3-bucket" ? b.details.publicAccessBlock : "missing bucket"
      }
      expect(block("644160558196-us-east-1-s3-logs")).toBeUndefined()
      expect(block("644160558196-us-east-2-s3-logs")).toMatchObject({ blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: true })
      expect(found.every((b) => b.region === "us-east-1" && b.details._tag === "s3-bucket" && b.details.lifecycleRules === 1)).toBe(true)
    }).pipe(Effect.provide(layer)))

  it.effect("an access-denied answer (403) fails the read with AccessDenied instead of guessing", () =>
    Effect.gen(function* () {
      s3.reset()
      s3.on(ListBucketsCommand).resolves(placebo("s3", "test_s3_check_public_block__s3.ListBuckets_1.json"))
      s3.on(GetBucketLocationCommand).resolves({})
      s3.on(GetBucketEncryptionCommand).resolves({})
      s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [] })
      s3.on(GetPublicAccessBlockCommand).rejects(placeboError("s3", "test_s3_check_public_block__s3.GetPublicAccessBlock_3.json"))
      const exit = yield* Effect.exit(buckets)
      expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("AccessDenied")
    }).pipe(Effect.provide(layer)))

  it("maps GetBucketLocation's constraints to regions", () => {
    expect(S3Inventory.locationRegion(undefined)).toBe("us-east-1")
    expect(S3Inventory.locationRegion("")).toBe("us-east-1")
    expect(S3Inventory.locationRegion("EU")).toBe("eu-west-1")
    expect(S3Inventory.locationRegion("ap-northeast-1")).toBe("ap-northeast-1")
  })
})
