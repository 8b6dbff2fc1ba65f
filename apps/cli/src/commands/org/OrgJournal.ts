/**
 * Where `miyabi org apply` journals its progress: the platform's state store
 * that --store names. A SQLite store keeps it in the same file as the queue
 * (tables org_apply_runs and org_apply_steps); an aws: store in the queue's
 * DynamoDB table (items PK = ORGAPPLY#<spec>), whose name comes from the same
 * settings the queue reads (table=, prefix=, MIYABI_TASK_TABLE,
 * MIYABI_QUEUE_PREFIX). The table must exist (the CDK app, or a queue
 * command on an `aws:...,provision` store, creates it).
 */
import { ApplyJournalDynamo, ApplyJournalSqlite, type ApplyJournalError, type ApplyJournalStore } from "@miyabi/account-factory"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { AwsQueueResources, QueueStore } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { ConfigError, Effect, Either, Layer } from "effect"
import { resolveGlobals, type GlobalFlags } from "../../Global.js"
import { parseStore } from "../../StoreConfig.js"
import { envSettingsError } from "../../EnvSettings.js"

export interface OrgJournal {
  /** "sqlite:/path/miyabi.db" or "dynamodb:<table>", for messages and --json. */
  readonly location: string
  readonly layer: Layer.Layer<ApplyJournalStore, ApplyJournalError | InvalidInput>
}

const invalid = (reason: string) => new InvalidInput({ source: "--store", reason })

/** The journal of the store the flags (or MIYABI_STORE, or the default store) name. */
export const orgJournal = (flags: GlobalFlags) =>
  Effect.gen(function* () {
    const globals = yield* resolveGlobals(flags)
    const store = yield* parseStore(globals.store, { source: "--store" })
    if (store._tag === "Sqlite") {
      const sqlite: OrgJournal = { location: `sqlite:${store.path}`, layer: ApplyJournalSqlite.layer(store.path) }
      return sqlite
    }
    const settings = yield* Either.match(QueueStore.parseAwsSettings(store.spec), { onLeft: (reason) => Effect.fail(invalid(reason)), onRight: Effect.succeed })
    const full = yield* Effect.mapError(QueueStore.awsSettingsConfig(settings), (error) => invalid(`aws: ${String(error)}`))
    const table = full.tableName !== undefined && full.tableName !== "" ? full.tableName : AwsQueueResources.namesFor(full.prefix ?? "miyabi").tableName
    const layer = ApplyJournalDynamo.layer(table).pipe(
      Layer.provide(AwsRuntime.layerConfig()),
      Layer.catchAll((error) => Layer.fail(ConfigError.isConfigError(error) ? envSettingsError(error) : error))
    )
    const dynamo: OrgJournal = { location: `dynamodb:${table}`, layer }
    return dynamo
  })
