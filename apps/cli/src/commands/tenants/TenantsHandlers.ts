/**
 * What `miyabi tenants place|list|history|advise|offboard` do; loaded on first use
 * (see TenantsCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import {
  adviseTenancy,
  defaultTenancySettings,
  describeBridgeResource,
  loadSpec,
  offboardTenantByTag,
  placeTenants,
  renderOffboarding,
  settingsFromSpec,
  TenancyError,
  TenancyStore,
  type SpecError,
  type TenancySettings
} from "@miyabi/account-factory"
import { Customer, CustomerId, decodeInput, InvalidInput, Money, NotFound, type TenancyModel } from "@miyabi/types"
import { Effect, Layer, Option } from "effect"
import { withOutput } from "../../CommandContext.js"
import type { GlobalFlags } from "../../Global.js"
import { Output, type OutputShape } from "../../Output.js"
import { renderTable } from "../../render/Table.js"
import { tenancyLive, vendOptionsFromEnv } from "../org/OrgContext.js"
import { renderTenancySummary, summarizeTenancy } from "./TenancySummary.js"
import type { adviseConfig, historyConfig, listConfig, offboardConfig, placeConfig } from "./TenantsCommand.js"
import { tenantsStore, type TenantsStore } from "./TenantsStore.js"

const MODELS = { pool: "Pool", silo: "Silo", bridge: "Bridge" } as const satisfies Record<string, TenancyModel>

const settingsFor = (spec: Option.Option<string>): Effect.Effect<TenancySettings, InvalidInput | SpecError> =>
  Option.match(spec, { onNone: () => Effect.succeed(defaultTenancySettings), onSome: (file) => Effect.map(loadSpec(file), (loaded) => settingsFromSpec(loaded.tenancy)) })

/** The store's own error as an InvalidInput (TenancyStoreError is not a name the CLI's types can carry). */
const storeErrors = <A, E, R>(effect: Effect.Effect<A, E | TenancyStore.TenancyStoreError, R>): Effect.Effect<A, Exclude<E, TenancyStore.TenancyStoreError> | InvalidInput, R> =>
  Effect.catchIf(
    effect,
    (error): error is TenancyStore.TenancyStoreError => error instanceof TenancyStore.TenancyStoreError,
    (error) => Effect.fail(new InvalidInput({ source: `tenancy store ${error.location}`, reason: `${error.reason}: ${error.detail}` }))
  ) as Effect.Effect<A, Exclude<E, TenancyStore.TenancyStoreError> | InvalidInput, R>

const customerId = (raw: string) => decodeInput(CustomerId, "CUSTOMER")(raw.trim())

/** A tenants command: `body` runs with the output and the tenancy store that the flags name. */
const tenantsHandler = <A, E, R>(flags: GlobalFlags, body: (output: OutputShape, store: TenantsStore) => Effect.Effect<A, E, R>) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const store = yield* tenantsStore(flags)
      return yield* body(output, store)
    })
  )

/** Runs `use` on the tenancy store, its errors as InvalidInput. */
const useStore = <A, E>(store: TenantsStore, use: (tenancy: TenancyStore.TenancyStoreShape) => Effect.Effect<A, E | TenancyStore.TenancyStoreError>) =>
  storeErrors(Effect.flatMap(TenancyStore.TenancyStore, use)).pipe(Effect.provide(store.layer))

/** Runs `effect` against the organization (the AWS the environment points at) and the tenancy store, the store's errors as InvalidInput. */
const inOrganization = <A, E, R>(store: TenantsStore, effect: Effect.Effect<A, E | TenancyStore.TenancyStoreError, R>) =>
  storeErrors(effect).pipe(Effect.provide(Layer.merge(tenancyLive, store.layer)))

/** The JSON document with --json, the text otherwise. */
const render = (output: OutputShape, json: () => unknown, text: () => string) => (output.json ? output.printJson(json()) : output.print(text()))

const timestamp = (date: Date) => date.toISOString().slice(0, 19).replace("T", " ")

