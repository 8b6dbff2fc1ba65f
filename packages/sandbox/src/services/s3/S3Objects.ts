/**
 * S3's object operations over the sandbox's object store: PutObject,
 * GetObject (with a single `Range: bytes=a-b`), HeadObject, DeleteObject and
 * ListObjectsV2. The bucket has been found (and checked to be the caller's)
 * by S3Service.ts.
 *
 * The SDK v3 sends bodies with flexible checksums: a Buffer body comes whole
 * with `x-amz-checksum-crc32`, a stream body as `Content-Encoding:
 * aws-chunked` (hex chunk sizes, a `0` chunk, then trailers carrying the
 * checksum). The chunk framing is decoded, never stored, and a checksum or
 * `Content-MD5` that does not match is `BadDigest`, as on S3.
 */
import { createHash } from "node:crypto"
import { crc32 } from "node:zlib"
import { Effect } from "effect"
import { escapeXml, XML_DECLARATION } from "../../protocol/Xml.js"
import { type AwsError, awsError, type RawRequest, type RawResponse, type RequestContext } from "../../ServiceHandler.js"
import type { S3Object, S3ObjectStore } from "./S3ObjectStore.js"

const NS = "http://s3.amazonaws.com/doc/2006-03-01/"
const TOKEN_PREFIX = "sbx1:"
const MAX_KEYS = 1000

export type ObjectOperation = "PutObject" | "GetObject" | "HeadObject" | "DeleteObject"

/** Decodes `aws-chunked` framing: `<hex size>[;chunk-signature=...]\r\n<bytes>\r\n` ... `0\r\n<trailers>\r\n\r\n`. */
const decodeChunked = (body: Buffer): { readonly data: Buffer; readonly trailers: Record<string, string> } | undefined => {
  const parts: Array<Buffer> = []
  let at = 0
  while (at < body.length) {
    const eol = body.indexOf("\r\n", at)
    if (eol < 0) return undefined
    const size = Number.parseInt(body.subarray(at, eol).toString("latin1").split(";")[0] ?? "", 16)
    if (!Number.isInteger(size) || size < 0 || eol + 2 + size > body.length) return undefined
    at = eol + 2
    if (size === 0) {
      const trailers: Record<string, string> = {}
      for (const line of body.subarray(at).toString("latin1").split("\r\n")) {
        const colon = line.indexOf(":")
        if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      return { data: Buffer.concat(parts), trailers }
    }
    parts.push(body.subarray(at, at + size))
    at += size + 2
  }
  return undefined
}

const crc32Base64 = (data: Buffer): string => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(crc32(data) >>> 0)
  return out.toString("base64")
}

const badDigest = (what: string): AwsError => awsError("BadDigest", `The ${what} you specified did not match the calculated checksum.`)

/** The object's bytes as sent, without chunk framing, checked against the checksums that came with them. */
const payload = (req: RawRequest): Buffer | AwsError => {
  const chunked = (req.headers["content-encoding"] ?? "").includes("aws-chunked") || (req.headers["x-amz-content-sha256"] ?? "").startsWith("STREAMING-")
  const decoded = chunked ? decodeChunked(req.body) : { data: req.body, trailers: {} }
  if (decoded === undefined) return awsError("IncompleteBody", "The request body terminated unexpectedly")
  const crc = decoded.trailers["x-amz-checksum-crc32"] ?? req.headers["x-amz-checksum-crc32"]
  if (crc !== undefined && crc !== crc32Base64(decoded.data)) return badDigest("CRC32 checksum")
  const md5 = req.headers["content-md5"]
  if (md5 !== undefined && md5 !== createHash("md5").update(decoded.data).digest("base64")) return badDigest("Content-MD5")
  return decoded.data
}

