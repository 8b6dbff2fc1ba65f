/**
 * The contract between the sandbox core and whatever fills it with data (the
 * seeded estate generator in `src/estate`, or a hand-made estate in a test).
 * The core reads only these fields; a generator's richer estate type extends
 * `Estate` and its own service modules read the rest through `ServiceEnv<E>`.
 */

/** A member account (or the management account) at sandbox start. */
export interface AccountSeed {
  /** 12 digits. */
  readonly id: string
  readonly name: string
  readonly email: string
  /** OU path from the root, e.g. "Non-Production/Staging"; "" or absent = the root. */
  readonly ouPath?: string
  readonly status?: "ACTIVE" | "SUSPENDED"
  readonly joined?: Date
  readonly tags?: Readonly<Record<string, string>>
}

export interface OrganizationSeed {
  readonly managementAccount: AccountSeed
  readonly members: ReadonlyArray<AccountSeed>
  /** Every OU path, parents before children ("Workloads", "Workloads/Pools"). */
  readonly ouPaths: ReadonlyArray<string>
  /** Accounts whose AssumeRole and requests are refused with AccessDenied. */
  readonly deniedAccounts?: ReadonlyArray<string>
}

/** One CloudWatch series lookup, already narrowed to one statistic and period. */
export interface MetricQuery {
  readonly accountId: string
  readonly region: string
  readonly namespace: string
  readonly metricName: string
  readonly dimensions: ReadonlyArray<{ readonly name: string; readonly value: string }>
  /** Inclusive start, exclusive end. */
  readonly start: Date
  readonly end: Date
  /** Seconds, >= 60 for estate data. */
  readonly period: number
  /** "Average" | "Sum" | "Minimum" | "Maximum" | "SampleCount" | "p99" ... */
  readonly stat: string
}

export interface MetricPoint {
  /** Start of the period. */
  readonly timestamp: Date
  readonly value: number
}

/**
 * Where CloudWatch's time series come from. Return the aggregated points of
 * the query's period and statistic, ascending by time, or an empty array when
 * the estate has no such metric. Must be a pure function of the query (same
 * seed, same answer). Data put with PutMetricData is merged by the sandbox.
 */
/** One metric a source knows of, for ListMetrics. */
export interface MetricIdentity {
  readonly namespace: string
  readonly metricName: string
  readonly dimensions: ReadonlyArray<{ readonly name: string; readonly value: string }>
}

export interface MetricSource {
  readonly points: (query: MetricQuery) => ReadonlyArray<MetricPoint>
  /** Optional: the metrics this source has for an account and region (ListMetrics); absent = none listed. */
  readonly list?: (accountId: string, region: string) => Iterable<MetricIdentity>
  /** Optional unit per namespace/metric ("Percent", "Bytes"); default "None". */
  readonly unit?: (namespace: string, metricName: string) => string | undefined
}

/** One day of cost for one account, service, region and tag set. */
export interface CostLine {
  /** "YYYY-MM-DD" (UTC day). */
  readonly date: string
  readonly accountId: string
  /** Cost Explorer SERVICE dimension value, e.g. "Amazon Elastic Compute Cloud - Compute". */
  readonly service: string
  readonly region: string
  readonly usageType?: string
  /** User cost-allocation tags on the resource (e.g. CostCenter). */
  readonly tags: Readonly<Record<string, string>>
  /** Integer micro-dollars. */
  readonly unblendedMicroUsd: number
  /** Integer micro-dollars; equals unblended when there is no RI/SP amortization. */
  readonly amortizedMicroUsd: number
  readonly usageQuantity?: number
}

/** Where Cost Explorer's data come from: the lines whose `date` is in [start, end). */
export interface CostSource {
  readonly lines: (start: string, end: string) => Iterable<CostLine>
}

export interface Estate {
  readonly organization: OrganizationSeed
  readonly regions: ReadonlyArray<string>
  readonly metrics: MetricSource
  readonly costs: CostSource
}

export const emptyMetricSource: MetricSource = { points: () => [] }
export const emptyCostSource: CostSource = { lines: () => [] }

/** A minimal estate: a management account, two OUs and two members, no metrics, no costs. */
export const minimalEstate = (): Estate => ({
  organization: {
    managementAccount: { id: "111111111111", name: "Management", email: "management@example.com", joined: new Date("2024-01-01T00:00:00Z") },
    members: [
      { id: "222222222222", name: "Production", email: "production@example.com", ouPath: "Production", joined: new Date("2024-01-02T00:00:00Z") },
      { id: "333333333333", name: "Development", email: "development@example.com", ouPath: "Non-Production/Development", joined: new Date("2024-01-03T00:00:00Z") }
    ],
    ouPaths: ["Production", "Non-Production", "Non-Production/Development"]
  },
  regions: ["us-east-1", "us-west-2"],
  metrics: emptyMetricSource,
  costs: emptyCostSource
})