export const place = (flags: Command.Command.ParseConfig<typeof placeConfig>) =>
  tenantsHandler(flags, (output, store) =>
    Effect.gen(function* () {
      const settings = yield* settingsFor(flags.spec)
      const model = MODELS[flags.model]
      const monthlyCost = yield* Option.match(flags.monthlyCost, {
        onNone: () => Effect.succeed(undefined),
        onSome: (text) => {
          const parsed = Money.fromDecimalString(text.trim())
          return parsed === undefined || parsed < 0 ? Effect.fail(new InvalidInput({ source: "--monthly-cost", reason: `${JSON.stringify(text)} is not an amount in USD like 1200.50` })) : Effect.succeed(parsed)
        }
      })
      const customers = yield* Effect.forEach(flags.customers, (raw) =>
        Effect.map(customerId(raw), (id) => new Customer({ id, name: raw.trim(), model, ...(monthlyCost === undefined ? {} : { monthlyCost }) }))
      )
      const vend = yield* vendOptionsFromEnv((name, stage, detail) => output.progress(`vending ${name}: ${stage}${detail === "" ? "" : ` ${detail}`}`))
      const program = Effect.gen(function* () {
        const result = yield* placeTenants(customers, settings, { vend })
        const state = yield* (yield* TenancyStore.TenancyStore).load()
        return { result, state }
      })
      const { result, state } = yield* inOrganization(store, program)
      yield* output.progress("")
      const vended = result.plan.actions.flatMap((action) => (action._tag === "VendPoolAccount" || action._tag === "VendSiloAccount" ? [action.name] : []))
      const summary = summarizeTenancy(state)
      const placedNow = state.placements.filter((p) => result.placed.includes(p.customerId))
      yield* render(
        output,
        () => ({
          store: store.location,
          placed: placedNow.map((p) => ({ customerId: p.customerId, model: p.model, accountId: p.accountId })),
          alreadyPlaced: result.plan.alreadyPlaced,
          unplaced: result.unplaced.map((u) => ({ customerId: u.customerId, reason: u.error.reason, error: u.error.message })),
          vended,
          bridge: {
            provisioned: result.bridgeProvisioned.map((p) => ({ customerId: p.resource.customerId, accountId: p.resource.accountId, table: p.resource.name, arn: p.arn, created: p.created, tags: p.resource.tags })),
            pending: result.bridgePending.map((p) => ({ customerId: p.resource.customerId, resource: describeBridgeResource(p.resource), reason: p.reason }))
          },
          summary
        }),
        () =>
          [
            `Placed ${result.placed.length} customer(s)${vended.length > 0 ? `; vended ${vended.join(", ")}` : ""}${result.plan.alreadyPlaced.length > 0 ? `; ${result.plan.alreadyPlaced.length} already placed` : ""}.`,
            ...(placedNow.length > 0 && placedNow.length <= 20 ? ["", renderTable(["CUSTOMER", "MODEL", "ACCOUNT"], placedNow.map((p) => [p.customerId, p.model, p.accountId]))] : []),
            ...result.unplaced.map((u) => `not placed: ${u.customerId}: ${u.error.message}`),
            ...result.bridgeProvisioned.map((p) => `bridge ${p.resource.customerId}: ${p.created ? "created" : "found"} ${describeBridgeResource(p.resource)}`),
            ...result.bridgePending.map((p) => `bridge ${p.resource.customerId}: NOT provisioned: ${describeBridgeResource(p.resource)}: ${p.reason} (place the customer again to retry)`),
            "",
            renderTenancySummary(summary),
            "",
            `placements recorded in ${store.location}`
          ].join("\n")
      )
      if (result.unplaced.length > 0) {
        return yield* new TenancyError({ reason: "Organizations", detail: `${result.unplaced.length} customer(s) could not be placed; run the same command again to retry` })
      }
      if (result.bridgePending.length > 0) {
        return yield* new TenancyError({ reason: "BridgeResources", detail: `${result.bridgePending.length} bridge customer resource(s) were not provisioned; run the same command again to retry` })
      }
    })
  )

export const list = (flags: Command.Command.ParseConfig<typeof listConfig>) =>
  tenantsHandler(flags, (output, store) =>
    Effect.gen(function* () {
      const state = yield* useStore(store, (tenancy) => tenancy.load())
      const summary = summarizeTenancy(state)
      const rows = () => [...state.placements].sort((a, b) => a.customerId.localeCompare(b.customerId)).map((p) => [p.customerId, p.model, p.accountId, timestamp(p.since)])
      yield* render(
        output,
        () => ({
          store: store.location,
          placements: state.placements.map((p) => ({ customerId: p.customerId, model: p.model, accountId: p.accountId, since: p.since.toISOString(), history: p.history.length })),
          summary
        }),
        () =>
          [
            state.placements.length === 0 ? "No customers placed yet (miyabi tenants place CUSTOMER)." : renderTable(["CUSTOMER", "MODEL", "ACCOUNT", "SINCE"], rows(), { colour: output.colour }),
            "",
            renderTenancySummary(summary)
          ].join("\n")
      )
    })
  )

