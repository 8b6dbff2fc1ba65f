/**
 * Reading decoded inputs (JSON bodies or un-flattened query forms) without
 * `any`: each reader returns `undefined` when the member is absent or of
 * another type.
 */
export type Input = Readonly<Record<string, unknown>>

export const str = (input: Input, key: string): string | undefined => {
  const value = input[key]
  return typeof value === "string" ? value : undefined
}

/** Numbers arrive as numbers in JSON and as strings in query forms. */
export const num = (input: Input, key: string): number | undefined => {
  const value = input[key]
  if (typeof value === "number") return value
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value)
  return undefined
}

export const bool = (input: Input, key: string): boolean | undefined => {
  const value = input[key]
  if (typeof value === "boolean") return value
  if (value === "true") return true
  if (value === "false") return false
  return undefined
}

export const list = (input: Input, key: string): ReadonlyArray<unknown> => {
  const value = input[key]
  return Array.isArray(value) ? value : []
}

export const strings = (input: Input, key: string): ReadonlyArray<string> =>
  list(input, key).filter((v): v is string => typeof v === "string")

export const records = (input: Input, key: string): ReadonlyArray<Input> =>
  list(input, key).filter((v): v is Input => typeof v === "object" && v !== null && !Array.isArray(v))

export const record = (input: Input, key: string): Input | undefined => {
  const value = input[key]
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Input) : undefined
}

/** Tags as `[{ Key, Value }]` -> map. */
export const tagList = (input: Input, key: string): ReadonlyArray<{ readonly Key: string; readonly Value: string }> =>
  records(input, key).flatMap((t) => {
    const k = str(t, "Key")
    return k === undefined ? [] : [{ Key: k, Value: str(t, "Value") ?? "" }]
  })
