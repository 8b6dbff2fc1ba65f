/**
 * What `miyabi accounts create|list|status` do; loaded on first use (see AccountsCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import { Organizations, runAccountVendTask, type CreateAccountStatus } from "@miyabi/account-factory"
import { AccountEmail, AccountName, decodeInput, NotFound } from "@miyabi/types"
import { Effect } from "effect"
import { withOutput } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import { organizationsLive, parseTags, vendOptionsFromEnv } from "../org/OrgContext.js"
import type { createOptions, listOptions, statusConfig } from "./AccountsCommand.js"

const tagText = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(", ")

const statusJson = (status: CreateAccountStatus) => ({
  requestId: status.requestId,
  accountName: status.accountName,
  state: status.state,
  accountId: status.accountId,
  failureReason: status.failureReason,
  requestedAt: status.requestedAt?.toISOString()
})

export const create = (flags: Command.Command.ParseConfig<typeof createOptions>) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      // Checked here to name the flag; the vend task would say "account-vend payload, field email".
      const name = yield* decodeInput(AccountName, "--name")(flags.name)
      const email = yield* decodeInput(AccountEmail, "--email")(flags.email)
      const tags = yield* parseTags(flags.tag)
      const options = yield* vendOptionsFromEnv((name, stage, detail) => output.progress(`${name}: ${stage}${detail === "" ? "" : ` ${detail}`}`))
      const vended = yield* runAccountVendTask({ name, email, ouPath: flags.ou, tags }, options)
      yield* output.progress("")
      if (output.json) {
        yield* output.printJson({ accountId: vended.accountId, name: vended.name, email: vended.email, parentId: vended.parentId, ou: flags.ou, tags, resumed: vended.resumed })
      } else {
        yield* output.print(
          renderFields([
            ["account", vended.accountId],
            ["name", vended.name],
            ["email", vended.email],
            ["ou", `${flags.ou} (${vended.parentId})`],
            ["tags", tagText(tags) || undefined],
            ["result", vended.resumed ? "already existed (an earlier run created it)" : "created"]
          ])
        )
      }
    }).pipe(Effect.provide(organizationsLive))
  )

export const list = (flags: Command.Command.ParseConfig<typeof listOptions>) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const orgs = yield* Organizations
      const organization = yield* orgs.snapshot()
      const running = yield* orgs.listCreateAccountStatus("IN_PROGRESS")
      const ouNames = new Map<string, string>([[organization.rootId, "Root"], ...organization.organizationalUnits.map((ou) => [ou.id as string, ou.name] as const)])
      const accounts = [...organization.accounts].sort((a, b) => a.name.localeCompare(b.name))
      if (output.json) {
        yield* output.printJson({
          accounts: accounts.map((a) => ({ id: a.id, name: a.name, email: a.email, status: a.status, parentId: a.parentId, ou: ouNames.get(a.parentId), tags: a.tags })),
          inProgress: running.map(statusJson)
        })
        return
      }
      const table = renderTable(
        ["ID", "NAME", "EMAIL", "STATUS", "OU", "TAGS"],
        accounts.map((a) => [a.id, a.name, a.email, a.status, ouNames.get(a.parentId) ?? a.parentId, tagText(a.tags) || undefined]),
        { colour: output.colour }
      )
      const pending = running.length === 0 ? [] : ["", `${running.length} creation(s) in progress:`, ...running.map((s) => `  ${s.requestId}  ${s.accountName}`)]
      yield* output.print([table, "", `${accounts.length} account(s)`, ...pending].join("\n"))
    }).pipe(Effect.provide(organizationsLive))
  )

export const status = (flags: Command.Command.ParseConfig<typeof statusConfig>) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const orgs = yield* Organizations
      const id = flags.id.trim()
      if (/^\d{12}$/.test(id)) {
        const account = (yield* orgs.listAccounts()).find((a) => a.id === id)
        if (account === undefined) {
          return yield* new NotFound({ entity: "account in the organization", id })
        }
        if (output.json) yield* output.printJson({ kind: "account", id: account.id, name: account.name, email: account.email, status: account.status, parentId: account.parentId, tags: account.tags })
        else yield* output.print(renderFields([["account", account.id], ["name", account.name], ["email", account.email], ["status", account.status], ["parent", account.parentId], ["tags", tagText(account.tags) || undefined]]))
        return
      }
      const request = yield* orgs.describeCreateAccountStatus(id).pipe(
        Effect.catchIf(
          (error) => error.reason === "NotFound" || error.reason === "InvalidInput",
          () => Effect.fail(new NotFound({ entity: "account id or account creation request", id }))
        )
      )
      if (output.json) yield* output.printJson({ kind: "request", ...statusJson(request) })
      else
        yield* output.print(
          renderFields([
            ["request", request.requestId],
            ["account name", request.accountName],
            ["state", request.state],
            ["account", request.accountId],
            ["failure", request.failureReason],
            ["requested", request.requestedAt?.toISOString()]
          ])
        )
    }).pipe(Effect.provide(organizationsLive))
  )
