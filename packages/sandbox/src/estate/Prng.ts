/**
 * A small seeded pseudo-random generator (mulberry32) so that one seed always
 * yields one estate. Math.random is never used by the estate.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  readonly next: () => number
  /** Integer in [min, max], both inclusive. */
  readonly int: (min: number, max: number) => number
  readonly chance: (probability: number) => boolean
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  /** Picks by weight; weights need not sum to 1. */
  readonly weighted: <A>(items: ReadonlyArray<readonly [A, number]>) => A
  /** Lower-case hexadecimal string of the given length. */
  readonly hex: (length: number) => string
  /** Lower-case letters and digits. */
  readonly alnum: (length: number) => string
  /** Characters drawn uniformly from `alphabet`. */
  readonly chars: (alphabet: string, length: number) => string
}

/** A seed from a text (FNV-1a), for generators named by what they serve ("org:<management account>"). */
export const seedOf = (text: string): number => {
  let hash = 0x811c9dc5
  for (const c of text) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193) >>> 0
  return hash
}

const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"

export const makePrng = (seed: number): Prng => {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const pick = <A>(items: ReadonlyArray<A>): A => {
    const item = items[Math.floor(next() * items.length)]
    if (item === undefined) throw new Error("Prng.pick on an empty list")
    return item
  }
  const weighted = <A>(items: ReadonlyArray<readonly [A, number]>): A => {
    const total = items.reduce((sum, [, w]) => sum + w, 0)
    let r = next() * total
    for (const [item, w] of items) {
      r -= w
      if (r < 0) return item
    }
    const last = items[items.length - 1]
    if (last === undefined) throw new Error("Prng.weighted on an empty list")
    return last[0]
  }
  const fromAlphabet = (alphabet: string, length: number): string => {
    let out = ""
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)]
    return out
  }
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick,
    weighted,
    hex: (length) => fromAlphabet("0123456789abcdef", length),
    alnum: (length) => fromAlphabet(ALNUM, length),
    chars: fromAlphabet
  }
}

/**
 * A stateless 32-bit hash of integers, for metric noise that must be the same
 * whenever the same point is asked for (no generator state to replay).
 */
export const hash32 = (a: number, b: number): number => {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b)
  return (h ^ (h >>> 16)) >>> 0
}

/** hash32 scaled to [0, 1). */
export const unitNoise = (a: number, b: number): number => hash32(a, b) / 4294967296

/** A stable 32-bit number for a string (FNV-1a), to key noise by resource id. */
export const hashString = (value: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
