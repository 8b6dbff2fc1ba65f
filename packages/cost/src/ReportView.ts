/**
 * A cost report as text: a terminal table, CSV and JSON. Pure; the CLI
 * prints what these return. Money in tables is "$1,234.56"; in CSV it is the
 * exact decimal of the micro-dollars ("1234.560001") so that columns sum.
 */
import { CostReport, type MicroUsd, Money } from "@miyabi/types"
import { Schema } from "effect"

export type ReportBy = "customer" | "account" | "service"

export interface TableView {
  readonly header: ReadonlyArray<string>
  /** Cells; money columns hold micro-dollars. */
  readonly rows: ReadonlyArray<ReadonlyArray<string | MicroUsd>>
  readonly moneyColumns: ReadonlyArray<number>
}

/** Integer micro-dollars as an exact decimal string. */
export const microsToDecimal = (micros: number): string => {
  const sign = micros < 0 ? "-" : ""
  const abs = Math.abs(micros)
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, "0")}`
}

export const UNALLOCATED = "(unallocated)"

/** The rows of a report by customer (with direct/shared), account or service; a TOTAL row last. */
export const view = (report: CostReport, by: ReportBy = "customer"): TableView => {
  const a = report.allocation
  switch (by) {
    case "customer": {
      const rows: Array<ReadonlyArray<string | MicroUsd>> = a.customers.map((c) => [c.customer, c.direct, c.shared, c.total])
      if (a.unallocated !== 0) rows.push([UNALLOCATED, a.unallocated, 0 as MicroUsd, a.unallocated])
      rows.push(["TOTAL", sum(a.customers.map((c) => c.direct)) + a.unallocated as MicroUsd, sum(a.customers.map((c) => c.shared)) as MicroUsd, a.billTotal])
      return { header: ["customer", "direct", "shared", "total"], rows, moneyColumns: [1, 2, 3] }
    }
    case "account":
      return {
        header: ["account", "cost"],
        rows: [...report.byAccount.map((r) => [r.account, r.cost]), ["TOTAL", a.billTotal]],
        moneyColumns: [1]
      }
    case "service":
      return {
        header: ["service", "cost"],
        rows: [...report.byService.map((r) => [r.service, r.cost]), ["TOTAL", a.billTotal]],
        moneyColumns: [1]
      }
  }
}

const sum = (xs: ReadonlyArray<number>): number => xs.reduce((s, x) => s + x, 0)

/** An aligned plain-text table, money right-aligned, with the report's notes under it. */
export const toTable = (table: TableView, notes: ReadonlyArray<string> = []): string => {
  const cells = table.rows.map((row) => row.map((cell, i) => (table.moneyColumns.includes(i) ? Money.format(cell as MicroUsd) : String(cell))))
  const widths = table.header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)))
  const line = (row: ReadonlyArray<string>) =>
    row.map((cell, i) => (table.moneyColumns.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd()
  const rule = widths.map((w) => "-".repeat(w)).join("  ")
  const body = cells.map((r, i) => (i === cells.length - 1 && r[0] === "TOTAL" ? `${rule}\n${line(r)}` : line(r)))
  return [line(table.header), rule, ...body, ...notes.map((n) => `note: ${n}`)].join("\n")
}

const csvCell = (value: string): string => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)

/** RFC 4180 CSV with exact decimal dollars. */
export const toCsv = (table: TableView): string =>
  [table.header, ...table.rows.map((row) => row.map((cell, i) => (table.moneyColumns.includes(i) ? microsToDecimal(cell as number) : String(cell))))]
    .map((row) => row.map(csvCell).join(","))
    .join("\r\n") + "\r\n"

/** The report's JSON encoding (the CostReport schema). */
export const toJson = (report: CostReport): unknown => Schema.encodeSync(CostReport)(report)
