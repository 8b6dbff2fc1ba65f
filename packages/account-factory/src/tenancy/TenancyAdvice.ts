/**
 * Tenancy advice from costs: what each customer costs (measured cost data
 * when given, the customer's declared cost, else the cost model), what each
 * model would cost for it, and whether it should move to a silo (above
 * $1,000/month by default). Pure; money in integer micro-dollars.
 */
import { Money, type Customer, type CustomerId, type MicroUsd, type Placement, type PoolState, type TenancyModel } from "@miyabi/types"
import type { TenancySettings } from "./TenancySettings.js"

export type CostSource = "measured" | "declared" | "model"

export interface CustomerAdvice {
  readonly customerId: CustomerId
  readonly model: TenancyModel
  readonly monthlyCost: MicroUsd
  readonly costSource: CostSource
  /** What hosting this customer costs a month under each model. */
  readonly modelCosts: { readonly [model in TenancyModel]: MicroUsd }
  readonly recommendation: "Stay" | "MoveToSilo"
  readonly reason: string
}

export interface TenancyAdviceReport {
  readonly customers: ReadonlyArray<CustomerAdvice>
  /** Monthly hosting cost per model across all customers, fixed pool costs included. */
  readonly totals: { readonly [model in TenancyModel]: MicroUsd }
  readonly moveToSilo: ReadonlyArray<CustomerId>
}

export interface AdviceInput {
  readonly customers: ReadonlyArray<Customer>
  readonly placements: ReadonlyArray<Placement>
  readonly pools: ReadonlyArray<PoolState>
  readonly settings: TenancySettings
  /** Measured monthly cost per customer (e.g. from @miyabi/cost); wins over the declared cost and the model. */
  readonly costs?: ReadonlyMap<CustomerId, MicroUsd>
}

const micro = (value: number): MicroUsd => Math.round(value) as MicroUsd

export const adviseTenancy = (input: AdviceInput): TenancyAdviceReport => {
  const rates = input.settings.costs
  const { siloThreshold, poolFixed } = rates
  const placementOf = new Map(input.placements.map((placement) => [placement.customerId as string, placement]))
  const poolOf = new Map(input.pools.map((pool) => [pool.accountId as string, pool]))
  // A pool's fixed cost is shared by its members; a new pool member would share it with capacity-many at best.
  const poolShare = (customer: CustomerId): number => {
    const placement = placementOf.get(customer)
    const pool = placement === undefined ? undefined : poolOf.get(placement.accountId)
    const members = pool === undefined ? input.settings.poolCapacity : Math.max(1, pool.members.length)
    return poolFixed / members
  }
  const totals: Record<TenancyModel, number> = { Silo: 0, Pool: 0, Bridge: 0 }
  const advice = input.customers.map((customer): CustomerAdvice => {
    const model = placementOf.get(customer.id)?.model ?? customer.model ?? "Pool"
    const modelCosts = {
      Silo: rates.perCustomer.Silo,
      Pool: micro(rates.perCustomer.Pool + poolShare(customer.id)),
      Bridge: rates.perCustomer.Bridge
    }
    const measured = input.costs?.get(customer.id)
    const [monthlyCost, costSource]: readonly [MicroUsd, CostSource] =
      measured !== undefined ? [measured, "measured"] : customer.monthlyCost !== undefined ? [customer.monthlyCost, "declared"] : [modelCosts[model], "model"]
    totals[model] += model === "Pool" ? rates.perCustomer.Pool : modelCosts[model]
    const tooBig = model !== "Silo" && monthlyCost > siloThreshold
    return {
      customerId: customer.id,
      model,
      monthlyCost,
      costSource,
      modelCosts,
      recommendation: tooBig ? "MoveToSilo" : "Stay",
      reason: tooBig
        ? `${Money.format(monthlyCost)}/month (${costSource}) is above the silo threshold of ${Money.format(siloThreshold)}: an account of its own isolates it and its cost`
        : model === "Silo"
          ? "already in a silo"
          : `${Money.format(monthlyCost)}/month (${costSource}) is within the ${model.toLowerCase()} model`
    }
  })
  totals.Pool += input.pools.filter((pool) => pool.model === "Pool").length * poolFixed
  return {
    customers: advice,
    totals: { Silo: micro(totals.Silo), Pool: micro(totals.Pool), Bridge: micro(totals.Bridge) },
    moveToSilo: advice.filter((a) => a.recommendation === "MoveToSilo").map((a) => a.customerId)
  }
}
