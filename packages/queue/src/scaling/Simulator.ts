/**
 * A deterministic discrete-event simulation of the worker fleet under a
 * ScalingPolicy: tasks arrive, wait in the (high, standard) queues, are served
 * by workers; every alarm period the compiled alarms are evaluated and the
 * compiled step policies change the desired count, with Application Auto
 * Scaling's cooldown rules, min/max, and the ECS start delay of new tasks.
 * Scale-in stops starting and idle workers first; busy workers are protected
 * (ECS task protection) and leave when their task is done.
 */
import { adjustmentFor, alarmState, breaches, expressionValue, type Signals } from "./AlarmEvaluator.js"
import { prng, serviceSampler, type Arrival, type ServiceSpec } from "./Arrivals.js"
import { compile } from "./PolicyCompiler.js"
import type { ScalingPolicy } from "./ScalingPolicy.js"

export interface SimulationOptions {
  readonly policy: ScalingPolicy
  /** Arrivals in any order; `at` in seconds from the start. */
  readonly arrivals: ReadonlyArray<Arrival>
  /** Service time of arrivals that carry none. SPEC: 15 min standard. */
  readonly service: ServiceSpec
  /** Time from launching an ECS task to it taking work, drawn uniformly. */
  readonly startDelaySeconds: { readonly min: number; readonly max: number }
  readonly seed: number
  /**
   * How many alarm periods old the data the alarms see is: SQS and ECS
   * metrics reach CloudWatch a minute or more late. 0 (the default) means
   * the alarms see the state at the moment they evaluate.
   */
  readonly metricLagPeriods?: number
  /** Workers running at t = 0; the policy's min by default. */
  readonly initialWorkers?: number
  /**
   * Run exactly this long (tasks may remain; the fleet keeps scaling after
   * the queue drains). Without it the run ends when the last task is done,
   * or 7 days after the last arrival.
   */
  readonly horizonSeconds?: number
}

export interface ScaleEvent {
  readonly at: number
  readonly rule: string
  readonly adjustment: number
  readonly from: number
  readonly to: number
  readonly signals: Signals
}

export interface WaitStats {
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly mean: number
}

export interface SimulationResult {
  readonly arrived: number
  readonly completed: number
  /** Tasks still waiting or running when the simulation stopped (horizon reached). */
  readonly unfinished: number
  /** Queue wait (arrival to start) of the tasks that started, seconds. */
  readonly waitSeconds: WaitStats
  /** The same per queue (arrivals without a priority count as standard). */
  readonly waitSecondsByPriority: { readonly high: WaitStats; readonly standard: WaitStats }
  /** Billed worker time: from launch (start delay included) to stop. */
  readonly workerHours: number
  readonly busyHours: number
  readonly vcpuHours: number
  readonly memoryGiBHours: number
  readonly worker: { readonly vcpu: number; readonly memoryGiB: number }
  /** Most workers running or starting at once, and the highest desired count. */
  readonly maxWorkers: number
  readonly maxDesired: number
  /** busyHours / workerHours. */
  readonly utilization: number
  /** Completed tasks per billed worker-day. */
  readonly tasksPerWorkerDay: number
  readonly durationSeconds: number
  readonly scaleEvents: ReadonlyArray<ScaleEvent>
}

// Event kinds in the order they resolve at equal times: a finishing worker
// frees itself before a new arrival is queued, and both before the alarm looks.
const COMPLETION = 0
const READY = 1
const ARRIVAL = 2
const TICK = 3

interface SimEvent {
  readonly t: number
  readonly kind: number
  readonly seq: number
  readonly ref: number
}

const before = (a: SimEvent, b: SimEvent): boolean => a.t < b.t || (a.t === b.t && (a.kind < b.kind || (a.kind === b.kind && a.seq < b.seq)))

/** A binary min-heap of events, local to one run. */
const eventHeap = () => {
  const items: Array<SimEvent> = []
  const push = (event: SimEvent) => {
    items.push(event)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }
  const pop = (): SimEvent | undefined => {
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined || items.length === 0) return top
    items[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < items.length && before(items[l]!, items[m]!)) m = l
      if (r < items.length && before(items[r]!, items[m]!)) m = r
      if (m === i) break
      ;[items[i], items[m]] = [items[m]!, items[i]!]
      i = m
    }
    return top
  }
  return { push, pop }
}

