/**
 * EC2 instance types the estate draws from: vCPUs and memory are taken from
 * cloud-carbon-footprint/ccf-coefficients `data/aws-instances-latest-2026.csv`
 * (Apache-2.0; see /work/shared/reference-data/SOURCES.md), restricted to the
 * families below. The file carries no prices: `InstancePricing.ts` adds them.
 */
export interface InstanceTypeSpec {
  readonly name: string
  readonly family: string
  readonly size: string
  readonly category: string
  readonly vcpus: number
  readonly memoryGiB: number
  /** Previous-generation per the CSV category; t2 is counted too (superseded by t3). */
  readonly previousGeneration: boolean
}

const rows: ReadonlyArray<readonly [string, string, number, number]> = [
  ["General Purpose", "m5.large", 2, 8],
  ["General Purpose", "m5.xlarge", 4, 16],
  ["General Purpose", "m5.2xlarge", 8, 32],
  ["General Purpose", "m5.4xlarge", 16, 64],
  ["General Purpose", "m5.8xlarge", 32, 128],
  ["General Purpose", "m6g.medium", 1, 4],
  ["General Purpose", "m6g.large", 2, 8],
  ["General Purpose", "m6g.xlarge", 4, 16],
  ["General Purpose", "m6g.2xlarge", 8, 32],
  ["General Purpose", "m6g.4xlarge", 16, 64],
  ["General Purpose", "m6g.8xlarge", 32, 128],
  ["General Purpose", "m6i.large", 2, 8],
  ["General Purpose", "m6i.xlarge", 4, 16],
  ["General Purpose", "m6i.2xlarge", 8, 32],
  ["General Purpose", "m6i.4xlarge", 16, 64],
  ["General Purpose", "m6i.8xlarge", 32, 128],
  ["General Purpose", "m7i.large", 2, 8],
  ["General Purpose", "m7i.xlarge", 4, 16],
  ["General Purpose", "m7i.2xlarge", 8, 32],
  ["General Purpose", "m7i.4xlarge", 16, 64],
  ["General Purpose", "m7i.8xlarge", 32, 128],
  ["General Purpose", "t2.nano", 1, 0.5],
  ["General Purpose", "t2.micro", 1, 1],
  ["General Purpose", "t2.small", 1, 2],
  ["General Purpose", "t2.medium", 2, 4],
  ["General Purpose", "t2.large", 2, 8],
  ["General Purpose", "t2.xlarge", 4, 16],
  ["General Purpose", "t2.2xlarge", 8, 32],
  ["General Purpose", "t3.nano", 2, 0.5],
  ["General Purpose", "t3.micro", 2, 1],
  ["General Purpose", "t3.small", 2, 2],
  ["General Purpose", "t3.medium", 2, 4],
  ["General Purpose", "t3.large", 2, 8],
  ["General Purpose", "t3.xlarge", 4, 16],
  ["General Purpose", "t3.2xlarge", 8, 32],
  ["General Purpose", "t3a.nano", 2, 0.5],
  ["General Purpose", "t3a.micro", 2, 1],
  ["General Purpose", "t3a.small", 2, 2],
  ["General Purpose", "t3a.medium", 2, 4],
  ["General Purpose", "t3a.large", 2, 8],
  ["General Purpose", "t3a.xlarge", 4, 16],
  ["General Purpose", "t3a.2xlarge", 8, 32],
  ["General Purpose", "t4g.nano", 2, 0.5],
  ["General Purpose", "t4g.micro", 2, 1],
  ["General Purpose", "t4g.small", 2, 2],
  ["General Purpose", "t4g.medium", 2, 4],
  ["General Purpose", "t4g.large", 2, 8],
  ["General Purpose", "t4g.xlarge", 4, 16],
  ["General Purpose", "t4g.2xlarge", 8, 32],
  ["Compute Optimized", "c5.large", 2, 4],
  ["Compute Optimized", "c5.xlarge", 4, 8],
  ["Compute Optimized", "c5.2xlarge", 8, 16],
  ["Compute Optimized", "c5.4xlarge", 16, 32],
  ["Compute Optimized", "c6g.medium", 1, 2],
  ["Compute Optimized", "c6g.large", 2, 4],
  ["Compute Optimized", "c6g.xlarge", 4, 8],
  ["Compute Optimized", "c6g.2xlarge", 8, 16],
  ["Compute Optimized", "c6g.4xlarge", 16, 32],
  ["Compute Optimized", "c6g.8xlarge", 32, 64],
  ["Compute Optimized", "c6i.large", 2, 4],
  ["Compute Optimized", "c6i.xlarge", 4, 8],
  ["Compute Optimized", "c6i.2xlarge", 8, 16],
  ["Compute Optimized", "c6i.4xlarge", 16, 32],
  ["Compute Optimized", "c6i.8xlarge", 32, 64],
  ["Memory Optimized", "r5.large", 2, 16],
  ["Memory Optimized", "r5.xlarge", 4, 32],
  ["Memory Optimized", "r5.2xlarge", 8, 64],
  ["Memory Optimized", "r5.4xlarge", 16, 128],
  ["Memory Optimized", "r5.8xlarge", 32, 256],
  ["Memory Optimized", "r6g.medium", 1, 8],
  ["Memory Optimized", "r6g.large", 2, 16],
  ["Memory Optimized", "r6g.xlarge", 4, 32],
  ["Memory Optimized", "r6g.2xlarge", 8, 64],
  ["Memory Optimized", "r6g.4xlarge", 16, 128],
  ["Memory Optimized", "r6g.8xlarge", 32, 256],
  ["Memory Optimized", "r6i.large", 2, 16],
  ["Memory Optimized", "r6i.xlarge", 4, 32],
  ["Memory Optimized", "r6i.2xlarge", 8, 64],
  ["Memory Optimized", "r6i.4xlarge", 16, 128],
  ["Memory Optimized", "r6i.8xlarge", 32, 256],
  ["Storage Optimized", "i3.large", 2, 15.25],
  ["Storage Optimized", "i3.xlarge", 4, 30.5],
  ["Storage Optimized", "i3.2xlarge", 8, 61],
  ["Storage Optimized", "i3.4xlarge", 16, 122],
  ["Storage Optimized", "i3.8xlarge", 32, 244],
  ["Compute Optimized (Previous Gen)", "c4.large", 2, 3.75],
  ["Compute Optimized (Previous Gen)", "c4.xlarge", 4, 7.5],
  ["Compute Optimized (Previous Gen)", "c4.2xlarge", 8, 15],
  ["Compute Optimized (Previous Gen)", "c4.4xlarge", 16, 30],
  ["Compute Optimized (Previous Gen)", "c4.8xlarge", 36, 60],
  ["General Purpose (Previous Gen)", "m4.large", 2, 8],
  ["General Purpose (Previous Gen)", "m4.xlarge", 4, 16],
  ["General Purpose (Previous Gen)", "m4.2xlarge", 8, 32],
  ["General Purpose (Previous Gen)", "m4.4xlarge", 16, 64],
  ["Memory Optimized (Previous Gen)", "r4.large", 2, 15.25],
  ["Memory Optimized (Previous Gen)", "r4.xlarge", 4, 30.5],
  ["Memory Optimized (Previous Gen)", "r4.2xlarge", 8, 61],
  ["Memory Optimized (Previous Gen)", "r4.4xlarge", 16, 122],
  ["Memory Optimized (Previous Gen)", "r4.8xlarge", 32, 244],
]

export const instanceTypes: ReadonlyArray<InstanceTypeSpec> = rows.map(([category, name, vcpus, memoryGiB]) => {
  const [family = name, size = ""] = name.split(".")
  return {
    name,
    family,
    size,
    category,
    vcpus,
    memoryGiB,
    previousGeneration: category.includes("Previous Gen") || family === "t2"
  }
})

const byName = new Map(instanceTypes.map((spec) => [spec.name, spec]))

export const findInstanceType = (name: string): InstanceTypeSpec | undefined => byName.get(name)
