import { it } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { checkPayload } from "./BuiltinKinds.js"

describe("checkPayload", () => {
  const text = '{\n  "message": "hi",\n  "failTimes": -1\n}\n'

  it.effect("names the line and column of a bad field of a payload file", () =>
    Effect.gen(function* () {
      const check = checkPayload("echo", JSON.parse(text), "--payload-file p.json", text)
      expect(check).toBeDefined()
      const error = yield* Effect.flip(check ?? Effect.void)
      expect(error).toMatchObject({ source: "--payload-file p.json", path: "failTimes", line: 3, column: 16 })
    })
  )

  it.effect("names only the field of an inline --payload (one line, no position to give)", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(checkPayload("echo", { mesage: "typo" }, "--payload") ?? Effect.void)
      expect(error.message).toBe("--payload, field message: is missing")
    })
  )

  it("leaves kinds it does not know unchecked", () => {
    expect(checkPayload("my-own-kind", { anything: 1 }, "--payload")).toBeUndefined()
  })
})
