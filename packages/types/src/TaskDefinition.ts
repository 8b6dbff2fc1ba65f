/**
 * What a domain package knows about one of its task kinds, said once: the
 * kind, the payload schema, how long a run may take, the run itself, and
 * which of its failures are worth retrying. Domain packages cannot import
 * the queue (the dependency rule), so they export a `TaskDefinition`, and
 * @miyabi/queue's `DefinitionHandler.make(definition, layer)` turns it into
 * a queue handler with the services an app provides.
 */
import type { Duration, Effect, Schema } from "effect"
import type { TaskKind } from "./Ids.js"

export interface TaskDefinition<A, I, E extends { readonly message: string }, R> {
  readonly kind: TaskKind
  /** Decoded before `run` sees it; a payload that does not decode is never retried. */
  readonly payload: Schema.Schema<A, I, never>
  /** How long one attempt may run before the runtime abandons it. */
  readonly timeout: Duration.DurationInput
  readonly run: (payload: A) => Effect.Effect<unknown, E, R>
  /**
   * Whether a failure of `run` is worth another attempt (throttled or
   * unreachable AWS, a store that could not be written); everything else is
   * permanent. The failure's `message` is what the task records.
   */
  readonly isTransient: (error: E) => boolean
}

/** A definition with its types inferred from `run`. */
export const defineTask = <A, I, E extends { readonly message: string }, R>(definition: TaskDefinition<A, I, E, R>): TaskDefinition<A, I, E, R> => definition
