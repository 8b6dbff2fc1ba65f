/**
 * The top-level error policy of the CLI: an expected failure is one line
 * `miyabi: <message>` on stderr and exit 1; a usage error (already printed by
 * @effect/cli with its help) exits 2; a defect is one line and a hint, or the
 * full cause with MIYABI_DEBUG=1.
 */
import * as ValidationError from "@effect/cli/ValidationError"
import { Cause, Option } from "effect"

export interface Rendered {
  /** What to print on stderr; empty when @effect/cli already printed it. */
  readonly text: string
  readonly exitCode: number
}

const messageOf = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const message = "message" in error && typeof error.message === "string" ? error.message : ""
    const tag = "_tag" in error && typeof error._tag === "string" ? error._tag : undefined
    if (message !== "") return message
    if (tag !== undefined) return tag
  }
  return String(error)
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, " ").trim()

export const renderCause = (cause: Cause.Cause<unknown>, options: { readonly debug: boolean }): Rendered => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (ValidationError.isValidationError(error)) return { text: "", exitCode: 2 }
    return { text: `miyabi: ${oneLine(messageOf(error))}\n`, exitCode: 1 }
  }
  const defect = Cause.dieOption(cause)
  const what = Option.isSome(defect) ? oneLine(messageOf(defect.value)) : "unexpected failure"
  return options.debug
    ? { text: `miyabi: internal error: ${what}\n${Cause.pretty(cause)}\n`, exitCode: 1 }
    : { text: `miyabi: internal error: ${what} (rerun with MIYABI_DEBUG=1 for the stack)\n`, exitCode: 1 }
}
