/**
 * Deterministic utilization: a pure function of (profile, resource, time),
 * so CloudWatch can answer any window at any time and the same seed gives the
 * same series. Values are "demand" in units of the size the workload was
 * generated for; the metric source divides by the current size, so a
 * downsized instance shows proportionally higher CPU from the change onwards.
 */
import type { UtilizationProfile } from "./Model.js"
import { unitNoise } from "./Prng.js"

export const SAMPLE_MS = 300_000

const HOUR_MS = 3_600_000

/** 0..1, peaking mid-afternoon UTC, lowest at night. */
const diurnal = (t: number): number => 0.5 + 0.5 * Math.sin((2 * Math.PI * ((t / HOUR_MS) % 24 - 9)) / 24)

/** CPU percent of the baseline size at time `t` (epoch ms), for a resource keyed by `key`. */
export const demandPercent = (profile: UtilizationProfile, key: number, t: number): number => {
  const slot = Math.floor(t / SAMPLE_MS)
  const noise = unitNoise(key, slot)
  switch (profile) {
    case "idle":
      return 0.2 + 1.8 * noise
    case "steady":
      return 28 + 20 * diurnal(t) + 6 * noise
    case "spiky":
      // About one five-minute slot in twenty spikes.
      return unitNoise(key ^ 0x5bd1e995, slot) < 0.05 ? 70 + 25 * noise : 6 + 8 * noise
    case "overProvisioned":
      return 4 + 6 * diurnal(t) + 2 * noise
  }
}

/**
 * CPU percent of an instance under the sandbox's "load surge after resize"
 * knob: `level` +/- 3, whatever its size, so a downsized instance stays above
 * an 80 % alarm while its old size would have run at a fraction of it.
 */
export const surgePercent = (level: number, key: number, t: number): number => level - 3 + 6 * unitNoise(key ^ 0x68e31da4, Math.floor(t / SAMPLE_MS))

/** Memory percent of the baseline size; memory moves slowly, so little noise. */
export const memoryDemandPercent = (profile: UtilizationProfile, key: number, t: number): number => {
  const noise = unitNoise(key ^ 0x27d4eb2f, Math.floor(t / SAMPLE_MS))
  switch (profile) {
    case "idle":
      return 8 + 2 * noise
    case "steady":
      return 55 + 5 * diurnal(t) + 3 * noise
    case "spiky":
      return 35 + 10 * diurnal(t) + 8 * noise
    case "overProvisioned":
      return 12 + 4 * diurnal(t) + 2 * noise
  }
}

/** Requests per five-minute slot for a Lambda function. */
export const invocationsPerSlot = (profile: UtilizationProfile, perHour: number, key: number, t: number): number => {
  const noise = unitNoise(key ^ 0x165667b1, Math.floor(t / SAMPLE_MS))
  const base = perHour / 12
  switch (profile) {
    case "idle":
      return noise < 0.02 ? 1 : 0
    case "spiky":
      return Math.round(unitNoise(key ^ 0x5bd1e995, Math.floor(t / SAMPLE_MS)) < 0.05 ? base * 8 : base * 0.5 * (0.5 + noise))
    default:
      return Math.round(base * (0.4 + 1.2 * diurnal(t)) * (0.8 + 0.4 * noise))
  }
}