const headersOf = (object: S3Object, ctx: RequestContext): Record<string, string> => ({
  "x-amz-request-id": ctx.requestId,
  etag: object.etag,
  "last-modified": object.lastModified.toUTCString(),
  "content-type": object.contentType,
  "accept-ranges": "bytes",
  ...Object.fromEntries(Object.entries(object.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]))
})

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` over `size` bytes; undefined when unsatisfiable. */
const parseRange = (header: string, size: number): { readonly start: number; readonly end: number } | undefined => {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (m === null || (m[1] === "" && m[2] === "")) return undefined
  const start = m[1] === "" ? Math.max(0, size - Number(m[2])) : Number(m[1])
  const end = m[1] === "" || m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1)
  return start > end || start >= size ? undefined : { start, end }
}

const noSuchKey = (key: string): AwsError => awsError("NoSuchKey", "The specified key does not exist.", { status: 404, fields: { Key: key } })

/** One object operation on `bucket` (found and the caller's). */
export const objectOperation = (
  store: S3ObjectStore,
  operation: ObjectOperation,
  bucket: string,
  key: string,
  req: RawRequest,
  ctx: RequestContext
): Effect.Effect<RawResponse, AwsError> => {
  switch (operation) {
    case "PutObject": {
      const body = payload(req)
      if (!Buffer.isBuffer(body)) return Effect.fail(body)
      const metadata = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith("x-amz-meta-")).map(([k, v]) => [k.slice("x-amz-meta-".length), v]))
      const etag = `"${createHash("md5").update(body).digest("hex")}"`
      store.put(bucket, key, { body, etag, contentType: req.headers["content-type"] ?? "binary/octet-stream", metadata, lastModified: ctx.now })
      const crc = req.headers["x-amz-checksum-crc32"] ?? (req.headers["x-amz-trailer"] === "x-amz-checksum-crc32" ? crc32Base64(body) : undefined)
      return Effect.succeed({ status: 200, headers: { "x-amz-request-id": ctx.requestId, etag, ...(crc === undefined ? {} : { "x-amz-checksum-crc32": crc }) }, body: "" })
    }
    case "GetObject":
    case "HeadObject": {
      const object = store.get(bucket, key)
      // HEAD answers carry no body: the SDK sees a bare 404 (NotFound), as from S3.
      if (object === undefined) return Effect.fail(operation === "HeadObject" ? awsError("NotFound", "Not Found", { status: 404 }) : noSuchKey(key))
      const range = req.headers["range"]
      if (range === undefined) return Effect.succeed({ status: 200, headers: headersOf(object, ctx), body: object.body })
      const r = parseRange(range, object.body.length)
      if (r === undefined) {
        return Effect.fail(awsError("InvalidRange", "The requested range is not satisfiable", { status: 416, fields: { RangeRequested: range, ActualObjectSize: object.body.length } }))
      }
      return Effect.succeed({
        status: 206,
        headers: { ...headersOf(object, ctx), "content-range": `bytes ${r.start}-${r.end}/${object.body.length}` },
        body: object.body.subarray(r.start, r.end + 1)
      })
    }
    case "DeleteObject":
      // Deleting a key that does not exist succeeds, as on S3.
      store.delete(bucket, key)
      return Effect.succeed({ status: 204, headers: { "x-amz-request-id": ctx.requestId }, body: "" })
  }
}

const encodeToken = (marker: string, isPrefix: boolean): string => Buffer.from(`${TOKEN_PREFIX}${isPrefix ? "p" : "k"}${marker}`, "utf8").toString("base64url")
const decodeToken = (token: string): { readonly marker: string; readonly isPrefix: boolean } | undefined => {
  const text = Buffer.from(token, "base64url").toString("utf8")
  if (!text.startsWith(TOKEN_PREFIX)) return undefined
  const kind = text.charAt(TOKEN_PREFIX.length)
  return kind === "p" || kind === "k" ? { marker: text.slice(TOKEN_PREFIX.length + 1), isPrefix: kind === "p" } : undefined
}

/** ListObjectsV2: Prefix, Delimiter (CommonPrefixes), MaxKeys (default and at most 1000), StartAfter, opaque continuation tokens. */
export const listObjectsV2 = (store: S3ObjectStore, bucket: string, req: RawRequest, ctx: RequestContext): Effect.Effect<RawResponse, AwsError> => {
  const q = req.query
  const prefix = q.get("prefix") ?? ""
  const delimiter = q.get("delimiter") ?? ""
  const startAfter = q.get("start-after") ?? ""
  const rawMax = q.get("max-keys")
  const requested = rawMax === null ? MAX_KEYS : Number(rawMax)
  if (!Number.isInteger(requested) || requested < 0) return Effect.fail(awsError("InvalidArgument", "Provided max-keys not an integer or within integer range"))
  const max = Math.min(requested, MAX_KEYS)
  const tokenText = q.get("continuation-token")
  const token = tokenText === null ? undefined : decodeToken(tokenText)
  if (tokenText !== null && token === undefined) return Effect.fail(awsError("InvalidArgument", "The continuation token provided is incorrect"))
  const url = q.get("encoding-type") === "url"
  const enc = (s: string) => escapeXml(url ? encodeURIComponent(s).replace(/%2F/g, "/") : s)
  const after = (key: string): boolean => {
    if (startAfter !== "" && Buffer.compare(Buffer.from(key), Buffer.from(startAfter)) <= 0) return false
    if (token === undefined) return true
    if (token.isPrefix && key.startsWith(token.marker)) return false
    return Buffer.compare(Buffer.from(key), Buffer.from(token.marker)) > 0
  }
  const contents: Array<string> = []
  const prefixes: Array<string> = []
  let last: { readonly marker: string; readonly isPrefix: boolean } | undefined
  let truncated = false
  for (const key of store.keys(bucket, prefix)) {
    if (!after(key)) continue
    const at = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length)
    const common = at < 0 ? undefined : key.slice(0, at + delimiter.length)
    if (common !== undefined && last?.isPrefix === true && last.marker === common) continue
    if (contents.length + prefixes.length >= max) {
      truncated = true
      break
    }
    if (common === undefined) contents.push(key)
    else prefixes.push(common)
    last = { marker: common ?? key, isPrefix: common !== undefined }
  }
  const items = contents
    .map((key) => {
      const o = store.get(bucket, key) as S3Object
      return `<Contents><Key>${enc(key)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${escapeXml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
    })
    .join("")
  const common = prefixes.map((p) => `<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`).join("")
  const body =
    `<ListBucketResult xmlns="${NS}"><Name>${escapeXml(bucket)}</Name><Prefix>${enc(prefix)}</Prefix>` +
    (delimiter === "" ? "" : `<Delimiter>${enc(delimiter)}</Delimiter>`) +
    `<MaxKeys>${max}</MaxKeys><KeyCount>${contents.length + prefixes.length}</KeyCount><IsTruncated>${truncated}</IsTruncated>` +
    (url ? "<EncodingType>url</EncodingType>" : "") +
    (tokenText === null ? "" : `<ContinuationToken>${escapeXml(tokenText)}</ContinuationToken>`) +
    (truncated && last !== undefined ? `<NextContinuationToken>${encodeToken(last.marker, last.isPrefix)}</NextContinuationToken>` : "") +
    (startAfter === "" ? "" : `<StartAfter>${enc(startAfter)}</StartAfter>`) +
    `${items}${common}</ListBucketResult>`
  return Effect.succeed({
    status: 200,
    headers: { "content-type": "application/xml", "x-amz-request-id": ctx.requestId },
    body: `${XML_DECLARATION}${body}`
  })
}
