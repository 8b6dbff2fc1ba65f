/**
 * The `miyabi cost` flags as values: each parser fails with one
 * `InvalidInput` naming its flag, so a wrong value is one line and exit 1.
 */
import { FleetModel } from "@miyabi/cost"
import { Budget, CostMonth, CostCustomer, InvalidInput, MicroUsd, Money } from "@miyabi/types"
import { Effect, Either, Option, Schema } from "effect"

export type By = "customer" | "account" | "service"
export type Format = "table" | "csv" | "json" | "html"
export type Source = "ce" | "cur"

const oneOf = <A extends string>(flag: string, allowed: ReadonlyArray<A>, value: string): Effect.Effect<A, InvalidInput> =>
  (allowed as ReadonlyArray<string>).includes(value)
    ? Effect.succeed(value as A)
    : Effect.fail(new InvalidInput({ source: flag, reason: `"${value}" is not one of ${allowed.join(", ")}` }))

export const parseBy = (value: string) => oneOf<By>("--by", ["customer", "account", "service"], value)
export const parseFormat = (value: string) => oneOf<Format>("--format", ["table", "csv", "json", "html"], value)
export const parseSize = (value: string) => oneOf<FleetModel.TaskSize>("--size", ["light", "standard", "medium", "heavy", "xl"], value)

/** The month of `--month`, else the month of `now` (UTC). */
export const parseMonth = (value: Option.Option<string>, now: Date): Effect.Effect<CostMonth, InvalidInput> =>
  Option.match(value, {
    onNone: () => Effect.succeed(now.toISOString().slice(0, 7)),
    onSome: (text) =>
      Either.match(Schema.decodeUnknownEither(CostMonth)(text), {
        onLeft: () => Effect.fail(new InvalidInput({ source: "--month", reason: `"${text}" is not a month such as 2026-10` })),
        onRight: Effect.succeed
      })
  })

/** `--source`, defaulting to cur when `--cur` is given and to Cost Explorer otherwise; cur needs a path. */
export type SourceChoice = { readonly _tag: "ce" } | { readonly _tag: "cur"; readonly path: string }

export const parseSource = (source: Option.Option<string>, cur: Option.Option<string>): Effect.Effect<SourceChoice, InvalidInput> =>
  Effect.flatMap(
    Option.match(source, { onNone: () => Effect.succeed<Source>(Option.isSome(cur) ? "cur" : "ce"), onSome: (s) => oneOf<Source>("--source", ["ce", "cur"], s) }),
    (kind): Effect.Effect<SourceChoice, InvalidInput> =>
      kind === "ce"
        ? Effect.succeed({ _tag: "ce" as const })
        : Option.match(cur, {
            onNone: () => Effect.fail(new InvalidInput({ source: "--cur", reason: "a CUR file or folder is required with --source cur" })),
            onSome: (path) => Effect.succeed({ _tag: "cur" as const, path })
          })
  )

/** A dollar amount ("2914.56") as micro-dollars, for `flag`. */
export const parseUsd = (flag: string, text: string): Effect.Effect<MicroUsd, InvalidInput> => {
  const micros = Money.fromDecimalString(text.trim())
  return micros === undefined || micros < 0
    ? Effect.fail(new InvalidInput({ source: flag, reason: `"${text}" is not an amount of dollars such as 1500 or 2914.56` }))
    : Effect.succeed(micros)
}

/** `--budget CUSTOMER=USD`, repeated; a customer named twice is an error. */
export const parseBudgets = (entries: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<Budget>, InvalidInput> =>
  Effect.gen(function* () {
    const budgets: Array<Budget> = []
    for (const entry of entries) {
      const at = entry.lastIndexOf("=")
      const customer = at <= 0 ? "" : entry.slice(0, at).trim()
      if (at <= 0 || !Schema.is(CostCustomer)(customer)) {
        return yield* Effect.fail(new InvalidInput({ source: "--budget", reason: `"${entry}" is not CUSTOMER=USD` }))
      }
      if (budgets.some((b) => b.customer === customer)) {
        return yield* Effect.fail(new InvalidInput({ source: "--budget", reason: `${customer} has two budgets` }))
      }
      budgets.push(new Budget({ customer, monthlyLimit: yield* parseUsd("--budget", entry.slice(at + 1)) }))
    }
    return budgets
  })

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** `--as-of`, else yesterday (UTC): the last complete day of cost. */
export const parseAsOf = (value: Option.Option<string>, now: Date): Effect.Effect<string, InvalidInput> =>
  Option.match(value, {
    onNone: () => Effect.succeed(new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10)),
    onSome: (text) =>
      DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)
        ? Effect.succeed(text)
        : Effect.fail(new InvalidInput({ source: "--as-of", reason: `"${text}" is not a date such as 2026-10-15` }))
  })

/** A failure of the bill's source (a CUR file, DuckDB, Cost Explorer, the allocation policy), as the one line the user sees. */
export class CostSourceError extends Schema.TaggedError<CostSourceError>()("CostSourceError", {
  reason: Schema.Literal("SourceFailed"),
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}
