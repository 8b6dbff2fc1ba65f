/**
 * A self-contained HTML cost report: inline CSS and inline SVG charts, no
 * script and no network, so it opens from a file anywhere. Charts: cost by
 * customer over time (stacked daily bars, when daily costs are given), direct
 * vs shared per customer, and the top services.
 */
import { type CostReport, type MicroUsd, Money } from "@miyabi/types"
import { compareIds } from "./Apportion.js"
import type { DailyCost } from "./Budgets.js"
import { UNALLOCATED } from "./ReportView.js"

const escape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
const colour = (i: number): string => PALETTE[i % PALETTE.length] as string
const usd = (micros: number): string => Money.format(micros as MicroUsd)

interface Bar {
  readonly label: string
  readonly parts: ReadonlyArray<{ readonly name: string; readonly value: number; readonly colour: string }>
}

/** Horizontal stacked bars; negative parts (credits) are drawn as zero-width. */
const barChart = (title: string, bars: ReadonlyArray<Bar>): string => {
  const width = 720
  const labelWidth = 180
  const rowHeight = 22
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((s, p) => s + Math.max(0, p.value), 0)))
  const rows = bars
    .map((bar, i) => {
      let x = labelWidth
      const y = 10 + i * rowHeight
      const rects = bar.parts
        .map((p) => {
          const w = (Math.max(0, p.value) / max) * (width - labelWidth - 110)
          const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${p.colour}"><title>${escape(`${bar.label} ${p.name}: ${usd(p.value)}`)}</title></rect>`
          x += w
          return rect
        })
        .join("")
      const total = bar.parts.reduce((s, p) => s + p.value, 0)
      return `<text x="${labelWidth - 6}" y="${y + 12}" text-anchor="end">${escape(bar.label)}</text>${rects}<text x="${(x + 6).toFixed(1)}" y="${y + 12}">${escape(usd(total))}</text>`
    })
    .join("")
  const height = 20 + bars.length * rowHeight
  return `<figure><figcaption>${escape(title)}</figcaption><svg role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${rows}</svg></figure>`
}

/** Daily stacked columns, one colour per customer. */
const timeChart = (daily: ReadonlyArray<DailyCost>): string => {
  const days = [...new Set(daily.map((d) => d.date))].sort()
  const customers = [...new Set(daily.map((d) => d.customer))].sort(compareIds)
  const byDay = new Map(days.map((d) => [d, new Map<string, number>()]))
  for (const d of daily) byDay.get(d.date)?.set(d.customer, (byDay.get(d.date)?.get(d.customer) ?? 0) + d.cost)
  const width = 720
  const height = 240
  const max = Math.max(1, ...days.map((d) => [...(byDay.get(d)?.values() ?? [])].reduce((s, v) => s + Math.max(0, v), 0)))
  const step = (width - 60) / Math.max(1, days.length)
  const columns = days
    .map((day, i) => {
      let y = height - 30
      return customers
        .map((c, k) => {
          const v = Math.max(0, byDay.get(day)?.get(c) ?? 0)
          const h = (v / max) * (height - 50)
          y -= h
          return `<rect x="${(50 + i * step).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, step - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour(k)}"><title>${escape(`${day} ${c}: ${usd(v)}`)}</title></rect>`
        })
        .join("")
    })
    .join("")
  const legend = customers.map((c, k) => `<span class="key"><i style="background:${colour(k)}"></i>${escape(c)}</span>`).join(" ")
  const axis = `<text x="4" y="20">${escape(usd(max))}</text><text x="50" y="${height - 10}">${escape(days[0] ?? "")}</text><text x="${width - 4}" y="${height - 10}" text-anchor="end">${escape(days[days.length - 1] ?? "")}</text>`
  return `<figure><figcaption>Cost by customer over time</figcaption><svg role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${axis}${columns}</svg><div>${legend}</div></figure>`
}

export interface HtmlOptions {
  readonly title?: string
  readonly daily?: ReadonlyArray<DailyCost>
  readonly topServices?: number
}

/** The whole report as one HTML document. */
export const toHtml = (report: CostReport, options: HtmlOptions = {}): string => {
  const a = report.allocation
  const title = options.title ?? `Cost report ${report.from} to ${report.to}`
  const customerBars: Array<Bar> = a.customers.map((c) => ({
    label: c.customer,
    parts: [
      { name: "direct", value: c.direct, colour: colour(0) },
      { name: "shared", value: c.shared, colour: colour(1) }
    ]
  }))
  if (a.unallocated !== 0) customerBars.push({ label: UNALLOCATED, parts: [{ name: "unallocated", value: a.unallocated, colour: colour(9) }] })
  const services = report.byService.slice(0, options.topServices ?? 10).map((s, i) => ({ label: s.service, parts: [{ name: "cost", value: s.cost, colour: colour(i) }] }))
  const rows = a.customers
    .map(
      (c) =>
        `<tr><td>${escape(c.customer)}</td><td>${usd(c.direct)}</td><td>${usd(c.shared)}</td><td>${usd(c.total)}</td><td><ul>${c.explanation.map((e) => `<li>${escape(e.text)}</li>`).join("")}</ul></td></tr>`
    )
    .join("")
  const unallocatedRow = a.unallocated === 0 ? "" : `<tr><td>${UNALLOCATED}</td><td>${usd(a.unallocated)}</td><td>$0.00</td><td>${usd(a.unallocated)}</td><td><ul>${a.unallocatedExplanation.map((e) => `<li>${escape(e.text)}</li>`).join("")}</ul></td></tr>`
  const ingest = report.ingest
  const skipped = ingest === undefined || ingest.skipped.length === 0
    ? ""
    : `<h2>Skipped rows</h2><ul>${ingest.skipped.map((s) => `<li>${s.rows} row(s): ${escape(s.reason)} (${usd(s.cost)} known cost)</li>`).join("")}</ul>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
td:nth-child(2),td:nth-child(3),td:nth-child(4){text-align:right;white-space:nowrap}svg text{font:12px system-ui,sans-serif}figure{margin:1.5em 0}figcaption{font-weight:bold}
.key{display:inline-block;margin-right:1em}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}ul{margin:0;padding-left:1.2em}
</style></head><body>
<h1>${escape(title)}</h1>
<p>Source: ${escape(report.source)}. Bill: <b>${usd(a.billTotal)}</b> (${escape(a.measure)}), customer tag ${escape(a.customerTag)}. Allocated: ${usd(a.billTotal - a.unallocated)}; unallocated: ${usd(a.unallocated)}.</p>
${options.daily === undefined || options.daily.length === 0 ? "" : timeChart(options.daily)}
${barChart("Direct and shared cost by customer", customerBars)}
${barChart("Top services", services)}
<h2>Customers</h2>
<table><thead><tr><th>customer</th><th>direct</th><th>shared</th><th>total</th><th>explanation</th></tr></thead><tbody>${rows}${unallocatedRow}</tbody></table>
${a.notes.length === 0 ? "" : `<h2>Notes</h2><ul>${a.notes.map((n) => `<li>${escape(n)}</li>`).join("")}</ul>`}
${skipped}
</body></html>
`
}
