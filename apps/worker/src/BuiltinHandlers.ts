/**
 * The task kinds this worker runs. Each domain package defines its kinds
 * (payload, timeout, which failures are transient); this file only says
 * where their services come from. A capability that adds a built-in kind
 * appends its definition here. Handlers that call AWS get the worker's AWS
 * runtime (`aws`, see WorkerAwsRuntime.ts), built for each task they run.
 */
import { accountVendTask, OrganizationsSdk } from "@miyabi/account-factory"
import { Cycle, type Deployment } from "@miyabi/aws-agent"
import type { AwsClients, AwsRuntime } from "@miyabi/aws-runtime"
import { CostReportTask } from "@miyabi/cost"
import { DefinitionHandler, Echo, type Handler } from "@miyabi/queue"
import { type ConfigError, Layer } from "effect"

export type AwsLayer = Layer.Layer<AwsRuntime.AwsRuntimeServices, ConfigError.ConfigError>

/** Where `aws-cycle` keeps its cycles and deployment records (WorkerApp builds it from the store setting). */
export type CycleStores = Layer.Layer<Cycle.CycleStore.CycleStore | Deployment.DeploymentStore.DeploymentStore, Cycle.CycleStore.CycleStoreError, AwsClients.AwsClients>

export const builtinHandlers = (aws: AwsLayer, cycleStores: CycleStores): ReadonlyArray<Handler> => [
  Echo.EchoHandler,
  DefinitionHandler.make(accountVendTask, OrganizationsSdk.layer.pipe(Layer.provide(aws))),
  DefinitionHandler.make(CostReportTask.definition, CostReportTask.layer.pipe(Layer.provide(aws))),
  DefinitionHandler.make(Cycle.AgentCycleTask.definition, Layer.merge(Cycle.AgentCycleTask.awsLayer, cycleStores).pipe(Layer.provideMerge(aws)))
]
