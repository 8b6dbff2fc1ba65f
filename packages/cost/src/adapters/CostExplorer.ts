/**
 * Cost lines from AWS Cost Explorer (GetCostAndUsage), by day or month,
 * unblended and amortized, for account x service x customer tag.
 *
 * Cost Explorer groups by at most two keys per call, so a read combines
 * calls: one grouped by LINKED_ACCOUNT finds the accounts with cost, then one
 * per account (filtered to it) grouped by SERVICE and the customer TAG. Each
 * page is a paid request ($0.01 at AWS), so every query's pages are cached by
 * query and period for the life of the layer, and each read says how many
 * calls it made and how many the cache answered.
 *
 * Cost Explorer is served from us-east-1 whatever the estate's regions.
 */
import {
  CostExplorerClient,
  type Expression,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type ResultByTime
} from "@aws-sdk/client-cost-explorer"
import { type AwsError, AwsClients, paginate, ServiceDescriptor, type AwsTarget } from "@miyabi/aws-runtime"
import { CostLine, Money, Region } from "@miyabi/types"
import { Chunk, Context, Effect, Layer, Ref, Schema, Stream } from "effect"
import type { OnCostProgress } from "../CostProgress.js"

export const CostExplorer = ServiceDescriptor.make("cost-explorer", (config) => new CostExplorerClient(config))

export class CostExplorerError extends Schema.TaggedError<CostExplorerError>()("CostExplorerError", {
  reason: Schema.Literal("MalformedAmount", "InvalidPeriod"),
  detail: Schema.String
}) {
  override get message(): string {
    return `Cost Explorer: ${this.detail}`
  }
}

export interface CostExplorerReadOptions {
  /** First day, inclusive ("2026-10-01"). */
  readonly from: string
  /** Last day, inclusive ("2026-10-31"). */
  readonly to: string
  readonly customerTag?: string
  readonly granularity?: "DAILY" | "MONTHLY"
  /** The payer (management) account that sees the organization's bill; default the caller's own. */
  readonly account?: AwsTarget["account"]
  /** Told as each query's pages are answered: the accounts with cost, then each account. */
  readonly onProgress?: OnCostProgress
}

export interface CostExplorerRead {
  readonly lines: ReadonlyArray<CostLine>
  /** GetCostAndUsage requests sent to AWS by this read (each one billed). */
  readonly calls: number
  /** Requests this read would have sent but the cache answered. */
  readonly cachedCalls: number
}

export interface CostExplorerSourceService {
  readonly read: (options: CostExplorerReadOptions) => Effect.Effect<CostExplorerRead, AwsError | CostExplorerError>
}

export class CostExplorerSource extends Context.Tag("@miyabi/cost/CostExplorerSource")<CostExplorerSource, CostExplorerSourceService>() {}

const METRICS = ["UnblendedCost", "AmortizedCost"]
const DAY = /^\d{4}-\d{2}-\d{2}$/

const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

interface CachedQuery {
  readonly results: ReadonlyArray<ResultByTime>
  readonly pages: number
}

const amount = (result: ResultByTime, metrics: Record<string, { Amount?: string | undefined }> | undefined, metric: string) => {
  const text = metrics?.[metric]?.Amount ?? "0"
  const micros = Money.fromDecimalString(text)
  return micros === undefined
    ? Effect.fail(new CostExplorerError({ reason: "MalformedAmount", detail: `${metric} "${text}" for ${result.TimePeriod?.Start ?? "?"}` }))
    : Effect.succeed(micros)
}

