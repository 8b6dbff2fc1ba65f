/**
 * Loads an organization spec: YAML -> schema -> semantic checks -> policy
 * files, and turns every problem into an issue naming the file, the line and
 * column of the offending YAML node, and the field.
 */
import { readFile as readFileNode } from "node:fs/promises"
import * as nodePath from "node:path"
import { Effect, ParseResult, Schema } from "effect"
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml"
import { normalizeOuPath, type OrgSpec, type PolicyEntry } from "./OrgSpec.js"
import { checkSpec, type SpecIssuePath } from "./SpecChecks.js"
import { SpecDocument } from "./SpecDocument.js"

export const SpecIssue = Schema.Struct({
  file: Schema.String,
  line: Schema.optional(Schema.Int),
  column: Schema.optional(Schema.Int),
  /** The field, e.g. "accounts[2].email"; empty for the whole document. */
  path: Schema.String,
  message: Schema.String
})
export type SpecIssue = typeof SpecIssue.Type

export const formatIssue = (issue: SpecIssue): string => {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}${issue.column === undefined ? "" : `:${issue.column}`}`
  return `${where}: ${issue.path === "" ? "" : `field ${issue.path}: `}${issue.message}`
}

/** A spec that cannot be read, is not YAML, or does not describe a valid organization. */
export class SpecError extends Schema.TaggedError<SpecError>()("SpecError", {
  reason: Schema.Literal("Unreadable", "YamlSyntax", "Invalid"),
  file: Schema.String,
  issues: Schema.Array(SpecIssue)
}) {
  override get message(): string {
    return this.issues.map(formatIssue).join("\n")
  }
}

/** Reads a file a spec refers to (policy documents); paths are already resolved against the spec's folder. */
export type ReadFile = (path: string) => Effect.Effect<string, Error>

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`)).join("")

/** The start of the deepest YAML node on `path` that exists (a missing key points at its parent). */
const locate = (doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): { line: number; column: number } | undefined => {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
    if (isNode(node) && node.range !== undefined && node.range !== null) {
      const { line, col } = lines.linePos(node.range[0])
      return { line, column: col }
    }
  }
  return undefined
}

/** The position of a mapping key itself (for keys that should not be there). */
const locateKey = (doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): { line: number; column: number } | undefined => {
  const parent = path.length <= 1 ? doc.contents : doc.getIn(path.slice(0, -1), true)
  if (!isMap(parent)) return undefined
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path[path.length - 1])
  if (pair === undefined || !isNode(pair.key) || pair.key.range === undefined || pair.key.range === null) return undefined
  const { line, col } = lines.linePos(pair.key.range[0])
  return { line, column: col }
}

const issueAt = (file: string, doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>, message: string): SpecIssue => {
  const position = (message.startsWith("is unexpected") ? locateKey(doc, lines, path) : undefined) ?? locate(doc, lines, path)
  return { file, ...(position === undefined ? {} : position), path: formatPath(path), message }
}

/** The line where an inline policy's text starts (a block scalar's text starts on the line after its indicator). */
const contentLine = (doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>): number => {
  const node = doc.getIn(path, true)
  if (!isNode(node) || node.range === undefined || node.range === null) return 1
  const { line } = lines.linePos(node.range[0])
  return isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") ? line + 1 : line
}

/**
 * Parses spec text. `file` names it in errors and anchors relative policy
 * file paths; `readFile` reads those policy files.
 */
export const parseSpec = (text: string, file: string, readFile: ReadFile): Effect.Effect<OrgSpec, SpecError> =>
  Effect.gen(function* () {
    const lines = new LineCounter()
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true })
    if (doc.errors.length > 0) {
      return yield* new SpecError({
        reason: "YamlSyntax",
        file,
        issues: doc.errors.map((error) => {
          const position = error.linePos?.[0]
          // prettyErrors ends the first line with " at line L, column C:"; the position is said in front already.
          const message = (error.message.split("\n")[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, "")
          return { file, ...(position === undefined ? {} : { line: position.line, column: position.col }), path: "", message }
        })
      })
    }
    // Schema would say "Expected Struct (Encoded side), actual null" of an empty file.
    if (!isMap(doc.contents)) {
      const issue =
        doc.contents === null
          ? { file, path: "", message: "the spec is empty; it needs at least version: 1" }
          : issueAt(file, doc, lines, [], `the spec is ${isSeq(doc.contents) ? "a YAML list" : "a single value"}; it must be a mapping of version, name, organizationalUnits, ...`)
      return yield* new SpecError({ reason: "Invalid", file, issues: [issue] })
    }
    const decoded = Schema.decodeUnknownEither(SpecDocument, { errors: "all", onExcessProperty: "error" })(doc.toJS())
    if (decoded._tag === "Left") {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(decoded.left).map((issue) => issueAt(file, doc, lines, issue.path, issue.message))
      return yield* new SpecError({ reason: "Invalid", file, issues })
    }
    const document = decoded.right
    const checked = checkSpec(document)
    const issues: Array<SpecIssue> = checked.issues.map((issue: SpecIssuePath) => issueAt(file, doc, lines, issue.path, issue.message))

    const policies: Array<PolicyEntry> = []
    for (const [index, policy] of document.policies.entries()) {
      const base = { name: policy.name, description: policy.description }
      if (policy.file !== undefined) {
        const source = nodePath.join(nodePath.dirname(file), policy.file)
        const content = yield* Effect.either(readFile(source))
        if (content._tag === "Left") issues.push(issueAt(file, doc, lines, ["policies", index, "file"], `cannot read policy file ${source}: ${content.left.message}`))
        else policies.push({ ...base, content: content.right, source, line: 1 })
      } else if (policy.document !== undefined) {
        policies.push({ ...base, content: JSON.stringify(policy.document, null, 2), source: `${file}#policies[${index}].document`, line: contentLine(doc, lines, ["policies", index, "document"]), generated: true })
      } else if (policy.content !== undefined) {
        policies.push({ ...base, content: policy.content, source: `${file}#policies[${index}].content`, line: contentLine(doc, lines, ["policies", index, "content"]) })
      }
    }
    if (issues.length > 0) return yield* new SpecError({ reason: "Invalid", file, issues })

    return {
      file,
      name: document.name,
      platformRoleArn: document.platformRoleArn,
      requiredTags: document.requiredTags,
      organizationalUnits: checked.organizationalUnits,
      accounts: document.accounts.map((account) => ({ ...account, ou: account.ou === "Root" ? "Root" : normalizeOuPath(account.ou) })),
      policies,
      attachments: checked.attachments,
      tenancy: document.tenancy,
      permissionSets: document.permissionSets,
      assignments: checked.assignments,
      prune: document.prune
    }
  }).pipe(Effect.withSpan("SpecLoader.parseSpec", { attributes: { file } }))

const readFromDisk: ReadFile = (path) =>
  Effect.tryPromise({
    try: () => readFileNode(path, "utf8"),
    catch: (cause) => (cause instanceof Error ? cause : new Error(String(cause)))
  })

/** Reads and parses a spec file from disk; policy files are read relative to it. */
export const loadSpec = (file: string): Effect.Effect<OrgSpec, SpecError> =>
  readFromDisk(file).pipe(
    Effect.mapError((cause) => new SpecError({ reason: "Unreadable", file, issues: [{ file, path: "", message: `cannot read the spec: ${cause.message}` }] })),
    Effect.flatMap((text) => parseSpec(text, file, readFromDisk)),
    Effect.withSpan("SpecLoader.loadSpec", { attributes: { file } })
  )
