/** An S3 bucket of the estate, with the settings its findings look at. */
import type { Tags } from "./Tags.js"

export interface PublicAccessBlock {
  readonly blockPublicAcls: boolean
  readonly ignorePublicAcls: boolean
  readonly blockPublicPolicy: boolean
  readonly restrictPublicBuckets: boolean
}

export interface LifecycleRule {
  readonly id: string
  readonly prefix: string
  readonly status: "Enabled" | "Disabled"
  readonly transitionDays?: number
  readonly transitionStorageClass?: string
  readonly expirationDays?: number
}

export interface Bucket {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly creationDate: number
  encryption?: "AES256" | "aws:kms"
  publicAccessBlock?: PublicAccessBlock
  lifecycleRules?: Array<LifecycleRule>
  readonly sizeGiB: number
  tags: Tags
}
