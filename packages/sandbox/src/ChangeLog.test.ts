import { describe, expect, it } from "vitest"
import { makeChangeLog } from "./ChangeLog.js"

const entry = (operation: string, mutating: boolean, status = 200) => ({
  time: new Date(0), requestId: operation, service: "sqs", operation, accountId: "1", region: "us-east-1", mutating, status
})

describe("ChangeLog", () => {
  it("keeps successful mutations as changes, numbered in order", () => {
    const log = makeChangeLog()
    log.record(entry("ListQueues", false))
    log.record(entry("CreateQueue", true))
    log.record(entry("DeleteQueue", true, 400))
    expect(log.requests().map((r) => [r.seq, r.operation])).toEqual([[1, "ListQueues"], [2, "CreateQueue"], [3, "DeleteQueue"]])
    expect(log.changes().map((r) => r.operation)).toEqual(["CreateQueue"])
  })

  it("drops the oldest entries past its capacity", () => {
    const log = makeChangeLog(3)
    for (let i = 0; i < 5; i++) log.record(entry(`Op${i}`, true))
    expect(log.requests().map((r) => r.operation)).toEqual(["Op2", "Op3", "Op4"])
    expect(log.changes().map((r) => r.seq)).toEqual([3, 4, 5])
    log.clear()
    expect(log.changes()).toEqual([])
  })
})
