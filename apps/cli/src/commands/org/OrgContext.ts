/**
 * What the org, accounts and tenants commands share: the live organization
 * through @miyabi/account-factory's SDK adapter on `AwsRuntime.layerConfig`
 * (the environment's credentials, region and AWS_ENDPOINT_URL, so a running
 * `miyabi sandbox up` serves it), vending schedules, and where the local
 * records (tenancy placements, the org apply journal) live beside --store.
 */
import {
  BridgeResourcesSdk,
  type BridgeProvisioner,
  IdentityCenterSdk,
  type IdentityCenter,
  type Organizations,
  OrganizationsSdk,
  type TenantResources,
  TenantResourcesSdk,
  type VendOptions
} from "@miyabi/account-factory"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { InvalidInput } from "@miyabi/types"
import { ConfigError, Effect, Layer, Option, Schedule } from "effect"
import * as path from "node:path"
import { resolveGlobals, type GlobalFlags } from "../../Global.js"
import { dataDirectory, parseStore, processEnvironment, type StoreConfig } from "../../StoreConfig.js"
import { envSettingsError } from "../../EnvSettings.js"

/**
 * Organizations (and Identity Center, for specs with permission sets) on AWS
 * as the environment configures it; a bad MIYABI_AWS_* setting is one InvalidInput.
 */
export const organizationsLive: Layer.Layer<Organizations | IdentityCenter, InvalidInput> = Layer.merge(OrganizationsSdk.layer, IdentityCenterSdk.layer()).pipe(
  Layer.provide(AwsRuntime.layerConfig()),
  Layer.catchAll((error) =>
    Layer.fail(ConfigError.isConfigError(error) ? envSettingsError(error) : error)
  )
)

/**
 * Organizations, the provisioner of bridge customers' dedicated tables
 * (DynamoDB in the bridge account) and the tenant-tag resource finder
 * (Resource Groups Tagging API in the customer's account), on one AWS runtime.
 */
export const tenancyLive: Layer.Layer<Organizations | IdentityCenter | BridgeProvisioner | TenantResources, InvalidInput> = Layer.mergeAll(
  OrganizationsSdk.layer,
  IdentityCenterSdk.layer(),
  BridgeResourcesSdk.layer,
  TenantResourcesSdk.layer
).pipe(
  Layer.provide(AwsRuntime.layerConfig()),
  Layer.catchAll((error) =>
    Layer.fail(ConfigError.isConfigError(error) ? envSettingsError(error) : error)
  )
)

/**
 * How often vending looks at a creation request and probes a new account's
 * role. AWS: the library's defaults (status reads from 250 ms, 1.2x each
 * time, at most 10 s apart; role probes every 5 s).
 * MIYABI_VEND_POLL_MS sets a fixed interval instead (a sandbox creates
 * accounts in milliseconds).
 */
export const vendOptionsFromEnv = (onProgress?: VendOptions["onProgress"]): Effect.Effect<VendOptions, InvalidInput> =>
  Effect.suspend(() => {
    const raw = process.env["MIYABI_VEND_POLL_MS"]
    const base: VendOptions = onProgress === undefined ? {} : { onProgress }
    if (raw === undefined || raw.trim() === "") return Effect.succeed(base)
    const ms = Number(raw)
    if (!Number.isInteger(ms) || ms < 1 || ms > 60_000) {
      return Effect.fail(new InvalidInput({ source: "env MIYABI_VEND_POLL_MS", reason: `must be an integer number of milliseconds between 1 and 60000, got ${JSON.stringify(raw)}` }))
    }
    return Effect.succeed({ ...base, pollSchedule: Schedule.spaced(`${ms} millis`), roleSchedule: Schedule.spaced(`${ms} millis`) })
  })

/**
 * A file beside the --store SQLite file: `<dir>/<store name>.<suffix>`
 * (miyabi.db -> miyabi.tenancy.json). With an aws: store, the user's data
 * directory holds it.
 */
export const besideStoreConfig = (store: StoreConfig, suffix: string): string => {
  if (store._tag === "Aws") return path.join(dataDirectory(processEnvironment()), `miyabi.${suffix}`)
  const parsed = path.parse(store.path)
  return path.join(parsed.dir, `${parsed.name}.${suffix}`)
}

/** `besideStoreConfig` of the store the flags (or MIYABI_STORE, or the default store) name. */
export const besideStore = (flags: GlobalFlags, suffix: string) =>
  Effect.gen(function* () {
    const globals = yield* resolveGlobals(flags)
    return besideStoreConfig(yield* parseStore(globals.store, { source: "--store" }), suffix)
  })

/** `--tag K=V` values as a tag map; a malformed one is an InvalidInput naming it. */
export const parseTags = (values: ReadonlyArray<string>): Effect.Effect<Record<string, string>, InvalidInput> =>
  Effect.forEach(values, (value) => {
    const at = value.indexOf("=")
    return at <= 0
      ? Effect.fail(new InvalidInput({ source: "--tag", reason: `${JSON.stringify(value)} is not KEY=VALUE` }))
      : Effect.succeed([value.slice(0, at).trim(), value.slice(at + 1).trim()] as const)
  }).pipe(Effect.map((entries) => Object.fromEntries(entries)))

export const optionalText = (value: Option.Option<string>): string | undefined => Option.getOrUndefined(value)
