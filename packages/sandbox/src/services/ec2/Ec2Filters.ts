/**
 * What the EC2 Describe* operations share: reading the un-flattened form
 * input, AWS's `Filter.N.Name` / `Filter.N.Value.M` matching (values OR-ed,
 * filters AND-ed, `*` and `?` wildcards, `tag:<key>` and `tag-key`), tag sets
 * and MaxResults / NextToken paging.
 */
import { Effect } from "effect"
import type { Tags } from "../../estate/Tags.js"
import { type AwsError, awsError } from "../../ServiceHandler.js"

export const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

export const strings = (value: unknown): Array<string> =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? [value] : []

export const records = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)) : []

export interface Filter {
  readonly name: string
  readonly values: ReadonlyArray<string>
}

export const filtersOf = (input: Record<string, unknown>): Array<Filter> =>
  records(input["Filter"]).map((f) => ({ name: str(f["Name"]) ?? "", values: strings(f["Value"]) }))

const wildcard = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`)

/** The filterable attributes of one resource: name -> values. */
export type Attributes = Readonly<Record<string, ReadonlyArray<string | undefined>>>

export const tagAttributes = (tags: Tags): Record<string, Array<string>> => {
  const out: Record<string, Array<string>> = { "tag-key": Object.keys(tags), "tag-value": Object.values(tags) }
  for (const [key, value] of Object.entries(tags)) out[`tag:${key}`] = [value]
  return out
}

/** Fails with InvalidParameterValue for a filter name the resource type does not know. */
export const matcher = (
  filters: ReadonlyArray<Filter>,
  known: ReadonlySet<string>
): Effect.Effect<(attributes: Attributes) => boolean, AwsError> => {
  const unknown = filters.find((f) => !known.has(f.name) && !f.name.startsWith("tag:"))
  if (unknown !== undefined) return Effect.fail(awsError("InvalidParameterValue", `The filter '${unknown.name}' is invalid`))
  const compiled = filters.map((f) => ({ name: f.name, patterns: f.values.map(wildcard) }))
  return Effect.succeed((attributes) =>
    compiled.every(({ name, patterns }) => {
      const values = attributes[name] ?? []
      return patterns.some((p) => values.some((v) => v !== undefined && p.test(v)))
    })
  )
}

export const tagSet = (tags: Tags): ReadonlyArray<{ key: string; value: string }> | undefined => {
  const entries = Object.entries(tags)
  // EC2 leaves tagSet out entirely for an untagged resource.
  return entries.length === 0 ? undefined : entries.map(([key, value]) => ({ key, value }))
}

const TOKEN_PREFIX = "sbx1:"

/**
 * One page of `items` after NextToken, at most MaxResults (which EC2 bounds
 * per operation). The token is opaque to callers; a bad one is InvalidParameterValue.
 */
export const page = <A>(
  items: ReadonlyArray<A>,
  input: Record<string, unknown>,
  bounds: { readonly min: number; readonly max: number }
): Effect.Effect<{ readonly items: ReadonlyArray<A>; readonly nextToken: string | undefined }, AwsError> => {
  const rawMax = str(input["MaxResults"])
  const token = str(input["NextToken"])
  const max = rawMax === undefined ? undefined : Number(rawMax)
  if (max !== undefined && (!Number.isInteger(max) || max < bounds.min || max > bounds.max)) {
    return Effect.fail(awsError("InvalidParameterValue", `Value ( ${rawMax} ) for parameter maxResults is invalid. Expecting a value between ${bounds.min} and ${bounds.max}.`))
  }
  let offset = 0
  if (token !== undefined) {
    const decoded = Buffer.from(token, "base64url").toString("utf8")
    offset = decoded.startsWith(TOKEN_PREFIX) ? Number(decoded.slice(TOKEN_PREFIX.length)) : Number.NaN
    if (!Number.isInteger(offset) || offset < 0) return Effect.fail(awsError("InvalidParameterValue", `Invalid value '${token}' for nextToken`))
  }
  if (max === undefined && token === undefined) return Effect.succeed({ items, nextToken: undefined })
  const size = max ?? bounds.max
  const slice = items.slice(offset, offset + size)
  const next = offset + size < items.length ? Buffer.from(`${TOKEN_PREFIX}${offset + size}`).toString("base64url") : undefined
  return Effect.succeed({ items: slice, nextToken: next })
}
