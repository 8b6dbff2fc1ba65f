/**
 * Where deployments are kept while and after they run, so a deployment whose
 * process died can be resumed or rolled back: the record (every execution,
 * written before the change runs) and the plan it executes. In memory for
 * tests, a JSON file per deployment for the CLI; the cycle runner may bring
 * its own (SQLite) by providing this tag.
 */
import { DeploymentId, DeploymentRecord, ExecutionPlan } from "@miyabi/types"
import { Context, Effect, Layer, Option, Ref, Schema } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { DeployError } from "./DeployError.js"

export class StoredDeployment extends Schema.Class<StoredDeployment>("StoredDeployment")({
  record: DeploymentRecord,
  plan: ExecutionPlan
}) {}

export interface DeploymentStoreShape {
  readonly save: (deployment: StoredDeployment) => Effect.Effect<void, DeployError>
  readonly load: (id: DeploymentId) => Effect.Effect<Option.Option<StoredDeployment>, DeployError>
  readonly list: Effect.Effect<ReadonlyArray<DeploymentId>, DeployError>
}

export class DeploymentStore extends Context.Tag("@miyabi/aws-agent/DeploymentStore")<DeploymentStore, DeploymentStoreShape>() {}

export const makeMemory: Effect.Effect<DeploymentStoreShape> = Effect.map(Ref.make(new Map<string, StoredDeployment>()), (ref) => ({
  save: (d) => Ref.update(ref, (m) => new Map(m).set(d.record.id, d)),
  load: (id) => Effect.map(Ref.get(ref), (m) => Option.fromNullable(m.get(id))),
  list: Effect.map(Ref.get(ref), (m) => [...m.values()].map((d) => d.record.id))
}))

export const layerMemory: Layer.Layer<DeploymentStore> = Layer.effect(DeploymentStore, makeMemory)

const Json = Schema.parseJson(StoredDeployment)
const encode = Schema.encode(Json)
const decode = Schema.decodeUnknown(Json)

const failed = (message: string) => (cause: unknown) => new DeployError({ reason: "StoreFailed", message: `${message}: ${String(cause)}` })

/** One `<id>.json` per deployment in `dir`, written to a temporary file and renamed, so a crash never leaves half a record. */
export const makeFile = (dir: string): DeploymentStoreShape => {
  const file = (id: string) => path.join(dir, `${id}.json`)
  return {
    save: (d) =>
      Effect.gen(function* () {
        const text = yield* Effect.mapError(encode(d), failed(`deployment ${d.record.id} does not encode`))
        const target = file(d.record.id)
        yield* Effect.tryPromise({
          try: async () => {
            await fs.mkdir(dir, { recursive: true })
            await fs.writeFile(`${target}.tmp`, text)
            await fs.rename(`${target}.tmp`, target)
          },
          catch: failed(`cannot write ${target}`)
        })
      }).pipe(Effect.withSpan("DeploymentStore.save")),
    load: (id) =>
      Effect.gen(function* () {
        const text = yield* Effect.tryPromise({
          try: () => fs.readFile(file(id), "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e))),
          catch: failed(`cannot read ${file(id)}`)
        })
        if (text === undefined) return Option.none()
        return Option.some(yield* Effect.mapError(decode(text), failed(`${file(id)} is not a deployment`)))
      }).pipe(Effect.withSpan("DeploymentStore.load")),
    list: Effect.tryPromise({
      try: async () => {
        const names = await fs.readdir(dir).catch(() => [] as Array<string>)
        return names.filter((n) => n.endsWith(".json")).map((n) => DeploymentId.make(n.slice(0, -".json".length)))
      },
      catch: failed(`cannot list ${dir}`)
    })
  }
}

export const layerFile = (dir: string): Layer.Layer<DeploymentStore> => Layer.succeed(DeploymentStore, makeFile(dir))
