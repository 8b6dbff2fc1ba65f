/**
 * Money is held as integer micro-dollars (1 USD = 1,000,000), never as a
 * float, so that allocations can sum to a bill exactly.
 */
import { Schema } from "effect"

export const MicroUsd = Schema.Int.pipe(Schema.brand("MicroUsd"))
export type MicroUsd = typeof MicroUsd.Type

export const MICROS_PER_USD = 1_000_000

/** Converts a decimal dollar string ("12.345678") exactly, without float error. */
export const fromDecimalString = (value: string): MicroUsd | undefined => {
  const match = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(value.trim())
  if (match === null) return undefined
  const [, sign, whole = "0", fraction = "", exponent] = match
  if (exponent !== undefined) {
    const n = Number(value)
    return Number.isFinite(n) ? MicroUsd.make(Math.round(n * MICROS_PER_USD)) : undefined
  }
  const padded = (fraction + "0000000").slice(0, 7)
  const micros = Number(whole) * MICROS_PER_USD + Number(padded.slice(0, 6)) + (Number(padded[6]) >= 5 ? 1 : 0)
  if (!Number.isSafeInteger(micros)) return undefined
  return MicroUsd.make(sign === "-" ? -micros : micros)
}

export const fromUsd = (usd: number): MicroUsd => MicroUsd.make(Math.round(usd * MICROS_PER_USD))

export const toUsd = (micros: MicroUsd): number => micros / MICROS_PER_USD

/** "$1,234.56" with cents rounded half away from zero. */
export const format = (micros: MicroUsd): string => {
  const cents = Math.round(Math.abs(micros) / 10_000)
  const dollars = Math.floor(cents / 100).toLocaleString("en-US")
  const rest = String(cents % 100).padStart(2, "0")
  return `${micros < 0 ? "-" : ""}$${dollars}.${rest}`
}
