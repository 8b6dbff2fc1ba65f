/**
 * A domain package's `TaskDefinition` (@miyabi/types) as a queue handler.
 * The definition says what the kind is and which of its failures are
 * transient; the app says where its services come from (`layer`, built
 * afresh for every attempt, so a worker's AWS runtime follows the task).
 * The classification every built-in kind shares lives here once:
 *
 * - a setting the layer could not read (`ConfigError`) is Permanent, "AWS settings: ...";
 * - an `InvalidInput` (a bad setting or a payload the run itself refused) is Permanent;
 * - any other failure is Transient when the definition says so, else Permanent;
 *   the task records the failure's message.
 */
import { type InvalidInput, type TaskDefinition } from "@miyabi/types"
import { ConfigError, Effect, type Layer } from "effect"
import { handler, type Handler, TaskFailure } from "./HandlerRegistry.js"

/** What the layer of a definition may fail with: the run's own failures, or a setting it could not read. */
export type LayerError<E> = E | ConfigError.ConfigError | InvalidInput

const isInvalidInput = (error: unknown): error is InvalidInput =>
  typeof error === "object" && error !== null && "_tag" in error && error._tag === "InvalidInput"

/** The `TaskFailure` a failed attempt of `definition` records. */
export const failureOf =
  <A, I, E extends { readonly message: string }, R>(definition: TaskDefinition<A, I, E, R>) =>
  (error: LayerError<E>): TaskFailure => {
    if (ConfigError.isConfigError(error)) return new TaskFailure({ reason: "Permanent", message: `AWS settings: ${String(error)}` })
    if (isInvalidInput(error)) return new TaskFailure({ reason: "Permanent", message: error.message })
    return new TaskFailure({ reason: definition.isTransient(error) ? "Transient" : "Permanent", message: error.message })
  }

/** The handler of `definition`, its run provided with `layer`. */
export const make = <A, I, E extends { readonly message: string }, R>(
  definition: TaskDefinition<A, I, E, R>,
  layer: Layer.Layer<NoInfer<R>, LayerError<NoInfer<E>>>
): Handler =>
  handler({
    kind: definition.kind,
    payload: definition.payload,
    timeout: definition.timeout,
    run: (payload) => definition.run(payload).pipe(Effect.provide(layer), Effect.mapError(failureOf(definition)))
  })
