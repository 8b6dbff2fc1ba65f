/**
 * An integer flag with a range. @effect/cli's `Options.integer` answers a
 * word with "'ten' is not a integer", and `Options.withSchema` a value out of
 * range with Schema's tree ("Int & between(0, 63) └─ Predicate refinement
 * failure ..."); neither names the flag. This names the flag, the value and
 * the range, as a usage error (exit 2) like @effect/cli's own. The help still
 * shows `--limit integer`.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { Effect } from "effect"

const INTEGER = /^[+-]?\d+$/

export const intOption = (name: string, range: { readonly min: number; readonly max: number }): Options.Options<number> => {
  const allowed = `use an integer from ${range.min} to ${range.max}`
  const refuse = (why: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name}: ${why}; ${allowed}`)))
  return Options.text(name).pipe(
    Options.withPseudoName("integer"),
    Options.withDescription(`An integer from ${range.min} to ${range.max}.`),
    Options.mapEffect((text) => {
      if (!INTEGER.test(text.trim())) return refuse(`${JSON.stringify(text)} is not an integer`)
      const value = Number(text.trim())
      return value >= range.min && value <= range.max ? Effect.succeed(value) : refuse(`${value} is out of range`)
    })
  )
}
