import { describe, expect, it } from "@effect/vitest"
import { abortableAttempt } from "./AbortableAttempt.js"

/** A request that never answers on its own: it settles only when its signal aborts (or is aborted already, as the SDK checks), with the abort's reason. */
const hanging = (seen: Array<AbortSignal>) => (signal: AbortSignal) =>
  new Promise<string>((_, reject) => {
    seen.push(signal)
    if (signal.aborted) reject(signal.reason as Error)
    else signal.addEventListener("abort", () => reject(signal.reason as Error))
  })

describe("abortableAttempt", () => {
  it("passes the answer through and leaves its signal unaborted", async () => {
    const seen: Array<AbortSignal> = []
    const attempt = abortableAttempt((signal) => (seen.push(signal), Promise.resolve("answer")), 20)
    await expect(attempt.run(new AbortController().signal)).resolves.toBe("answer")
    // Past the deadline: the timer was cleared with the answer, so nothing aborts the finished request.
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(seen[0]?.aborted).toBe(false)
    expect(attempt.timedOut()).toBe(false)
  })

  it("aborts the request at the deadline and says it timed out", async () => {
    const seen: Array<AbortSignal> = []
    const attempt = abortableAttempt(hanging(seen), 10)
    await expect(attempt.run(new AbortController().signal)).rejects.toThrow("no answer within 10 ms")
    expect(seen[0]?.aborted).toBe(true)
    expect(attempt.timedOut()).toBe(true)
  })

  it("aborts the request when the caller is interrupted, which is not a timeout", async () => {
    const seen: Array<AbortSignal> = []
    const interrupt = new AbortController()
    const attempt = abortableAttempt(hanging(seen), 60_000)
    const running = attempt.run(interrupt.signal)
    interrupt.abort(new Error("fiber interrupted"))
    await expect(running).rejects.toThrow("fiber interrupted")
    expect(attempt.timedOut()).toBe(false)
  })

  it("an already interrupted caller aborts the request at once", async () => {
    const seen: Array<AbortSignal> = []
    const interrupt = new AbortController()
    interrupt.abort(new Error("interrupted before sending"))
    await expect(abortableAttempt(hanging(seen), 60_000).run(interrupt.signal)).rejects.toThrow("interrupted before sending")
    expect(seen[0]?.aborted).toBe(true)
  })
})
