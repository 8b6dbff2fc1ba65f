import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException
} from "@aws-sdk/client-s3"
import { Readable } from "node:stream"
import { describe, expect, it } from "@effect/vitest"
import { createHash } from "node:crypto"
import { Effect } from "effect"
import { sandboxEstate, type SandboxEstate } from "../../estate/SandboxEstate.js"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"

const setup = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 7, size: "small" })
  const sandbox: SandboxHandle<SandboxEstate> = yield* start({ estate, dynamodb: false })
  const [mine, other] = estate.data.buckets
  if (mine === undefined || other === undefined) throw new Error("the seed has no buckets")
  const owner = estate.data.buckets.find((b) => b.accountId !== mine.accountId) ?? other
  const client = new S3Client({ endpoint: sandbox.endpoint, region: "us-east-1", forcePathStyle: true, credentials: sandbox.credentialsFor(mine.accountId) })
  return { sandbox, client, bucket: mine.name, foreign: owner.name }
})

const errorOf = (error: unknown) => {
  expect(error).toBeInstanceOf(S3ServiceException)
  const e = error as S3ServiceException
  return { name: e.name, status: e.$metadata.httpStatusCode }
}

/** Every byte value, so a text decoding anywhere on the way would show. */
const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) % 256))

describe("S3 objects", () => {
  it.scoped("put, get, head and delete keep the bytes, ETag, Content-Type and metadata", () =>
    Effect.gen(function* () {
      const { client, bucket, sandbox } = yield* setup
      const key = "dir/sub dir/ünïcode+key.bin"
      const put = yield* call(() => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: binary, ContentType: "application/x-test", Metadata: { owner: "team-a", Purpose: "Tests" } })))
      const md5 = `"${createHash("md5").update(binary).digest("hex")}"`
      expect(put.ETag).toBe(md5)
      const got = yield* call(() => client.send(new GetObjectCommand({ Bucket: bucket, Key: key })))
      const bytes = Buffer.from(yield* call(() => got.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())))
      expect(bytes.equals(binary)).toBe(true)
      expect(got).toMatchObject({ ContentLength: binary.length, ETag: md5, ContentType: "application/x-test", Metadata: { owner: "team-a", purpose: "Tests" } })
      expect(got.LastModified?.getTime()).toBe(Math.floor(sandbox.clock.now().getTime() / 1000) * 1000)
      const head = yield* call(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))
      expect(head).toMatchObject({ ContentLength: binary.length, ETag: md5, Metadata: { owner: "team-a", purpose: "Tests" } })
      const ranged = yield* call(() => client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: "bytes=10-19" })))
      expect(ranged.$metadata.httpStatusCode).toBe(206)
      expect(ranged.ContentRange).toBe(`bytes 10-19/${binary.length}`)
      expect(Buffer.from(yield* call(() => ranged.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()))).equals(binary.subarray(10, 20))).toBe(true)
      const deleted = yield* call(() => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })))
      expect(deleted.$metadata.httpStatusCode).toBe(204)
      // Deleting again succeeds (idempotent); the key is gone for get and head.
      expect((yield* call(() => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })))).$metadata.httpStatusCode).toBe(204)
      const missing = yield* callError(() => client.send(new GetObjectCommand({ Bucket: bucket, Key: key })))
      expect(missing).toBeInstanceOf(NoSuchKey)
      expect(errorOf(missing)).toEqual({ name: "NoSuchKey", status: 404 })
      const headMissing = yield* callError(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))
      expect(headMissing).toBeInstanceOf(NotFound)
      expect(errorOf(headMissing).status).toBe(404)
    }))

  it.scoped("a streamed body (aws-chunked with a CRC32 trailer) is stored without its chunk framing", () =>
    Effect.gen(function* () {
      const { client, bucket, sandbox } = yield* setup
      const parts = [binary.subarray(0, 1000), binary.subarray(1000)]
      yield* call(() => client.send(new PutObjectCommand({ Bucket: bucket, Key: "streamed", Body: Readable.from(parts), ContentLength: binary.length })))
      // The SDK sent the chunk framing (a hex size line first), and the object is the bytes without it.
      const logged = sandbox.log.requests().find((r) => r.operation === "PutObject")?.input
      expect(String((logged as { body?: unknown } | undefined)?.body)).toMatch(/^[0-9a-f]+\r\n/)
      const got = yield* call(() => client.send(new GetObjectCommand({ Bucket: bucket, Key: "streamed" })))
      expect(Buffer.from(yield* call(() => got.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()))).equals(binary)).toBe(true)
    }))

  it.scoped("NoSuchBucket for an unknown bucket, AccessDenied for another account's", () =>
    Effect.gen(function* () {
      const { client, foreign } = yield* setup
      const unknown = yield* callError(() => client.send(new PutObjectCommand({ Bucket: "no-such-bucket-here", Key: "k", Body: "x" })))
      expect(unknown).toBeInstanceOf(NoSuchBucket)
      expect(errorOf(yield* callError(() => client.send(new ListObjectsV2Command({ Bucket: "no-such-bucket-here" }))))).toEqual({ name: "NoSuchBucket", status: 404 })
      expect(errorOf(yield* callError(() => client.send(new GetObjectCommand({ Bucket: foreign, Key: "k" }))))).toEqual({ name: "AccessDenied", status: 403 })
    }))

  it.scoped("ListObjectsV2 pages over more than MaxKeys keys with a delimiter, in UTF-8 binary order", () =>
    Effect.gen(function* () {
      const { client, bucket } = yield* setup
      // 1,200 keys at the top level, three "folders", and keys whose UTF-16 order differs from their UTF-8 order.
      const top = Array.from({ length: 1200 }, (_, i) => `logs/f${String(i).padStart(4, "0")}`)
      const nested = ["logs/a/1", "logs/a/2", "logs/m/1", "logs/z/1"]
      const odd = ["logs/\u{1F600}", "logs/\uFF61"]
      yield* Effect.forEach([...top, ...nested, ...odd, "other/x"], (Key) => call(() => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))), { concurrency: 16, discard: true })
      const first = yield* call(() => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "logs/", Delimiter: "/" })))
      expect(first).toMatchObject({ MaxKeys: 1000, KeyCount: 1000, IsTruncated: true, Prefix: "logs/", Delimiter: "/" })
      expect(first.NextContinuationToken).toEqual(expect.any(String))
      const pages = yield* collect(paginateListObjectsV2({ client, pageSize: 300 }, { Bucket: bucket, Prefix: "logs/", Delimiter: "/" }))
      expect(pages.map((p) => p.KeyCount)).toEqual([300, 300, 300, 300, 5])
      const keys = pages.flatMap((p) => (p.Contents ?? []).map((c) => c.Key))
      const prefixes = pages.flatMap((p) => (p.CommonPrefixes ?? []).map((c) => c.Prefix))
      expect(prefixes).toEqual(["logs/a/", "logs/m/", "logs/z/"])
      // UTF-8 order puts U+FF61 (EF BD A1) before U+1F600 (F0 9F 98 80); UTF-16 order would not.
      expect(keys).toEqual([...top, "logs/\uFF61", "logs/\u{1F600}"])
      expect(pages.at(-1)?.IsTruncated).toBe(false)
      const sized = pages[0]?.Contents?.[0]
      expect(sized).toMatchObject({ Key: "logs/f0000", Size: "logs/f0000".length, StorageClass: "STANDARD" })
      const after = yield* call(() => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "logs/", StartAfter: "logs/f1198", MaxKeys: 2000 })))
      expect((after.Contents ?? []).map((c) => c.Key)).toEqual(["logs/f1199", "logs/m/1", "logs/z/1", "logs/\uFF61", "logs/\u{1F600}"])
      expect(after).toMatchObject({ MaxKeys: 1000, KeyCount: 5, IsTruncated: false, StartAfter: "logs/f1198" })
    }))
})
