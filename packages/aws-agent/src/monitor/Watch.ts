/**
 * θ5 against AWS: watch the applied changes of a deployment. For each changed
 * resource with a CPU metric, a baseline from CloudWatch before the change;
 * CloudWatch alarms with the platform's tags (CPU > 80 % sustained, and the
 * cost at the change's target: before cost less the expected savings); the
 * resource's cost metric published from its priced after-state; then the
 * watch window; then after-vs-before comparisons and the alarms' states give
 * the verdict, and the regressed changes are rolled back through θ4.
 *
 * The window passes with `Effect.sleep` unless `waitUntil` is given (the
 * sandbox's virtual clock), and the times asked of CloudWatch come from
 * `now` (default the Effect clock): the sandbox's estate has its own time.
 */
import type { AwsError } from "@miyabi/aws-runtime"
import { type Change, type ChangeId, type CycleId, type DeploymentRecord, type ExecutionPlan, MicroUsd, Observation, type ResourceRef, wasRead } from "@miyabi/types"
import { Clock, Duration, Effect, Option } from "effect"
import { CloudWatchAlarms } from "../adapters/CloudWatchAlarms.js"
import { CloudWatchMetrics, MAX_QUERIES_PER_CALL, type MetricQuery } from "../adapters/CloudWatchMetrics.js"
import type { DeploymentStore } from "../deploy/DeploymentStore.js"
import type { LiveResources, WaitPolicy } from "../deploy/LiveResources.js"
import { rollbackChanges } from "../deploy/Rollback.js"
import { CurrentCatalog, monthlyCost, type PriceCatalog, shipped } from "../pricing/PricingCatalog.js"
import { type AlarmDefinition, alarmDefinitions, COST_METRIC, COST_NAMESPACE } from "./Alarms.js"
import { baselineFrom, type MetricPoint } from "./Baseline.js"
import { type Assessment, compare, compareCost, type CpuThresholds, defaultCpuThresholds, type Subject } from "./Compare.js"
import { expectedRiseFor } from "./ExpectedRise.js"
import { MonitorError } from "./MonitorError.js"
import { verdict } from "./Verdict.js"

export interface WatchInput {
  readonly plan: ExecutionPlan
  readonly record: DeploymentRecord
}

export interface WatchOptions {
  /** For the alarms' names and tags; default the record's cycle. */
  readonly cycleId?: CycleId
  /** How long to watch after the deployment (short in tests). */
  readonly window: Duration.DurationInput
  /** How the window passes; default `Effect.sleep` until `end`. The sandbox advances its clock instead. */
  readonly waitUntil?: (end: Date) => Effect.Effect<void>
  /** The time CloudWatch is asked about; default the Effect clock. */
  readonly now?: () => Date
  /** How far back the baseline looks before the change; default 1 day. */
  readonly baselineWindow?: Duration.DurationInput
  /** CPU period in seconds (default 300) and thresholds (default > 80 % for 3 periods). */
  readonly periodSeconds?: number
  readonly thresholds?: Partial<Omit<CpuThresholds, "expectedRise">>
  /** Extra alarm tags (e.g. CostCenter). */
  readonly tags?: Readonly<Record<string, string>>
  /** Prices before and after states; default the `CurrentCatalog` service, else the shipped catalog. */
  readonly catalog?: PriceCatalog
  /** Roll back the regressed changes (default true); false only reports them. */
  readonly rollback?: boolean
  /** Validation of each rollback; default θ4's. */
  readonly validation?: WaitPolicy
}

/** Where each kind's CPU lives (the same as the alarms'). */
const CPU: Partial<Record<ResourceRef["kind"], { readonly namespace: string; readonly dimension: string }>> = {
  "ec2-instance": { namespace: "AWS/EC2", dimension: "InstanceId" },
  "rds-instance": { namespace: "AWS/RDS", dimension: "DBInstanceIdentifier" }
}

/** Changes whose CPU says whether the resource copes: capacity changes of a resource that keeps running. */
const CPU_ACTIONS: ReadonlySet<Change["action"]["_tag"]> = new Set(["ResizeInstance", "ResizeDbInstance"])
/**
 * Changes the catalog prices at once from the after-state. Not: lifecycle
 * rules (savings come as data ages), deletions (no after-state), Lambda
 * memory (priced from usage the live read does not have).
 */
const COST_ACTIONS: ReadonlySet<Change["action"]["_tag"]> = new Set(["ResizeInstance", "ResizeDbInstance", "StopInstance", "ModifyVolume"])

/** One applied change and what θ5 knows of it before the window. */
interface Watched {
  readonly change: Change
  readonly resource: ResourceRef
  readonly beforeCost: MicroUsd
  readonly afterCost: Option.Option<MicroUsd>
  readonly target: Option.Option<MicroUsd>
  readonly cpu: boolean
  readonly startedAt: Date
  readonly alarms: ReadonlyArray<AlarmDefinition>
}

const cloudWatch = (e: AwsError) => new MonitorError({ reason: "CloudWatchFailed", message: e.message })

const targetKey = (r: ResourceRef) => `${r.account}/${r.region}`

