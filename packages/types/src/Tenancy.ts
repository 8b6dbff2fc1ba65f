/**
 * Tenancy (SPEC.md section 2): how customers are placed on AWS accounts.
 * Pool: a shared account (100 customers by default). Silo: an account per
 * customer. Bridge: a shared account with dedicated resources.
 */
import { Schema } from "effect"
import { AccountId, CustomerId } from "./Ids.js"
import { MicroUsd } from "./Money.js"

export const TenancyModel = Schema.Literal("Silo", "Pool", "Bridge")
export type TenancyModel = typeof TenancyModel.Type

export class Customer extends Schema.Class<Customer>("Customer")({
  id: CustomerId,
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256)),
  /** The model the customer asked for; placement defaults to Pool. */
  model: Schema.optional(TenancyModel),
  /** Measured or expected monthly AWS cost of the customer, when known. */
  monthlyCost: Schema.optional(MicroUsd)
}) {}

/** One past or present placement of a customer. */
export class PlacementHistoryEntry extends Schema.Class<PlacementHistoryEntry>("PlacementHistoryEntry")({
  at: Schema.Date,
  model: TenancyModel,
  accountId: AccountId,
  reason: Schema.String
}) {}

/** Where a customer lives now, and where it lived before. */
export class Placement extends Schema.Class<Placement>("Placement")({
  customerId: CustomerId,
  model: TenancyModel,
  accountId: AccountId,
  since: Schema.Date,
  history: Schema.optionalWith(Schema.Array(PlacementHistoryEntry), { default: () => [] })
}) {}

/** A shared account (Pool or Bridge) and the customers in it. */
export class PoolState extends Schema.Class<PoolState>("PoolState")(
  Schema.Struct({
  accountId: AccountId,
  model: Schema.optionalWith(Schema.Literal("Pool", "Bridge"), { default: () => "Pool" as const }),
  capacity: Schema.Int.pipe(Schema.positive()),
  members: Schema.Array(CustomerId)
  }).pipe(
    Schema.filter((pool) => {
      if (new Set(pool.members).size !== pool.members.length) return "a customer appears twice in the pool"
      return pool.members.length <= pool.capacity || `the pool holds ${pool.members.length} customers, over its capacity of ${pool.capacity}`
    })
  )
) {}
