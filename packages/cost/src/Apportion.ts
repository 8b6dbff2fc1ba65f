/**
 * Largest-remainder (Hamilton) apportionment of an integer amount of
 * micro-dollars by integer weights: the parts always sum to the amount.
 *
 * Rule: each part first gets floor(|amount| x weight / totalWeight); the
 * micro-dollars left over (fewer than the number of parts) go one each to the
 * parts with the largest remainders; ties go to the smaller id in plain
 * code-unit order ("acme" before "globex", "B" before "a"). The sign of the
 * amount is applied last, so the shares of a credit mirror the shares of a
 * charge and every share has the sign of the amount (or is zero).
 *
 * BigInt keeps |amount| x weight exact for any safe-integer amount and weight.
 */

export interface Weighted {
  readonly id: string
  readonly weight: bigint
}

/** Compares ids by code units, the documented tie-break. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Splits `amount` (an integer) across `parts` by weight. Weights must be
 * non-negative and sum to more than zero; ids must be distinct.
 */
export const apportion = (amount: number, parts: ReadonlyArray<Weighted>): ReadonlyMap<string, number> => {
  const total = parts.reduce((sum, part) => sum + part.weight, 0n)
  if (total <= 0n) throw new RangeError("apportion: weights must sum to more than zero")
  if (!Number.isSafeInteger(amount)) throw new RangeError("apportion: amount must be a safe integer")
  const magnitude = BigInt(Math.abs(amount))
  const sign = amount < 0 ? -1n : 1n
  const floors = new Map<string, bigint>()
  const remainders: Array<{ id: string; remainder: bigint }> = []
  let assigned = 0n
  for (const part of parts) {
    if (part.weight < 0n) throw new RangeError(`apportion: negative weight for ${part.id}`)
    const quota = magnitude * part.weight
    const floor = quota / total
    floors.set(part.id, floor)
    assigned += floor
    remainders.push({ id: part.id, remainder: quota % total })
  }
  remainders.sort((a, b) => (a.remainder === b.remainder ? compareIds(a.id, b.id) : a.remainder > b.remainder ? -1 : 1))
  let leftover = magnitude - assigned
  for (const { id } of remainders) {
    if (leftover === 0n) break
    floors.set(id, (floors.get(id) ?? 0n) + 1n)
    leftover -= 1n
  }
  const result = new Map<string, number>()
  for (const [id, value] of floors) result.set(id, Number(sign * value))
  return result
}
