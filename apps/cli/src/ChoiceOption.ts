/**
 * A flag that takes one of a few words. @effect/cli's `Options.choice`
 * answers a wrong word with "Expected one of the following cases: ..." and
 * never names the flag; this names the flag and the word, as a usage error
 * (exit 2). The help still lists the words (`--status Pending | ...`).
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import { Effect } from "effect"

export const choiceOption = <const A extends string>(name: string, choices: ReadonlyArray<A>): Options.Options<A> =>
  Options.text(name).pipe(
    Options.withPseudoName(choices.join(" | ")),
    Options.withDescription(`One of: ${choices.join(", ")}.`),
    Options.mapEffect((value) => {
      const chosen = choices.find((choice) => choice === value)
      return chosen !== undefined
        ? Effect.succeed(chosen)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name}: ${JSON.stringify(value)} is not one of ${choices.join(", ")}`)))
    })
  )