const percentile = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!

const waitStats = (waits: ReadonlyArray<number>): WaitStats => {
  const sorted = [...waits].sort((a, b) => a - b)
  return {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
    mean: sorted.length === 0 ? 0 : sorted.reduce((sum, w) => sum + w, 0) / sorted.length
  }
}

/** Runs the simulation. Pure: the same options give the same result. */
export const simulate = (options: SimulationOptions): SimulationResult => {
  const { policy } = options
  const compiled = compile(policy, { clusterName: "sim", serviceName: "worker", highQueueName: "high", standardQueueName: "standard" })
  const period = policy.evaluation.periodSeconds
  const random = prng(options.seed)
  const serviceTime = serviceSampler(options.service, random)
  const arrivals = [...options.arrivals].sort((a, b) => a.at - b.at)
  const lastArrival = arrivals.length === 0 ? 0 : arrivals[arrivals.length - 1]!.at
  const horizon = options.horizonSeconds ?? lastArrival + 7 * 86_400

  const events = eventHeap()
  let seq = 0
  const schedule = (t: number, kind: number, ref: number) => events.push({ t, kind, seq: seq++, ref })

  // Queues hold arrival indices; `head` pointers make dequeue O(1).
  const queues = { high: [] as Array<number>, standard: [] as Array<number> }
  const heads = { high: 0, standard: 0 }
  const depth = () => queues.high.length - heads.high + (queues.standard.length - heads.standard)
  const oldestAge = (now: number) => {
    const h = queues.high[heads.high]
    const s = queues.standard[heads.standard]
    const oldest = Math.min(h === undefined ? Infinity : arrivals[h]!.at, s === undefined ? Infinity : arrivals[s]!.at)
    return oldest === Infinity ? 0 : now - oldest
  }

  // Workers: starting ones by id (a cancelled start is simply dropped), idle ids, busy count.
  let nextWorker = 0
  const starting = new Set<number>()
  const idle: Array<number> = []
  let busy = 0
  const total = () => starting.size + idle.length + busy
  let desired = Math.min(Math.max(options.initialWorkers ?? policy.capacity.min, policy.capacity.min), policy.capacity.max)
  for (let i = 0; i < desired; i++) idle.push(nextWorker++)

  // Time integrals.
  let now = 0
  let workerSeconds = 0
  let busySeconds = 0
  let periodBusy = 0
  let periodRunning = 0
  const advance = (t: number) => {
    const dt = t - now
    workerSeconds += total() * dt
    busySeconds += busy * dt
    periodBusy += busy * dt
    periodRunning += (idle.length + busy) * dt
    now = t
  }

  const waits = { high: [] as Array<number>, standard: [] as Array<number> }
  let completed = 0
  let maxWorkers = total()
  let maxDesired = desired
  const scaleEvents: Array<ScaleEvent> = []
  const history = compiled.rules.map(() => [] as Array<boolean>)
  const cooldown = { outUntil: -Infinity, outApplied: 0, inUntil: -Infinity }

  const dispatch = () => {
    while (idle.length > 0 && depth() > 0) {
      const lane = heads.high < queues.high.length ? "high" : "standard"
      const index = queues[lane][heads[lane]++]!
      const worker = idle.pop()!
      busy++
      waits[lane].push(now - arrivals[index]!.at)
      schedule(now + (arrivals[index]!.serviceSeconds ?? serviceTime()), COMPLETION, worker)
    }
  }

  const reconcile = () => {
    while (total() < desired) {
      const id = nextWorker++
      starting.add(id)
      schedule(now + options.startDelaySeconds.min + random() * (options.startDelaySeconds.max - options.startDelaySeconds.min), READY, id)
    }
    // Over capacity: cancel the newest starts, then stop idle workers; busy ones are protected.
    for (const id of [...starting].reverse()) {
      if (total() <= desired) break
      starting.delete(id)
    }
    while (total() > desired && idle.length > 0) idle.pop()
    maxWorkers = Math.max(maxWorkers, total())
  }

  const applyAdjustment = (rule: string, adjustment: number, signals: Signals, cooldownSeconds: number) => {
    let change = 0
    if (adjustment > 0) {
      if (now < cooldown.outUntil) {
        // Inside the scale-out cooldown only a larger step adds, and only its excess.
        change = Math.max(0, adjustment - cooldown.outApplied)
        cooldown.outApplied = Math.max(cooldown.outApplied, adjustment)
      } else {
        change = adjustment
        cooldown.outUntil = now + cooldownSeconds
        cooldown.outApplied = adjustment
      }
      // A scale-out ends a running scale-in cooldown.
      cooldown.inUntil = -Infinity
    } else {
      if (now < cooldown.inUntil) return
      change = adjustment
      cooldown.inUntil = now + cooldownSeconds
    }
    const to = Math.min(Math.max(desired + change, policy.capacity.min), policy.capacity.max)
    if (to === desired) return
    scaleEvents.push({ at: now, rule, adjustment: to - desired, from: desired, to, signals })
    desired = to
    maxDesired = Math.max(maxDesired, desired)
    reconcile()
  }

  const lag = Math.max(0, Math.floor(options.metricLagPeriods ?? 0))
  const observed: Array<Signals> = []
  const evaluateAlarms = () => {
    observed.push({
      queueDepth: depth(),
      oldestAgeSeconds: oldestAge(now),
      utilizationPercent: periodRunning > 0 ? (100 * periodBusy) / periodRunning : 0
    })
    periodBusy = 0
    periodRunning = 0
    if (observed.length <= lag) return
    // The alarms see the data point from `lag` periods ago.
    const signals = observed.shift()!
    compiled.rules.forEach((rule, i) => {
      const value = expressionValue(rule, signals)
      const recent = history[i]!
      recent.push(breaches(rule, value))
      if (recent.length > rule.alarm.EvaluationPeriods) recent.shift()
      // Application Auto Scaling is invoked every period the alarm stays in ALARM.
      if (alarmState(rule, recent) !== "ALARM") return
      const adjustment = adjustmentFor(rule, value)
      if (adjustment !== undefined) applyAdjustment(rule.rule.name, adjustment, signals, rule.rule.cooldownSeconds)
    })
  }

  arrivals.forEach((arrival, i) => schedule(arrival.at, ARRIVAL, i))
  schedule(period, TICK, 0)

  // Bounded by the horizon: every event moves time forward or is finite in number.
  for (let event = events.pop(); event !== undefined; event = events.pop()) {
    if (event.t > horizon) break
    advance(event.t)
    switch (event.kind) {
      case ARRIVAL: {
        const arrival = arrivals[event.ref]!
        queues[arrival.priority === "high" ? "high" : "standard"].push(event.ref)
        dispatch()
        break
      }
      case READY:
        if (starting.delete(event.ref)) {
          idle.push(event.ref)
          dispatch()
        }
        break
      case COMPLETION:
        busy--
        completed++
        // Over the desired count the finished worker drops its protection and is stopped.
        if (total() + 1 > desired) break
        idle.push(event.ref)
        dispatch()
        break
      case TICK:
        evaluateAlarms()
        schedule(now + period, TICK, 0)
        break
    }
    if (options.horizonSeconds === undefined && completed === arrivals.length && now >= lastArrival) break
  }

  const workerHours = workerSeconds / 3600
  const busyHours = busySeconds / 3600
  return {
    arrived: arrivals.filter((a) => a.at <= now).length,
    completed,
    unfinished: arrivals.length - completed,
    waitSeconds: waitStats([...waits.high, ...waits.standard]),
    waitSecondsByPriority: { high: waitStats(waits.high), standard: waitStats(waits.standard) },
    workerHours,
    busyHours,
    vcpuHours: workerHours * policy.worker.vcpu,
    memoryGiBHours: workerHours * policy.worker.memoryGiB,
    worker: policy.worker,
    maxWorkers,
    maxDesired,
    utilization: workerHours === 0 ? 0 : busyHours / workerHours,
    tasksPerWorkerDay: workerHours === 0 ? 0 : completed / (workerHours / 24),
    durationSeconds: now,
    scaleEvents
  }
}
