/**
 * A small terminal table: left-aligned text, right-aligned numbers, a rule
 * under the header. Widths count code points, which is enough for the ASCII
 * and the few symbols the CLI prints.
 */
export type Cell = string | number | undefined

export interface TableOptions {
  /** Bold header when true (ANSI). */
  readonly colour?: boolean
}

const width = (text: string): number => [...text].length

const show = (cell: Cell): string => (cell === undefined ? "-" : typeof cell === "number" ? cell.toLocaleString("en-US") : cell)

export const renderTable = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
  options: TableOptions = {}
): string => {
  const texts = rows.map((row) => headers.map((_, i) => show(row[i])))
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === "number" || row[i] === undefined))
  const widths = headers.map((header, i) => Math.max(width(header), ...texts.map((row) => width(row[i]!))))
  const pad = (text: string, i: number): string => {
    const gap = " ".repeat(widths[i]! - width(text))
    return numeric[i] ? gap + text : text + gap
  }
  const line = (cells: ReadonlyArray<string>): string => cells.map(pad).join("  ").trimEnd()
  const head = line(headers)
  return [
    options.colour === true ? `\x1b[1m${head}\x1b[0m` : head,
    widths.map((w) => "-".repeat(w)).join("  "),
    ...texts.map(line)
  ].join("\n")
}

/** Two columns of label and value, for `tasks show` and summaries. */
export const renderFields = (fields: ReadonlyArray<readonly [string, Cell]>): string => {
  const labelWidth = Math.max(0, ...fields.map(([label]) => width(label)))
  return fields.map(([label, value]) => `${label}${" ".repeat(labelWidth - width(label))}  ${show(value)}`).join("\n")
}
