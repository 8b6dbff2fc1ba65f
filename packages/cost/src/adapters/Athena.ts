/**
 * Organization-scale CUR in S3, queried with Amazon Athena: the same
 * aggregation as the DuckDB reader (day x account x service x customer tag,
 * unblended and amortized), run as StartQueryExecution, polled with
 * GetQueryExecution on a Schedule until it ends, and read back through every
 * GetQueryResults page. Sums come back as exact decimal text (Athena's
 * DECIMAL), never as floats. Interrupting a read stops the query, so an
 * abandoned report does not keep scanning (and billing) the bucket.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandInput,
  type Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand
} from "@aws-sdk/client-athena"
import { type AwsError, AwsClients, type AwsTarget, paginate, ServiceDescriptor } from "@miyabi/aws-runtime"
import { CostLine, Money } from "@miyabi/types"
import { Chunk, Context, Duration, Effect, Layer, Ref, Schedule, Schema, Stream } from "effect"
import { COLUMNS, snakeCase } from "../CurColumns.js"

export const Athena = ServiceDescriptor.make("athena", (config) => new AthenaClient(config))

export class AthenaError extends Schema.TaggedError<AthenaError>()("AthenaError", {
  reason: Schema.Literal("QueryFailed", "Timeout", "MalformedResult"),
  queryExecutionId: Schema.optional(Schema.String),
  detail: Schema.String
}) {
  override get message(): string {
    return `Athena${this.queryExecutionId === undefined ? "" : ` query ${this.queryExecutionId}`}: ${this.detail}`
  }
}

/** Where the CUR table is and how it spells tags. */
export interface AthenaCurTable {
  readonly database: string
  readonly table: string
  readonly catalog?: string
  readonly workGroup?: string
  /** s3://bucket/prefix/ for results, when the workgroup does not set one. */
  readonly outputLocation?: string
  /** CUR 2.0 has a `resource_tags` map; legacy CUR's Athena tables flatten tags into `resource_tags_user_*` columns. */
  readonly tags: "map" | "columns"
  /** Whether the table has the reservation / Savings Plan effective-cost columns (CUR 2.0 always does). */
  readonly commitmentColumns?: boolean
}

export interface AthenaConfig {
  readonly table: AthenaCurTable
  readonly target?: AwsTarget
  /** Between GetQueryExecution polls; default 1 second. */
  readonly pollInterval?: Duration.DurationInput
  /** Give up (and stop the query) after this long; default 10 minutes. */
  readonly timeout?: Duration.DurationInput
}

export interface AthenaReadOptions {
  /** First day, inclusive. */
  readonly from: string
  /** Last day, inclusive. */
  readonly to: string
  readonly customerTag?: string
}

export interface AthenaRead {
  readonly lines: ReadonlyArray<CostLine>
  readonly queryExecutionId: string
  /** GetQueryResults pages and GetQueryExecution polls sent. */
  readonly pages: number
  readonly polls: number
  /** What Athena bills by. */
  readonly dataScannedBytes: number
}

export interface AthenaCurSourceService {
  readonly read: (options: AthenaReadOptions) => Effect.Effect<AthenaRead, AwsError | AthenaError>
}

export class AthenaCurSource extends Context.Tag("@miyabi/cost/AthenaCurSource")<AthenaCurSource, AthenaCurSourceService>() {}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`
const DAY = /^\d{4}-\d{2}-\d{2}$/
const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** The Athena (Trino) SQL for one period; column names from CurColumns' cur2 mapping. */
export const athenaQuery = (table: AthenaCurTable, options: AthenaReadOptions): string => {
  const c = COLUMNS.cur2
  const tag = snakeCase(options.customerTag ?? "CostCenter")
  const customer = table.tags === "map" ? `element_at(resource_tags, ${literal(`user_${tag}`)})` : ident(`resource_tags_user_${tag}`)
  const amortized =
    table.commitmentColumns === false
      ? ident(c.unblended)
      : `CASE ${ident(c.lineItemType as string)} WHEN 'DiscountedUsage' THEN ${ident(c.riEffective as string)} WHEN 'SavingsPlanCoveredUsage' THEN ${ident(c.spEffective as string)} WHEN 'SavingsPlanNegation' THEN 0 WHEN 'SavingsPlanUpfrontFee' THEN 0 ELSE ${ident(c.unblended)} END`
  const from = [table.catalog, table.database, table.table].filter((x): x is string => x !== undefined).map(ident).join(".")
  return `SELECT
  CAST(CAST(${ident(c.date)} AS date) AS varchar) AS day,
  ${ident(c.account)} AS account,
  COALESCE(NULLIF(${ident(c.service)}, ''), '(none)') AS service,
  NULLIF(${customer}, '') AS customer,
  CAST(COUNT(*) AS varchar) AS line_items,
  CAST(SUM(CAST(${ident(c.unblended)} AS decimal(38, 9))) AS varchar) AS unblended,
  CAST(SUM(CAST(${amortized} AS decimal(38, 9))) AS varchar) AS amortized
