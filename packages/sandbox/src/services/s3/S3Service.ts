/**
 * S3 over REST-XML, path style (`/<bucket>?<subresource>`): ListBuckets and
 * the bucket configuration reads a security and storage audit makes, and
 * the writes the agent's fixes make: lifecycle (put, delete), public access
 * block (put, delete) and default encryption (put, delete; S3BucketConfig.ts). Missing configurations answer AWS's own
 * 404 codes (ServerSideEncryptionConfigurationNotFoundError,
 * NoSuchPublicAccessBlockConfiguration, NoSuchLifecycleConfiguration,
 * NoSuchTagSet); another account's bucket is AccessDenied. Objects (put,
 * get, head, delete, ListObjectsV2) are S3Objects.ts, over an object store
 * the sandbox shares with Athena.
 */
import { createHash } from "node:crypto"
import { Effect } from "effect"
import type { Bucket } from "../../estate/Bucket.js"
import type { EstateData } from "../../estate/EstateData.js"
import type { Estate } from "../../EstateContract.js"
import { estateDataOf } from "../../estate/SandboxEstate.js"
import { escapeXml, XML_DECLARATION } from "../../protocol/Xml.js"
import { type AwsError, awsError, type RawRequest, type RawResponse, type RequestContext, type ServiceFactory } from "../../ServiceHandler.js"
import { deleteEncryption, deletePublicAccessBlock, putEncryption, putPublicAccessBlock } from "./S3BucketConfig.js"
import { lifecycleXml, parseLifecycle } from "./S3Lifecycle.js"
import { listObjectsV2, type ObjectOperation, objectOperation } from "./S3Objects.js"
import { makeS3ObjectStore, type S3ObjectStore } from "./S3ObjectStore.js"

const NS = "http://s3.amazonaws.com/doc/2006-03-01/"
const TOKEN_PREFIX = "sbx1:"

type Operation =
  | "ListBuckets"
  | "GetBucketLocation"
  | "GetBucketEncryption"
  | "GetPublicAccessBlock"
  | "GetBucketLifecycleConfiguration"
  | "PutBucketLifecycleConfiguration"
  | "DeleteBucketLifecycle"
  | "PutPublicAccessBlock"
  | "DeletePublicAccessBlock"
  | "PutBucketEncryption"
  | "DeleteBucketEncryption"
  | "GetBucketTagging"
  | "ListObjectsV2"
  | ObjectOperation
  | "Unknown"

const OBJECT_OPERATIONS: Readonly<Record<string, ObjectOperation>> = { PUT: "PutObject", GET: "GetObject", HEAD: "HeadObject", DELETE: "DeleteObject" }

const route = (req: RawRequest): { readonly operation: Operation; readonly bucket: string; readonly key: string } => {
  const [bucket = "", ...rest] = req.path.split("/").filter((s) => s !== "")
  if (bucket === "") return { operation: req.method === "GET" ? "ListBuckets" : "Unknown", bucket, key: "" }
  if (rest.length > 0) {
    // The key is the rest of the path as sent (empty segments and a trailing "/" are part of it), each segment percent-decoded.
    const key = req.path.slice(req.path.indexOf(bucket) + bucket.length + 1).split("/").map(decodeURIComponent).join("/")
    const object = req.query.has("uploads") || req.query.has("uploadId") || req.query.has("tagging") || req.query.has("acl") ? undefined : OBJECT_OPERATIONS[req.method]
    return { operation: object ?? "Unknown", bucket: decodeURIComponent(bucket), key }
  }
  const q = req.query
  const operation: Operation =
    req.method === "GET" && q.has("location") ? "GetBucketLocation"
    : req.method === "GET" && q.has("encryption") ? "GetBucketEncryption"
    : req.method === "GET" && q.has("publicAccessBlock") ? "GetPublicAccessBlock"
    : req.method === "GET" && q.has("lifecycle") ? "GetBucketLifecycleConfiguration"
    : req.method === "PUT" && q.has("lifecycle") ? "PutBucketLifecycleConfiguration"
    : req.method === "DELETE" && q.has("lifecycle") ? "DeleteBucketLifecycle"
    : req.method === "PUT" && q.has("publicAccessBlock") ? "PutPublicAccessBlock"
    : req.method === "DELETE" && q.has("publicAccessBlock") ? "DeletePublicAccessBlock"
    : req.method === "PUT" && q.has("encryption") ? "PutBucketEncryption"
    : req.method === "DELETE" && q.has("encryption") ? "DeleteBucketEncryption"
    : req.method === "GET" && q.has("tagging") ? "GetBucketTagging"
    : req.method === "GET" && q.get("list-type") === "2" ? "ListObjectsV2"
    : "Unknown"
  return { operation, bucket: decodeURIComponent(bucket), key: "" }
}

