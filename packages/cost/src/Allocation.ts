/**
 * The allocation engine: every micro-dollar of a bill to a customer, or to an
 * explicit unallocated bucket, never dropped (SPEC.md section 3).
 *
 * Rules, in order, for each line (amount = the policy's measure):
 * 1. A line in a silo account is wholly its customer's, whatever it is
 *    tagged (the account boundary wins; a conflicting tag is noted).
 * 2. A line carrying the customer tag (CostCenter by default) is that
 *    customer's direct cost, in any other account.
 * 3. Untagged cost of a pool or bridge account is pooled per account and
 *    split across the account's customers by its key; untagged cost of a
 *    shared-platform account is split across every customer of the estate
 *    (declared or tagged anywhere).
 * 4. Untagged cost of an undeclared account, or of a pool without
 *    customers, goes to `unallocated`.
 *
 * Keys: tasks (tasks processed per customer), weights (fixed integers),
 * tagged-share (a customer's positive tagged cost in that account; for a
 * shared-platform account, its positive direct cost across the estate), even.
 * When a key gives every customer zero weight, the split falls back to even
 * and a note says so. Rounding is by largest remainder (see Apportion.ts).
 *
 * Credits and refunds (negative lines) are allocated like any other line.
 * Hence: shares of a non-negative pool are non-negative, shares of a negative
 * pool are non-positive, and a customer's total is negative only when its own
 * lines and shares net to a credit. With no negative lines, no customer and
 * no bucket is negative. Sum of customers + unallocated = bill, exactly.
 */
import {
  Allocation,
  type AllocationAccount,
  type AllocationKey,
  type AllocationPolicy,
  type CostLine,
  CustomerAllocation,
  ExplanationLine,
  MicroUsd,
  Money
} from "@miyabi/types"
import { Either, Schema } from "effect"
import { apportion, compareIds } from "./Apportion.js"

export class AllocationError extends Schema.TaggedError<AllocationError>()("AllocationError", {
  reason: Schema.Literal("InvalidPolicy"),
  account: Schema.optional(Schema.String),
  detail: Schema.String
}) {
  override get message(): string {
    return `allocation policy${this.account === undefined ? "" : ` (account ${this.account})`}: ${this.detail}`
  }
}

type Part = { amount: number; key?: AllocationKey["_tag"]; weight?: bigint; ofWeight?: bigint; pool?: number }

/** Accumulates explanation parts per customer, per account and kind. */
class Ledger {
  readonly parts = new Map<string, Map<string, Part>>()
  add(customer: string, account: string, kind: ExplanationLine["kind"], part: Part): void {
    let byCustomer = this.parts.get(customer)
    if (byCustomer === undefined) {
      byCustomer = new Map()
      this.parts.set(customer, byCustomer)
    }
    const slot = `${kind}\u0000${account}`
    const existing = byCustomer.get(slot)
    if (existing === undefined) byCustomer.set(slot, { ...part })
    else existing.amount += part.amount
  }
}

const validate = (policy: AllocationPolicy): Either.Either<ReadonlyMap<string, AllocationAccount>, AllocationError> => {
  const byAccount = new Map<string, AllocationAccount>()
  for (const role of policy.accounts) {
    if (byAccount.has(role.account)) {
      return Either.left(new AllocationError({ reason: "InvalidPolicy", account: role.account, detail: "declared twice" }))
    }
    if (role.kind === "silo" && role.customers.length !== 1) {
      return Either.left(
        new AllocationError({ reason: "InvalidPolicy", account: role.account, detail: `a silo account has exactly one customer, not ${role.customers.length}` })
      )
    }
    if (new Set(role.customers).size !== role.customers.length) {
      return Either.left(new AllocationError({ reason: "InvalidPolicy", account: role.account, detail: "a customer is listed twice" }))
    }
    byAccount.set(role.account, role)
  }
  return Either.right(byAccount)
}

const positive = (value: number | undefined): bigint => (value !== undefined && value > 0 ? BigInt(value) : 0n)

const weightsFor = (
  key: AllocationKey,
  customers: ReadonlyArray<string>,
  taggedCost: (customer: string) => number
): Array<{ id: string; weight: bigint }> =>
  customers.map((id) => {
    switch (key._tag) {
      case "tasks":
        return { id, weight: positive(key.tasks[id]) }
      case "weights":
        return { id, weight: positive(key.weights[id]) }
      case "tagged-share":
        return { id, weight: positive(taggedCost(id)) }
      case "even":
        return { id, weight: 1n }
    }
  })

const describe = (customer: string, account: string, kind: ExplanationLine["kind"], part: Part, tag: string): string => {
  const money = Money.format(MicroUsd.make(part.amount))
  switch (kind) {
    case "silo":
      return `${money} from silo account ${account}`
    case "tagged":
      return `${money} tagged ${tag}=${customer} in account ${account}`
    case "unallocated":
      return `${money} untagged in account ${account}, which has no customers`
    case "shared":
      return `${money} of ${Money.format(MicroUsd.make(part.pool ?? 0))} shared in account ${account} by ${part.key ?? "even"}: weight ${String(part.weight ?? 0n)} of ${String(part.ofWeight ?? 0n)}`
  }
}