export const make = Effect.gen(function* () {
  const clients = yield* AwsClients.AwsClients
  const cache = yield* Ref.make(new Map<string, CachedQuery>())

  /** Which query of a read, for its progress: the accounts with cost (index 0), or account `index` of `total`. */
  interface QueryProgress {
    readonly onProgress: OnCostProgress | undefined
    readonly account?: string
    readonly index: number
    readonly total: number
  }
  const told = (at: QueryProgress, pages: number, cached: boolean) =>
    at.onProgress === undefined
      ? Effect.void
      : at.onProgress({ _tag: "CostExplorerQuery", ...(at.account === undefined ? {} : { account: at.account }), index: at.index, total: at.total, pages, cached })

  /** All pages of one query, from the cache when it was asked before. */
  const query = (target: AwsTarget, input: GetCostAndUsageCommandInput, counter: Ref.Ref<{ calls: number; cached: number }>, at: QueryProgress) =>
    Effect.gen(function* () {
      const key = JSON.stringify([target.account ?? "self", input])
      const hit = (yield* Ref.get(cache)).get(key)
      if (hit !== undefined) {
        yield* Ref.update(counter, (c) => ({ ...c, cached: c.cached + hit.pages }))
        yield* told(at, hit.pages, true)
        return hit.results
      }
      const pages = yield* Ref.make(0)
      const results = yield* paginate(
        (page: GetCostAndUsageCommandInput) =>
          clients.call(CostExplorer, target, new GetCostAndUsageCommand(page)).pipe(Effect.tap(() => Ref.update(pages, (n) => n + 1))),
        input,
        { inputToken: "NextPageToken", outputToken: "NextPageToken", items: "ResultsByTime" }
      ).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
      const sent = yield* Ref.get(pages)
      yield* Ref.update(cache, (m) => new Map(m).set(key, { results, pages: sent }))
      yield* Ref.update(counter, (c) => ({ ...c, calls: c.calls + sent }))
      yield* told(at, sent, false)
      return results
    })

  const read = (options: CostExplorerReadOptions): Effect.Effect<CostExplorerRead, AwsError | CostExplorerError> =>
    Effect.gen(function* () {
      if (!DAY.test(options.from) || !DAY.test(options.to) || options.from > options.to) {
        return yield* new CostExplorerError({ reason: "InvalidPeriod", detail: `${options.from}..${options.to} is not a period of days` })
      }
      const tag = options.customerTag ?? "CostCenter"
      const target: AwsTarget = { account: options.account, region: Region.make("us-east-1") }
      const counter = yield* Ref.make({ calls: 0, cached: 0 })
      const base = {
        TimePeriod: { Start: options.from, End: nextDay(options.to) },
        Granularity: options.granularity ?? "DAILY",
        Metrics: METRICS
      } satisfies GetCostAndUsageCommandInput
      const byAccount = yield* query(target, { ...base, GroupBy: [{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }] }, counter, { onProgress: options.onProgress, index: 0, total: 0 })
      const accounts = [...new Set(byAccount.flatMap((r) => (r.Groups ?? []).map((g) => g.Keys?.[0] ?? "")).filter((a) => a !== ""))].sort()
      const lines: Array<CostLine> = []
      for (const [i, account] of accounts.entries()) {
        const filter: Expression = { Dimensions: { Key: "LINKED_ACCOUNT", Values: [account] } }
        const results = yield* query(
          target,
          { ...base, Filter: filter, GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }, { Type: "TAG", Key: tag }] },
          counter,
          { onProgress: options.onProgress, account, index: i + 1, total: accounts.length }
        )
        for (const result of results) {
          for (const group of result.Groups ?? []) {
            const [service = "(none)", tagKey = ""] = group.Keys ?? []
            // A TAG group key is "<key>$<value>"; "<key>$" is the untagged cost.
            const customer = tagKey.slice(tagKey.indexOf("$") + 1)
            const unblended = yield* amount(result, group.Metrics, "UnblendedCost")
            const amortized = yield* amount(result, group.Metrics, "AmortizedCost")
            lines.push(
              new CostLine({
                date: result.TimePeriod?.Start ?? options.from,
                account,
                service,
                tags: customer === "" ? {} : { [tag]: customer },
                unblended,
                amortized,
                source: `ce:${options.from}..${options.to}`
              })
            )
          }
        }
      }
      const { calls, cached } = yield* Ref.get(counter)
      return { lines, calls, cachedCalls: cached }
    }).pipe(Effect.withSpan("CostExplorerSource.read", { attributes: { from: options.from, to: options.to } }))

  return CostExplorerSource.of({ read })
})

export const layer: Layer.Layer<CostExplorerSource, never, AwsClients.AwsClients> = Layer.effect(CostExplorerSource, make)

/** A source answering from fixed lines (those within the period), for tests and demos; it makes no calls. */
export const layerTest = (lines: ReadonlyArray<CostLine>): Layer.Layer<CostExplorerSource> =>
  Layer.succeed(
    CostExplorerSource,
    CostExplorerSource.of({
      read: (options) => Effect.succeed({ lines: lines.filter((l) => l.date >= options.from && l.date <= options.to), calls: 0, cachedCalls: 0 })
    })
  )