export const advise = (flags: Command.Command.ParseConfig<typeof adviseConfig>) =>
  tenantsHandler(flags, (output, store) =>
    Effect.gen(function* () {
      const settings = yield* settingsFor(flags.spec)
      const state = yield* useStore(store, (tenancy) => tenancy.load())
      const only = yield* Option.match(flags.customer, { onNone: () => Effect.succeed(undefined), onSome: customerId })
      if (only !== undefined && !state.customers.some((c) => c.id === only)) return yield* new NotFound({ entity: "placed customer", id: only })
      const report = adviseTenancy({ customers: state.customers, placements: state.placements, pools: state.pools, settings })
      const shown = report.customers.filter((a) => only === undefined || a.customerId === only)
      yield* render(
        output,
        () => ({
          customers: shown.map((a) => ({ ...a, monthlyCostUsd: Money.toUsd(a.monthlyCost), modelCostsUsd: { Silo: Money.toUsd(a.modelCosts.Silo), Pool: Money.toUsd(a.modelCosts.Pool), Bridge: Money.toUsd(a.modelCosts.Bridge) } })),
          totals: report.totals,
          moveToSilo: report.moveToSilo
        }),
        () =>
          [
            renderTable(
              ["CUSTOMER", "MODEL", "COST/MONTH", "SOURCE", "AS POOL", "AS SILO", "AS BRIDGE", "ADVICE"],
              shown.map((a) => [a.customerId, a.model, Money.format(a.monthlyCost), a.costSource, Money.format(a.modelCosts.Pool), Money.format(a.modelCosts.Silo), Money.format(a.modelCosts.Bridge), a.recommendation === "MoveToSilo" ? "move to silo" : "stay"]),
              { colour: output.colour }
            ),
            "",
            `Monthly totals: pool ${Money.format(report.totals.Pool)} (fixed costs included), silo ${Money.format(report.totals.Silo)}, bridge ${Money.format(report.totals.Bridge)}`,
            report.moveToSilo.length === 0 ? "No customer is above the silo threshold." : `Advised to move to a silo: ${report.moveToSilo.join(", ")}`
          ].join("\n")
      )
    })
  )

export const offboard = (flags: Command.Command.ParseConfig<typeof offboardConfig>) =>
  tenantsHandler(flags, (output, store) =>
    Effect.gen(function* () {
      const settings = yield* settingsFor(flags.spec)
      const id = yield* customerId(flags.customer)
      // The customer's resources are found by its tenant tag (CostCenter) in its account, in settings.regions.
      const report = yield* inOrganization(store, offboardTenantByTag(id, settings, new Date()))
      yield* render(output, () => ({ ...report, store: store.location }), () => renderOffboarding(report))
    })
  )

export const history = (flags: Command.Command.ParseConfig<typeof historyConfig>) =>
  tenantsHandler(flags, (output, store) =>
    Effect.gen(function* () {
      const id = yield* customerId(flags.customer)
      const events = yield* useStore(store, (tenancy) => tenancy.history(id))
      if (events.length === 0) return yield* new NotFound({ entity: "customer with placement history", id })
      yield* render(
        output,
        () => ({
          store: store.location,
          customerId: id,
          events: events.map((e) => ({ kind: e.kind, at: e.at.toISOString(), actor: e.actor, model: e.model, accountId: e.accountId, ...(e.from === undefined ? {} : { from: e.from }) }))
        }),
        () =>
          renderTable(
            ["WHEN", "WHAT", "MODEL", "ACCOUNT", "FROM", "WHO"],
            events.map((e) => [timestamp(e.at), e.kind, e.model, e.accountId, e.from === undefined ? "" : `${e.from.model} ${e.from.accountId}`, e.actor]),
            { colour: output.colour }
          )
      )
    })
  )