FROM ${from}
WHERE ${ident(c.date)} >= TIMESTAMP ${literal(`${options.from} 00:00:00`)}
  AND ${ident(c.date)} < TIMESTAMP ${literal(`${nextDay(options.to)} 00:00:00`)}
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4`
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"])

export const make = (config: AthenaConfig) =>
  Effect.gen(function* () {
    const clients = yield* AwsClients.AwsClients
    const target = config.target ?? {}
    const { table } = config

    const toLine = (row: Row, tag: string, id: string): Effect.Effect<CostLine, AthenaError> => {
      const [day, account, service, customer, , unblended, amortized] = (row.Data ?? []).map((d) => d.VarCharValue)
      const u = Money.fromDecimalString(unblended ?? "0")
      const a = Money.fromDecimalString(amortized ?? unblended ?? "0")
      if (day === undefined || !DAY.test(day) || account === undefined || u === undefined || a === undefined) {
        return Effect.fail(new AthenaError({ reason: "MalformedResult", queryExecutionId: id, detail: `unexpected row ${JSON.stringify(row.Data ?? [])}` }))
      }
      return Effect.succeed(
        new CostLine({
          date: day,
          account,
          service: service ?? "(none)",
          tags: customer === undefined || customer === "" ? {} : { [tag]: customer },
          unblended: u,
          amortized: a,
          source: `athena:${id}`
        })
      )
    }

    const read = (options: AthenaReadOptions): Effect.Effect<AthenaRead, AwsError | AthenaError> =>
      Effect.gen(function* () {
        const tag = options.customerTag ?? "CostCenter"
        const started = yield* clients.call(
          Athena,
          target,
          new StartQueryExecutionCommand({
            QueryString: athenaQuery(table, options),
            QueryExecutionContext: { Database: table.database, ...(table.catalog === undefined ? {} : { Catalog: table.catalog }) },
            ...(table.workGroup === undefined ? {} : { WorkGroup: table.workGroup }),
            ...(table.outputLocation === undefined ? {} : { ResultConfiguration: { OutputLocation: table.outputLocation } })
          })
        )
        const id = started.QueryExecutionId ?? ""
        const polls = yield* Ref.make(0)
        const status = clients
          .call(Athena, target, new GetQueryExecutionCommand({ QueryExecutionId: id }))
          .pipe(Effect.tap(() => Ref.update(polls, (n) => n + 1)))
        const finished = yield* status.pipe(
          // Identity schedule: the repeat ends with the last status, the terminal one.
          Effect.repeat(
            Schedule.identity<GetQueryExecutionCommandOutput>().pipe(
              Schedule.whileInput((out) => !TERMINAL.has(out.QueryExecution?.Status?.State ?? "")),
              Schedule.addDelay(() => config.pollInterval ?? Duration.seconds(1))
            )
          ),
          Effect.timeoutFail({
            duration: config.timeout ?? Duration.minutes(10),
            onTimeout: () => new AthenaError({ reason: "Timeout", queryExecutionId: id, detail: "the query did not finish in time; it was stopped" })
          }),
          Effect.tapError(() => stop(id)),
          Effect.onInterrupt(() => stop(id))
        )
        const state = finished.QueryExecution?.Status
        if (state?.State !== "SUCCEEDED") {
          return yield* new AthenaError({ reason: "QueryFailed", queryExecutionId: id, detail: `${state?.State ?? "?"}: ${state?.StateChangeReason ?? "no reason given"}` })
        }
        const pages = yield* Ref.make(0)
        const rows = yield* paginate(
          (input: GetQueryResultsCommandInput) =>
            clients.call(Athena, target, new GetQueryResultsCommand(input)).pipe(
              Effect.tap(() => Ref.update(pages, (n) => n + 1)),
              Effect.map((out) => ({ Rows: out.ResultSet?.Rows ?? [], NextToken: out.NextToken }))
            ),
          { QueryExecutionId: id, MaxResults: 1000 },
          { inputToken: "NextToken", outputToken: "NextToken", items: "Rows" }
        ).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
        // Athena repeats the column names as the first row of the first page.
        const body = rows[0]?.Data?.[0]?.VarCharValue === "day" ? rows.slice(1) : rows
        const lines = yield* Effect.forEach(body, (row) => toLine(row, tag, id))
        return {
          lines,
          queryExecutionId: id,
          pages: yield* Ref.get(pages),
          polls: yield* Ref.get(polls),
          dataScannedBytes: finished.QueryExecution?.Statistics?.DataScannedInBytes ?? 0
        }
      }).pipe(Effect.withSpan("AthenaCurSource.read", { attributes: { from: options.from, to: options.to } }))

    const stop = (id: string) =>
      clients.call(Athena, target, new StopQueryExecutionCommand({ QueryExecutionId: id })).pipe(Effect.ignore)

    return AthenaCurSource.of({ read })
  })

export const layer = (config: AthenaConfig): Layer.Layer<AthenaCurSource, never, AwsClients.AwsClients> =>
  Layer.effect(AthenaCurSource, make(config))
