import type { Tags } from "./Tags.js"

/** A DynamoDB table; the sandbox's dynalite holds its schema, the estate its size and billing. */
export interface DynamoTable {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly billingMode: "PROVISIONED" | "PAY_PER_REQUEST"
  readonly readCapacityUnits?: number
  readonly writeCapacityUnits?: number
  readonly hashKey: string
  readonly rangeKey?: string
  readonly itemCount: number
  readonly sizeBytes: number
  readonly createdAt: number
  tags: Tags
}
