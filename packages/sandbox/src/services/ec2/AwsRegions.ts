/**
 * The commercial AWS Regions EC2's DescribeRegions lists with `AllRegions`,
 * and which of them are opt-in. The AWS Account Management guide ("Enable or
 * disable AWS Regions in your account"): "Regions launched before March 20,
 * 2019 are enabled by default [...] Default Regions cannot be enabled or
 * disabled"; "Regions launched after March 20, 2019 are disabled by default
 * and referred to as opt-in Regions". A Region AWS opens later is missing
 * here until it is added.
 */
export interface AwsRegion {
  readonly name: string
  /** Launched after March 20, 2019: disabled until the account opts in. */
  readonly optIn: boolean
}

const DEFAULT_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
  "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
  "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2"
]

const OPT_IN_REGIONS = [
  "af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
  "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1"
]

export const AWS_REGIONS: ReadonlyArray<AwsRegion> = [
  ...DEFAULT_REGIONS.map((name) => ({ name, optIn: false })),
  ...OPT_IN_REGIONS.map((name) => ({ name, optIn: true }))
]

export type OptInStatus = "opt-in-not-required" | "opted-in" | "not-opted-in"

/**
 * The Regions an account of the estate sees, by name, with their opt-in
 * status: the estate's own Regions are enabled (opted in when they are opt-in
 * Regions); the others are listed as AWS lists them for an account that did
 * not opt in. A name of the estate that AWS does not know (a test's) is kept,
 * enabled.
 */
export const regionsOf = (estateRegions: ReadonlyArray<string>): ReadonlyMap<string, OptInStatus> => {
  const mine = new Set(estateRegions)
  const all = new Map<string, OptInStatus>()
  for (const name of estateRegions) all.set(name, AWS_REGIONS.find((r) => r.name === name)?.optIn === true ? "opted-in" : "opt-in-not-required")
  for (const r of AWS_REGIONS) if (!mine.has(r.name)) all.set(r.name, r.optIn ? "not-opted-in" : "opt-in-not-required")
  return all
}
