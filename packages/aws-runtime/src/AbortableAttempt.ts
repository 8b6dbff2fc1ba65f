/**
 * One SDK request with a deadline: aborted when the fiber is interrupted
 * (Effect.tryPromise's signal) or when `timeoutMillis` pass, whichever
 * comes first, and able to tell which of the two it was.
 *
 * Why not `Effect.timeoutFail`: it races the call with a sleeping fiber,
 * 56 Effect operations on every AWS call (a quarter of `AwsClients.call`'s)
 * for a deadline that almost never fires. Here it is one timer, cleared when
 * the request settles; the SDK aborts the HTTP request either way.
 */
export interface AbortableAttempt<A> {
  /** Sends the request; give it Effect.tryPromise's signal. */
  readonly run: (interrupted: AbortSignal) => Promise<A>
  /** Whether the deadline, not an interruption or AWS, ended the request. */
  readonly timedOut: () => boolean
}

export const abortableAttempt = <A>(send: (signal: AbortSignal) => Promise<A>, timeoutMillis: number): AbortableAttempt<A> => {
  let timedOut = false
  return {
    timedOut: () => timedOut,
    run: (interrupted) => {
      const controller = new AbortController()
      const onInterrupt = () => controller.abort(interrupted.reason)
      if (interrupted.aborted) controller.abort(interrupted.reason)
      else interrupted.addEventListener("abort", onInterrupt, { once: true })
      const timer = setTimeout(() => {
        timedOut = true
        controller.abort(new Error(`no answer within ${timeoutMillis} ms`))
      }, timeoutMillis)
      return send(controller.signal).finally(() => {
        clearTimeout(timer)
        interrupted.removeEventListener("abort", onInterrupt)
      })
    }
  }
}
