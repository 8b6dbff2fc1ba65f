/**
 * An integer flag with a range. @effect/cli's `Options.withSchema` reports a
 * value out of range as Schema's tree ("Int & between(0, 63) └─ Predicate
 * refinement failure ...") and never names the flag; this names it and the
 * range, as a usage error (exit 2) like @effect/cli's own.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { Effect } from "effect"

export const intOption = (name: string, range: { readonly min: number; readonly max: number }): Options.Options<number> =>
  Options.integer(name).pipe(
    Options.mapEffect((value) =>
      value >= range.min && value <= range.max
        ? Effect.succeed(value)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name}: ${value} is out of range; use an integer from ${range.min} to ${range.max}`)))
    )
  )
