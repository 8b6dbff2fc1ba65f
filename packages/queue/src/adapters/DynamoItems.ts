/**
 * Task records as DynamoDB items: attribute values, keys, and the
 * placeholder names and values of expressions.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb"
import type { TaskRecord } from "../aws/TaskRecord.js"

export type Item = Record<string, AttributeValue>

/**
 * The table's TTL attribute (epoch seconds): DynamoDB deletes an item some
 * time after it passes (typically within days, not at once), so readers that
 * care compare it themselves. The CDK app enables TTL on this same name.
 */
export const TTL_ATTRIBUTE = "expiresAt"

/** The TTL value `retentionMs` after `atMs`, in whole epoch seconds. */
export const expiresAtSeconds = (atMs: number, retentionMs: number): number => Math.floor((atMs + retentionMs) / 1000)

export const S = (value: string): AttributeValue => ({ S: value })
export const N = (value: number): AttributeValue => ({ N: String(value) })
export const str = (item: Item, key: string): string | undefined => item[key]?.S
export const num = (item: Item, key: string): number | undefined => {
  const raw = item[key]?.N
  return raw === undefined ? undefined : Number(raw)
}

export const taskKey = (id: string): Item => ({ PK: S(`TASK#${id}`), SK: S("METADATA") })
/** Zero-padded so that string order is time order. */
export const pad = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(15, "0")
const statusSort = (record: Pick<TaskRecord, "createdAt" | "id">): string => `${pad(record.createdAt)}#${record.id}`

const STRING_FIELDS = ["kind", "payload", "priority", "tenant", "idempotencyKey", "status", "leaseToken", "leaseWorker", "receipt", "lane", "lastError", "result"] as const
const NUMBER_FIELDS = ["attempts", "maxAttempts", "version", "generation", "createdAt", "updatedAt", "availableAt", "startedAt", "finishedAt", "leaseExpiresAt", "receives"] as const

export const attributeOf = (value: unknown): AttributeValue | undefined =>
  typeof value === "string" ? S(value) : typeof value === "number" ? N(value) : undefined

export const recordItem = (record: TaskRecord): Item => {
  const item: Item = { ...taskKey(record.id), id: S(record.id), StatusKey: S(record.status), StatusSort: S(statusSort(record)) }
  for (const [key, value] of Object.entries(record)) {
    const attribute = attributeOf(value)
    if (attribute !== undefined && key !== "id") item[key] = attribute
  }
  return item
}

export const recordOf = (item: Item): TaskRecord => {
  const out: Record<string, string | number> = { id: str(item, "id") ?? "" }
  for (const key of STRING_FIELDS) {
    const value = str(item, key)
    if (value !== undefined) out[key] = value
  }
  for (const key of NUMBER_FIELDS) {
    const value = num(item, key)
    if (value !== undefined) out[key] = value
  }
  // Items are only ever written by `recordItem` and `transition` from a TaskRecord.
  return out as unknown as TaskRecord
}

/** Placeholder names and values for an expression, numbered as they are added. */
export const expressionBuilder = () => {
  const names: Record<string, string> = {}
  const values: Item = {}
  let n = 0
  return {
    name: (field: string): string => {
      const placeholder = `#${field.replace(/[^A-Za-z0-9]/g, "")}`
      names[placeholder] = field
      return placeholder
    },
    value: (attribute: AttributeValue): string => {
      const placeholder = `:v${n++}`
      values[placeholder] = attribute
      return placeholder
    },
    names,
    values
  }
}

