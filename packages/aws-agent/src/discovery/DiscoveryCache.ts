/**
 * Incremental discovery: what one (account, region, service) read found,
 * kept with the time it was read. AWS offers no cheap "changed since" for
 * most Describe APIs, so freshness is a time-to-live: a second run within
 * the TTL reuses the entry instead of asking AWS again, and says so in
 * coverage (`reused`). Stores are pluggable: in memory, or a JSON file.
 */
import { Resource } from "@miyabi/types"
import { Context, Effect, Layer, Option, Ref, Schema } from "effect"
import { readFile, rename, writeFile } from "node:fs/promises"

export class CacheEntry extends Schema.Class<CacheEntry>("CacheEntry")({
  /** Epoch ms of the read. */
  storedAt: Schema.Number,
  resources: Schema.Array(Resource)
}) {}

const CacheFile = Schema.parseJson(
  Schema.Struct({ version: Schema.Literal(1), entries: Schema.Record({ key: Schema.String, value: CacheEntry }) })
)

export interface DiscoveryCacheShape {
  readonly get: (key: string) => Effect.Effect<Option.Option<CacheEntry>>
  readonly set: (key: string, entry: CacheEntry) => Effect.Effect<void>
  /** Persist what was set (a no-op for memory). */
  readonly flush: Effect.Effect<void>
}

export class DiscoveryCache extends Context.Tag("@miyabi/aws-agent/DiscoveryCache")<DiscoveryCache, DiscoveryCacheShape>() {}

export const cacheKey = (account: string, region: string, service: string): string => `${account}|${region}|${service}`

export const makeMemory: Effect.Effect<DiscoveryCacheShape> = Effect.map(Ref.make(new Map<string, CacheEntry>()), (ref) => ({
  get: (key) => Effect.map(Ref.get(ref), (m) => Option.fromNullable(m.get(key))),
  set: (key, entry) => Ref.update(ref, (m) => new Map(m).set(key, entry)),
  flush: Effect.void
}))

export const layerMemory: Layer.Layer<DiscoveryCache> = Layer.effect(DiscoveryCache, makeMemory)

/**
 * A JSON file read once when the layer is built (a missing or unreadable
 * file is an empty cache, logged) and written on `flush`, through a
 * temporary file and a rename so a crash never leaves half a file.
 */
export const makeFile = (path: string): Effect.Effect<DiscoveryCacheShape> =>
  Effect.gen(function* () {
    const initial = yield* Effect.tryPromise(() => readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? undefined : Promise.reject(error)))).pipe(
      Effect.flatMap((text) => (text === undefined ? Effect.succeed(new Map<string, CacheEntry>()) : Effect.map(Schema.decodeUnknown(CacheFile)(text), (file) => new Map(Object.entries(file.entries))))),
      Effect.catchAll((error) => Effect.as(Effect.logWarning(`discovery cache ${path} unreadable, starting empty: ${String(error)}`), new Map<string, CacheEntry>()))
    )
    const ref = yield* Ref.make(initial)
    const flush = Effect.gen(function* () {
      const entries = Object.fromEntries(yield* Ref.get(ref))
      const text = yield* Schema.encode(CacheFile)({ version: 1, entries })
      const tmp = `${path}.${process.pid}.tmp`
      yield* Effect.tryPromise(async () => {
        await writeFile(tmp, text)
        await rename(tmp, path)
      })
    }).pipe(Effect.catchAll((error) => Effect.logWarning(`discovery cache ${path} not written: ${String(error)}`)))
    return {
      get: (key) => Effect.map(Ref.get(ref), (m) => Option.fromNullable(m.get(key))),
      set: (key, entry) => Ref.update(ref, (m) => new Map(m).set(key, entry)),
      flush
    }
  })

export const layerFile = (path: string): Layer.Layer<DiscoveryCache> => Layer.effect(DiscoveryCache, makeFile(path))
