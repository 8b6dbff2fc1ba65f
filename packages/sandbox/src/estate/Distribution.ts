import type { Tags } from "./Tags.js"

/** A CloudFront distribution: global, owned by an account, recorded in us-east-1. */
export interface Distribution {
  readonly id: string
  readonly arn: string
  readonly accountId: string
  readonly domainName: string
  readonly comment: string
  enabled: boolean
  readonly priceClass: "PriceClass_All" | "PriceClass_200" | "PriceClass_100"
  /** Origin domain names (an S3 bucket of the estate, or a load balancer). */
  readonly origins: Array<string>
  readonly viewerProtocolPolicy: "allow-all" | "redirect-to-https" | "https-only"
  readonly webAclId?: string
  readonly lastModified: number
  tags: Tags
}
