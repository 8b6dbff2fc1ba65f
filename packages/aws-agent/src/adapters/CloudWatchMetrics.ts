/**
 * CloudWatch GetMetricData: up to 500 queries in one call, paged by
 * NextToken when the answer exceeds the datapoints a response may carry
 * (100,800), with each query's values gathered across the pages.
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput } from "@aws-sdk/client-cloudwatch"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import type { AccountId, Region } from "@miyabi/types"
import { Chunk, Context, Effect, Layer, Option, Stream } from "effect"

export const CloudWatch = ServiceDescriptor.make("cloudwatch", (config) => new CloudWatchClient(config))

/** AWS's limit of queries per GetMetricData call. */
export const MAX_QUERIES_PER_CALL = 500

export interface MetricQuery {
  /** ^[a-z][a-zA-Z0-9_]*$, unique within one call. */
  readonly id: string
  readonly namespace: string
  readonly metricName: string
  readonly dimensions: ReadonlyArray<{ readonly name: string; readonly value: string }>
  readonly stat: "Average" | "Maximum" | "Sum" | "Minimum" | "SampleCount"
  readonly periodSeconds: number
}

export interface MetricSeries {
  readonly id: string
  readonly values: ReadonlyArray<number>
}

export interface CloudWatchMetricsShape {
  /** One GetMetricData call (and its pages) for at most 500 queries. */
  readonly getMetricData: (
    target: { readonly account: AccountId; readonly region: Region },
    queries: ReadonlyArray<MetricQuery>,
    window: { readonly start: Date; readonly end: Date }
  ) => Effect.Effect<ReadonlyArray<MetricSeries>, AwsError>
}

export class CloudWatchMetrics extends Context.Tag("@miyabi/aws-agent/CloudWatchMetrics")<CloudWatchMetrics, CloudWatchMetricsShape>() {}

/** Values per query id, concatenated across pages; queries without data get an empty series. */
export const seriesOf = (queries: ReadonlyArray<MetricQuery>, pages: ReadonlyArray<Pick<GetMetricDataCommandOutput, "MetricDataResults">>): ReadonlyArray<MetricSeries> => {
  const values = new Map<string, Array<number>>(queries.map((q) => [q.id, []]))
  for (const page of pages) {
    for (const r of page.MetricDataResults ?? []) {
      if (r.Id !== undefined) values.get(r.Id)?.push(...(r.Values ?? []))
    }
  }
  return queries.map((q) => ({ id: q.id, values: values.get(q.id) ?? [] }))
}

export const make: Effect.Effect<CloudWatchMetricsShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => ({
  getMetricData: (target, queries, window) => {
    if (queries.length > MAX_QUERIES_PER_CALL) return Effect.dieMessage(`GetMetricData takes at most ${MAX_QUERIES_PER_CALL} queries, got ${queries.length}`)
    if (queries.length === 0) return Effect.succeed([])
    const input = {
      StartTime: window.start,
      EndTime: window.end,
      ScanBy: "TimestampAscending" as const,
      MetricDataQueries: queries.map((q) => ({
        Id: q.id,
        MetricStat: {
          Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: q.dimensions.map((d) => ({ Name: d.name, Value: d.value })) },
          Period: q.periodSeconds,
          Stat: q.stat
        },
        ReturnData: true
      }))
    }
    return Stream.paginateEffect(undefined as string | undefined, (token) =>
      Effect.map(aws.call(CloudWatch, target, new GetMetricDataCommand(token === undefined ? input : { ...input, NextToken: token })), (out) => [
        out,
        Option.fromNullable(out.NextToken).pipe(Option.filter((t) => t !== "" && t !== token))
      ] as const)
    ).pipe(
      Stream.runCollect,
      Effect.map((pages) => seriesOf(queries, Chunk.toReadonlyArray(pages))),
      Effect.withSpan("CloudWatchMetrics.getMetricData", { attributes: { queries: queries.length } })
    )
  }
}))

export const layer: Layer.Layer<CloudWatchMetrics, never, AwsClients.AwsClients> = Layer.effect(CloudWatchMetrics, make)
