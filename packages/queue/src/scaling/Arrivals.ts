/**
 * Task arrivals for the simulator: generated (evenly spaced, or Poisson with
 * an optional day/night profile) from a seeded PRNG, so a run is a pure
 * function of its inputs. Traces read from files produce the same shape.
 */
import type { Priority } from "@miyabi/types"

/** One task arriving, `at` seconds after the start of the trace. */
export interface Arrival {
  readonly at: number
  /** The task's service time; the simulation's default when absent. */
  readonly serviceSeconds?: number
  readonly priority?: Priority
}

export type ArrivalSpec =
  /** perDay tasks a day, one every 86,400 / perDay seconds. */
  | { readonly kind: "uniform"; readonly perDay: number; readonly days: number }
  /**
   * A Poisson process averaging perDay a day. With diurnalAmplitude a (0..1)
   * the rate is perDay * (1 - a cos(2 pi t / day)): lowest at midnight,
   * highest at noon, the same daily total.
   */
  | { readonly kind: "poisson"; readonly perDay: number; readonly days: number; readonly diurnalAmplitude?: number }

export type ServiceSpec =
  | { readonly kind: "fixed"; readonly seconds: number }
  | { readonly kind: "uniform"; readonly minSeconds: number; readonly maxSeconds: number }

export const DAY_SECONDS = 86_400

/** A small seeded PRNG (mulberry32): uniform numbers in [0, 1). Each call to `prng` starts its own stream. */
export const prng = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Generates arrivals in time order. */
export const generateArrivals = (spec: ArrivalSpec, seed: number): ReadonlyArray<Arrival> => {
  const end = spec.days * DAY_SECONDS
  if (spec.perDay <= 0 || spec.days <= 0) return []
  if (spec.kind === "uniform") {
    const gap = DAY_SECONDS / spec.perDay
    const count = Math.round(spec.perDay * spec.days)
    return Array.from({ length: count }, (_, i) => ({ at: i * gap }))
  }
  // Non-homogeneous Poisson by thinning: candidates at the peak rate, each
  // kept with probability rate(t) / peak.
  const random = prng(seed)
  const amplitude = Math.min(Math.max(spec.diurnalAmplitude ?? 0, 0), 1)
  const base = spec.perDay / DAY_SECONDS
  const peak = base * (1 + amplitude)
  const rate = (t: number) => base * (1 - amplitude * Math.cos((2 * Math.PI * t) / DAY_SECONDS))
  const arrivals: Array<Arrival> = []
  // Bounded: the expected number of candidates is peak * end; allow a wide margin.
  const maxCandidates = Math.ceil(peak * end * 2 + 1000)
  let t = 0
  for (let i = 0; i < maxCandidates; i++) {
    t += -Math.log(1 - random()) / peak
    if (t >= end) break
    if (random() * peak < rate(t)) arrivals.push({ at: t })
  }
  return arrivals
}

/** A service-time sampler for the spec, drawing from `random`. */
export const serviceSampler = (spec: ServiceSpec, random: () => number): (() => number) =>
  spec.kind === "fixed" ? () => spec.seconds : () => spec.minSeconds + random() * (spec.maxSeconds - spec.minSeconds)

/** Parses "9600/day", "400/hour", "96/d" into tasks per day. */
export const parseRate = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(day|d|hour|h|minute|min|m)\s*$/i.exec(text.replace(/[,_]/g, ""))
  if (match === null) return undefined
  const value = Number(match[1])
  const unit = match[2]!.toLowerCase()
  return unit.startsWith("d") ? value : unit.startsWith("h") ? value * 24 : value * 1440
}

/** Parses "15m", "900s", "1h", "90" (seconds) into seconds. */
export const parseDuration = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(text)
  if (match === null) return undefined
  const value = Number(match[1])
  switch ((match[2] ?? "s").toLowerCase()) {
    case "ms":
      return value / 1000
    case "m":
    case "min":
      return value * 60
    case "h":
      return value * 3600
    default:
      return value
  }
}
