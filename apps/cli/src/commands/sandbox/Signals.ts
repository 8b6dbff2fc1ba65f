/**
 * Waiting for SIGINT/SIGTERM in a foreground command (`sandbox up`,
 * `intake serve`): the CLI's runMain leaves signals to Node, which would end
 * the process without closing the command's scope.
 */
import { Deferred, Effect, type Scope } from "effect"

const SIGNALS: ReadonlyArray<NodeJS.Signals> = ["SIGINT", "SIGTERM"]

/**
 * Listens for SIGINT/SIGTERM from now until the scope closes, and returns an
 * effect that waits for the first of them. Install it before telling the user
 * the command is ready, so that no signal falls in between.
 */
export const onShutdownSignal: Effect.Effect<Effect.Effect<NodeJS.Signals>, never, Scope.Scope> = Effect.gen(function* () {
  const received = yield* Deferred.make<NodeJS.Signals>()
  const handlers = SIGNALS.map((signal) => [signal, () => Deferred.unsafeDone(received, Effect.succeed(signal))] as const)
  yield* Effect.acquireRelease(
    Effect.sync(() => handlers.forEach(([signal, handler]) => process.on(signal, handler))),
    () => Effect.sync(() => handlers.forEach(([signal, handler]) => process.removeListener(signal, handler)))
  )
  return Deferred.await(received)
})
