/**
 * How a JSON value becomes DynamoDB items and back: gzip, then either inline
 * in the head item or split into chunk items named by the digest of the
 * whole, so that a head only ever points at chunks of its own write.
 *
 * DynamoDB's item limit is 400 KB (names and values together); a world
 * state of a large estate is several MB of JSON, a few hundred KB gzipped
 * and often more.
 */
import { createHash } from "node:crypto"
import { promisify } from "node:util"
import { gunzip, gzip } from "node:zlib"
import { Effect } from "effect"
import { corrupt, type CycleStoreError, fromJson, toJson } from "../cycle/CycleStoreError.js"

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

/** Gzip bytes per item: under the 400 KB limit with room for keys and attributes. */
export const DEFAULT_CHUNK_BYTES = 350_000

export type EncodedBody =
  | { readonly _tag: "Inline"; readonly bytes: Uint8Array }
  | { readonly _tag: "Chunked"; readonly digest: string; readonly size: number; readonly chunks: ReadonlyArray<Uint8Array> }

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

export const encodeBody = (cycleId: string, value: unknown, chunkBytes: number): Effect.Effect<EncodedBody, CycleStoreError> =>
  Effect.gen(function*() {
    const json = yield* toJson(cycleId, value)
    const bytes: Uint8Array = yield* Effect.promise(() => gzipAsync(Buffer.from(json, "utf8")))
    if (bytes.length <= chunkBytes) return { _tag: "Inline", bytes }
    const chunks: Array<Uint8Array> = []
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) chunks.push(bytes.subarray(offset, offset + chunkBytes))
    return { _tag: "Chunked", digest: sha256(bytes), size: bytes.length, chunks }
  })

/** The value back from gzip bytes (inline, or the chunks in order); `what` names it in a Corrupt error. */
export const decodeBody = (
  cycleId: string,
  what: string,
  body: { readonly _tag: "Inline"; readonly bytes: Uint8Array } | { readonly _tag: "Chunked"; readonly digest: string; readonly count: number; readonly chunks: ReadonlyArray<Uint8Array> }
): Effect.Effect<unknown, CycleStoreError> =>
  Effect.gen(function*() {
    const bytes = body._tag === "Inline" ? body.bytes : Buffer.concat(body.chunks)
    if (body._tag === "Chunked") {
      if (body.chunks.length !== body.count) return yield* corrupt(cycleId, `${what}: ${body.chunks.length} of ${body.count} chunks found`)
      if (sha256(bytes) !== body.digest) return yield* corrupt(cycleId, `${what}: chunks do not match digest ${body.digest}`)
    }
    const json = yield* Effect.tryPromise({
      try: () => gunzipAsync(bytes),
      catch: (cause) => corrupt(cycleId, `${what}: not gzip: ${String(cause)}`)
    })
    return yield* fromJson(cycleId, json.toString("utf8"), what)
  })
