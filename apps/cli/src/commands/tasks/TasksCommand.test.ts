import { Priority, TaskStatus } from "@miyabi/types"
import { describe, expect, it } from "vitest"
import { priorities, statuses } from "./TasksCommand.js"

describe("tasks command choices", () => {
  it("offer exactly the domain's priorities and statuses", () => {
    expect(priorities).toEqual(Priority.literals)
    expect(statuses).toEqual(TaskStatus.literals)
  })
})
