/**
 * Where deployments are kept while and after they run, so a deployment whose
 * process died can be resumed or rolled back: the record (every execution,
 * written before the change runs) and the plan it executes.
 *
 *   layerMemory                          tests (one process, last save wins)
 *   layerFile(dir)                       `<dir>/<id>.json` (the CLI's --records)
 *   layerSqlite(path)                    tables `deployment_*` beside the cycle store's (DeploymentStoreSqlite.ts)
 *   DynamoDeploymentStore.layer(options) the cycles table, PK `DEPLOYMENT#<id>` (adapters/DynamoDeploymentStore.ts)
 *
 * Every save replaces the whole record at once. The file, SQLite and
 * DynamoDB stores keep a version counter and refuse a save over a record
 * another writer changed since this instance read it (DeploymentStoreCodec.ts);
 * DeploymentStore.testkit.ts runs one suite against all four.
 */
import { DeploymentId } from "@miyabi/types"
import { Context, Effect, Layer, Option, Ref } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import type { DeployError } from "./DeployError.js"
import { decodeStored, encodeStored, makeVersionBook, StoredDeployment, storeFailed, versionIn, writtenByAnother } from "./DeploymentStoreCodec.js"
import { makeSqlite, type SqliteDeploymentStoreOptions } from "./DeploymentStoreSqlite.js"

export { StoredDeployment } from "./DeploymentStoreCodec.js"
export { makeSqlite, type SqliteDeploymentStoreOptions } from "./DeploymentStoreSqlite.js"

export interface DeploymentStoreShape {
  readonly save: (deployment: StoredDeployment) => Effect.Effect<void, DeployError>
  readonly load: (id: DeploymentId) => Effect.Effect<Option.Option<StoredDeployment>, DeployError>
  /** Every deployment id, sorted. */
  readonly list: Effect.Effect<ReadonlyArray<DeploymentId>, DeployError>
}

export class DeploymentStore extends Context.Tag("@miyabi/aws-agent/DeploymentStore")<DeploymentStore, DeploymentStoreShape>() {}

export const makeMemory: Effect.Effect<DeploymentStoreShape> = Effect.map(Ref.make(new Map<string, StoredDeployment>()), (ref) => ({
  save: (d) => Ref.update(ref, (m) => new Map(m).set(d.record.id, d)),
  load: (id) => Effect.map(Ref.get(ref), (m) => Option.fromNullable(m.get(id))),
  list: Effect.map(Ref.get(ref), (m) => [...m.values()].map((d) => d.record.id).sort())
}))

export const layerMemory: Layer.Layer<DeploymentStore> = Layer.effect(DeploymentStore, makeMemory)

const readText = (file: string): Promise<string | undefined> =>
  fs.readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e)))

/**
 * One `<id>.json` per deployment in `dir`, written to a temporary file and
 * renamed, so a crash never leaves half a record. The version check reads
 * the file before the rename: it catches a writer that saved earlier, not
 * two processes renaming in the same instant.
 */
export const makeFile = (dir: string): Effect.Effect<DeploymentStoreShape> =>
  Effect.map(makeVersionBook, (book) => {
    const file = (id: string) => path.join(dir, `${id}.json`)
    const storedVersion = (target: string) =>
      Effect.flatMap(Effect.tryPromise({ try: () => readText(target), catch: storeFailed(`cannot read ${target}`) }), (text) =>
        text === undefined ? Effect.succeed(0) : versionIn(text, target))
    return {
      save: (d) =>
        book.serialized(Effect.gen(function* () {
          const id = d.record.id
          const target = file(id)
          const seen = yield* book.seen(id)
          if ((yield* storedVersion(target)) !== seen) return yield* writtenByAnother(id, dir, seen)
          const text = yield* encodeStored(d, seen + 1)
          // A temporary name of this process, so two processes never write into one temporary file.
          const tmp = `${target}.${process.pid}.tmp`
          yield* Effect.tryPromise({
            try: async () => {
              await fs.mkdir(dir, { recursive: true })
              await fs.writeFile(tmp, text)
              await fs.rename(tmp, target)
            },
            catch: storeFailed(`cannot write ${target}`)
          })
          yield* book.record(id, seen + 1)
        })).pipe(Effect.withSpan("DeploymentStore.save", { attributes: { deploymentId: d.record.id, store: "file" } })),
      load: (id) =>
        Effect.gen(function* () {
          const target = file(id)
          const text = yield* Effect.tryPromise({ try: () => readText(target), catch: storeFailed(`cannot read ${target}`) })
          if (text === undefined) return Option.none()
          const stored = yield* decodeStored(text, target)
          yield* book.record(id, yield* versionIn(text, target))
          return Option.some(stored)
        }).pipe(Effect.withSpan("DeploymentStore.load", { attributes: { deploymentId: id, store: "file" } })),
      list: Effect.tryPromise({
        try: async () => {
          const names = await fs.readdir(dir).catch(() => [] as Array<string>)
          return names.filter((n) => n.endsWith(".json")).map((n) => DeploymentId.make(n.slice(0, -".json".length))).sort()
        },
        catch: storeFailed(`cannot list ${dir}`)
      })
    }
  })

export const layerFile = (dir: string): Layer.Layer<DeploymentStore> => Layer.effect(DeploymentStore, makeFile(dir))

/**
 * The SQLite store at `path` (WAL; tables `deployment_*` created if absent),
 * open for the life of the layer. The file may be the cycle store's and the
 * task queue's too (the CLI's and the worker's `--store sqlite:PATH`).
 */
export const layerSqlite = (path: string, options: SqliteDeploymentStoreOptions = {}): Layer.Layer<DeploymentStore, DeployError> =>
  Layer.scoped(DeploymentStore, makeSqlite(path, options))
