/**
 * Tagged errors shared by every package. Package-specific failures live in
 * their own package; these are the ones a user can meet anywhere.
 */
import { Schema } from "effect"

/**
 * Bad input from a user: a flag, an environment variable, a file, a payload.
 * `source` names where it came from (a file path, "--store", "env MIYABI_X"),
 * `path` the field inside it, `line` the line in a file when known.
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  source: Schema.String,
  path: Schema.optional(Schema.String),
  line: Schema.optional(Schema.Int),
  column: Schema.optional(Schema.Int),
  reason: Schema.String
}) {
  override get message(): string {
    const where = [
      this.source,
      this.line === undefined ? undefined : `line ${this.line}${this.column === undefined ? "" : `:${this.column}`}`,
      this.path === undefined || this.path === "" ? undefined : `field ${this.path}`
    ].filter((part) => part !== undefined)
    return `${where.join(", ")}: ${this.reason}`
  }
}

/** Something looked up by id does not exist. */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  entity: Schema.String,
  id: Schema.String
}) {
  override get message(): string {
    return `${this.entity} ${this.id} not found`
  }
}
