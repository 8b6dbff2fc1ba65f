/**
 * The `account-vend` task kind: what the worker runs when a vend is queued.
 * The payload names the OU by path, as the spec does; the handler resolves
 * it and vends (idempotently, so a retried task ends with one account).
 * `accountVendTask` is the kind's definition the apps turn into a handler.
 */
import { AccountEmail, AccountName, AwsTags, decodeInput, defineTask, type InvalidInput, TaskKind } from "@miyabi/types"
import { Context, Effect, Schema } from "effect"
import { Organizations } from "../org/Organizations.js"
import { vendAccount, VendError, type VendedAccount, type VendFailureReason, type VendOptions } from "./AccountVending.js"

export const ACCOUNT_VEND_TASK_KIND = "account-vend"

export const AccountVendPayload = Schema.Struct({
  name: AccountName,
  email: AccountEmail,
  /** "Workloads/Pools", or "Root". */
  ouPath: Schema.String.pipe(Schema.minLength(1)),
  tags: Schema.optionalWith(AwsTags, { default: () => ({}) })
})
export type AccountVendPayload = typeof AccountVendPayload.Type

/** Runs one `account-vend` task payload. */
export const runAccountVendTask = (payload: unknown, options: VendOptions = {}): Effect.Effect<VendedAccount, VendError | InvalidInput, Organizations> =>
  Effect.gen(function* () {
    const request = yield* decodeInput(AccountVendPayload, `${ACCOUNT_VEND_TASK_KIND} payload`)(payload)
    const orgs = yield* Organizations
    const org = yield* orgs.snapshot().pipe(
      Effect.mapError((error) => new VendError({ reason: "Organizations", accountName: request.name, email: request.email, detail: error.message, action: "check the platform's access to AWS Organizations" }))
    )
    const parts = request.ouPath === "Root" ? [] : request.ouPath.split("/").map((part) => part.trim()).filter((part) => part !== "")
    let parentId = org.rootId
    for (const part of parts) {
      const ou = org.organizationalUnits.find((candidate) => candidate.parentId === parentId && candidate.name === part)
      if (ou === undefined) {
        return yield* Effect.fail(new VendError({ reason: "Organizations", accountName: request.name, email: request.email, detail: `OU ${request.ouPath} does not exist`, action: "apply the org spec that declares it first (miyabi org apply)" }))
      }
      parentId = ou.id
    }
    return yield* vendAccount({ name: request.name, email: request.email, parentId, tags: request.tags }, options)
  }).pipe(Effect.withSpan("AccountVendTask.run"))

/**
 * How a queued vend polls and probes; the library's defaults unless an app
 * provides other options (the CLI's MIYABI_VEND_POLL_MS, for a sandbox that
 * creates accounts in milliseconds).
 */
export class AccountVendTaskOptions extends Context.Reference<AccountVendTaskOptions>()("@miyabi/account-factory/AccountVendTaskOptions", {
  defaultValue: (): VendOptions => ({})
}) {}

/** Failures the user must fix before a vend can succeed; retrying them would only fail again. */
const PERMANENT_VEND_FAILURES: ReadonlyArray<VendFailureReason> = ["EmailAlreadyExists", "AccountLimitExceeded", "InvalidAddress", "InvalidEmail", "PaymentInstrument", "BusinessValidation"]

/** `account-vend`: at most 30 minutes (creation may take 20, IAM 5 more to settle); a retried vend resumes instead of creating twice. */
export const accountVendTask = defineTask({
  kind: TaskKind.make(ACCOUNT_VEND_TASK_KIND),
  payload: AccountVendPayload,
  timeout: "30 minutes",
  run: (payload: AccountVendPayload) => Effect.flatMap(AccountVendTaskOptions, (options) => runAccountVendTask(payload, options)),
  isTransient: (error: VendError | InvalidInput) => error._tag === "VendError" && !PERMANENT_VEND_FAILURES.includes(error.reason)
})
