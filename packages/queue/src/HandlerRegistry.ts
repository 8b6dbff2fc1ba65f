/**
 * The handlers a worker can run, keyed by task kind. Each handler declares
 * the Schema of its payload; the registry decodes the payload before the
 * handler sees it, so a malformed payload is a permanent failure naming the
 * field instead of an exception deep inside the handler.
 */
import { decodeInput, type Lease, type Task, type TaskKind, type WorkerId } from "@miyabi/types"
import { Context, Effect, Layer, Option, Schema, type Duration } from "effect"

/**
 * How a handler says an attempt failed. `Transient` failures are retried
 * with backoff; `Permanent` and `InvalidPayload` ones dead-letter at once;
 * `Timeout` is what the runtime reports when a handler overruns.
 */
export class TaskFailure extends Schema.TaggedError<TaskFailure>()("TaskFailure", {
  reason: Schema.Literal("Transient", "Permanent", "InvalidPayload", "Timeout"),
  message: Schema.String
}) {
  get retryable(): boolean {
    return this.reason === "Transient" || this.reason === "Timeout"
  }
}

/** What a handler knows about the attempt it runs. */
export interface TaskContext {
  readonly task: Task
  readonly lease: Lease
  readonly attempt: number
  readonly workerId: WorkerId
}

/**
 * A registered handler with its payload type erased. Build one with
 * `handler(...)`. Errors other than `TaskFailure` count as transient.
 */
export interface Handler {
  readonly kind: TaskKind
  /** Overrides the runtime's default per-task timeout. */
  readonly timeout?: Duration.DurationInput
  readonly run: (payload: unknown, context: TaskContext) => Effect.Effect<unknown, unknown>
}

export interface HandlerDefinition<A, I> {
  readonly kind: TaskKind
  readonly payload: Schema.Schema<A, I, never>
  readonly timeout?: Duration.DurationInput
  readonly run: (payload: A, context: TaskContext) => Effect.Effect<unknown, unknown>
}

/** A handler whose payload is decoded with `definition.payload` before `run` sees it. */
export const handler = <A, I>(definition: HandlerDefinition<A, I>): Handler => {
  const decode = decodeInput(definition.payload, `payload of task kind ${definition.kind}`)
  return {
    kind: definition.kind,
    ...(definition.timeout === undefined ? {} : { timeout: definition.timeout }),
    run: (payload, context) =>
      decode(payload).pipe(
        Effect.mapError((invalid) => new TaskFailure({ reason: "InvalidPayload", message: invalid.message })),
        Effect.flatMap((decoded) => definition.run(decoded, context))
      )
  }
}

export interface HandlerRegistryShape {
  /** The kinds a worker should claim. */
  readonly kinds: ReadonlyArray<TaskKind>
  readonly get: (kind: TaskKind) => Option.Option<Handler>
}

export class HandlerRegistry extends Context.Tag("@miyabi/queue/HandlerRegistry")<HandlerRegistry, HandlerRegistryShape>() {}

/** A registry of `handlers`; two handlers for one kind is a wiring bug (a defect). */
export const make = (handlers: Iterable<Handler>): Effect.Effect<HandlerRegistryShape> =>
  Effect.suspend(() => {
    const byKind = new Map<TaskKind, Handler>()
    for (const registered of handlers) {
      if (byKind.has(registered.kind)) return Effect.dieMessage(`two handlers are registered for task kind ${registered.kind}`)
      byKind.set(registered.kind, registered)
    }
    return Effect.succeed({ kinds: [...byKind.keys()], get: (kind: TaskKind) => Option.fromNullable(byKind.get(kind)) })
  })

export const layer = (handlers: Iterable<Handler>): Layer.Layer<HandlerRegistry> => Layer.effect(HandlerRegistry, make(handlers))
