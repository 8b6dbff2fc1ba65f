/**
 * Small bridges from the SDK's promises to Effect, shared by the services'
 * conformance tests: a call that must succeed, a call whose error is the
 * value under test, and a paginator collected to its last page.
 */
import { Effect } from "effect"

export const call = <T>(f: () => Promise<T>) => Effect.promise(f)

/** The error a call fails with, or undefined when it succeeds. */
export const callError = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => undefined, (error: unknown) => error))

export const collect = <A>(pages: AsyncIterable<A>) =>
  Effect.promise(async () => {
    const out: Array<A> = []
    for await (const page of pages) out.push(page)
    return out
  })
