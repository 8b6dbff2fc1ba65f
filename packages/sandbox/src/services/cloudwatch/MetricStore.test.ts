import { describe, expect, it } from "@effect/vitest"
import type { MetricPoint, MetricQuery, MetricSource } from "../../EstateContract.js"
import { makeMetricStore } from "./MetricStore.js"

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 1)
const at = (hours: number, value: number): MetricPoint => ({ timestamp: new Date(T0 + hours * HOUR), value })
const query: MetricQuery = {
  accountId: "111111111111", region: "us-east-1", namespace: "CWAgent", metricName: "mem_used_percent", dimensions: [{ name: "InstanceId", value: "i-1" }],
  start: new Date(T0), end: new Date(T0 + 6 * HOUR), period: 3600, stat: "Average"
}
const fixed = (points: ReadonlyArray<MetricPoint>): MetricSource => ({ points: () => points })
const pairs = (points: ReadonlyArray<MetricPoint>) => points.map((p) => [(p.timestamp.getTime() - T0) / HOUR, p.value])

describe("MetricStore.points", () => {
  it("answers one source's series as it is, in a copy of its own", () => {
    const series = [at(0, 1), at(1, 2), at(2, 3)]
    const store = makeMetricStore([fixed([]), fixed(series)])
    const answer = store.points(query)
    expect(pairs(answer)).toEqual([[0, 1], [1, 2], [2, 3]])
    expect(answer).not.toBe(series)
  })

  it("merges sources by time (the later source wins a tie) and sorts a series out of order", () => {
    const store = makeMetricStore([fixed([at(2, 20), at(0, 0)]), fixed([at(2, 99), at(1, 10)])])
    expect(pairs(store.points(query))).toEqual([[0, 0], [1, 10], [2, 99]])
    expect(pairs(makeMetricStore([fixed([at(3, 3), at(1, 1), at(1, 7)])]).points(query))).toEqual([[1, 7], [3, 3]])
  })

  it("lets put points win over a source's on the same period", () => {
    const store = makeMetricStore([fixed([at(0, 1), at(1, 2), at(2, 3)])])
    store.put({ ...query, timestamp: new Date(T0 + HOUR + 60_000), values: [50, 70] })
    expect(pairs(store.points(query))).toEqual([[0, 1], [1, 60], [2, 3]])
  })

  it("buckets put points in periods counted from the query's start, not from the epoch, and stops at its end", () => {
    const store = makeMetricStore([])
    const minutes = (m: number) => new Date(T0 + m * 60_000)
    for (const [m, value] of [[6, 1000], [7, 1], [66, 3], [67, 5], [126, 7], [187, 1000]] as const) store.put({ ...query, timestamp: minutes(m), values: [value] })
    const from7 = { ...query, start: minutes(7), end: minutes(187), stat: "Sum" }
    // [7, 67) holds 1 and 3, [67, 127) 5 and 7, [127, 187) nothing; 6 is before the start, 187 the end.
    expect(store.points(from7).map((p) => [p.timestamp.toISOString(), p.value])).toEqual([[minutes(7).toISOString(), 4], [minutes(67).toISOString(), 12]])
    // From the hour, the same points fall in the epoch's hours.
    expect(pairs(store.points({ ...from7, start: new Date(T0), end: minutes(180) }))).toEqual([[0, 1001], [1, 8], [2, 7]])
  })

  it("runs many queries in one sharing call of each source that has one, with the same answers as one by one", () => {
    const calls: Array<string> = []
    const sharing = (name: string) => <A>(run: () => A): A => {
      calls.push(`${name}:start`)
      const result = run()
      calls.push(`${name}:end`)
      return result
    }
    const sources = [{ ...fixed([at(0, 1)]), sharing: sharing("a") }, fixed([at(1, 2)]), { ...fixed([at(0, 5)]), sharing: sharing("b") }]
    const store = makeMetricStore(sources)
    const queries = [query, { ...query, stat: "Maximum" }, { ...query, end: new Date(T0 + HOUR) }]
    const many = store.pointsOfMany(queries, (points) => points)
    expect(calls).toEqual(["b:start", "a:start", "a:end", "b:end"])
    expect(many).toEqual(queries.map((q) => store.points(q)))
    expect(pairs(many[0] ?? [])).toEqual([[0, 5], [1, 2]])
  })
})