/** Groups by account and region, the unit of every CloudWatch call. */
const byTarget = <A>(items: ReadonlyArray<A>, ref: (a: A) => ResourceRef): ReadonlyArray<readonly [ResourceRef, ReadonlyArray<A>]> => {
  const groups = new Map<string, { ref: ResourceRef; items: Array<A> }>()
  for (const item of items) {
    const r = ref(item)
    const group = groups.get(targetKey(r)) ?? { ref: r, items: [] }
    group.items.push(item)
    groups.set(targetKey(r), group)
  }
  return [...groups.values()].map((g) => [g.ref, g.items] as const)
}

/**
 * CPU series of the watched resources in a window, by change id. GetMetricData
 * answers values in time order (TimestampAscending); the timestamps are
 * rebuilt one period apart, which joins the two sides of a gap (a stopped
 * instance), good enough for "N periods in a row".
 */
const cpuSeries = (watched: ReadonlyArray<Watched>, window: { readonly start: (w: Watched) => Date; readonly end: (w: Watched) => Date }, period: number) =>
  Effect.gen(function* () {
    const metrics = yield* CloudWatchMetrics
    const withCpu = watched.filter((w) => w.cpu)
    const out = new Map<string, ReadonlyArray<MetricPoint>>()
    // One call per account, region and window (each change has its own baseline window), at most 500 queries each.
    const groups = new Map<string, { readonly ref: ResourceRef; readonly start: Date; readonly end: Date; readonly items: Array<Watched> }>()
    for (const w of withCpu) {
      const [start, end] = [window.start(w), window.end(w)]
      const key = `${targetKey(w.resource)}/${start.getTime()}/${end.getTime()}`
      const group = groups.get(key) ?? { ref: w.resource, start, end, items: [] }
      group.items.push(w)
      groups.set(key, group)
    }
    for (const { ref, start, end, items: all } of groups.values()) {
      for (let from = 0; from < all.length; from += MAX_QUERIES_PER_CALL) {
        const items = all.slice(from, from + MAX_QUERIES_PER_CALL)
        const queries: ReadonlyArray<MetricQuery> = items.map((w, i) => {
          const cpu = CPU[w.resource.kind] ?? { namespace: "", dimension: "" }
          return { id: `c${i}`, namespace: cpu.namespace, metricName: "CPUUtilization", dimensions: [{ name: cpu.dimension, value: w.resource.id }], stat: "Average", periodSeconds: period }
        })
        const series = yield* Effect.mapError(metrics.getMetricData({ account: ref.account, region: ref.region }, queries, { start, end }), cloudWatch)
        items.forEach((w, i) => {
          const values = series.find((x) => x.id === `c${i}`)?.values ?? []
          out.set(w.change.id, values.map((value, j) => ({ timestamp: new Date(start.getTime() + j * period * 1000), value })))
        })
      }
    }
    return out
  })

