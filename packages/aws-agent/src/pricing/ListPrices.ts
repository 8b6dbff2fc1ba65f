/**
 * Public AWS on-demand list prices shipped with the package, in integer
 * micro-dollars. Source: the AWS pricing pages (aws.amazon.com/ec2/pricing/
 * on-demand, /ebs/pricing, /rds/pricing, /lambda/pricing, /fargate/pricing,
 * /vpc/pricing for public IPv4), us-east-1, Linux, shared tenancy, as read
 * for 2025 and kept unchanged since. APPROXIMATE where said:
 *
 * - EC2: one hourly price per family's `.large` (AWS prices scale linearly
 *   with size within a family); families not in the table are estimated per
 *   vCPU-hour by category. Other regions use a flat multiplier per region
 *   (the typical m5/c5/r5 ratio), not per-type prices.
 * - RDS: PostgreSQL/MySQL Single-AZ; Multi-AZ is twice the price.
 *
 * `refreshFromPriceList` replaces all of this with the Price List API's
 * current figures; `miyabi pricing refresh` writes them to a file.
 */

/** Hourly price of the family's `.large` (2 vCPU) size in us-east-1. */
export const EC2_LARGE_HOURLY: Readonly<Record<string, number>> = {
  t2: 92_800,
  t3: 83_200,
  t3a: 75_200,
  t4g: 67_200,
  m3: 133_000,
  m4: 100_000,
  m5: 96_000,
  m5a: 86_000,
  m5d: 113_000,
  m5n: 119_000,
  m6a: 86_400,
  m6g: 77_000,
  m6gd: 90_400,
  m6i: 96_000,
  m6id: 118_650,
  m7a: 115_920,
  m7g: 81_600,
  m7i: 100_800,
  "m7i-flex": 95_760,
  m8g: 89_760,
  c3: 105_000,
  c4: 100_000,
  c5: 85_000,
  c5a: 77_000,
  c5d: 96_000,
  c5n: 108_000,
  c6a: 76_500,
  c6g: 68_000,
  c6gd: 76_800,
  c6i: 85_000,
  c7a: 102_640,
  c7g: 72_500,
  c7i: 89_250,
  c8g: 79_750,
  r3: 166_000,
  r4: 133_000,
  r5: 126_000,
  r5a: 113_000,
  r5d: 144_000,
  r5n: 149_000,
  r6a: 113_400,
  r6g: 100_800,
  r6gd: 115_200,
  r6i: 126_000,
  r7a: 152_160,
  r7g: 107_100,
  r7i: 132_300,
  r8g: 117_810,
  i3: 156_000,
  i3en: 226_000,
  i4i: 172_000,
  z1d: 186_000,
  x2gd: 167_000
}

/** Estimated us-east-1 price per vCPU-hour for families without an entry above, by CCF category. */
export const EC2_VCPU_HOUR_ESTIMATE: Readonly<Record<string, number>> = {
  "General Purpose": 48_000,
  "Compute Optimized": 42_500,
  "Memory Optimized": 63_000,
  "Storage Optimized": 78_000,
  "HPC Optimized": 50_000,
  "Accelerated Computing": 260_000
}

/** Size relative to `.large`; `metal` and unlisted sizes go by vCPUs over the `.large`'s 2. */
export const SIZE_FACTOR: Readonly<Record<string, number>> = {
  nano: 1 / 16,
  micro: 1 / 8,
  small: 1 / 4,
  medium: 1 / 2,
  large: 1,
  xlarge: 2
}

/** Regional multipliers over us-east-1 (approximate, typical of m5/c5/r5 and EBS). */
export const REGION_MULTIPLIER: Readonly<Record<string, number>> = {
  "us-east-1": 1,
  "us-east-2": 1,
  "us-west-2": 1,
  "us-west-1": 1.17,
  "eu-west-1": 1.115,
  "eu-central-1": 1.2,
  "eu-west-2": 1.16,
  "ap-northeast-1": 1.29,
  "ap-southeast-1": 1.25,
  "ap-southeast-2": 1.25,
  "sa-east-1": 1.59
}

/** The four reference regions of the SPEC's SCP example. */
export const REFERENCE_REGIONS: ReadonlyArray<string> = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]

/** EBS per GiB-month, us-east-1. */
export const EBS_GB_MONTH: Readonly<Record<string, number>> = {
  gp2: 100_000,
  gp3: 80_000,
  io1: 125_000,
  io2: 125_000,
  st1: 45_000,
  sc1: 15_000,
  standard: 50_000
}

/** io1/io2 provisioned IOPS per IOPS-month; gp3 IOPS above the free 3,000. */
export const EBS_IOPS_MONTH: Readonly<Record<string, number>> = { io1: 65_000, io2: 65_000, gp3: 5_000 }
export const GP3_FREE_IOPS = 3_000

/** A public IPv4 address (Elastic IP or not, associated or not) per hour, since February 2024. */
export const PUBLIC_IPV4_HOURLY = 5_000

/** RDS Single-AZ PostgreSQL/MySQL per hour, us-east-1. */
export const RDS_HOURLY: Readonly<Record<string, number>> = {
  "db.t2.micro": 17_000,
  "db.t3.micro": 18_000,
  "db.t3.small": 36_000,
  "db.t3.medium": 72_000,
  "db.t3.large": 145_000,
  "db.t4g.micro": 16_000,
  "db.t4g.small": 32_000,
  "db.t4g.medium": 65_000,
  "db.t4g.large": 129_000,
  "db.m4.large": 182_000,
  "db.m5.large": 171_000,
  "db.m5.xlarge": 342_000,
  "db.m5.2xlarge": 684_000,
  "db.m6g.large": 152_000,
  "db.m6g.xlarge": 304_000,
  "db.m6i.large": 171_000,
  "db.m7g.large": 168_000,
  "db.r5.large": 250_000,
  "db.r5.xlarge": 500_000,
  "db.r5.2xlarge": 1_000_000,
  "db.r6g.large": 225_000,
  "db.r6g.xlarge": 450_000,
  "db.r6i.large": 250_000,
  "db.r7g.large": 239_000
}
/** RDS gp2/gp3 storage per GiB-month (Single-AZ). */
export const RDS_STORAGE_GB_MONTH = 115_000

/** Lambda x86: per GB-second and per million requests (arm64 is 20 % cheaper per GB-second). */
export const LAMBDA_GB_SECOND = 16.6667
export const LAMBDA_ARM_GB_SECOND = 13.3334
export const LAMBDA_MILLION_REQUESTS = 200_000

/** Fargate Linux/x86 per vCPU-hour and per GB-hour; Spot about 70 % less. */
export const FARGATE_VCPU_HOUR = 40_480
export const FARGATE_GB_HOUR = 4_445
export const FARGATE_SPOT_DISCOUNT = 0.7

/** S3 Standard per GB-month (first 50 TB). */
export const S3_STANDARD_GB_MONTH = 23_000

/** Application Load Balancer per hour (LCUs not estimated). */
export const ALB_HOURLY = 22_500
/** DynamoDB provisioned capacity per RCU-hour and WCU-hour; storage per GB-month. */
export const DYNAMODB_RCU_HOUR = 130
export const DYNAMODB_WCU_HOUR = 650
export const DYNAMODB_GB_MONTH = 250_000

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730
