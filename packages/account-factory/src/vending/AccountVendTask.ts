/**
 * The `account-vend` task kind: what the worker runs when a vend is queued.
 * The payload names the OU by path, as the spec does; the handler resolves
 * it and vends (idempotently, so a retried task ends with one account).
 */
import { AccountEmail, AccountName, AwsTags, decodeInput, type InvalidInput } from "@miyabi/types"
import { Effect, Schema } from "effect"
import { Organizations } from "../org/Organizations.js"
import { vendAccount, VendError, type VendedAccount, type VendOptions } from "./AccountVending.js"

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
