/**
 * The Price List products the sandbox serves, built from the estate's own
 * price table so that what GetProducts quotes is what Cost Explorer bills:
 * EC2 compute instances (Linux and Windows, shared tenancy), EBS volume
 * storage, and RDS instances. Each product is kept with its attributes (for
 * filtering) and its Price List JSON, shaped after AWS's (`product`,
 * `serviceCode`, `terms.OnDemand`, `version`, `publicationDate`).
 */
import { createHash } from "node:crypto"
import { instanceTypes } from "../../estate/InstanceCatalog.js"
import { ebsGbMonthMicros, ec2HourlyMicros, rdsClasses, rdsHourlyMicros, regionMultiplier } from "../../estate/PriceTable.js"

export interface PriceProduct {
  readonly serviceCode: string
  readonly attributes: Readonly<Record<string, string>>
  readonly json: string
}

const LOCATIONS: Record<string, string> = {
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "us-west-2": "US West (Oregon)",
  "eu-west-1": "Europe (Ireland)",
  "eu-central-1": "Europe (Frankfurt)",
  "ap-northeast-1": "Asia Pacific (Tokyo)"
}

const USAGE_PREFIX: Record<string, string> = { "us-east-1": "", "us-east-2": "USE2-", "us-west-2": "USW2-", "eu-west-1": "EU-", "eu-central-1": "EUC1-", "ap-northeast-1": "APN1-" }

const ON_DEMAND = "JRTCKXETXF"
const RATE = "6YS6EN2CT7"
const VERSION = "20261101000000"
const PUBLISHED = "2026-11-01T00:00:00Z"
/** Windows adds a licence charge per vCPU-hour on top of the Linux price. */
const WINDOWS_VCPU_HOUR_MICROS = 46_000

const sku = (key: string): string => {
  const digest = createHash("sha256").update(key).digest()
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
  return Array.from(digest.subarray(0, 16), (b) => alphabet[b % alphabet.length]).join("")
}

/** Integer micro-dollars as Price List's ten-decimal dollar string. */
export const usdString = (micros: number): string => `${Math.floor(micros / 1_000_000)}.${String(Math.round(micros) % 1_000_000).padStart(6, "0")}0000`

const product = (serviceCode: string, productFamily: string, attributes: Record<string, string>, unit: string, micros: number, description: string): PriceProduct => {
  const id = sku(`${serviceCode}|${JSON.stringify(attributes)}`)
  const json = JSON.stringify({
    product: { productFamily, attributes: { ...attributes, servicecode: serviceCode }, sku: id },
    serviceCode,
    terms: {
      OnDemand: {
        [`${id}.${ON_DEMAND}`]: {
          priceDimensions: {
            [`${id}.${ON_DEMAND}.${RATE}`]: {
              unit,
              endRange: "Inf",
              description,
              appliesTo: [],
              rateCode: `${id}.${ON_DEMAND}.${RATE}`,
              beginRange: "0",
              pricePerUnit: { USD: usdString(micros) }
            }
          },
          sku: id,
          effectiveDate: PUBLISHED,
          offerTermCode: ON_DEMAND,
          termAttributes: {}
        }
      }
    },
    version: VERSION,
    publicationDate: PUBLISHED
  })
  return { serviceCode, attributes: { ...attributes, productFamily, servicecode: serviceCode }, json }
}

const usd = (micros: number): string => `$${(micros / 1_000_000).toFixed(4).replace(/0+$/, "").replace(/\.$/, "")}`

export const buildCatalog = (regions: ReadonlyArray<string>): ReadonlyArray<PriceProduct> => {
  const out: Array<PriceProduct> = []
  for (const region of regions) {
    const location = LOCATIONS[region] ?? region
    const prefix = USAGE_PREFIX[region] ?? `${region.toUpperCase()}-`
    const common = { location, locationType: "AWS Region", regionCode: region }
    for (const type of instanceTypes) {
      for (const os of ["Linux", "Windows"] as const) {
        const micros = ec2HourlyMicros(type.name, region) + (os === "Windows" ? Math.round(WINDOWS_VCPU_HOUR_MICROS * type.vcpus * regionMultiplier(region)) : 0)
        out.push(
          product(
            "AmazonEC2",
            "Compute Instance",
            {
              ...common,
              instanceType: type.name,
              instanceFamily: type.category.replace(/ \(Previous Gen\)$/, ""),
              currentGeneration: type.previousGeneration ? "No" : "Yes",
              vcpu: String(type.vcpus),
              memory: `${type.memoryGiB} GiB`,
              physicalProcessor: type.family.endsWith("g") ? "AWS Graviton2 Processor" : "Intel Xeon Family",
              storage: "EBS only",
              operatingSystem: os,
              tenancy: "Shared",
              capacitystatus: "Used",
              preInstalledSw: "NA",
              licenseModel: "No License required",
              operation: os === "Linux" ? "RunInstances" : "RunInstances:0002",
              usagetype: `${prefix}BoxUsage:${type.name}`,
              servicename: "Amazon Elastic Compute Cloud"
            },
            "Hrs",
            micros,
            `${usd(micros)} per On Demand ${os} ${type.name} Instance Hour`
          )
        )
      }
    }
    for (const volume of ["gp2", "gp3", "io1", "standard"] as const) {
      const micros = Math.round(ebsGbMonthMicros(volume) * regionMultiplier(region))
      out.push(
        product(
          "AmazonEC2",
          "Storage",
          { ...common, volumeApiName: volume, volumeType: volume === "standard" ? "Magnetic" : volume === "io1" ? "Provisioned IOPS" : "General Purpose", storageMedia: volume === "standard" ? "HDD-backed" : "SSD-backed", usagetype: `${prefix}EBS:VolumeUsage${volume === "standard" ? "" : `.${volume === "io1" ? "piops" : volume}`}`, servicename: "Amazon Elastic Compute Cloud" },
          "GB-Mo",
          micros,
          `${usd(micros)} per GB-month of ${volume} provisioned storage - ${location}`
        )
      )
    }
    for (const instanceClass of rdsClasses) {
      for (const engine of ["PostgreSQL", "MySQL"] as const) {
        const micros = rdsHourlyMicros(instanceClass, region)
        out.push(
          product(
            "AmazonRDS",
            "Database Instance",
            { ...common, instanceType: instanceClass, databaseEngine: engine, deploymentOption: "Single-AZ", licenseModel: "No license required", usagetype: `${prefix}InstanceUsage:${instanceClass}`, servicename: "Amazon Relational Database Service" },
            "Hrs",
            micros,
            `${usd(micros)} per RDS ${instanceClass} Single-AZ instance hour (or partial hour) running ${engine}`
          )
        )
      }
    }
  }
  return out
}
