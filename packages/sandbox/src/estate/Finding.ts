/**
 * What is wasteful or risky in an estate: the truth the generator records
 * and `findingsOf` (Truth.ts) recomputes, by resource kind.
 */
export type WasteReason =
  | "idle"
  | "overProvisioned"
  | "unattachedVolume"
  | "unassociatedAddress"
  | "gp2Volume"
  | "previousGeneration"
  | "stoppedWithVolumes"
  | "bucketWithoutLifecycle"

export type RiskReason =
  | "publicBucket"
  | "unencryptedVolume"
  | "unencryptedBucket"
  | "unencryptedDatabase"
  | "publicDatabase"
  | "openSecurityGroup"

export type ResourceKind =
  | "ec2:instance"
  | "ec2:volume"
  | "ec2:address"
  | "ec2:security-group"
  | "s3:bucket"
  | "rds:db"
  | "lambda:function"
  | "ecs:service"
  | "elbv2:load-balancer"
  | "autoscaling:group"
  | "cloudfront:distribution"
  | "dynamodb:table"

export type Finding =
  | { readonly category: "waste"; readonly reason: WasteReason; readonly kind: ResourceKind; readonly resourceId: string; readonly accountId: string; readonly region: string }
  | { readonly category: "risk"; readonly reason: RiskReason; readonly kind: ResourceKind; readonly resourceId: string; readonly accountId: string; readonly region: string }