const xml = (ctx: RequestContext, body: string): RawResponse => ({
  status: 200,
  headers: { "content-type": "application/xml", "x-amz-request-id": ctx.requestId, "x-amz-id-2": Buffer.from(ctx.requestId).toString("base64") },
  body: `${XML_DECLARATION}${body}`
})

/** S3's canonical user id: 64 hex characters, stable per account. */
const canonicalId = (accountId: string): string => createHash("sha256").update(`sandbox-canonical-${accountId}`).digest("hex")

const ok = (ctx: RequestContext): RawResponse => ({ status: 200, headers: { "x-amz-request-id": ctx.requestId }, body: "" })
const noContent = (ctx: RequestContext): RawResponse => ({ status: 204, headers: { "x-amz-request-id": ctx.requestId }, body: "" })
const done = (error: AwsError | undefined, response: RawResponse): Effect.Effect<RawResponse, AwsError> => (error === undefined ? Effect.succeed(response) : Effect.fail(error))

const notFound = (code: string, message: string, bucket: string): AwsError => awsError(code, message, { status: 404, fields: { BucketName: bucket } })

/** S3 over `objects` (Sandbox.ts shares one store with Athena). */
export const makeS3ServiceWith = (objects: S3ObjectStore): ServiceFactory<Estate> => (env) => {
  const data: EstateData = estateDataOf(env.estate)

  const find = (name: string, ctx: RequestContext): Effect.Effect<Bucket, AwsError> => {
    const bucket = data.buckets.find((b) => b.name === name)
    if (bucket === undefined) return Effect.fail(notFound("NoSuchBucket", "The specified bucket does not exist", name))
    if (bucket.accountId !== ctx.accountId) return Effect.fail(awsError("AccessDenied", "Access Denied", { status: 403 }))
    return Effect.succeed(bucket)
  }

  const listBuckets = (req: RawRequest, ctx: RequestContext) =>
    Effect.gen(function* () {
      const prefix = req.query.get("prefix") ?? ""
      const region = req.query.get("bucket-region")
      const rawMax = req.query.get("max-buckets")
      const max = rawMax === null ? undefined : Number(rawMax)
      if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 10_000)) {
        return yield* Effect.fail(awsError("InvalidArgument", "max-buckets must be between 1 and 10000"))
      }
      const token = req.query.get("continuation-token")
      const offset = token === null ? 0 : Number(Buffer.from(token, "base64url").toString("utf8").slice(TOKEN_PREFIX.length))
      if (!Number.isInteger(offset) || offset < 0) return yield* Effect.fail(awsError("InvalidArgument", "The continuation token provided is incorrect"))
      const mine = data.buckets
        .filter((b) => b.accountId === ctx.accountId && b.name.startsWith(prefix) && (region === null || b.region === region))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      const items = max === undefined ? mine.slice(offset) : mine.slice(offset, offset + max)
      const next = max !== undefined && offset + max < mine.length ? Buffer.from(`${TOKEN_PREFIX}${offset + max}`).toString("base64url") : undefined
      const buckets = items
        .map((b) => `<Bucket><Name>${escapeXml(b.name)}</Name><CreationDate>${new Date(b.creationDate).toISOString()}</CreationDate><BucketRegion>${b.region}</BucketRegion></Bucket>`)
        .join("")
      return xml(
        ctx,
        `<ListAllMyBucketsResult xmlns="${NS}"><Owner><ID>${canonicalId(ctx.accountId)}</ID></Owner><Buckets>${buckets}</Buckets>` +
          (next === undefined ? "" : `<ContinuationToken>${next}</ContinuationToken>`) +
          (prefix === "" ? "" : `<Prefix>${escapeXml(prefix)}</Prefix>`) +
          `</ListAllMyBucketsResult>`
      )
    })

  const handle = (req: RawRequest, ctx: RequestContext): Effect.Effect<RawResponse, AwsError> => {
    const { operation, bucket: name, key } = route(req)
    if (operation === "ListBuckets") return listBuckets(req, ctx)
    if (operation === "Unknown") {
      return Effect.fail(awsError("NotImplemented", `The sandbox does not implement ${req.method} ${req.path}`, { status: 501 }))
    }
    return Effect.flatMap(find(name, ctx), (b): Effect.Effect<RawResponse, AwsError> => {
      switch (operation) {
        case "PutObject":
        case "GetObject":
        case "HeadObject":
        case "DeleteObject":
          return objectOperation(objects, operation, b.name, key, req, ctx)
        case "ListObjectsV2":
          return listObjectsV2(objects, b.name, req, ctx)
        case "GetBucketLocation":
          // us-east-1 is the empty location constraint, as on AWS.
          return Effect.succeed(xml(ctx, `<LocationConstraint xmlns="${NS}">${b.region === "us-east-1" ? "" : b.region}</LocationConstraint>`))
        case "GetBucketEncryption": {
          if (b.encryption === undefined) {
            return Effect.fail(notFound("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found", b.name))
          }
          const key = b.encryption === "aws:kms" ? `<KMSMasterKeyID>arn:aws:kms:${b.region}:${b.accountId}:alias/aws/s3</KMSMasterKeyID>` : ""
          return Effect.succeed(
            xml(ctx, `<ServerSideEncryptionConfiguration xmlns="${NS}"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${b.encryption}</SSEAlgorithm>${key}</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`)
          )
        }
        case "GetPublicAccessBlock": {
          const p = b.publicAccessBlock
          if (p === undefined) return Effect.fail(notFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", b.name))
          return Effect.succeed(
            xml(ctx, `<PublicAccessBlockConfiguration xmlns="${NS}"><BlockPublicAcls>${p.blockPublicAcls}</BlockPublicAcls><IgnorePublicAcls>${p.ignorePublicAcls}</IgnorePublicAcls><BlockPublicPolicy>${p.blockPublicPolicy}</BlockPublicPolicy><RestrictPublicBuckets>${p.restrictPublicBuckets}</RestrictPublicBuckets></PublicAccessBlockConfiguration>`)
          )
        }
        case "GetBucketLifecycleConfiguration":
          if (b.lifecycleRules === undefined || b.lifecycleRules.length === 0) {
            return Effect.fail(notFound("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", b.name))
          }
          return Effect.succeed(xml(ctx, `<LifecycleConfiguration xmlns="${NS}">${lifecycleXml(b.lifecycleRules)}</LifecycleConfiguration>`))
        case "PutBucketLifecycleConfiguration": {
          const rules = parseLifecycle(req.body.toString("utf8"))
          if (rules === undefined || rules.length === 0) {
            return Effect.fail(awsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"))
          }
          b.lifecycleRules = rules
          return Effect.succeed({ status: 200, headers: { "x-amz-request-id": ctx.requestId, "x-amz-transition-default-minimum-object-size": "all_storage_classes_128K" }, body: "" })
        }
        case "DeleteBucketLifecycle":
          delete b.lifecycleRules
          return Effect.succeed(noContent(ctx))
        case "PutPublicAccessBlock":
          return done(putPublicAccessBlock(b, req.body.toString("utf8")), ok(ctx))
        case "DeletePublicAccessBlock":
          deletePublicAccessBlock(b)
          return Effect.succeed(noContent(ctx))
        case "PutBucketEncryption":
          return done(putEncryption(b, req.body.toString("utf8")), ok(ctx))
        case "DeleteBucketEncryption":
          deleteEncryption(b)
          return Effect.succeed(noContent(ctx))
        case "GetBucketTagging": {
          const tags = Object.entries(b.tags)
          if (tags.length === 0) return Effect.fail(notFound("NoSuchTagSet", "The TagSet does not exist", b.name))
          const set = tags.map(([k, v]) => `<Tag><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></Tag>`).join("")
          return Effect.succeed(xml(ctx, `<Tagging xmlns="${NS}"><TagSet>${set}</TagSet></Tagging>`))
        }
      }
    })
  }

  return {
    signingName: "s3",
    protocol: "rest-xml",
    rest: {
      resolve: (req) => {
        const { operation } = route(req)
        return { operation, readOnly: operation.startsWith("Get") || operation.startsWith("List") || operation === "HeadObject" || operation === "Unknown" }
      },
      handle
    },
    errors: {
      throttling: { code: "SlowDown", status: 503, message: "Please reduce your request rate." },
      internal: { code: "InternalError", status: 500, message: "We encountered an internal error. Please try again." }
    }
  }
}

/** S3 with objects of its own (a sandbox built without the shared store, e.g. in `SandboxOptions.services`). */
export const makeS3Service: ServiceFactory<Estate> = (env) => makeS3ServiceWith(makeS3ObjectStore())(env)
