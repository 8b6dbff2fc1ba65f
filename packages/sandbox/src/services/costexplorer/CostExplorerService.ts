/**
 * AWS Cost Explorer over JSON 1.1 (`AWSInsightsIndexService.*`):
 * GetCostAndUsage with DAILY / MONTHLY periods, GROUP BY up to two of
 * DIMENSION (LINKED_ACCOUNT, SERVICE, REGION, USAGE_TYPE) and TAG, filters
 * (Dimensions, Tags, And, Or, Not) and NextPageToken paging. Amounts are summed
 * as integer micro-dollars and written as exact decimal strings (no float
 * drift). The management account sees the whole organization (consolidated
 * billing); a member sees only its own lines.
 */
import { Effect } from "effect"
import type { CostLine, CostSource } from "../../EstateContract.js"
import type { AwsError, Operation, ServiceFactory } from "../../ServiceHandler.js"
import { awsError } from "../../ServiceHandler.js"
import { type Input, num, record, records, str, strings } from "../Input.js"
import { paginate } from "../Pagination.js"

export interface CostExplorerOptions {
  /** Groups per page before a NextPageToken (default 500). */
  readonly pageSize?: number
}

const validation = (message: string): AwsError => awsError("ValidationException", message)
const DAY = /^\d{4}-\d{2}-\d{2}$/
const COST_METRICS: Record<string, "unblended" | "amortized"> = {
  UnblendedCost: "unblended",
  BlendedCost: "unblended",
  NetUnblendedCost: "unblended",
  AmortizedCost: "amortized",
  NetAmortizedCost: "amortized"
}
const DIMENSIONS: Record<string, (l: CostLine) => string> = {
  LINKED_ACCOUNT: (l) => l.accountId,
  SERVICE: (l) => l.service,
  REGION: (l) => l.region,
  USAGE_TYPE: (l) => l.usageType ?? "",
  RECORD_TYPE: () => "Usage"
}

/** Integer micro-dollars -> "12.345678" (trailing zeros kept short like AWS's "0" / "40.35"). */
export const microsToDecimal = (micros: number): string => {
  const sign = micros < 0 ? "-" : ""
  const abs = Math.abs(Math.round(micros))
  const whole = Math.floor(abs / 1_000_000)
  const fraction = String(abs % 1_000_000).padStart(6, "0").replace(/0+$/, "")
  return `${sign}${whole}${fraction === "" ? "" : `.${fraction}`}`
}

const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
const nextMonth = (day: string): string => {
  const d = new Date(`${day}T00:00:00Z`)
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10)
}

/** [start, end) cut into days or calendar months (partial at the edges, as AWS does). */
const periods = (start: string, end: string, granularity: string): ReadonlyArray<{ Start: string; End: string }> => {
  const out: Array<{ Start: string; End: string }> = []
  let cursor = start
  while (cursor < end && out.length < 10_000) {
    const next = granularity === "DAILY" ? addDays(cursor, 1) : nextMonth(cursor)
    const stop = next < end ? next : end
    out.push({ Start: cursor, End: stop })
    cursor = stop
  }
  return out
}

type Predicate = (line: CostLine) => boolean

const compileFilter = (filter: Input | undefined): Effect.Effect<Predicate, AwsError> =>
  Effect.gen(function* () {
    if (filter === undefined) return () => true
    const and = records(filter, "And")
    const or = records(filter, "Or")
    const not = record(filter, "Not")
    const dimensions = record(filter, "Dimensions")
    const tags = record(filter, "Tags")
    if (and.length > 0) {
      const parts = yield* Effect.forEach(and, (f) => compileFilter(f))
      return (l) => parts.every((p) => p(l))
    }
    if (or.length > 0) {
      const parts = yield* Effect.forEach(or, (f) => compileFilter(f))
      return (l) => parts.some((p) => p(l))
    }
    if (not !== undefined) {
      const inner = yield* compileFilter(not)
      return (l) => !inner(l)
    }
    if (dimensions !== undefined) {
      const read = DIMENSIONS[str(dimensions, "Key") ?? ""]
      if (read === undefined) return yield* validation(`Dimension ${str(dimensions, "Key") ?? ""} is not allowed. Allowed dimension(s): ${Object.keys(DIMENSIONS).join(", ")}`)
      const values = new Set(strings(dimensions, "Values"))
      return (l) => values.has(read(l))
    }
    if (tags !== undefined) {
      const key = str(tags, "Key") ?? ""
      const values = new Set(strings(tags, "Values"))
      const absent = strings(tags, "MatchOptions").includes("ABSENT")
      return (l) => (l.tags[key] === undefined ? absent || values.has("") : values.has(l.tags[key] ?? ""))
    }
    return yield* validation("Expression must have at least one of And, Or, Not, Dimensions, Tags, CostCategories.")
  })

