/**
 * The `account-vend` task kind for `miyabi worker run`: decodes the payload
 * with @miyabi/account-factory's schema and vends through the AWS the
 * environment configures. Failures the user must fix first (e-mail taken,
 * quota, payment, business validation, bad input) are permanent; the rest
 * are retried, and a retried vend resumes instead of creating twice.
 */
import { ACCOUNT_VEND_TASK_KIND, AccountVendPayload, runAccountVendTask, type VendError } from "@miyabi/account-factory"
import { HandlerRegistry, TaskFailure } from "@miyabi/queue"
import { TaskKind, type InvalidInput } from "@miyabi/types"
import { Effect } from "effect"
import { organizationsLive, vendOptionsFromEnv } from "../org/OrgContext.js"

export const accountVendKind = TaskKind.make(ACCOUNT_VEND_TASK_KIND)

const PERMANENT: ReadonlyArray<VendError["reason"]> = ["EmailAlreadyExists", "AccountLimitExceeded", "InvalidAddress", "InvalidEmail", "PaymentInstrument", "BusinessValidation"]

export const toTaskFailure = (error: VendError | InvalidInput): TaskFailure =>
  new TaskFailure({
    reason: error._tag === "InvalidInput" || PERMANENT.includes(error.reason) ? "Permanent" : "Transient",
    message: error.message
  })

export const AccountVendHandler = HandlerRegistry.handler({
  kind: accountVendKind,
  payload: AccountVendPayload,
  timeout: "30 minutes",
  run: (payload) =>
    vendOptionsFromEnv().pipe(
      Effect.flatMap((options) => runAccountVendTask(payload, options)),
      Effect.provide(organizationsLive),
      Effect.mapError(toTaskFailure)
    )
})
