/**
 * The task handlers this build runs, and the payload check `tasks enqueue`
 * applies for their kinds so that a malformed payload is rejected before it
 * reaches the queue. Unknown kinds are accepted as-is: other services
 * register their own handlers in their own workers.
 *
 * A capability that adds a built-in task kind appends its handler here.
 */
import { Echo, type Handler } from "@miyabi/queue"
import { decodeInput, type InvalidInput } from "@miyabi/types"
import type { Effect } from "effect"
import { AccountVendPayload } from "@miyabi/account-factory"
import { AccountVendHandler, accountVendKind } from "../commands/accounts/AccountVendHandler.js"
import { CostReportHandler, costReportKind, CostReportPayload } from "../commands/cost/CostReportHandler.js"
import { agentCycleHandler, agentCycleKind } from "../commands/cycle/AgentCycleTaskHandler.js"
import type { StoreConfig } from "../StoreConfig.js"
import { Cycle } from "@miyabi/aws-agent"

/** The handlers of a worker whose tasks are in `store` (an `aws-cycle` keeps its phases there too). */
export const builtinHandlers = (store: StoreConfig): ReadonlyArray<Handler> => [Echo.EchoHandler, AccountVendHandler, CostReportHandler, agentCycleHandler(store)]

const payloadChecks: Readonly<Record<string, (payload: unknown, source: string) => Effect.Effect<unknown, InvalidInput>>> = {
  [Echo.kind]: (payload, source) => decodeInput(Echo.EchoPayload, source)(payload),
  [accountVendKind]: (payload, source) => decodeInput(AccountVendPayload, source)(payload),
  [costReportKind]: (payload, source) => decodeInput(CostReportPayload, source)(payload),
  [agentCycleKind]: (payload, source) => decodeInput(Cycle.AgentCycleTask.Payload, source)(payload)
}

/** Checks `payload` against the schema of a built-in kind; other kinds pass unchecked. */
export const checkPayload = (kind: string, payload: unknown, source: string): Effect.Effect<unknown, InvalidInput> | undefined =>
  payloadChecks[kind]?.(payload, source)
