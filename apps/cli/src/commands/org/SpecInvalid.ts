/**
 * A spec that cannot be used, as the CLI reports it: the first problem on
 * one line (file:line:column: field ...: message) and how many more there
 * are, since one YAML mistake often shows up again in the fields around it.
 */
import { formatIssue, type SpecError } from "@miyabi/account-factory"
import { Data } from "effect"

export class SpecInvalid extends Data.TaggedError("SpecInvalid")<{ readonly error: SpecError }> {
  override get message(): string {
    const [first, ...rest] = this.error.issues
    if (first === undefined) return `${this.error.file}: ${this.error.reason}`
    return `${formatIssue(first)}${rest.length === 0 ? "" : ` (and ${rest.length} more problem${rest.length === 1 ? "" : "s"} after this one)`}`
  }
}
