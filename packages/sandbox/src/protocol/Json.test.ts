import { describe, expect, it } from "@effect/vitest"
import { toJson } from "./Json.js"

/** What toJson means, written as JSON.stringify's replacer: the raw value of a property, if a Date, is its epoch seconds. */
const reference = (value: unknown): string =>
  JSON.stringify(value, function (this: Record<string, unknown>, key: string, replaced: unknown) {
    const raw = this[key]
    return raw instanceof Date ? raw.getTime() / 1000 : replaced
  })

/** A small deterministic generator of nested AWS-shaped values (Dates, numbers, strings, arrays, objects, undefined). */
const generate = (seed: number) => {
  let state = seed >>> 0
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
  const value = (depth: number): unknown => {
    const r = next()
    if (depth > 3 || r < 0.3) {
      const leaf = Math.floor(next() * 7)
      if (leaf === 0) return new Date(1_700_000_000_000 + Math.floor(next() * 1e9))
      if (leaf === 1) return Math.round(next() * 1e6) / 1e4
      if (leaf === 2) return `s${Math.floor(next() * 100)}`
      if (leaf === 3) return next() < 0.5
      if (leaf === 4) return null
      if (leaf === 5) return undefined
      return -Math.floor(next() * 1e9)
    }
    if (r < 0.65) return Array.from({ length: Math.floor(next() * 6) }, () => value(depth + 1))
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 6) }, (_, i) => [`k${i}`, value(depth + 1)]))
  }
  return value(0)
}

describe("toJson", () => {
  it("writes Dates as epoch seconds wherever they sit, fractional milliseconds kept", () => {
    const at = new Date("2026-11-01T10:00:00.250Z")
    expect(toJson({ When: at, List: [at, 1, "x"], Nested: { Deep: [{ T: at }] } })).toBe(
      '{"When":1793527200.25,"List":[1793527200.25,1,"x"],"Nested":{"Deep":[{"T":1793527200.25}]}}'
    )
    expect(toJson(at)).toBe("1793527200.25")
    expect(toJson({ Bad: new Date(Number.NaN) })).toBe('{"Bad":null}')
  })

  it("serializes the rest as JSON.stringify does: undefined dropped, holes and undefined items null, shared objects twice", () => {
    const shared = { T: new Date(1_000) }
    const holes = [1, , 3]
    expect(toJson({ a: undefined, b: [undefined, () => 1], c: holes, d: shared, e: [shared], f: "text", g: 1.5 })).toBe('{"b":[null,null],"c":[1,null,3],"d":{"T":1},"e":[{"T":1}],"f":"text","g":1.5}')
  })

  it("calls toJSON with the property key before converting, as JSON.stringify does", () => {
    const keys: Array<string> = []
    const custom = { toJSON: (key: string) => { keys.push(key); return { Key: key, At: new Date(2_000) } } }
    expect(toJson({ first: custom, list: [custom] })).toBe('{"first":{"Key":"first","At":2},"list":[{"Key":"0","At":2}]}')
    expect(keys).toEqual(["first", "0"])
    expect(toJson({ Body: Buffer.from("hi") })).toBe('{"Body":{"type":"Buffer","data":[104,105]}}')
  })

  it("leaves its input untouched and still reports a cycle", () => {
    const at = new Date(3_000)
    const input = { Timestamps: [at, at], Values: [1, 2] }
    toJson(input)
    expect(input.Timestamps[0]).toBe(at)
    const cyclic: Record<string, unknown> = { at }
    cyclic["self"] = cyclic
    expect(() => toJson(cyclic)).toThrow(TypeError)
  })

  it("agrees with the replacer on generated nested values", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const value = generate(seed)
      expect(toJson(value)).toBe(reference(value))
    }
  })
})
