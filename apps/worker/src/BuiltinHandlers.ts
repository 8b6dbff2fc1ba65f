/**
 * The task kinds this worker runs. A capability that adds a built-in kind
 * appends its handler here. Handlers that call AWS get the worker's AWS
 * runtime (`aws`, see WorkerAwsRuntime.ts), built for each task they run.
 */
import { ACCOUNT_VEND_TASK_KIND, AccountVendPayload, OrganizationsSdk, runAccountVendTask } from "@miyabi/account-factory"
import { Cycle, type Deployment, PricingCatalog } from "@miyabi/aws-agent"
import type { AwsClients, AwsRuntime } from "@miyabi/aws-runtime"
import { CostExplorer, CostReportTask, CurFiles } from "@miyabi/cost"
import { Echo, type Handler, HandlerRegistry, TaskFailure } from "@miyabi/queue"
import { TaskKind } from "@miyabi/types"
import { ConfigError, Effect, Layer } from "effect"

export type AwsLayer = Layer.Layer<AwsRuntime.AwsRuntimeServices, ConfigError.ConfigError>

const PERMANENT_VEND_FAILURES: ReadonlyArray<string> = ["EmailAlreadyExists", "AccountLimitExceeded", "InvalidAddress", "InvalidEmail", "PaymentInstrument", "BusinessValidation"]

/** `account-vend` (@miyabi/account-factory); a retried vend resumes instead of creating twice. */
const accountVendHandler = (aws: AwsLayer) =>
  HandlerRegistry.handler({
    kind: TaskKind.make(ACCOUNT_VEND_TASK_KIND),
    payload: AccountVendPayload,
    timeout: "30 minutes",
    run: (payload) =>
      runAccountVendTask(payload).pipe(
        Effect.provide(OrganizationsSdk.layer.pipe(Layer.provide(aws))),
        Effect.mapError((error) =>
          new TaskFailure({
            reason: ConfigError.isConfigError(error) || error._tag === "InvalidInput" || PERMANENT_VEND_FAILURES.includes(error.reason) ? "Permanent" : "Transient",
            message: ConfigError.isConfigError(error) ? `AWS settings: ${String(error)}` : error.message
          })
        )
      )
  })

/** `cost-report` (@miyabi/cost): a month from CUR files (DuckDB) or Cost Explorer, reports written to the payload's outputDir. */
const costReportHandler = (aws: AwsLayer) =>
  HandlerRegistry.handler({
    kind: TaskKind.make(CostReportTask.kind),
    payload: CostReportTask.Payload,
    timeout: "30 minutes",
    run: (payload) =>
      CostReportTask.run(payload).pipe(
        Effect.provide(Layer.merge(CurFiles.layerWithDuckDb({ config: { threads: "1" } }), CostExplorer.layer.pipe(Layer.provide(aws)))),
        Effect.mapError((error) =>
          ConfigError.isConfigError(error)
            ? new TaskFailure({ reason: "Permanent", message: `AWS settings: ${String(error)}` })
            : new TaskFailure({ reason: CostReportTask.isTransient(error) ? "Transient" : "Permanent", message: error.message })
        )
      )
  })

/** Where `aws-cycle` keeps its cycles and deployment records (WorkerApp builds it from the store setting). */
export type CycleStores = Layer.Layer<Cycle.CycleStore.CycleStore | Deployment.DeploymentStore.DeploymentStore, Cycle.CycleStore.CycleStoreError, AwsClients.AwsClients>

/** `aws-cycle` (@miyabi/aws-agent): one agent cycle θ1..θ6; a retried task resumes its cycle from the store. */
const agentCycleHandler = (aws: AwsLayer, stores: CycleStores) =>
  HandlerRegistry.handler({
    kind: TaskKind.make(Cycle.AgentCycleTask.kind),
    payload: Cycle.AgentCycleTask.Payload,
    timeout: "6 hours",
    run: (payload) =>
      Cycle.AgentCycleTask.run(payload, { catalog: PricingCatalog.shipped }).pipe(
        Effect.provide(Layer.merge(Cycle.AgentCycleTask.awsLayer, stores).pipe(Layer.provideMerge(aws))),
        Effect.mapError((error) =>
          ConfigError.isConfigError(error)
            ? new TaskFailure({ reason: "Permanent", message: `AWS settings: ${String(error)}` })
            : new TaskFailure({ reason: Cycle.AgentCycleTask.isTransient(error) ? "Transient" : "Permanent", message: error.message })
        )
      )
  })

export const builtinHandlers = (aws: AwsLayer, cycleStores: CycleStores): ReadonlyArray<Handler> => [
  Echo.EchoHandler,
  accountVendHandler(aws),
  costReportHandler(aws),
  agentCycleHandler(aws, cycleStores)
]
