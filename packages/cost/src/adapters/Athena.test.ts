import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand
} from "@aws-sdk/client-athena"
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { mockClient } from "aws-sdk-client-mock"
import { Duration, Effect, Layer } from "effect"
import { afterEach } from "vitest"
import { AthenaCurSource, type AthenaCurTable, AthenaError, athenaQuery, layer as athenaLayer } from "./Athena.js"

const athena = mockClient(AthenaClient)
afterEach(() => {
  athena.reset()
})

const table: AthenaCurTable = { catalog: "AwsDataCatalog", database: "cur", table: "cur2", workGroup: "finops", tags: "map" }
const runtime = AwsRuntime.layer({ region: "us-east-1", retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(2) })
const source = (timeout: Duration.DurationInput = Duration.seconds(5)) =>
  athenaLayer({ table, pollInterval: Duration.millis(1), timeout }).pipe(Layer.provide(runtime))

const row = (...values: ReadonlyArray<string | undefined>) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) })
const HEADER = row("day", "account", "service", "customer", "line_items", "unblended", "amortized")

describe("athenaQuery", () => {
  it("aggregates a CUR 2.0 table by day, account, service and the customer's map key, exactly", () => {
    const sql = athenaQuery(table, { from: "2026-10-01", to: "2026-10-31", customerTag: "CostCenter" })
    expect(sql).toContain(`FROM "AwsDataCatalog"."cur"."cur2"`)
    expect(sql).toContain(`NULLIF(element_at(resource_tags, 'user_cost_center'), '') AS customer`)
    expect(sql).toContain(`CAST(SUM(CAST("line_item_unblended_cost" AS decimal(38, 9))) AS varchar) AS unblended`)
    expect(sql).toContain(`WHEN 'SavingsPlanCoveredUsage' THEN "savings_plan_savings_plan_effective_cost"`)
    expect(sql).toContain(`"line_item_usage_start_date" >= TIMESTAMP '2026-10-01 00:00:00'`)
    expect(sql).toContain(`"line_item_usage_start_date" < TIMESTAMP '2026-11-01 00:00:00'`)
    expect(sql).toContain("GROUP BY 1, 2, 3, 4")
  })

  it("reads flattened tag columns of legacy CUR tables and can skip commitment columns", () => {
    const sql = athenaQuery({ database: "cur", table: "legacy", tags: "columns", commitmentColumns: false }, { from: "2026-10-01", to: "2026-10-01", customerTag: "business_unit" })
    expect(sql).toContain(`NULLIF("resource_tags_user_business_unit", '') AS customer`)
    expect(sql).toContain(`FROM "cur"."legacy"`)
    expect(sql).not.toContain("SavingsPlan")
    expect(sql).toContain(`< TIMESTAMP '2026-10-02 00:00:00'`)
  })
})

describe("AthenaCurSource", () => {
  it.live("starts the query, polls until it succeeds and reads every page", () =>
    Effect.gen(function* () {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" })
      athena
        .on(GetQueryExecutionCommand)
        .resolvesOnce({ QueryExecution: { Status: { State: "QUEUED" } } })
        .resolvesOnce({ QueryExecution: { Status: { State: "RUNNING" } } })
        .resolves({ QueryExecution: { Status: { State: "SUCCEEDED" }, Statistics: { DataScannedInBytes: 12_345 } } })
      athena
        .on(GetQueryResultsCommand, { QueryExecutionId: "q-1", NextToken: undefined })
        .resolves({ ResultSet: { Rows: [HEADER, row("2026-10-01", "111111111111", "AmazonEC2", "acme", "10", "1.2345675", "1.0")] }, NextToken: "page-2" })
        .on(GetQueryResultsCommand, { QueryExecutionId: "q-1", NextToken: "page-2" })
        .resolves({ ResultSet: { Rows: [row("2026-10-01", "222222222222", "AmazonS3", undefined, "3", "-0.500000000", "-0.5")] } })
      const read = yield* Effect.flatMap(AthenaCurSource, (s) => s.read({ from: "2026-10-01", to: "2026-10-31" })).pipe(Effect.provide(source()))
      expect(read).toMatchObject({ queryExecutionId: "q-1", pages: 2, polls: 3, dataScannedBytes: 12_345 })
      expect(read.lines.map((l) => [l.date, l.account, l.service, l.tags["CostCenter"], l.unblended, l.amortized])).toEqual([
        ["2026-10-01", "111111111111", "AmazonEC2", "acme", 1_234_568, 1_000_000],
        ["2026-10-01", "222222222222", "AmazonS3", undefined, -500_000, -500_000]
      ])
      const start = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input
      expect(start).toMatchObject({ WorkGroup: "finops", QueryExecutionContext: { Database: "cur", Catalog: "AwsDataCatalog" } })
      expect(start?.QueryString).toBe(athenaQuery(table, { from: "2026-10-01", to: "2026-10-31" }))
    }))

  it.live("fails with the reason Athena gives for a failed query", () =>
    Effect.gen(function* () {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-2" })
      athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "FAILED", StateChangeReason: "COLUMN_NOT_FOUND: resource_tags" } } })
      const error = yield* Effect.flip(Effect.flatMap(AthenaCurSource, (s) => s.read({ from: "2026-10-01", to: "2026-10-31" })).pipe(Effect.provide(source())))
      expect(error).toBeInstanceOf(AthenaError)
      expect(error.message).toBe("Athena query q-2: FAILED: COLUMN_NOT_FOUND: resource_tags")
      expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0)
    }))

  it.live("stops a query that outlives its timeout", () =>
    Effect.gen(function* () {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-3" })
      athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "RUNNING" } } })
      athena.on(StopQueryExecutionCommand).resolves({})
      const error = yield* Effect.flip(
        Effect.flatMap(AthenaCurSource, (s) => s.read({ from: "2026-10-01", to: "2026-10-31" })).pipe(Effect.provide(source(Duration.millis(50))))
      )
      expect(error).toMatchObject({ _tag: "AthenaError", reason: "Timeout", queryExecutionId: "q-3" })
      expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([{ QueryExecutionId: "q-3" }])
    }))

  it.live("refuses a result row it cannot read", () =>
    Effect.gen(function* () {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-4" })
      athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } })
      athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [HEADER, row("2026-10-01", "111111111111", "AmazonEC2", "acme", "1", "NaN", "0")] } })
      const error = yield* Effect.flip(Effect.flatMap(AthenaCurSource, (s) => s.read({ from: "2026-10-01", to: "2026-10-31" })).pipe(Effect.provide(source())))
      expect(error).toMatchObject({ _tag: "AthenaError", reason: "MalformedResult" })
    }))
})
