/**
 * The check of the scope flags (ScopeFlags.ts): each bad value is one
 * `InvalidInput` naming its flag.
 */
import { Discovery } from "@miyabi/aws-agent"
import { InvalidInput } from "@miyabi/types"
import { Effect, Option } from "effect"
import type { ScopeFlags } from "./ScopeFlags.js"

export interface Scope {
  readonly accounts?: ReadonlyArray<string>
  readonly regions?: ReadonlyArray<string>
  readonly services?: ReadonlyArray<string>
}

/** "a, b,,c" -> ["a","b","c"]; an empty list is an error naming the flag. */
export const parseList = (flag: string, value: Option.Option<string>): Effect.Effect<ReadonlyArray<string> | undefined, InvalidInput> =>
  Option.match(value, {
    onNone: () => Effect.succeed(undefined),
    onSome: (text) => {
      const items = text.split(",").map((s) => s.trim()).filter((s) => s !== "")
      return items.length === 0 ? Effect.fail(new InvalidInput({ source: flag, reason: "an empty list" })) : Effect.succeed(items)
    }
  })

const ACCOUNT = /^\d{12}$/
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/

const checked = (flag: string, value: Option.Option<string>, valid: (item: string) => boolean, what: (item: string) => string) =>
  Effect.flatMap(parseList(flag, value), (items) => {
    const bad = items?.find((item) => !valid(item))
    return bad === undefined ? Effect.succeed(items) : Effect.fail(new InvalidInput({ source: flag, reason: what(bad) }))
  })

export const parseScope = (flags: ScopeFlags): Effect.Effect<Scope, InvalidInput> =>
  Effect.gen(function* () {
    const accounts = yield* checked("--accounts", flags.accounts, (a) => ACCOUNT.test(a), (a) => `${a} is not a 12-digit account id`)
    const regions = yield* checked("--regions", flags.regions, (r) => REGION.test(r), (r) => `${r} is not a region name`)
    const known: ReadonlyArray<string> = Discovery.ALL_SERVICES
    const services = yield* checked("--services", flags.services, (s) => known.includes(s), (s) => `${s} is not one of ${known.join(", ")}`)
    return { ...(accounts === undefined ? {} : { accounts }), ...(regions === undefined ? {} : { regions }), ...(services === undefined ? {} : { services }) }
  })
