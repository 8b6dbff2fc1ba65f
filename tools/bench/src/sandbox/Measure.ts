/**
 * Closed-loop load: `concurrency` callers each issue one request after the
 * other until `maxRequests` were sent or `maxMs` passed, whichever is first.
 */
export interface Measurement {
  readonly concurrency: number
  readonly requests: number
  readonly errors: number
  readonly seconds: number
  readonly perSecond: number
}

export const measure = async (
  call: () => Promise<unknown>,
  options: { readonly concurrency: number; readonly maxRequests: number; readonly maxMs: number }
): Promise<Measurement> => {
  let issued = 0
  let errors = 0
  const started = performance.now()
  const deadline = started + options.maxMs
  const worker = async (): Promise<void> => {
    while (issued < options.maxRequests && performance.now() < deadline) {
      issued += 1
      await call().catch(() => {
        errors += 1
      })
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  return { concurrency: options.concurrency, requests: issued, errors, seconds, perSecond: issued / seconds }
}