export const makeCostExplorerService =
  (source: CostSource, managementAccountId: string, accountName: (id: string) => string | undefined, options: CostExplorerOptions = {}): ServiceFactory =>
  () => {
    const operations: Record<string, Operation> = {
      GetCostAndUsage: (input, ctx) =>
        Effect.gen(function* () {
          const period = record(input, "TimePeriod") ?? {}
          const start = str(period, "Start") ?? ""
          const end = str(period, "End") ?? ""
          if (!DAY.test(start) || !DAY.test(end)) return yield* validation("Start and End must be dates in the format YYYY-MM-DD.")
          if (start >= end) return yield* validation("Start date (and hour) should be before end date (and hour)")
          const granularity = str(input, "Granularity") ?? ""
          if (granularity === "HOURLY") return yield* validation("Hourly granularity is only available for the last 14 days with hourly data enabled")
          if (granularity !== "DAILY" && granularity !== "MONTHLY") return yield* validation("Granularity must be DAILY, MONTHLY or HOURLY")
          const metrics = strings(input, "Metrics")
          if (metrics.length === 0) return yield* validation("Metrics is required")
          const unknownMetric = metrics.find((m) => COST_METRICS[m] === undefined && m !== "UsageQuantity")
          if (unknownMetric !== undefined) return yield* validation(`Invalid metric ${unknownMetric}`)
          const groupBy = records(input, "GroupBy")
          if (groupBy.length > 2) return yield* validation("You can only group by up to two different dimensions or tags")
          const keyFns = yield* Effect.forEach(groupBy, (g) => {
            const type = str(g, "Type")
            const key = str(g, "Key") ?? ""
            if (type === "TAG") return Effect.succeed((l: CostLine) => `${key}$${l.tags[key] ?? ""}`)
            const read = DIMENSIONS[key]
            if (type === "DIMENSION" && read !== undefined) return Effect.succeed(read)
            return Effect.fail(validation(`Group Definition dimension is invalid. Valid values are ${Object.keys(DIMENSIONS).join(", ")}`))
          })
          const filter = yield* compileFilter(record(input, "Filter"))
          const cuts = periods(start, end, granularity)
          const visible = (l: CostLine) => ctx.accountId === managementAccountId || l.accountId === ctx.accountId
          // period index -> group key -> sums
          const sums = cuts.map(() => new Map<string, { keys: ReadonlyArray<string>; unblended: number; amortized: number; usage: number }>())
          for (const line of source.lines(start, end)) {
            if (line.date < start || line.date >= end || !visible(line) || !filter(line)) continue
            const index = cuts.findIndex((c) => line.date >= c.Start && line.date < c.End)
            const bucket = sums[index]
            if (bucket === undefined) continue
            const keys = keyFns.map((f) => f(line))
            const k = keys.join("\u0000")
            const acc = bucket.get(k) ?? { keys, unblended: 0, amortized: 0, usage: 0 }
            acc.unblended += line.unblendedMicroUsd
            acc.amortized += line.amortizedMicroUsd
            acc.usage += line.usageQuantity ?? 0
            bucket.set(k, acc)
          }
          const metricsOf = (acc: { unblended: number; amortized: number; usage: number }) =>
            Object.fromEntries(metrics.map((m) => {
              const kind = COST_METRICS[m]
              return [m, kind === undefined ? { Amount: String(acc.usage), Unit: "N/A" } : { Amount: microsToDecimal(kind === "unblended" ? acc.unblended : acc.amortized), Unit: "USD" }]
            }))
          const estimated = (c: { End: string }) => c.End > ctx.now.toISOString().slice(0, 10)
          const definitions = groupBy.map((g) => ({ Type: str(g, "Type"), Key: str(g, "Key") }))
          const linkedAccounts = new Set<string>()
          if (groupBy.length === 0) {
            return {
              ResultsByTime: cuts.map((c, i) => {
                const total = [...(sums[i]?.values() ?? [])].reduce((a, b) => ({ unblended: a.unblended + b.unblended, amortized: a.amortized + b.amortized, usage: a.usage + b.usage }), { unblended: 0, amortized: 0, usage: 0 })
                return { TimePeriod: c, Total: metricsOf(total), Groups: [], Estimated: estimated(c) }
              })
            }
          }
          const flat = cuts.flatMap((_, i) =>
            [...(sums[i]?.values() ?? [])].sort((a, b) => a.keys.join().localeCompare(b.keys.join())).map((g) => ({ i, g }))
          )
          const page = yield* paginate(flat, {
            scope: `ce:${JSON.stringify([start, end, granularity, metrics, definitions, input["Filter"] ?? null])}`,
            token: str(input, "NextPageToken"),
            pageSize: num(input, "MaxResults") ?? options.pageSize ?? 500,
            invalidToken: () => awsError("InvalidNextTokenException", "The pagination token is invalid.")
          })
          const accountIndex = groupBy.findIndex((g) => str(g, "Type") === "DIMENSION" && str(g, "Key") === "LINKED_ACCOUNT")
          const touched = [...new Set(page.items.map((x) => x.i))]
          const ResultsByTime = (page.nextToken === undefined && str(input, "NextPageToken") === undefined ? cuts.map((_, i) => i) : touched).map((i) => {
            const c = cuts[i] ?? { Start: start, End: end }
            return {
              TimePeriod: c,
              Total: {},
              Groups: page.items.filter((x) => x.i === i).map(({ g }) => {
                if (accountIndex >= 0) linkedAccounts.add(g.keys[accountIndex] ?? "")
                return { Keys: g.keys, Metrics: metricsOf(g) }
              }),
              Estimated: estimated(c)
            }
          })
          return {
            GroupDefinitions: definitions,
            ResultsByTime,
            // Only LINKED_ACCOUNT groups come with attributes (the account names); absent otherwise, as in the CLI example.
            ...(accountIndex < 0 ? {} : { DimensionValueAttributes: [...linkedAccounts].sort().map((id) => ({ Value: id, Attributes: { description: accountName(id) ?? id } })) }),
            ...(page.nextToken === undefined ? {} : { NextPageToken: page.nextToken })
          }
        })
    }
    return {
      signingName: "ce",
      protocol: "json1.1",
      targetPrefix: "AWSInsightsIndexService",
      errors: {
        throttling: { code: "LimitExceededException", status: 400, message: "You have exceeded the rate limit for the Cost Explorer API." },
        internal: { code: "InternalFailure", status: 500, message: "The request processing has failed because of an unknown error." }
      },
      operations
    }
  }
