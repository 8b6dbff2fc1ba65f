import { describe, expect, it } from "vitest"
import { renderFields, renderTable } from "./Table.js"

describe("renderTable", () => {
  it("aligns text left and numbers right under a rule", () => {
    const out = renderTable(["kind", "count"], [["echo", 24], ["noop", 3]])
    expect(out.split("\n")).toEqual(["kind  count", "----  -----", "echo     24", "noop      3"])
  })

  it("shows missing cells as a dash and groups thousands", () => {
    const out = renderTable(["a", "b"], [[undefined, 12345]])
    expect(out.split("\n")[2]).toBe("-  12,345")
  })

  it("renders a header and rule for an empty table", () => {
    expect(renderTable(["id", "status"], [])).toBe("id  status\n--  ------")
  })
})

describe("renderFields", () => {
  it("pads labels to one column", () => {
    expect(renderFields([["id", "t1"], ["status", "Pending"]])).toBe("id      t1\nstatus  Pending")
  })
})