export const watch = (
  input: WatchInput,
  options: WatchOptions
): Effect.Effect<Observation, MonitorError, CloudWatchAlarms | CloudWatchMetrics | LiveResources | DeploymentStore> =>
  Effect.gen(function* () {
    const { plan, record } = input
    const cycleId = options.cycleId ?? record.cycleId
    const now = options.now === undefined ? Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms)) : Effect.sync(options.now)
    const catalog = options.catalog ?? Option.getOrElse(yield* Effect.serviceOption(CurrentCatalog), () => shipped)
    const period = options.periodSeconds ?? 300
    const thresholds: CpuThresholds = { ...defaultCpuThresholds, ...options.thresholds }
    const alarmsApi = yield* CloudWatchAlarms
    const changes = new Map(plan.changes.map((c) => [c.id as string, c]))
    const windowStart = yield* now
    const watched: ReadonlyArray<Watched> = record.executions.flatMap((e) => {
      const change = changes.get(e.changeId)
      // An applied change was read (the schema refuses one without its before-state); the guard narrows the type.
      if (e.status !== "applied" || change === undefined || !wasRead(e)) return []
      const beforeCost = monthlyCost(catalog, e.before)
      const priced = COST_ACTIONS.has(change.action._tag)
      const target = priced ? Option.some(MicroUsd.make(Math.max(0, beforeCost - change.expectedMonthlySavings))) : Option.none()
      const cpu = CPU_ACTIONS.has(change.action._tag) && CPU[e.resource.kind] !== undefined
      // The change's own clock can be behind the estate's (the sandbox's runs ahead): the earlier of the two is before the change.
      const startedAt = new Date(Math.min(e.startedAt.getTime(), windowStart.getTime()))
      return [{
        change,
        resource: e.resource,
        beforeCost,
        afterCost: priced ? Option.map(Option.fromNullable(e.after), (a) => monthlyCost(catalog, a)) : Option.none(),
        target,
        cpu,
        startedAt,
        alarms: alarmDefinitions(change, {
          cycleId,
          ...Option.match(target, { onNone: () => ({}), onSome: (t) => ({ targetMonthlyCost: t }) }),
          periodSeconds: period,
          evaluationPeriods: thresholds.sustainedPoints,
          cpuThresholdPercent: thresholds.ceilingPercent,
          ...(options.tags === undefined ? {} : { tags: options.tags })
        }).filter((a) => cpu || a.MetricName !== "CPUUtilization")
      }]
    })
    const baselineMs = Duration.toMillis(options.baselineWindow ?? Duration.days(1))
    const baselines = yield* cpuSeries(watched, { start: (w) => new Date(w.startedAt.getTime() - baselineMs), end: (w) => w.startedAt }, period)
    const publishCosts = (at: Date) =>
      Effect.forEach(
        watched.flatMap((w) => Option.match(w.afterCost, { onNone: () => [], onSome: (cost) => [[w, cost] as const] })),
        ([w, cost]) => Effect.mapError(alarmsApi.publishCost({ account: w.resource.account, region: w.resource.region }, w.resource, cost, at), cloudWatch),
        { discard: true }
      )
    for (const [ref, items] of byTarget(watched, (w) => w.resource)) {
      yield* Effect.mapError(alarmsApi.put({ account: ref.account, region: ref.region }, items.flatMap((w) => w.alarms)), cloudWatch)
    }
    yield* publishCosts(windowStart)

    const windowEnd = new Date(windowStart.getTime() + Duration.toMillis(options.window))
    if (watched.length > 0) yield* options.waitUntil?.(windowEnd) ?? Effect.sleep(options.window)
    // The cost alarm looks at its latest hour: the after-state's cost is in it again at the end of the window.
    yield* publishCosts(windowEnd)

    const observed = yield* cpuSeries(watched, { start: () => windowStart, end: () => windowEnd }, period)
    const assessments: Array<Assessment> = []
    for (const w of watched) {
      const cpu = CPU[w.resource.kind]
      if (w.cpu && cpu !== undefined) {
        const subject: Subject = { changeId: w.change.id, resource: w.resource, namespace: cpu.namespace, metric: "CPUUtilization" }
        assessments.push(compare(subject, baselineFrom(baselines.get(w.change.id) ?? []), observed.get(w.change.id) ?? [], { ...thresholds, expectedRise: expectedRiseFor(w.change.action, catalog) }))
      }
      if (Option.isSome(w.afterCost) && Option.isSome(w.target)) {
        assessments.push(compareCost({ changeId: w.change.id, resource: w.resource, namespace: COST_NAMESPACE, metric: COST_METRIC }, w.beforeCost, w.afterCost.value, w.target.value))
      }
    }
    const alarms = (yield* Effect.forEach(byTarget(watched, (w) => w.resource), ([ref, items]) =>
      Effect.mapError(alarmsApi.states({ account: ref.account, region: ref.region }, items.flatMap((w) => w.alarms)), cloudWatch)
    )).flat()
    const result = verdict(assessments, alarms)

    const rolledBack = yield* rollBack(record, result.rollback, result.reasons, cycleId, options)
    // A rolled-back change has nothing left to watch: its alarms go with it.
    const gone = watched.filter((w) => rolledBack.includes(w.change.id))
    for (const [ref, items] of byTarget(gone, (w) => w.resource)) {
      yield* Effect.mapError(alarmsApi.delete({ account: ref.account, region: ref.region }, items.flatMap((w) => w.alarms.map((a) => a.AlarmName))), cloudWatch)
    }
    const sum = (costs: ReadonlyArray<MicroUsd>) => MicroUsd.make(costs.reduce((s, c) => s + c, 0))
    const priced = watched.flatMap((w) => Option.match(w.afterCost, { onNone: () => [], onSome: (after) => [[w, after] as const] }))
    return Observation.make({
      cycleId,
      deploymentId: record.id,
      observedAt: yield* now,
      windowStart,
      windowEnd,
      comparisons: assessments.map((a) => a.comparison),
      alarms,
      // Over the changes priced before and after (see COST_ACTIONS), when there are any.
      ...(priced.length === 0 ? {} : { baselineMonthlyCost: sum(priced.map(([w]) => w.beforeCost)), observedMonthlyCost: sum(priced.map(([, after]) => after)) }),
      verdict: result.verdict,
      rolledBack
    })
  }).pipe(Effect.withSpan("Monitor.watch", { attributes: { deploymentId: input.record.id } }))

/** θ4's rollback of the regressed changes, with the reasons that named each; the changes it really rolled back. */
const rollBack = (record: DeploymentRecord, ids: ReadonlyArray<ChangeId>, reasons: ReadonlyArray<string>, cycleId: CycleId, options: WatchOptions) =>
  ids.length === 0 || options.rollback === false
    ? Effect.succeed<ReadonlyArray<ChangeId>>([])
    : rollbackChanges(record.id, ids, `θ5 ${cycleId} regression: ${reasons.join("; ")}`, options.validation === undefined ? {} : { validation: options.validation }).pipe(
        Effect.map((after) => after.executions.filter((e) => ids.includes(e.changeId) && e.status === "rolled-back").map((e) => e.changeId)),
        Effect.mapError((e) => new MonitorError({ reason: "RollbackFailed", message: e.message }))
      )