const toLines = (customer: string, parts: ReadonlyMap<string, Part>, tag: string): Array<ExplanationLine> =>
  [...parts.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([slot, part]) => {
      const [kind, account] = slot.split("\u0000") as [ExplanationLine["kind"], string]
      return new ExplanationLine({
        account,
        kind,
        amount: MicroUsd.make(part.amount),
        ...(part.key === undefined ? {} : { key: part.key }),
        ...(part.weight === undefined ? {} : { weight: String(part.weight) }),
        ...(part.ofWeight === undefined ? {} : { ofWeight: String(part.ofWeight) }),
        ...(part.pool === undefined ? {} : { pool: MicroUsd.make(part.pool) }),
        text: describe(customer, account, kind, part, tag)
      })
    })

/** Allocates `lines` to customers under `policy`. Pure; fails only on an invalid policy. */
export const allocate = (lines: Iterable<CostLine>, policy: AllocationPolicy): Either.Either<Allocation, AllocationError> =>
  Either.map(validate(policy), (roles) => {
    const tag = policy.customerTag
    const ledger = new Ledger()
    const notes: Array<string> = []
    const pooled = new Map<string, number>()
    const tagged = new Map<string, Map<string, number>>() // account -> customer -> tagged cost
    const directByCustomer = new Map<string, number>()
    let billTotal = 0
    let siloConflicts = 0
    for (const line of lines) {
      const amount = policy.measure === "amortized" ? line.amortized : line.unblended
      billTotal += amount
      const role = roles.get(line.account)
      const customer = line.tags[tag]?.trim()
      if (role?.kind === "silo") {
        const owner = role.customers[0] as string
        if (customer !== undefined && customer !== "" && customer !== owner) siloConflicts += 1
        ledger.add(owner, line.account, "silo", { amount })
        directByCustomer.set(owner, (directByCustomer.get(owner) ?? 0) + amount)
      } else if (customer !== undefined && customer !== "") {
        ledger.add(customer, line.account, "tagged", { amount })
        directByCustomer.set(customer, (directByCustomer.get(customer) ?? 0) + amount)
        const inAccount = tagged.get(line.account) ?? new Map<string, number>()
        inAccount.set(customer, (inAccount.get(customer) ?? 0) + amount)
        tagged.set(line.account, inAccount)
      } else {
        pooled.set(line.account, (pooled.get(line.account) ?? 0) + amount)
      }
    }
    if (siloConflicts > 0) notes.push(`${siloConflicts} line(s) in silo accounts carried another ${tag}; the silo's customer was kept`)

    const estate = [...new Set([...policy.accounts.flatMap((role) => (role.kind === "shared-platform" ? [] : role.customers)), ...directByCustomer.keys()])].sort(compareIds)
    let unallocated = 0
    const unallocatedParts = new Map<string, Part>()
    for (const [account, pool] of [...pooled.entries()].sort(([a], [b]) => compareIds(a, b))) {
      if (pool === 0) continue
      const role = roles.get(account)
      const customers = role === undefined ? [] : role.kind === "shared-platform" ? estate : [...role.customers].sort(compareIds)
      if (customers.length === 0) {
        unallocated += pool
        unallocatedParts.set(`unallocated\u0000${account}`, { amount: pool })
        if (role === undefined) notes.push(`account ${account} is not declared; its untagged cost is unallocated`)
        continue
      }
      const key = role?.key ?? policy.defaultKey
      const taggedCost = role?.kind === "shared-platform"
        ? (customer: string) => directByCustomer.get(customer) ?? 0
        : (customer: string) => tagged.get(account)?.get(customer) ?? 0
      let weights = weightsFor(key, customers, taggedCost)
      let used: AllocationKey["_tag"] = key._tag
      if (weights.every((w) => w.weight === 0n)) {
        notes.push(`account ${account}: key ${key._tag} gives every customer zero weight; split evenly`)
        weights = weightsFor({ _tag: "even" }, customers, taggedCost)
        used = "even"
      }
      const ofWeight = weights.reduce((sum, w) => sum + w.weight, 0n)
      const shares = apportion(pool, weights)
      for (const { id, weight } of weights) {
        const amount = shares.get(id) ?? 0
        if (weight === 0n && amount === 0) continue
        ledger.add(id, account, "shared", { amount, key: used, weight, ofWeight, pool })
      }
    }

    const customers = [...ledger.parts.entries()]
      .sort(([a], [b]) => compareIds(a, b))
      .map(([customer, parts]) => {
        let direct = 0
        let shared = 0
        for (const [slot, part] of parts) {
          if (slot.startsWith("shared\u0000")) shared += part.amount
          else direct += part.amount
        }
        return new CustomerAllocation({
          customer,
          direct: MicroUsd.make(direct),
          shared: MicroUsd.make(shared),
          total: MicroUsd.make(direct + shared),
          explanation: toLines(customer, parts, tag)
        })
      })
    return new Allocation({
      measure: policy.measure,
      customerTag: tag,
      billTotal: MicroUsd.make(billTotal),
      customers,
      unallocated: MicroUsd.make(unallocated),
      unallocatedExplanation: toLines("", unallocatedParts, tag),
      notes
    })
  })
