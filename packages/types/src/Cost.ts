/**
 * Cost: the lines of a bill, how accounts relate to customers for allocation,
 * the per-customer result, budgets and forecasts (SPEC.md section 3).
 *
 * Money is integer micro-dollars (`MicroUsd`). Tenancy models of accounts
 * (Silo | Pool | Bridge) belong to Account.ts; allocation takes its own
 * input, `AllocationAccount`, so that the cost engine needs nothing else.
 */
import { Schema } from "effect"
import { MicroUsd } from "./Money.js"

/** A calendar day, "2026-10-31" (UTC). */
export const CostDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: () => "a date looks like 2026-10-31" })
)
export type CostDate = typeof CostDate.Type

/** A billing month, "2026-10". */
export const CostMonth = Schema.String.pipe(
  Schema.pattern(/^\d{4}-(0[1-9]|1[0-2])$/, { message: () => "a month looks like 2026-10" })
)
export type CostMonth = typeof CostMonth.Type

/**
 * The account a line is billed to. An AWS account id is twelve digits, but
 * bills also carry other providers' sub-accounts and anonymised samples
 * (the FOCUS sample's ids have eleven), so this is any non-empty string.
 */
export const CostAccount = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256))
export type CostAccount = typeof CostAccount.Type

/** A customer as named by the customer tag (CostCenter by default). */
export const CostCustomer = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256))
export type CostCustomer = typeof CostCustomer.Type

/** Which cost a report allocates: what AWS billed, or with upfront fees spread (amortized). */
export const CostMeasure = Schema.Literal("unblended", "amortized")
export type CostMeasure = typeof CostMeasure.Type

/** One line of a bill (or an aggregate of lines sharing all these fields). */
export class CostLine extends Schema.Class<CostLine>("CostLine")({
  date: CostDate,
  account: CostAccount,
  service: Schema.String,
  usageType: Schema.optional(Schema.String),
  resourceId: Schema.optional(Schema.String),
  tags: Schema.Record({ key: Schema.String, value: Schema.String }),
  unblended: MicroUsd,
  amortized: MicroUsd,
  /** Where the line came from: "file.csv.gz", "file.parquet#group", "ce:2026-10". */
  source: Schema.optional(Schema.String)
}) {}

/**
 * How one account's cost reaches customers.
 * - silo: the account belongs to one customer; all of its cost is theirs.
 * - pool: customers share it; tagged lines go to the tagged customer and
 *   untagged (shared) cost is split across `customers` by the key.
 * - bridge: both at once (dedicated, tagged resources and shared ones);
 *   allocated like a pool.
 * - shared-platform: the platform's own accounts; tagged lines go to their
 *   customer, untagged cost is split across every customer of the estate.
 */
export const AccountRoleKind = Schema.Literal("silo", "pool", "bridge", "shared-platform")
export type AccountRoleKind = typeof AccountRoleKind.Type

/** How shared cost is split. */
export const AllocationKey = Schema.Union(
  /** In proportion to tasks processed per customer (from the task store). */
  Schema.TaggedStruct("tasks", {
    tasks: Schema.Record({ key: Schema.String, value: Schema.Int.pipe(Schema.nonNegative()) })
  }),
  /** In proportion to each customer's tagged (direct) cost in the same account. */
  Schema.TaggedStruct("tagged-share", {}),
  /** In proportion to fixed integer weights (e.g. basis points). */
  Schema.TaggedStruct("weights", {
    weights: Schema.Record({ key: Schema.String, value: Schema.Int.pipe(Schema.nonNegative()) })
  }),
  /** Equally. */
  Schema.TaggedStruct("even", {})
)
export type AllocationKey = typeof AllocationKey.Type

/** Allocation input: the role of one account and its customers. */
export class AllocationAccount extends Schema.Class<AllocationAccount>("AllocationAccount")({
  account: CostAccount,
  kind: AccountRoleKind,
  /** silo: exactly one; pool and bridge: the customers sharing it; shared-platform: ignored. */
  customers: Schema.Array(CostCustomer),
  /** The key for this account's shared cost; the policy's default when absent. */
  key: Schema.optional(AllocationKey)
}) {}

