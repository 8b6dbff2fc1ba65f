/**
 * A simple on-demand price table (Linux, shared tenancy) in integer
 * micro-dollars. The figures are rounded list prices of us-east-1 in 2024-25;
 * other regions apply a flat multiplier. They only need to be plausible and
 * consistent: the Cost Explorer lines and the Pricing service both read them.
 */
import { findInstanceType } from "./InstanceCatalog.js"

/** Hourly price of the family's `.large` size, micro-dollars. */
const largeHourly: Record<string, number> = {
  t2: 92_800,
  t3: 83_200,
  t3a: 75_200,
  t4g: 67_200,
  m4: 100_000,
  m5: 96_000,
  m6i: 96_000,
  m6g: 77_000,
  m7i: 100_800,
  c4: 100_000,
  c5: 85_000,
  c6i: 85_000,
  c6g: 68_000,
  r4: 133_000,
  r5: 126_000,
  r6i: 126_000,
  r6g: 100_800,
  i3: 156_000
}

/** Size relative to `.large`; AWS prices scale linearly within a family. */
const sizeFactor: Record<string, number> = {
  nano: 1 / 16,
  micro: 1 / 8,
  small: 1 / 4,
  medium: 1 / 2,
  large: 1,
  xlarge: 2,
  "2xlarge": 4,
  "4xlarge": 8,
  "8xlarge": 16
}

const regionFactor: Record<string, number> = {
  "us-east-1": 1,
  "us-west-2": 1,
  "eu-west-1": 1.1,
  "ap-northeast-1": 1.25
}

export const regionMultiplier = (region: string): number => regionFactor[region] ?? 1.1

export const HOURS_PER_MONTH = 730

export const ec2HourlyMicros = (instanceType: string, region: string): number => {
  const spec = findInstanceType(instanceType)
  const base = spec === undefined ? 100_000 : (largeHourly[spec.family] ?? 100_000) * (sizeFactor[spec.size] ?? 1)
  return Math.round(base * regionMultiplier(region))
}

/** EBS price per GiB-month, micro-dollars. */
const ebsGbMonth: Record<string, number> = { gp2: 100_000, gp3: 80_000, io1: 125_000, standard: 50_000 }
/** io1 provisioned IOPS per IOPS-month. */
export const IO1_IOPS_MONTH_MICROS = 65_000

export const ebsGbMonthMicros = (volumeType: string): number => ebsGbMonth[volumeType] ?? 100_000

/** Public IPv4 address, charged whether associated or not (since February 2024). */
export const EIP_HOURLY_MICROS = 5_000
export const S3_STANDARD_GB_MONTH_MICROS = 23_000
export const SNAPSHOT_GB_MONTH_MICROS = 50_000

const rdsHourly: Record<string, number> = {
  "db.t2.micro": 17_000,
  "db.t3.micro": 17_000,
  "db.t3.small": 34_000,
  "db.t3.medium": 68_000,
  "db.t3.large": 136_000,
  "db.m4.large": 175_000,
  "db.m5.large": 171_000,
  "db.m5.xlarge": 342_000,
  "db.m5.2xlarge": 684_000,
  "db.m6g.large": 152_000,
  "db.m6g.xlarge": 304_000,
  "db.r5.large": 250_000,
  "db.r5.xlarge": 500_000,
  "db.r5.2xlarge": 1_000_000,
  "db.r6g.large": 225_000,
  "db.r6g.xlarge": 450_000
}

export const rdsClasses: ReadonlyArray<string> = Object.keys(rdsHourly)

export const rdsHourlyMicros = (instanceClass: string, region: string): number =>
  Math.round((rdsHourly[instanceClass] ?? 171_000) * regionMultiplier(region))

export const RDS_STORAGE_GB_MONTH_MICROS = 115_000

/** Lambda: per GB-second (x86) and per million requests. */
export const LAMBDA_GB_SECOND_MICROS = 16.6667
export const LAMBDA_MILLION_REQUESTS_MICROS = 200_000

/** Fargate per vCPU-hour and per GB-hour (Linux/x86). */
export const FARGATE_VCPU_HOUR_MICROS = 40_480
export const FARGATE_GB_HOUR_MICROS = 4_445
