/**
 * Parses the Cloud Carbon Footprint instance list (ccf-coefficients,
 * data/aws-instances-latest-2026.csv, Apache-2.0; its AWS instance lists are
 * "based on Teads Carbon Footprint Dataset"): Category, Instance Type,
 * vCPUs, Memory (GiB), ... Only the first four columns are used.
 */
export interface InstanceFactRow {
  readonly name: string
  readonly category: string
  readonly vcpus: number
  readonly memoryGiB: number
  /** The list's "(Previous Gen)" categories. */
  readonly previousGeneration: boolean
}

export const parseCcfCsv = (text: string): ReadonlyArray<InstanceFactRow> => {
  const seen = new Set<string>()
  const rows: Array<InstanceFactRow> = []
  for (const line of text.split(/\r?\n/).slice(1)) {
    // No field of the first four columns is quoted or holds a comma.
    const [category, name, vcpus, memory] = line.split(",")
    if (category === undefined || name === undefined || vcpus === undefined || memory === undefined) continue
    const v = Number(vcpus)
    const m = Number(memory)
    if (name === "" || seen.has(name) || !Number.isFinite(v) || !Number.isFinite(m) || v <= 0) continue
    seen.add(name)
    rows.push({
      name,
      category: category.replace(/ \(Previous Gen\)$/, ""),
      vcpus: v,
      memoryGiB: m,
      previousGeneration: category.includes("(Previous Gen)")
    })
  }
  return rows
}
