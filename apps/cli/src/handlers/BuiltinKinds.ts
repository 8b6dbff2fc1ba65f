/**
 * The task kinds `miyabi worker run` runs, and the payload check `tasks
 * enqueue` applies for them so that a malformed payload is rejected before
 * it reaches the queue. Unknown kinds are accepted as-is: other services
 * register their own handlers in their own workers.
 *
 * Each kind is its domain package's definition (payload, timeout, which
 * failures are transient); this file only says where the CLI's services
 * come from: the AWS the environment configures, and the worker's own
 * `--store` for the cycles of `aws-cycle`. A capability that adds a
 * built-in kind appends one line to `BUILTIN_KINDS`.
 */
import { AccountVendTaskOptions, accountVendTask } from "@miyabi/account-factory"
import { Cycle } from "@miyabi/aws-agent"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { CostReportTask } from "@miyabi/cost"
import { DefinitionHandler, Echo, type Handler } from "@miyabi/queue"
import { decodeInput, decodeJsonInput, type InvalidInput, type TaskDefinition, type TaskKind } from "@miyabi/types"
import { type Effect, Layer, Option, type Schema } from "effect"
import { agentLayer } from "../commands/cycle/AgentCycleHandler.js"
import { cycleStoreLayer } from "../commands/cycle/CycleStoreLayer.js"
import { organizationsLive, vendOptionsFromEnv } from "../commands/org/OrgContext.js"
import type { StoreConfig } from "../StoreConfig.js"

interface BuiltinKind {
  readonly kind: TaskKind
  /** `text`: the JSON text of a payload file, to name the line of a bad field. */
  readonly check: (payload: unknown, source: string, text?: string) => Effect.Effect<unknown, InvalidInput>
  /** The handler of a worker whose tasks are in `store`. */
  readonly handler: (store: StoreConfig) => Handler
}

const decodePayload = <A, I, R>(schema: Schema.Schema<A, I, R>, payload: unknown, source: string, text: string | undefined) =>
  text === undefined ? decodeInput(schema, source)(payload) : decodeJsonInput(schema, source)(text, payload)

const builtin = <A, I, E extends { readonly message: string }, R>(
  definition: TaskDefinition<A, I, E, R>,
  layer: (store: StoreConfig) => Layer.Layer<NoInfer<R>, DefinitionHandler.LayerError<NoInfer<E>>>
): BuiltinKind => ({
  kind: definition.kind,
  check: (payload, source, text) => decodePayload(definition.payload, payload, source, text),
  handler: (store) => DefinitionHandler.make(definition, layer(store))
})

const storeText = (store: StoreConfig): Option.Option<string> => Option.some(store._tag === "Sqlite" ? `sqlite:${store.path}` : `aws:${store.spec}`)

const BUILTIN_KINDS: ReadonlyArray<BuiltinKind> = [
  { kind: Echo.kind, check: (payload, source, text) => decodePayload(Echo.EchoPayload, payload, source, text), handler: () => Echo.EchoHandler },
  // MIYABI_VEND_POLL_MS sets how often a vend polls (a sandbox creates accounts in milliseconds).
  builtin(accountVendTask, () => Layer.merge(organizationsLive, Layer.effect(AccountVendTaskOptions, vendOptionsFromEnv()))),
  builtin(CostReportTask.definition, () => CostReportTask.layer.pipe(Layer.provide(AwsRuntime.layerConfig()))),
  // Cycles and deployment records beside the tasks, so that any worker can resume what another one left.
  builtin(Cycle.AgentCycleTask.definition, (store) => Layer.merge(agentLayer(storeText(store), Option.none()), cycleStoreLayer(storeText(store))))
]

/** The handlers of a worker whose tasks are in `store` (an `aws-cycle` keeps its phases there too). */
export const builtinHandlers = (store: StoreConfig): ReadonlyArray<Handler> => BUILTIN_KINDS.map((kind) => kind.handler(store))

/**
 * Checks `payload` against the schema of a built-in kind; other kinds pass
 * unchecked. With the payload file's `text`, an error names the field's line.
 */
export const checkPayload = (kind: string, payload: unknown, source: string, text?: string): Effect.Effect<unknown, InvalidInput> | undefined =>
  BUILTIN_KINDS.find((builtinKind) => builtinKind.kind === kind)?.check(payload, source, text)
