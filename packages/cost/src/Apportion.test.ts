import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { apportion } from "./Apportion.js"

const parts = (weights: Record<string, number>) => Object.entries(weights).map(([id, w]) => ({ id, weight: BigInt(w) }))

describe("apportion", () => {
  it.each([
    { amount: 100, weights: { a: 1, b: 1 }, expected: { a: 50, b: 50 } },
    // 100/3 = 33.33..: one micro left over, tie on remainders, smaller id wins
    { amount: 100, weights: { a: 1, b: 1, c: 1 }, expected: { a: 34, b: 33, c: 33 } },
    { amount: 100, weights: { c: 1, b: 1, a: 1 }, expected: { a: 34, b: 33, c: 33 } },
    // largest remainder wins over id order: 10 x 2/3 = 6.67, 10 x 1/3 = 3.33
    { amount: 10, weights: { a: 1, b: 2 }, expected: { a: 3, b: 7 } },
    { amount: -100, weights: { a: 1, b: 1, c: 1 }, expected: { a: -34, b: -33, c: -33 } },
    { amount: 7, weights: { a: 0, b: 5 }, expected: { a: 0, b: 7 } },
    { amount: 0, weights: { a: 3, b: 5 }, expected: { a: 0, b: 0 } }
  ])("splits $amount by $weights", ({ amount, weights, expected }) => {
    expect(Object.fromEntries(apportion(amount, parts(weights)))).toEqual(expected)
  })

  it("refuses weights that sum to zero", () => {
    expect(() => apportion(5, parts({ a: 0 }))).toThrow(new RangeError("apportion: weights must sum to more than zero"))
  })

  it("refuses a negative weight, even when the sum is positive, and an amount that is not a safe integer", () => {
    expect(() => apportion(10, parts({ a: 2, b: -1 }))).toThrow(new RangeError("apportion: negative weight for b"))
    expect(() => apportion(1.5, parts({ a: 1 }))).toThrow(new RangeError("apportion: amount must be a safe integer"))
    expect(() => apportion(2 ** 53, parts({ a: 1 }))).toThrow(new RangeError("apportion: amount must be a safe integer"))
  })

  it("sums exactly, keeps the sign and stays within one micro-dollar of the exact quota", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }).filter((ws) => ws.some((w) => w > 0)),
        (amount, ws) => {
          const result = apportion(amount, ws.map((w, i) => ({ id: `c${i}`, weight: BigInt(w) })))
          const values = [...result.values()]
          expect(values.reduce((a, b) => a + b, 0)).toBe(amount)
          const total = ws.reduce((a, b) => a + b, 0)
          ws.forEach((w, i) => {
            const value = result.get(`c${i}`) ?? 0
            expect(Math.sign(value) === 0 || Math.sign(value) === Math.sign(amount)).toBe(true)
            expect(Math.abs(value - (amount * w) / total)).toBeLessThan(1.000001)
          })
        }
      ),
      { numRuns: 300 }
    )
  })
})
