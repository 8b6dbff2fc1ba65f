/**
 * `miyabi org plan|apply|show`: the AWS organization as code
 * (@miyabi/account-factory), against the AWS the environment points at.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { globalOptions } from "../../Global.js"

export const specOptions = {
  ...globalOptions,
  spec: Options.file("spec").pipe(Options.withDescription("The organization spec (YAML), e.g. org.yaml.")),
  prune: Options.boolean("prune").pipe(
    Options.withDescription("Also plan removals: detach, untag and delete what the spec does not declare (same as prune: true in the spec).")
  )
}

export const showOptions = { ...globalOptions }

const handlers = () => import("./OrgHandlers.js")

const plan = Command.make("plan", specOptions, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.plan(flags))).pipe(
  Command.withDescription("Read the live organization and print the ordered changes that would make it match the spec, with the SCP lint findings.")
)

const apply = Command.make("apply", specOptions, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.apply(flags))).pipe(
  Command.withDescription("Carry out the plan in order; journaled beside --store, so a killed apply run again resumes where it stopped.")
)

const show = Command.make("show", showOptions, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.show(flags))).pipe(
  Command.withDescription("Print the live organization as a tree: root, OUs, accounts and the SCPs at each level.")
)

export const orgCommand = Command.make("org").pipe(
  Command.withDescription("AWS Organizations as code: plan, apply, show (AWS settings from the environment, e.g. miyabi sandbox up)."),
  Command.withSubcommands([plan, apply, show])
)
