/**
 * `miyabi tenants place|list|history|advise|offboard`: where customers live
 * (pool, silo, bridge accounts), recorded with every change as history in
 * the state store --store names (see TenantsStore.ts); accounts vended
 * through the AWS the environment points at.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { globalOptions } from "../../Global.js"
import { choiceOption } from "../../ChoiceOption.js"

const specOption = Options.file("spec").pipe(
  Options.withDescription("An org spec whose tenancy: section sets pool capacity, naming and OUs (default: pool of 100 in Workloads/Pools, silos in Workloads/VIP)."),
  Options.optional
)

export const placeConfig = {
  ...globalOptions,
  spec: specOption,
  model: choiceOption("model", ["pool", "silo", "bridge"] as const).pipe(Options.withDescription("The tenancy model asked for."), Options.withDefault("pool" as const)),
  monthlyCost: Options.text("monthly-cost").pipe(
    Options.withDescription("The customers' expected monthly AWS cost in USD (e.g. 1200.50), used by tenants advise."),
    Options.optional
  ),
  customers: Args.text({ name: "CUSTOMER" }).pipe(Args.withDescription("Customer id(s) to place."), Args.atLeast(1))
}

export const listConfig = { ...globalOptions }

export const historyConfig = {
  ...globalOptions,
  customer: Args.text({ name: "CUSTOMER" }).pipe(Args.withDescription("The customer whose placement changes to show."))
}

export const adviseConfig = {
  ...globalOptions,
  spec: specOption,
  customer: Args.text({ name: "CUSTOMER" }).pipe(Args.withDescription("Only this customer."), Args.optional)
}

export const offboardConfig = {
  ...globalOptions,
  spec: specOption,
  customer: Args.text({ name: "CUSTOMER" }).pipe(Args.withDescription("The customer leaving."))
}

const handlers = () => import("./TenantsHandlers.js")

const place = Command.make("place", placeConfig, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.place(flags))).pipe(
  Command.withDescription("Place customers: the first pool with room (a full pool vends the next pool account), a silo account each, or a bridge account.")
)
const list = Command.make("list", listConfig, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.list(flags))).pipe(
  Command.withDescription("Customers and where they are placed, with each shared account's occupancy.")
)
const history = Command.make("history", historyConfig, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.history(flags))).pipe(
  Command.withDescription("A customer's placement changes: placed, moved, offboarded, with when and who.")
)
const advise = Command.make("advise", adviseConfig, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.advise(flags))).pipe(
  Command.withDescription("What each customer costs under each model (SPEC cost model, or declared costs), and who should move to a silo.")
)
const offboard = Command.make("offboard", offboardConfig, (flags) => Effect.flatMap(Effect.promise(handlers), (h) => h.offboard(flags))).pipe(
  Command.withDescription("Offboard a customer: list its resources by its CostCenter tag (Resource Groups Tagging API); silo -> Suspended OU and CloseAccount; pool or bridge -> leave the account and schedule those resources for deletion in 30 days.")
)

export const tenantsCommand = Command.make("tenants").pipe(
  Command.withDescription("Tenancy: placing customers on pool, silo and bridge accounts (placements and their history kept in --store)."),
  Command.withSubcommands([place, list, history, advise, offboard])
)
