import * as ValidationError from "@effect/cli/ValidationError"
import * as HelpDoc from "@effect/cli/HelpDoc"
import { QueueError } from "@miyabi/queue"
import { InvalidInput, NotFound } from "@miyabi/types"
import { Cause } from "effect"
import { describe, expect, it } from "vitest"
import { renderCause } from "./Errors.js"

describe("renderCause", () => {
  it("renders an expected error as one line with exit code 1", () => {
    const out = renderCause(Cause.fail(new InvalidInput({ source: "--store", reason: "/tmp is a directory" })), { debug: false })
    expect(out).toEqual({ text: "miyabi: --store: /tmp is a directory\n", exitCode: 1 })
  })

  it("uses the message of queue and lookup errors", () => {
    expect(renderCause(Cause.fail(new NotFound({ entity: "task", id: "t1" })), { debug: false }).text).toBe("miyabi: task t1 not found\n")
    const queue = new QueueError({ operation: "claim", reason: "StoreUnavailable", detail: "disk I/O error" })
    expect(renderCause(Cause.fail(queue), { debug: false }).text).toBe("miyabi: claim: StoreUnavailable: disk I/O error\n")
  })

  it("leaves usage errors to @effect/cli and exits 2", () => {
    const usage = ValidationError.invalidValue(HelpDoc.p("'abc' is not a integer"))
    expect(renderCause(Cause.fail(usage), { debug: false })).toEqual({ text: "", exitCode: 2 })
  })

  it("renders a defect as one line with a hint, and the stack only in debug mode", () => {
    const cause = Cause.die(new Error("boom\nsecond line"))
    const plain = renderCause(cause, { debug: false })
    expect(plain.text).toBe("miyabi: internal error: boom second line (rerun with MIYABI_DEBUG=1 for the stack)\n")
    expect(plain.text.split("\n")).toHaveLength(2)
    expect(renderCause(cause, { debug: true }).text).toContain("Error: boom")
  })
})
