/**
 * Where JSON text stops being valid. V8's JSON.parse on Node 20 reports a
 * position only for some errors ("Unexpected token 'h', ... is not valid
 * JSON" has none), so a small scanner finds the first bad character itself.
 */
export interface JsonSyntaxError {
  readonly position: number
  readonly reason: string
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"])
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"])

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export const findJsonSyntaxError = (text: string): JsonSyntaxError | undefined => {
  let i = 0
  const fail = (reason?: string): JsonSyntaxError => ({
    position: i,
    reason: reason ?? (i >= text.length ? "unexpected end of input" : `unexpected ${JSON.stringify(text[i])}`)
  })
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++
  }
  const literal = (word: string): JsonSyntaxError | undefined => {
    for (const char of word) {
      if (text[i] !== char) return fail()
      i++
    }
    return undefined
  }
  const string = (): JsonSyntaxError | undefined => {
    i++ // opening quote
    while (i < text.length) {
      const char = text[i]!
      if (char === '"') {
        i++
        return undefined
      }
      if (char < " ") return fail("control character in a string")
      if (char === "\\") {
        i++
        if (text[i] === "u") {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? "")) return ((i += k), fail("bad \\u escape"))
          i += 5
          continue
        }
        if (!ESCAPES.has(text[i] ?? "")) return fail("bad escape")
      }
      i++
    }
    return fail("unterminated string")
  }
  const number = (): JsonSyntaxError | undefined => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
    if (match === null || match[0] === "" || match[0] === "-") return fail()
    i += match[0].length
    return undefined
  }
  const value = (depth: number): JsonSyntaxError | undefined => {
    if (depth > 512) return fail("nested too deeply")
    skip()
    const char = text[i]
    switch (char) {
      case "{": {
        i++
        skip()
        if (text[i] === "}") return (i++, undefined)
        for (;;) {
          skip()
          if (text[i] !== '"') return fail("expected a property name in double quotes")
          const key = string()
          if (key !== undefined) return key
          skip()
          if (text[i] !== ":") return fail("expected ':'")
          i++
          const inner = value(depth + 1)
          if (inner !== undefined) return inner
          skip()
          if (text[i] === ",") {
            i++
            continue
          }
          if (text[i] === "}") return (i++, undefined)
          return fail("expected ',' or '}'")
        }
      }
      case "[": {
        i++
        skip()
        if (text[i] === "]") return (i++, undefined)
        for (;;) {
          const inner = value(depth + 1)
          if (inner !== undefined) return inner
          skip()
          if (text[i] === ",") {
            i++
            continue
          }
          if (text[i] === "]") return (i++, undefined)
          return fail("expected ',' or ']'")
        }
      }
      case '"':
        return string()
      case "t":
        return literal("true")
      case "f":
        return literal("false")
      case "n":
        return literal("null")
      default:
        return char !== undefined && /[-0-9]/.test(char) ? number() : fail()
    }
  }
  const error = value(0)
  if (error !== undefined) return error
  skip()
  return i < text.length ? fail("unexpected text after the JSON value") : undefined
}
