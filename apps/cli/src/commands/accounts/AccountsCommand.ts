/**
 * `miyabi accounts create|list|status`: account vending and the
 * organization's accounts (@miyabi/account-factory), against the AWS the
 * environment points at.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { globalOptions } from "../../Global.js"

export const createOptions = {
  ...globalOptions,
  name: Options.text("name").pipe(Options.withDescription("The account's name.")),
  email: Options.text("email").pipe(Options.withDescription("Its root e-mail (unique across AWS; a +suffix address works).")),
  ou: Options.text("ou").pipe(Options.withDescription("The OU path it goes in, as the spec writes it (e.g. Workloads/Pools), or Root.")),
  tag: Options.text("tag").pipe(Options.withDescription("A tag KEY=VALUE (repeatable)."), Options.repeated)
}

export const listOptions = { ...globalOptions }

export const statusConfig = {
  ...globalOptions,
  id: Args.text({ name: "REQUEST_ID|ACCOUNT_ID" }).pipe(Args.withDescription("A CreateAccount request id (car-...) or a 12-digit account id."))
}

const handlers = () => import("./AccountsHandlers.js")

const create = Command.make("create", createOptions, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.create(flags))).pipe(
  Command.withDescription(
    "Vend an account: create (or find an earlier request / the account by e-mail), move to the OU, tag, wait for its role. Safe to run again."
  )
)

const list = Command.make("list", listOptions, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.list(flags))).pipe(
  Command.withDescription("The organization's accounts with their OU, status and tags, and creation requests still running.")
)

const status = Command.make("status", statusConfig, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.status(flags))).pipe(
  Command.withDescription("The state of a creation request, or of an account.")
)

export const accountsCommand = Command.make("accounts").pipe(
  Command.withDescription("Account vending (AWS Organizations; AWS settings from the environment, e.g. miyabi sandbox up)."),
  Command.withSubcommands([create, list, status])
)