/** Everything the allocation engine needs besides the lines. */
export class AllocationPolicy extends Schema.Class<AllocationPolicy>("AllocationPolicy")({
  /** The tag naming the customer on a line. */
  customerTag: Schema.optionalWith(Schema.String.pipe(Schema.minLength(1)), { default: () => "CostCenter" }),
  measure: Schema.optionalWith(CostMeasure, { default: () => "unblended" as const }),
  defaultKey: Schema.optionalWith(AllocationKey, { default: () => ({ _tag: "even" as const }) }),
  accounts: Schema.Array(AllocationAccount)
}) {}

/** One reason behind part of a customer's number. */
export class ExplanationLine extends Schema.Class<ExplanationLine>("ExplanationLine")({
  account: CostAccount,
  kind: Schema.Literal("tagged", "silo", "shared", "unallocated"),
  amount: MicroUsd,
  /** For shared cost: the key, this customer's weight and the total weight. */
  key: Schema.optional(Schema.Literal("tasks", "tagged-share", "weights", "even")),
  weight: Schema.optional(Schema.String),
  ofWeight: Schema.optional(Schema.String),
  /** The shared pool the share was taken from. */
  pool: Schema.optional(MicroUsd),
  text: Schema.String
}) {}

/** One customer's allocated cost: total = direct + shared. */
export class CustomerAllocation extends Schema.Class<CustomerAllocation>("CustomerAllocation")({
  customer: CostCustomer,
  /** Tagged lines and silo accounts. */
  direct: MicroUsd,
  /** Shares of pooled (untagged) cost. */
  shared: MicroUsd,
  total: MicroUsd,
  explanation: Schema.Array(ExplanationLine)
}) {}

/** The result: customers plus an explicit unallocated bucket sum to the bill exactly. */
export class Allocation extends Schema.Class<Allocation>("Allocation")({
  measure: CostMeasure,
  customerTag: Schema.String,
  billTotal: MicroUsd,
  customers: Schema.Array(CustomerAllocation),
  unallocated: MicroUsd,
  unallocatedExplanation: Schema.Array(ExplanationLine),
  /** Things a reader should know (fallbacks taken, tags overridden by a silo). */
  notes: Schema.Array(Schema.String)
}) {}

/** What a source read and what it left out; a report never hides a partial bill. */
export class IngestSummary extends Schema.Class<IngestSummary>("IngestSummary")({
  files: Schema.Array(Schema.String),
  /** "legacy-cur", "cur2" or "focus". */
  format: Schema.String,
  /** Where the customer tag was read from (a column, a map key, a JSON key); absent when not found. */
  customerTagSource: Schema.optional(Schema.String),
  rowsRead: Schema.Int,
  rowsSkipped: Schema.Int,
  /** Skipped rows by reason ("malformed cost", "missing date", "provider Microsoft"). */
  skipped: Schema.Array(Schema.Struct({ reason: Schema.String, rows: Schema.Int, cost: MicroUsd })),
  costRead: MicroUsd,
  costSkipped: MicroUsd,
  /** Tag columns seen but not used as the customer tag. */
  otherTagKeys: Schema.Array(Schema.String),
  notes: Schema.Array(Schema.String)
}) {}

/** A per-customer cost report for a period. */
export class CostReport extends Schema.Class<CostReport>("CostReport")({
  from: CostDate,
  to: CostDate,
  source: Schema.String,
  ingest: Schema.optional(IngestSummary),
  allocation: Allocation,
  byService: Schema.Array(Schema.Struct({ service: Schema.String, cost: MicroUsd })),
  byAccount: Schema.Array(Schema.Struct({ account: CostAccount, cost: MicroUsd }))
}) {}

/** A monthly budget for one customer. */
export class Budget extends Schema.Class<Budget>("Budget")({
  customer: CostCustomer,
  monthlyLimit: MicroUsd
}) {}

/** A month-end forecast for one customer against its budget. */
export class Forecast extends Schema.Class<Forecast>("Forecast")({
  customer: CostCustomer,
  month: CostMonth,
  daysObserved: Schema.Int,
  daysInMonth: Schema.Int,
  monthToDate: MicroUsd,
  forecast: MicroUsd,
  method: Schema.Literal("linear", "weekday-seasonal"),
  budget: Schema.optional(MicroUsd),
  alert: Schema.Boolean
}) {}
